"""Measures that do not depend on any one unit: KPIs, staffing, statistics, SERVQUAL.

Lives here: the KPI functions with their formulas and the KPI table (``kpi``), Erlang C staffing
(``staffing``), before/after comparisons, control charts, trends and Pareto (``stats``), and
SERVQUAL gap scores (``servqual``).

May import: ``svcworkbook.errors`` only. Everything else in the workbook builds on this room.
"""
