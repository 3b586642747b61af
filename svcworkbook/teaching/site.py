"""The built workbook as a static site: an index, a learner and a tutor edition of every unit.

``build_site(out_dir)`` (``svcworkbook run all --out build``, what ``make demo`` runs) executes
each notebook in each edition and writes::

    build/index.html                  every unit, both editions, and the data they were run on
    build/learner/NN_slug.html        no solution cells: nothing states a worked answer
    build/learner/NN_slug.ipynb       the executed learner notebook
    build/tutor/NN_slug.html          with the worked answers
    build/tutor/NN_slug.ipynb
    build/site.json                   what was built (so ``run N`` adds to the index)

Every page has a real title, a header naming the unit, the edition and the data, previous /
next / index links and a table of contents. Nothing is loaded from the network: the page's
style, script and charts are inside it (nbconvert's require.js, MathJax, Mermaid and widget
manager are left out by the ``svcsite`` template). The notebook's quiz and flashcard widgets
need a kernel, so the page shows the in-page versions from ``site_quiz`` instead, and sentences
telling the reader to run a cell are left out (nothing can be run in a page).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from svcworkbook.teaching import runner

ASSETS = Path(__file__).resolve().parent / "assets"
TEMPLATE = "svcsite"
SITE_NAME = "Customer service workbook"
EDITION_NOTES = {
    "learner": "Learner edition: no worked answers. Work each one out, then check with your tutor.",
    "tutor": "Tutor edition: with the worked answers.",
}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

#: Sentences that tell the reader to run a cell: true in JupyterLab, not in a page (one that
#: names JupyterLab says where cells run, and stays). A table cell's bars end a sentence.
RUN_A_CELL = re.compile(
    r"[^.!?\n|]*\b(?:run (?:a|the|this|each|that) cells?|replace `?None`?)[^.!?\n|]*[.!?]?[ \t]*",
    re.IGNORECASE,
)

#: What a page shows where a "your turn" cell's check is waiting for an answer.
YOUR_TURN_NOTE = (
    "Work this one out from the figures above. In JupyterLab you type your answer into this "
    "exercise's cell and it is checked for you."
)


@dataclass(frozen=True)
class Page:
    """One page of the site: which notebook, which edition, its title and where it goes."""

    notebook: Path
    edition: str
    title: str

    @property
    def href(self) -> str:
        """The page's address relative to the site's top folder: 'learner/01_slug.html'."""
        return f"{self.edition}/{self.notebook.stem}.html"

    @property
    def unit_number(self) -> int | None:
        """The unit this notebook covers (1-5), or None for 00_start_here."""
        number = int(self.notebook.stem.split("_", 1)[0])
        return number or None


def data_description(params: dict[str, Any]) -> str:
    """The data a run used, in words: the assessor's folder, generated data (seed, scenario) or
    the bundled sample data (its seed and scenario)."""
    from svcworkbook.data.samples import SAMPLE_SEED

    folder = params.get("data_dir")
    if folder is not None:
        mapping = params.get("mapping")
        text = f"the data files in the folder {folder}"
        return f"{text} (column names mapped by {mapping})" if mapping else text
    scenario = params.get("scenario") or "baseline"
    if params.get("seed") is not None:
        return f"data generated with seed {params['seed']}, scenario {scenario}"
    if scenario != "baseline":
        return f"data generated with seed {SAMPLE_SEED}, scenario {scenario}"
    return f"the bundled sample data (generated with seed {SAMPLE_SEED}, scenario baseline)"


# --- turning an executed notebook into a page -------------------------------------------------


def _html_of(output: dict) -> str:
    """An output's HTML (empty when it has none)."""
    value = output.get("data", {}).get("text/html", "")
    return "".join(value) if isinstance(value, list) else str(value)


def _html_output(text: str) -> nbformat.NotebookNode:
    """A display output holding only HTML."""
    return nbformat.v4.new_output("display_data", data={"text/html": text})


def static_output(output: dict, unit, edition: str = "learner") -> nbformat.NotebookNode | None:
    """An output as a static page shows it: quiz and flashcard widgets replaced by the in-page
    ones (the tutor edition adds the answer key), a waiting "your turn" check by a note, widget
    views dropped (None: the output is removed)."""
    from svcworkbook.teaching import site_quiz

    shown = _html_of(output)
    if unit is not None and "svc-quiz-text" in shown:
        key = site_quiz.answer_key_html(unit) if edition == "tutor" else ""
        return _html_output(site_quiz.quiz_html(unit) + key)
    if unit is not None and "svc-flashcards-text" in shown:
        return _html_output(site_quiz.flashcards_html(unit))
    if "svc-feedback svc-not-attempted" in shown or "svc-feedback svc-missing" in shown:
        return _html_output(f'<p class="svc-your-turn">{html.escape(YOUR_TURN_NOTE)}</p>')
    data = output.get("data")
    if data and WIDGET_MIME in data:
        data.pop(WIDGET_MIME)
        if not data:
            return None
    return output


def drop_run_instructions(markdown: str) -> str:
    """Markdown without the sentences that tell the reader to run a cell (except those that say
    it is done in JupyterLab)."""

    def drop(match: re.Match) -> str:
        return match.group(0) if "jupyterlab" in match.group(0).lower() else ""

    return RUN_A_CELL.sub(drop, markdown).rstrip() + ("\n" if markdown.endswith("\n") else "")


def static_notebook(
    nb: nbformat.NotebookNode, unit, title: str, edition: str = "learner"
) -> nbformat.NotebookNode:
    """A copy of an executed notebook as a static page shows it (see static_output)."""
    nb = nbformat.from_dict(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata["title"] = title
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = drop_run_instructions(cell.source)
        elif cell.cell_type == "code":
            outputs = [static_output(o, unit, edition) for o in cell.get("outputs", [])]
            cell.outputs = [o for o in outputs if o is not None]
    return nb


def asset(name: str) -> str:
    """The text of a file in teaching/assets (the site's style and script)."""
    return (ASSETS / name).read_text(encoding="utf-8")


def _exporter(hide_code: bool):
    """nbconvert's HTML exporter with the site template (lab cells, nothing from the network)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE, extra_template_basedirs=[str(ASSETS)], embed_images=True
    )
    exporter.exclude_input = hide_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    return exporter


def _link(page: Page | None, here: Page, rel: str, word: str) -> str:
    """A previous/next link to another page of the same edition ('' when there is none)."""
    if page is None:
        return ""
    href = html.escape(f"{page.notebook.stem}.html")
    return (
        f'<li><a rel="{rel}" href="{href}">{word}: {html.escape(page.title)}</a></li>'
        if page.edition == here.edition
        else ""
    )


def navigation(page: Page, previous: Page | None, following: Page | None, label: str) -> str:
    """Previous, all units and next links, as a labelled navigation landmark."""
    items = [
        _link(previous, page, "prev", "Previous"),
        '<li><a href="../index.html">All units</a></li>',
        _link(following, page, "next", "Next"),
    ]
    return f'<nav class="svc-nav" aria-label="{label}"><ul>{"".join(items)}</ul></nav>'


def page_header(
    page: Page, data_text: str, built: str, previous: Page | None, following: Page | None,
    other: Page | None = None,
) -> str:  # fmt: skip
    """The header every page starts with: site, unit, edition, data, navigation."""
    other_link = ""
    if other is not None:
        other_link = (
            f' <a href="../{html.escape(other.href)}">Open the {other.edition} edition</a>.'
        )
    return (
        '<header class="svc-header"><a class="svc-skip" href="#svc-content">Skip to the '
        f'content</a><p class="svc-site-name"><a href="../index.html">{SITE_NAME}</a></p>'
        f'<p class="svc-unit">{html.escape(page.title)} '
        f'<span class="svc-edition">{page.edition.capitalize()} edition</span></p>'
        f'<p class="svc-edition-note">{html.escape(EDITION_NOTES[page.edition])}{other_link}</p>'
        f'<p class="svc-data-source">Run on {html.escape(data_text)}, {html.escape(built)}.</p>'
        f"{navigation(page, previous, following, 'Units')}</header>"
        '<nav class="svc-toc" aria-label="On this page"><details open><summary>On this page'
        "</summary><ol></ol></details></nav>"
    )


def page_footer(page: Page, previous: Page | None, following: Page | None) -> str:
    """The footer: the same links again, so a reader at the end need not scroll back."""
    return (
        f'<footer class="svc-footer">{navigation(page, previous, following, "Units, again")}'
        f"<p>{SITE_NAME}: {html.escape(page.title)}, {page.edition} edition.</p></footer>"
    )


def finish_page(text: str) -> str:
    """Fill in the table of contents from the page's headings (ids made unique) and put every
    table in its own scrolling box (a focusable, labelled region for keyboard users)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    main = soup.find("main")
    seen: set[str] = set()
    entries = []
    for heading in main.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        name = heading.get_text(" ", strip=True)
        base = heading.get("id") or re.sub(r"[^\w-]+", "-", name).strip("-") or "section"
        unique, n = base, 2
        while unique in seen:
            unique, n = f"{base}-{n}", n + 1
        seen.add(unique)
        heading["id"] = unique
        if heading.name == "h2":
            entries.append((unique, name))
    toc = soup.select_one("nav.svc-toc ol")
    if toc is not None:
        if entries:
            for anchor, name in entries:
                item = soup.new_tag("li")
                link = soup.new_tag("a", href=f"#{anchor}")
                link.string = name
                item.append(link)
                toc.append(item)
        else:
            toc.parent.parent.decompose()
    for number, table in enumerate(main.find_all("table"), start=1):
        if table.find_parent(class_="svc-scroll"):
            continue
        caption = table.find("caption")
        label = caption.get_text(" ", strip=True) if caption else f"Table {number}"
        box = soup.new_tag("div", attrs={"class": "svc-scroll", "role": "region", "tabindex": "0"})
        box["aria-label"] = label
        table.wrap(box)
    return str(soup)


def render_page(
    executed: Path, page: Page, header: str, footer: str, hide_code: bool = True
) -> str:
    """The HTML page of one executed notebook: static outputs, site header, contents, footer."""
    from svcworkbook.content import load_unit

    nb = nbformat.read(str(executed), as_version=4)
    unit = load_unit(page.unit_number) if page.unit_number else None
    title = f"{page.title} ({page.edition} edition) - {SITE_NAME}"
    nb = static_notebook(nb, unit, title, page.edition)
    resources = {
        "svc": {"css": asset("site.css"), "js": asset("site.js"), "header": header,
                "footer": footer},
        "language_code": "en-GB",
    }  # fmt: skip
    body, _ = _exporter(hide_code).from_notebook_node(nb, resources=resources)
    return finish_page(body)


# --- the site ---------------------------------------------------------------------------------


@dataclass
class Built:
    """One page as built: the page, the executed notebook, and the error if it stopped."""

    page: Page
    executed: Path
    html: Path
    error: str | None = None

    def to_dict(self, out_dir: Path) -> dict[str, Any]:
        """The manifest entry for this page (paths relative to the site's folder)."""
        return {
            "notebook": self.page.notebook.stem,
            "edition": self.page.edition,
            "title": self.page.title,
            "html": self.page.href,
            "executed": str(self.executed.relative_to(out_dir)),
            "error": self.error,
        }


def plan_pages(notebooks: list[Path], editions: tuple[str, ...]) -> list[Page]:
    """Every page to build: each notebook in each edition, in unit order."""
    return [Page(nb, e, runner.notebook_title(nb)) for e in editions for nb in notebooks]


def _neighbours(page: Page, pages: list[Page]) -> tuple[Page | None, Page | None]:
    """The pages before and after this one in the same edition."""
    same = [p for p in pages if p.edition == page.edition]
    i = same.index(page)
    return (same[i - 1] if i > 0 else None, same[i + 1] if i + 1 < len(same) else None)


def _all_pages(out_dir: Path, planned: list[Page], notebooks_dir: Path) -> list[Page]:
    """The pages built now plus those already in the folder (from site.json), in unit order."""
    pages = {(p.notebook.stem, p.edition): p for p in planned}
    for entry in read_manifest(out_dir).values():
        key = (entry["notebook"], entry["edition"])
        if key not in pages and (out_dir / entry["html"]).exists():
            path = notebooks_dir / f"{entry['notebook']}.ipynb"
            pages[key] = Page(path, entry["edition"], entry["title"])
    return sorted(pages.values(), key=lambda p: (p.edition, p.notebook.stem))


def build_page(
    page: Page, out_dir: Path, parameters: dict[str, Any], pages: list[Page], data_text: str,
    built: str, hide_code: bool = True,
) -> Built:  # fmt: skip
    """Execute one notebook in one edition and write its executed copy and its page."""
    import papermill

    folder = out_dir / page.edition
    executed = folder / page.notebook.name
    declared = runner.notebook_parameters(page.notebook)
    own = {k: v for k, v in parameters.items() if k in declared}
    error = None
    edition = page.edition if "edition" in declared else None
    try:
        runner.execute(page.notebook, executed, own, edition=edition)
    except papermill.PapermillExecutionError:
        error = runner.first_error(executed) or "the notebook stopped with an error"
    previous, following = _neighbours(page, pages)
    other = next(
        (p for p in pages if p.notebook == page.notebook and p.edition != page.edition), None
    )
    other = other if page.edition == "tutor" else None  # learners are not sent to the answers
    header = page_header(page, data_text, built, previous, following, other)
    text = render_page(executed, page, header, page_footer(page, previous, following), hide_code)
    target = out_dir / page.href
    target.write_text(text, encoding="utf-8")
    return Built(page, executed, target, error)


def read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    """What site.json says was built, by page address ({} when there is none or it is bad)."""
    path = out_dir / "site.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["pages"]
        return {e["html"]: e for e in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out_dir: Path, built: list[Built], data_text: str, when: str) -> Path:
    """Record the pages built (added to those already recorded) in site.json."""
    entries = read_manifest(out_dir)
    for b in built:
        entries[b.page.href] = {**b.to_dict(out_dir), "data": data_text, "built": when}
    path = out_dir / "site.json"
    ordered = sorted(entries.values(), key=lambda e: (e["notebook"], e["edition"]))
    path.write_text(json.dumps({"pages": ordered}, indent=1), encoding="utf-8")
    return path


def build_site(
    out_dir: Path,
    parameters: dict[str, Any] | None = None,
    notebooks: list[Path] | None = None,
    editions: tuple[str, ...] = ("learner", "tutor"),
    hide_code: bool = True,
    pdf: bool = False,
) -> tuple[Path, list[Built]]:
    """Build the site's pages for these notebooks (default: all) in these editions, and the
    index; with pdf, each page is also printed to PDF. Returns (index, pages built)."""
    from svcworkbook.teaching.site_index import write_index

    parameters = dict(parameters or {})
    notebooks = list(notebooks or runner.unit_notebooks())
    out_dir.mkdir(parents=True, exist_ok=True)
    for edition in editions:
        (out_dir / edition).mkdir(exist_ok=True)
    planned = plan_pages(notebooks, editions)
    pages = _all_pages(out_dir, planned, notebooks[0].parent)
    data_text = data_description(parameters)
    when = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC").lstrip("0")
    built = [build_page(p, out_dir, parameters, pages, data_text, when, hide_code) for p in planned]
    write_manifest(out_dir, built, data_text, when)
    index = write_index(out_dir, read_manifest(out_dir))
    if pdf:
        from svcworkbook.teaching.site_pdf import print_pdfs

        print_pdfs([b.html for b in built])
    return index, built
