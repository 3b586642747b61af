"""What marking shows people: each learner's feedback page and the tutor's class overview.

``<learner_id>/feedback.html`` is for the learner: per exercise their answer, the verdict, what
the check said, the hint, and the worked answer on their own data with the method. It never
shows the tutor's notes about copies or other learners. ``index.html`` is for the tutor: a
heatmap of learners x exercises, the exercises the class found hardest, the most common slips
with the unit misconception behind each, who has not submitted, and every file that could not be
marked. Every name and every piece of learner text is escaped; nothing is loaded from the network.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Any

from svcworkbook.learning.exercises import is_reason_slip, is_working_slip
from svcworkbook.learning.solutions import strip_magic
from svcworkbook.teaching.marking import CELL_TROUBLE, MARKS, NOT_RETURNED, counted

#: The unit misconception each exercise's slips come from (the belief that leads to the slip).
#: Ids are checked against the unit content by tests/test_marking_pages.py.
EXERCISE_MISCONCEPTIONS = {
    "U1.E1": "U1.M2",  # structures differ, and so do their results
    "U1.E2": "U1.M3",  # the law (refunds in 14 days) applies to everyday handling
    "U1.E3": "U1.M1",  # the brand is experienced at every touchpoint, not only in the logo
    "U2.E1": "U2.M3",  # staffing (with shrinkage) is part of reliable delivery
    "U2.E2": "U2.M3",
    "U2.E3": "U2.M5",  # reliability (meeting the SLA) is not satisfaction
    "U2.E4": "U2.M4",  # service is maintained by measuring against the standard each day
    "U3.E1": "U3.M2",  # soft data (comments) as well as hard numbers
    "U3.E3": "U3.M3",  # training is shown by its effect, not by the courses attended
    "U3.E4": "U3.M4",  # plans are revised as demand changes
    "U3.E5": "U3.M4",
    "U4.E1": "U4.M2",  # a table of figures is not the analysis of causes
    "U4.E2": "U4.M3",  # satisfied customers are not necessarily loyal
    "U4.E3": "U4.M5",  # judge against a baseline, not by looking at the results
    "U4.E4": "U4.M1",  # data that is easy to collect is not always representative
    "U5.E1": "U5.M1",  # a measured baseline before the change
    "U5.E2": "U5.M1",
    "U5.E3": "U5.M1",
    "U5.E4": "U5.M3",  # prioritise: more changes are not more improvement
}

_ICONS = {"right": "✔", "close": "≈", "wrong": "✘", "not attempted": "–"}
_SHADES = {"right": "#c7e9c0", "close": "#fdd49e", "wrong": "#f4a582", "not attempted": "#e0e0e0"}

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;line-height:1.5;"
    "color:#222;padding:0 1rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}.heat td.r{text-align:center;min-width:3.2rem;font-weight:600}"
    "pre{background:#f6f6f6;padding:.5rem;overflow-x:auto;font-size:.85rem}"
    ".note{color:#7a3b00}.key span{display:inline-block;padding:0 .5rem;margin-right:.4rem}"
)


def _e(value: Any) -> str:
    """Text escaped for HTML (quotes too, so it is safe in attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str) -> str:
    """A complete, self-contained HTML page."""
    return (
        "<!DOCTYPE html>\n<html lang='en-GB'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width'><title>{_e(title)}</title>"
        f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def _result_cell(result: str, title: str = "") -> str:
    """A heatmap cell: shade, icon and word (so it reads without colour too)."""
    return (
        f'<td class="r" style="background:{_SHADES[result]}" title="{_e(title)}">'
        f"{_ICONS[result]}<br><small>{_e(result)}</small></td>"
    )


def _unit_titles(units: list[int]) -> dict[int, str]:
    """Unit number -> title, from the unit content."""
    from svcworkbook.content import load_unit

    return {u: load_unit(u).title for u in units}


def _misconceptions(units: list[int]) -> dict[str, Any]:
    """Misconception id -> the misconception, for the given units."""
    from svcworkbook.content import load_unit

    return {m.id: m for u in units for m in load_unit(u).misconceptions}


def feedback_page(
    learner: str,
    name: str,
    units: list[int],
    exercises: dict[int, list],
    results: dict[tuple[str, int], dict[str, Any]],
    quiz: dict[int, dict[str, Any]],
    titles: dict[int, str],
) -> str:
    """The learner's own feedback page (see the module docstring)."""
    parts = [f"<h1>Feedback for {_e(name)}</h1>"]
    for unit in units:
        parts.append(f"<h2>Unit {unit}: {_e(titles[unit])}</h2>")
        marked = results.get((learner, unit))
        own = quiz.get(unit)
        if own:
            line = f"Quiz: {own['quiz_right']} of {own['quiz_answered']} questions right"
            if own.get("cards_reviewed"):
                line += (
                    f"; flashcards: {own['cards_reviewed']} reviewed, {own.get('cards_known', 0)} "
                    "known well (still a 9 in 10 chance of recalling each 4 days after its last "
                    "review)"
                )
            parts.append(f"<p>{_e(line)}.</p>")
        if marked is None:
            parts.append("<p>No notebook was returned for this unit.</p>")
            continue
        entries = {e["exercise"]: e for e in marked["exercises"]}
        score = sum(MARKS[e["result"]] for e in marked["exercises"])
        parts.append(
            f"<p>Score: <strong>{score:g} out of {len(marked['exercises'])}</strong> "
            "(a right answer 1 mark; a close one, the right method with a slip, half a mark).</p>"
        )
        if marked.get("stopped"):
            parts.append(
                f"<p class='note'>Your notebook was marked as far as it ran: "
                f"{_e(marked['stopped'])}.</p>"
            )
        for error in marked.get("errors", []):
            parts.append(f"<p class='note'>When it was run again, {_e(error)}.</p>")
        for ex in exercises[unit]:
            entry = entries.get(ex.exercise)
            if entry is None:
                continue
            label = entry.get("name") or ""
            parts.append(
                f"<h3 id='{_e(ex.exercise)}'>{_e(f'{ex.exercise} {label}'.strip())}</h3>"
                "<table><tbody>"
                f"<tr><th>Your answer</th><td>{_e(entry['answer'] or '(none)')}</td></tr>"
                + (
                    f"<tr><th>Your reason</th><td>{_e(entry.get('reason') or '(none given)')}"
                    "</td></tr>"
                    if ex.asks_reason or entry.get("reason")
                    else ""
                )
                + f"<tr><th>Verdict</th><td>{_ICONS[entry['result']]} {_e(entry['result'])}"
                f"{(': ' + _e(entry['slip'])) if entry['slip'] else ''}</td></tr>"
                f"<tr><th>What the check said</th><td>{_e(_without_hint(entry))}</td></tr>"
                f"<tr><th>Hint</th><td>{_e(entry['hint'])}</td></tr>"
                f"<tr><th>The answer on your data</th><td>{_e(entry.get('expected_text', ''))}</td></tr>"
                + (
                    f"<tr><th>Note</th><td class='note'>{_e(entry['note'])}</td></tr>"
                    if entry["note"] and entry["note"].lower() not in _without_hint(entry).lower()
                    else ""
                )
                + "</tbody></table>"
            )
            if ex.solution and entry["result"] != "right":
                parts.append(
                    f"<details><summary>How to work it out</summary><pre>{_e(strip_magic(ex.solution))}"
                    "</pre></details>"
                )
    return _page(f"Feedback for {name}", "".join(parts))


def _without_hint(entry: dict[str, Any]) -> str:
    """The check's message less the hint it ends with, since the page shows the hint below it."""
    message, hint = str(entry.get("message") or ""), str(entry.get("hint") or "")
    return message.removesuffix(f" Hint: {hint}") if hint else message


def hardest(book) -> list[dict[str, Any]]:
    """Exercises by how few of the learners who returned the unit got them right (hardest first)."""
    returned = book[book["note"] != NOT_RETURNED]
    rows = []
    for (unit, exercise), group in returned.groupby(["unit", "exercise"], sort=False):
        counts = group["result"].value_counts()
        rows.append(
            {
                "unit": int(unit),
                "exercise": exercise,
                "learners": len(group),
                **{r: int(counts.get(r, 0)) for r in _ICONS},
                "share_right": counts.get("right", 0) / len(group),
            }
        )
    return sorted(rows, key=lambda r: (r["share_right"], -r["wrong"], r["exercise"]))


def common_slips(book) -> list[tuple[str, str, int]]:
    """(exercise, slip, learners) for every diagnosed slip, most common first."""
    slips = book[book["slip"] != ""]
    counts = Counter(zip(slips["exercise"], slips["slip"], strict=True))
    return [(ex, slip, n) for (ex, slip), n in sorted(counts.items(), key=lambda i: -i[1])]


def overview_page(names, units, exercises, book, report, titles) -> str:
    """The class overview for the tutor (see the module docstring)."""
    ids = [ex.exercise for u in units for ex in exercises[u]]
    misconceptions = _misconceptions(units)
    parts = ["<h1>Marking: class overview</h1>"]
    returned = book[book["note"] != NOT_RETURNED]
    parts.append(
        f"<p>{counted(len(names), 'learner')}, {counted(len(units), 'unit')}; "
        f"{counted(returned.groupby(['learner_id', 'unit']).ngroups, 'notebook')} marked. Each "
        "learner's work was run again on their own data. "
        "<span class='key'>"
        + "".join(f"<span style='background:{_SHADES[r]}'>{_ICONS[r]} {r}</span>" for r in _ICONS)
        + "</span></p>"
    )
    head = "".join(f"<th title='{_e(i)}'>{_e(i)}</th>" for i in ids)
    rows = []
    for learner, name in names.items():
        mine = book[book["learner_id"] == learner].set_index("exercise")
        cells = "".join(
            _result_cell(
                mine.at[i, "result"],
                f"{name}, {i}: answer {mine.at[i, 'answer'] or '(none)'}"
                + (f"; slip: {mine.at[i, 'slip']}" if mine.at[i, "slip"] else ""),
            )
            for i in ids
        )
        rows.append(
            f"<tr><th><a href='{_e(learner)}/feedback.html'>{_e(name)}</a><br>"
            f"<small>{_e(learner)}</small></th>{cells}</tr>"
        )
    parts.append(
        "<h2>Every learner, every exercise</h2><table class='heat'><thead><tr><th>Learner</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    table = "".join(
        f"<tr><td>{_e(r['exercise'])}</td><td>{r['right']}</td><td>{r['close']}</td>"
        f"<td>{r['wrong']}</td><td>{r['not attempted']}</td>"
        f"<td>{r['share_right'] * 100:.0f}%</td></tr>"
        for r in hardest(book)
    )
    parts.append(
        "<h2>Hardest exercises</h2><p>Of the learners who returned the unit, the share who got "
        "each exercise right, lowest first.</p><table><thead><tr><th>Exercise</th><th>Right</th>"
        "<th>Close</th><th>Wrong</th><th>Not attempted</th><th>Share right</th></tr></thead>"
        f"<tbody>{table or '<tr><td colspan=6>Nothing marked yet.</td></tr>'}</tbody></table>"
    )
    slip_rows = []
    for exercise, slip, count in common_slips(book):
        mid = EXERCISE_MISCONCEPTIONS.get(exercise)
        if is_working_slip(slip):  # a fraction for per cent is not a belief about service
            behind = "A working slip (reading or rounding the figure), not a unit misconception"
        elif is_reason_slip(slip):
            behind = "The choice was right; the reason is missing or names no figure (not a unit misconception)"
        elif mid in misconceptions:
            behind = f"<a href='#{_e(mid)}'>{_e(mid)}</a>: {_e(misconceptions[mid].belief)}"
        else:
            behind = "(no unit misconception is linked to this exercise)"
        slip_rows.append(
            f"<tr><td>{_e(exercise)}</td><td>{_e(slip)}</td><td>{count}</td><td>{behind}</td></tr>"
        )
    parts.append(
        "<h2>Most common slips, and the misconception behind them</h2><table><thead><tr>"
        "<th>Exercise</th><th>Slip</th><th>Learners</th><th>Misconception</th></tr></thead>"
        f"<tbody>{''.join(slip_rows) or '<tr><td colspan=4>No slips diagnosed.</td></tr>'}"
        "</tbody></table>"
    )
    missing: dict[str, list[int]] = {}
    for learner, unit in report.not_submitted:
        missing.setdefault(learner, []).append(unit)
    parts.append("<h2>Not submitted</h2>")
    parts.append(
        "<ul>"
        + "".join(
            f"<li>{_e(names[learner])} ({_e(learner)}): unit "
            f"{', '.join(str(u) for u in found)}</li>"
            for learner, found in missing.items()
        )
        + "</ul>"
        if missing
        else "<p>Every learner returned every unit.</p>"
    )
    problems = [f"<li>{_e(p.path)}: {_e(p.message)}</li>" for p in report.problems]
    problems += [
        f"<li>{_e(key)}: {_e(flag)}</li>" for key, flags in report.flagged.items() for flag in flags
    ]
    problems += [
        f"<li>{_e(k)}: marked as far as it ran: {_e(v)}</li>" for k, v in report.stopped.items()
    ]
    problems += [f"<li>{_e(k)}: not marked: {_e(v)}</li>" for k, v in report.failed.items()]
    # an exercise cell that was deleted or stopped with an error: the learner needs a word
    stuck = book[book["note"].astype(str).str.startswith(CELL_TROUBLE)]
    problems += [
        f"<li>{_e(row['name'])} ({_e(row['learner_id'])}), {_e(row['exercise'])}: "
        f"{_e(row['note'])}</li>"
        for row in stuck.to_dict("records")
    ]
    parts.append(
        "<h2>Files and notebooks to look at</h2>"
        + (f"<ul>{''.join(problems)}</ul>" if problems else "<p>None.</p>")
    )
    used = {
        EXERCISE_MISCONCEPTIONS.get(ex)
        for ex, slip, _ in common_slips(book)
        if not is_working_slip(slip) and not is_reason_slip(slip)
    }
    linked = [m for mid, m in misconceptions.items() if mid in used]
    if linked:
        parts.append("<h2>The misconceptions</h2>")
        for m in linked:
            parts.append(
                f"<h3 id='{_e(m.id)}'>{_e(m.id)}</h3><p><strong>The belief:</strong> "
                f"{_e(m.belief)}</p><p><strong>The correction:</strong> {_e(m.correction)}</p>"
            )
    return _page("Marking: class overview", "".join(parts))


def write_pages(out: Path, names, units, exercises, book, results, report, quiz, sources):
    """Write every learner's feedback.html and the class overview index.html into out."""
    titles = _unit_titles(units)
    for learner, name in names.items():
        page = feedback_page(
            learner, name, units, exercises, results, quiz.get(learner, {}), titles
        )
        (out / learner).mkdir(parents=True, exist_ok=True)
        (out / learner / "feedback.html").write_text(page, encoding="utf-8")
    index = out / "index.html"
    index.write_text(overview_page(names, units, exercises, book, report, titles), "utf-8")
    return index
