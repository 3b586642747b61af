"""The glossary: every technical term a learner meets, in plain words (``glossary.yaml``).

    from svcworkbook import content
    content.show_glossary()          # in a notebook (00_start_here renders it)
    content.glossary()               # the validated terms, for the static site

Each term says the unit where it is first used; the text explains it in Level 3 words.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import ValidationError

from svcworkbook.content.models import FieldProblems, Glossary, GlossaryTerm
from svcworkbook.content.render import TEXT_WIDTH, _e, _heading, _section_heading
from svcworkbook.display import Shown
from svcworkbook.errors import ContentError

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.yaml"


@functools.lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int) -> Glossary:
    """The glossary file parsed and validated (cached per file version)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Glossary.model_validate(data)
    except (yaml.YAMLError, ValidationError, FieldProblems) as exc:
        raise ContentError(f"{path.name}: {exc}") from exc


def load_glossary(path: str | Path = GLOSSARY_FILE) -> Glossary:
    """The glossary from its YAML file (ContentError naming the file if it is malformed)."""
    path = Path(path)
    if not path.exists():
        raise ContentError(f"{path}: no glossary file there")
    return _load(path, path.stat().st_mtime_ns)


def glossary() -> list[GlossaryTerm]:
    """Every glossary term in alphabetical order (term, meaning, unit first used)."""
    return list(load_glossary().terms)


def show_glossary(unit: int | None = None) -> Shown:
    """The glossary as a definition list (all terms, or those first met in one unit)."""
    import textwrap

    terms = [t for t in glossary() if unit is None or t.unit == unit]
    title = "Glossary" if unit is None else f"Glossary: terms first met in unit {unit}"
    items = "".join(
        f'<dt style="font-weight:bold;margin-top:.4rem">{_e(t.term)}</dt>'
        f'<dd style="margin:.1rem 0 .3rem 1.2rem">{_e(t.meaning)} '
        f'<span style="font-size:.9em">(unit {t.unit})</span></dd>'
        for t in terms
    )
    html_text = (
        f'<section class="svc-glossary" aria-label="{_e(title)}">{_section_heading(title)}'
        f"<dl>{items}</dl></section>"
    )
    lines = [_heading(title)]
    for t in terms:
        lines.append(t.term)
        lines.append(
            textwrap.fill(
                f"{t.meaning} (unit {t.unit})",
                TEXT_WIDTH,
                initial_indent="  ",
                subsequent_indent="  ",
                break_on_hyphens=False,
            )  # fmt: skip
        )
    return Shown(html_text, "\n".join(lines))
