"""The five units as data: load them, show them in notebooks, check them against the syllabus.

    from svcworkbook import units
    unit = units.load_unit(1)          # or "01", or "service_environment"
    units.show_concepts(unit)

Content lives in ``svcworkbook/units/NN_slug.yaml``, one file per unit, validated against the
models in ``svcworkbook.units.models``; a malformed file raises ``ContentError`` naming the file,
the field path and the line.
"""

from svcworkbook.units.coverage import (
    Syllabus,
    question_bank_gaps,
    read_syllabus,
    syllabus_gaps,
)
from svcworkbook.units.loader import UNITS_DIR, all_units, load_unit, load_unit_file, unit_files
from svcworkbook.units.models import (
    Concept,
    MarkingPoint,
    Misconception,
    Question,
    Tip,
    Unit,
)
from svcworkbook.units.render import (
    show_concepts,
    show_marking_points,
    show_misconceptions,
    show_tips,
    show_unit_header,
    units_table,
)

__all__ = [
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
