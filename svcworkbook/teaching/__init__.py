"""The tutor's and assessor's side, and the machinery that runs notebooks.

Lives here: learner and tutor editions (``editions``), class packs (``classpack``, kept safe by
``pack_safety``: one run at a time, edited data kept, a clean stop), running a unit with checked
parameters and exporting HTML (``runner``), skipping the sections whose data is absent
(``sections``), the throttled papermill engine (``papermill_engine``), warm kernels
(``kernel_pool``), the notebook's session (``session``: ``start_unit`` loads the data and records
headline results), the static site (``site``, its front page ``site_index``, quizzes that work
without a kernel ``site_quiz``, PDF pages ``site_pdf``), marking returned work (``submissions``
places it, ``marking`` re-executes and judges it with ``marking_probe`` inside the kernel,
``marking_pages`` writes the feedback and class overview) and the ``svcworkbook`` command
(``cli``).

May import: every other room. Nothing imports it except the notebooks (``start_unit``).
"""
