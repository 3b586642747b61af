"""What a reader sees: plain-English sentences, charts, chart style and tables for people.

Lives here: sentences written from results (``narrative``), seaborn charts that take tidy data,
return the Axes and carry a text description written from the data (``plots``; the description
is read off the drawn chart by ``chart_text``, with ``chart_shapes`` for shapes beyond bars and
lines, and shown with the picture by ``figure_alt``), the shared palette and axis formats
(``style``), legends placed off the data (``legends``), point labels that never overlap
(``point_labels``), the layout checks every chart passes
(``chart_checks``) and the contact figures units 2 and 3 record whenever contacts are given
(``contact_figures``).

May import: ``svcworkbook.errors``, ``svcworkbook.display``, ``svcworkbook.content``,
``svcworkbook.analysis`` and ``svcworkbook.data``. Never the units, learning or teaching rooms.
"""
