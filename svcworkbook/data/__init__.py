"""The eight datasets: the recording systems a customer service team keeps.

Lives here: seeded generators with scenarios (the ``generators`` package: scenarios and the plan,
one module per dataset family, sample writing), the column contracts
(``schemas``), reading CSV/Excel exports with a mapping and clear ``DataError`` messages
(``loading``), the bundled samples (``samples``), personal data (``privacy``: pseudonymise,
redact) and class rosters (``roster``).

May import: ``svcworkbook.errors``, ``svcworkbook.display`` and ``svcworkbook.analysis``
(the generators use Erlang C to staff realistic demand). Nothing above it.
"""
