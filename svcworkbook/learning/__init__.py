"""The learner's side: quiz, flashcards, exercise checks, progress, the evidence log, saved state.

Lives here: the quiz (``quiz``) and its JupyterLab widget (``quiz_widget``), flashcards and the
Anki export (``flashcards``), FSRS scheduling toward an exam date (``scheduling``), the
checks behind each "Your turn" (``exercises``) and of the reason a learner gives for a choice
(``reasons``), worked-answer cells that run in the tutor edition only (``solutions``: the
``%%solution`` magic), progress and the revision summary (``progress``), the portfolio evidence
log (``portfolio``) and atomic, locked saving (``storage``).

May import: ``svcworkbook.errors``, ``svcworkbook.display``, ``svcworkbook.content`` and
``svcworkbook.data`` (the evidence log exports through the spreadsheet-safe writer). Never the
units or teaching rooms.
"""
