"""The eight datasets: the recording systems a customer service team keeps.

Lives here: seeded generators with scenarios (the ``generators`` package: scenarios and the plan,
one module per dataset family, sample writing), the column contracts (``schemas``, and
``pandera_schemas`` built from them only when asked for), reading an export as it arrives
(``reading``: separators, encodings, Excel), a mapping from another system's columns
(``mapping``) and the signs that it sends a column to the wrong meaning (``plausibility``),
converting each kind of column (``values``) and checking the result (``validation``), every
problem of a file gathered into one ``DataError`` (``problems``), loading a folder (``loading``),
YAML read safely (``safe_yaml``), the bundled samples (``samples``) and their parsed copy kept
once per machine (``sample_cache``), personal data (``privacy``: pseudonymise, redact) and class
rosters (``roster``).

May import: ``svcworkbook.errors``, ``svcworkbook.display`` and ``svcworkbook.analysis``
(the generators use Erlang C to staff realistic demand). Nothing above it.
"""
