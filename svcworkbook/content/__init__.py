"""The five units as data: load them, show them in notebooks, check them against the syllabus.

    from svcworkbook import content
    unit = content.load_unit(1)          # or "01", or "service_environment"
    content.show_concepts(unit)

Content lives in ``svcworkbook/content/NN_slug.yaml``, one file per unit, validated against the
models in ``svcworkbook.content.models``; a malformed file raises ``ContentError`` naming the file,
the field path and the line.

Lives here: the models (``models``), loading and validating the files (``loader``), showing
them in a notebook (``render``), the glossary (``glossary``), the syllabus and question-bank
checks (``coverage``) and the give-away cues a fair question bank avoids (``fairness``).

May import: ``svcworkbook.errors`` and ``svcworkbook.display`` only (the bottom layer, with
``analysis``).
"""

from svcworkbook.content.coverage import (
    Syllabus,
    question_bank_gaps,
    read_syllabus,
    syllabus_gaps,
)
from svcworkbook.content.glossary import GLOSSARY_FILE, glossary, load_glossary, show_glossary
from svcworkbook.content.loader import UNITS_DIR, all_units, load_unit, load_unit_file, unit_files
from svcworkbook.content.models import (
    Concept,
    Glossary,
    GlossaryTerm,
    MarkingPoint,
    Misconception,
    Question,
    Tip,
    Unit,
)
from svcworkbook.content.render import (
    show_concepts,
    show_marking_points,
    show_misconceptions,
    show_tips,
    show_unit_header,
    units_table,
)

__all__ = [
    "GLOSSARY_FILE",
    "Glossary",
    "GlossaryTerm",
    "glossary",
    "load_glossary",
    "show_glossary",
    "UNITS_DIR",
    "Concept",
    "MarkingPoint",
    "Misconception",
    "Question",
    "Syllabus",
    "Tip",
    "Unit",
    "all_units",
    "load_unit",
    "load_unit_file",
    "question_bank_gaps",
    "read_syllabus",
    "show_concepts",
    "show_marking_points",
    "show_misconceptions",
    "show_tips",
    "show_unit_header",
    "syllabus_gaps",
    "unit_files",
    "units_table",
]
