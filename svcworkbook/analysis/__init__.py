"""Measures that do not depend on any one unit: KPIs, staffing, statistics, SERVQUAL.

Lives here: every KPI and the KPI table (``kpi``; the formulas written out in ``kpi_operations``
and ``kpi_customers``, the private table engine in ``_kpi_table``), Erlang C staffing
(``staffing``), statistics used from ``stats``: before/after comparisons of separate groups
(``comparisons``) and of the same cases measured twice (``paired``), control charts and run
rules (``control_charts``), trends (``trends``), Pareto (``pareto``) and comment themes
(``themes``); and SERVQUAL gap scores (``servqual``).

May import: ``svcworkbook.errors`` (and ``svcworkbook.display``, the foundation, though nothing
here needs it). Everything else in the workbook builds on this room.
"""
