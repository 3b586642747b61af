"""Measures that do not depend on any one unit: KPIs, staffing, statistics, SERVQUAL.

Lives here: every KPI and the KPI table (``kpi``; the formulas written out in ``kpi_operations``
and ``kpi_customers``, the private table engine in ``_kpi_table``), Erlang C staffing
(``staffing``), before/after comparisons, control charts, trends and Pareto (``stats``), and
SERVQUAL gap scores (``servqual``).

May import: ``svcworkbook.errors`` only. Everything else in the workbook builds on this room.
"""
