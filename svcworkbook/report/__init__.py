"""What a reader sees: plain-English sentences, charts, chart style and tables for people.

Lives here: sentences written from results (``narrative``), seaborn charts that take tidy data,
return the Axes and carry a text description written from the data (``plots``), the shared
palette and axis formats (``style``), legends placed off the data (``legends``) and the layout
checks every chart passes (``chart_checks``).

May import: ``svcworkbook.errors``, ``svcworkbook.display``, ``svcworkbook.content``,
``svcworkbook.analysis`` and ``svcworkbook.data``. Never the units, learning or teaching rooms.
"""
