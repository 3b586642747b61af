"""The tutor's and assessor's side, and the machinery that runs notebooks.

Lives here: learner and tutor editions (``editions``), class packs (``classpack``), running a
unit with checked parameters and exporting HTML (``runner``), the throttled papermill engine
(``papermill_engine``), warm kernels (``kernel_pool``), the notebook's session (``session``:
``start_unit`` loads the data and records headline results), marking returned work
(``submissions`` places it, ``marking`` re-executes and judges it with ``marking_probe`` inside
the kernel, ``marking_pages`` writes the feedback and class overview) and the ``svcworkbook``
command (``cli``).

May import: every other room. Nothing imports it except the notebooks (``start_unit``).
"""
