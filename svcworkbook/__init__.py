"""svcworkbook: a Jupyter workbook for revising a UK work-based customer service qualification.

The notebooks in ``notebooks/`` import only this package's public API. The package is arranged
in rooms by purpose; each room's ``__init__`` says what lives there and what it may import.
Layers import downward only:

- ``errors`` and ``display``: the foundation every room may use (the errors a user sees, and
  output that degrades to plain text without a front end);
- ``content`` (the five units as data) and ``analysis`` (unit-independent measures);
- ``data`` (the eight datasets: generate, validate, load, pseudonymise);
- ``report`` (sentences, charts, tables for people) and ``learning`` (quiz, flashcards,
  exercise checks, progress, portfolio);
- ``units`` (each unit's worked analyses, one package per unit);
- ``teaching`` (editions, class packs, running notebooks, the ``svcworkbook`` command).
"""

from svcworkbook.errors import ContentError, DataError, ParameterError

__version__ = "0.1.0"

__all__ = ["ContentError", "DataError", "ParameterError", "__version__"]
