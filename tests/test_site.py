"""The built site (teaching.site): layout, titles, navigation, offline pages, chart text, and,
in a real chromium (Debian's, through Playwright), axe-core with zero violations, the quiz and
flashcards working and kept across a reload, keyboard only, and no sideways scroll at 390 px.

The site is built once for the module: the start page and unit 1, in both editions (a real
kernel, papermill, nbconvert). Every unit's in-page quiz is checked on a page built from its
question bank.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from svcworkbook.content import load_unit
from svcworkbook.learning.quiz import option_order
from svcworkbook.teaching import runner, site, site_quiz

CHROMIUM = "/usr/bin/chromium"
UNIT1 = "01_service_environment"
START = "00_start_here"
LOADING_ATTRIBUTES = {
    "script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
    "video": "src", "audio": "src", "embed": "src", "object": "data",
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(site folder, pages built): the start page and unit 1, learner and tutor editions."""
    out = tmp_path_factory.mktemp("site")
    notebooks = [runner.resolve_notebook(0), runner.resolve_notebook(1)]
    index, pages = site.build_site(out, {}, notebooks, ("learner", "tutor"))
    assert index == out / "index.html"
    return out, pages


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def visible_text(path: Path) -> str:
    """The page's text as a reader sees it (no scripts, styles or JSON blocks)."""
    soup = soup_of(path)
    for tag in soup(["script", "style"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def all_pages(out: Path) -> list[Path]:
    return sorted(out.glob("*.html")) + sorted(out.glob("*/*.html"))


@pytest.mark.notebook
def test_the_site_has_an_index_and_both_editions_with_executed_notebooks(built):
    out, pages = built
    for edition in ("learner", "tutor"):
        for stem in (START, UNIT1):
            assert (out / edition / f"{stem}.html").is_file()
            assert (out / edition / f"{stem}.ipynb").is_file()
    assert all(p.error is None for p in pages), [p.error for p in pages]
    manifest = json.loads((out / "site.json").read_text())["pages"]
    assert {(e["notebook"], e["edition"]) for e in manifest} == {
        (s, e) for s in (START, UNIT1) for e in ("learner", "tutor")
    }
    index = soup_of(out / "index.html")
    links = {a["href"] for a in index.find_all("a")}
    assert {f"{e}/{s}.html" for s in (START, UNIT1) for e in ("learner", "tutor")} <= links
    assert "the bundled sample data (generated with seed 2026, scenario baseline)" in (
        visible_text(out / "index.html")
    )


@pytest.mark.notebook
def test_every_page_has_a_title_header_naming_unit_edition_and_data_and_navigation(built):
    out, _ = built
    unit = load_unit(1)
    page = soup_of(out / "learner" / f"{UNIT1}.html")
    assert page.title.string == (
        f"Unit 1: {unit.title} (learner edition) - Customer service workbook"
    )
    header = page.find("header").get_text(" ", strip=True)
    assert f"Unit 1: {unit.title}" in header and "Learner edition" in header
    assert "Run on the bundled sample data (generated with seed 2026, scenario baseline)" in header
    nav = {a.get_text(strip=True): a["href"] for a in page.select("header nav a")}
    assert nav["All units"] == "../index.html"
    assert nav[f"Previous: {runner.notebook_title(runner.resolve_notebook(0))}"] == f"{START}.html"
    start = soup_of(out / "learner" / f"{START}.html")
    assert start.select_one('header nav a[rel="next"]')["href"] == f"{UNIT1}.html"
    # the contents list every second-level heading, each link leading to a heading on the page
    toc = [a["href"] for a in page.select("nav.svc-toc a")]
    headings = page.select("main h2")
    assert toc == [f"#{h['id']}" for h in headings] and len(toc) >= 5
    assert len({h["id"] for h in page.select("main [id]")}) == len(page.select("main [id]"))
    # the tutor page names its edition and offers the learner one; the learner page does not
    tutor = soup_of(out / "tutor" / f"{UNIT1}.html")
    assert "Tutor edition" in tutor.find("header").get_text()
    assert tutor.select_one(f'header a[href="../learner/{UNIT1}.html"]') is not None
    assert page.select_one(f'a[href="../tutor/{UNIT1}.html"]') is None


@pytest.mark.notebook
def test_no_page_loads_anything_from_the_network(built):
    out, _ = built
    for path in all_pages(out):
        soup = soup_of(path)
        for tag, attribute in LOADING_ATTRIBUTES.items():
            for element in soup.find_all(tag):
                value = element.get(attribute, "")
                assert not re.match(r"\s*(https?:)?//", value), (path.name, tag, value)
        for style in soup.find_all("style"):
            assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", style.get_text()), path
        assert "require.js" not in str(soup) and "MathJax" not in str(soup)


@pytest.mark.notebook
def test_the_learner_edition_states_no_worked_answer_and_the_tutor_edition_does(built):
    out, _ = built
    learner = visible_text(out / "learner" / f"{UNIT1}.html")
    tutor = visible_text(out / "tutor" / f"{UNIT1}.html")
    assert "Tutor edition: the answer is" in tutor
    assert "the answer is" not in learner.replace("Not quite: the answer is", "")
    # nothing tells a reader of a page to run a cell
    for text in (learner, tutor):
        assert not re.search(r"run (a|the|this) cell|Replace None", text, re.IGNORECASE)
    assert site.YOUR_TURN_NOTE in learner
    # the quiz's answer key is printed in the tutor edition only
    unit = load_unit(1)
    key = soup_of(out / "tutor" / f"{UNIT1}.html").select(".svc-answer-key li")
    assert len(key) == len(unit.questions)
    first = unit.questions[0]
    if not site_quiz.is_numeric(first):
        letter = "ABCDEFGH"[option_order(first, 0).index(first.answer)]
        assert f"Answer: {letter}. {first.options[first.answer]}" in key[0].get_text()
    assert not soup_of(out / "learner" / f"{UNIT1}.html").select(".svc-answer-key")


@pytest.mark.notebook
def test_every_chart_has_a_text_alternative_from_its_data_in_page_and_notebook(built):
    out, _ = built
    for edition in ("learner", "tutor"):
        nb = nbformat.read(out / edition / f"{UNIT1}.ipynb", 4)
        recorded = [
            o.metadata["image/png"]
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "image/png" in o.get("data", {})
        ]
        page = soup_of(out / edition / f"{UNIT1}.html")
        images = page.select("main img")
        assert len(images) == len(recorded) >= 3
        for img, meta in zip(images, recorded, strict=True):
            assert img["alt"] == meta["alt"]
            assert re.search(r"\d", img["alt"]) and "No description" not in img["alt"]
            table = img.find_next_sibling("details").find("table")
            rows = [
                [c.get_text() for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")
            ]
            assert rows == meta["data"][0]["rows"]


@pytest.mark.notebook
def test_the_refund_chart_text_counts_the_refunds_from_the_data(built):
    """The refund chart's alt text names each day's count of refunds; counted again with pandas."""
    from svcworkbook.data import loading
    from svcworkbook.units.unit1_environment import compliance

    out, _ = built
    table = compliance.refund_timeliness(loading.load_samples()["complaints"])
    page = soup_of(out / "learner" / f"{UNIT1}.html")
    alt = next(i["alt"] for i in page.select("main img") if "Refunds" in i["alt"])
    counts = table["days_taken"].dropna().astype(int).value_counts().sort_index()
    total = int(counts.sum())
    for day, count in list(counts.items())[:3]:  # the first days, in order
        assert f"{day}: {count} of {total} ({count / total:.0%})" in alt


def test_each_units_quiz_and_flashcards_come_from_its_question_bank():
    for number in range(1, 6):
        unit = load_unit(number)
        soup = BeautifulSoup(site_quiz.quiz_html(unit), "html.parser")
        quiz = soup.select_one(f'[data-svc-quiz="{number}"]')
        key = json.loads(quiz.select_one("script.svc-quiz-key").string)
        assert [q["id"] for q in key["questions"]] == [q.id for q in unit.questions]
        for item, question in zip(quiz.select(".svc-question"), unit.questions, strict=True):
            feedback = item.select_one(".svc-feedback")
            assert feedback["aria-live"] == "polite"
            if site_quiz.is_numeric(question):
                assert item.select_one("input")
                continue
            shown = [int(b["data-option"]) for b in item.select("button.svc-option")]
            assert shown == option_order(question, 0)  # the notebook widget's order
        cards = BeautifulSoup(site_quiz.flashcards_html(unit), "html.parser")
        data = json.loads(cards.select_one("script.svc-cards-data").string)
        assert len(data["cards"]) == len(unit.concepts) + len(unit.marking_points)


def test_run_instructions_are_dropped_and_other_sentences_kept():
    text = "Give a whole number. Replace `None` with your answer and run the cell.\n"
    assert site.drop_run_instructions(text) == "Give a whole number.\n"
    intro = "Read each section. Run a cell with **Shift + Enter**."
    assert site.drop_run_instructions(intro) == "Read each section."
    row = "| **a learner** | open a unit in JupyterLab, run the cells in order. Save often. |"
    assert site.drop_run_instructions(row) == row  # says where cells run; the table stays whole
    kept = "Runs of the chart show a shift. Cells of the table are counts."
    assert site.drop_run_instructions(kept) == kept


def test_data_is_named_for_samples_generated_data_and_a_folder(tmp_path):
    assert site.data_description({}) == (
        "the bundled sample data (generated with seed 2026, scenario baseline)"
    )
    assert site.data_description({"seed": 7, "scenario": "peak_season"}) == (
        "data generated with seed 7, scenario peak_season"
    )
    assert site.data_description({"data_dir": str(tmp_path)}) == (
        f"the data files in the folder {tmp_path}"
    )


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def offline_page(browser, width: int = 1280):
    """A new page with the network off: every request but file:/data: is refused and noted."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.refused = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            return r.continue_()
        page.refused.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    return page


@pytest.fixture(scope="module")
def quiz_pages(tmp_path_factory):
    """A page per unit holding that unit's quiz and flashcards, built as the site builds them."""
    out = tmp_path_factory.mktemp("quizzes")
    pages = {}
    for number in range(1, 6):
        path = runner.unit_notebooks()[number]
        unit = load_unit(number)
        cells = [
            nbformat.v4.new_markdown_cell(f"# Unit {number}: {unit.title}\n\n## Test yourself")
        ]
        for marker in ("svc-quiz-text", "svc-flashcards-text"):
            cell = nbformat.v4.new_code_cell("")
            cell.outputs = [
                nbformat.v4.new_output(
                    "display_data", data={"text/html": f"<div class='{marker}'></div>"}
                )
            ]
            cells.append(cell)
        executed = out / path.name
        nbformat.write(nbformat.v4.new_notebook(cells=cells), executed)
        page = site.Page(path, "learner", f"Unit {number}: {unit.title}")
        header = site.page_header(page, "test data", "today", None, None)
        target = out / "learner" / f"{path.stem}.html"
        target.parent.mkdir(exist_ok=True)
        target.write_text(
            site.render_page(executed, page, header, site.page_footer(page, None, None))
        )
        pages[number] = target
    return pages


def _first_choice(unit):
    return next(q for q in unit.questions if not site_quiz.is_numeric(q))


@pytest.mark.browser
@pytest.mark.parametrize("number", range(1, 6))
def test_each_units_quiz_gives_feedback_offline_and_keeps_it_after_a_reload(
    browser, quiz_pages, number
):
    unit = load_unit(number)
    question = _first_choice(unit)
    page = offline_page(browser)
    page.goto(quiz_pages[number].as_uri())
    item = page.locator(f'.svc-question[data-question="{question.id}"]')
    wrong = next(i for i in range(len(question.options)) if i != question.answer)
    item.locator(f'button[data-option="{wrong}"]').click()
    letter = "ABCDEFGH"[option_order(question, 0).index(question.answer)]
    feedback = item.locator(".svc-feedback")
    assert feedback.inner_text().startswith(f"Not quite: the answer is {letter}.")
    assert question.explanation.split()[0] in feedback.inner_text()
    item.locator(f'button[data-option="{question.answer}"]').click()
    assert feedback.inner_text().startswith("Right.")
    page.reload()
    assert feedback.inner_text().startswith("Right.")
    assert (
        item.locator(f'button[data-option="{question.answer}"]').get_attribute("aria-pressed")
        == "true"
    )
    stored = page.evaluate(
        f"localStorage.getItem('svcworkbook:unit{number}:question:{question.id}')"
    )
    assert json.loads(stored) == {"chosen": question.answer, "correct": True}
    assert (
        f"Answered 1 of {len(unit.questions)}; 1 right." in page.locator(".svc-score").inner_text()
    )
    page.locator(".svc-clear").click()
    assert feedback.inner_text() == ""
    page.reload()
    assert feedback.inner_text() == ""
    assert page.refused == []
    page.context.close()


@pytest.mark.browser
def test_flashcards_move_up_a_box_and_stay_there_after_a_reload(browser, quiz_pages):
    unit = load_unit(2)
    total = len(unit.concepts) + len(unit.marking_points)
    page = offline_page(browser)
    page.goto(quiz_pages[2].as_uri())
    cards = page.locator(".svc-flashcards")
    assert cards.locator(".svc-card-front").inner_text().startswith(unit.concepts[0].name)
    cards.locator(".svc-card-flip").click()
    assert (
        cards.locator(".svc-card-back").inner_text().startswith(unit.concepts[0].explanation[:30])
    )
    cards.locator(".svc-card-knew").click()
    status = cards.locator(".svc-card-status").inner_text()
    assert status.startswith("Moved to box 2.") and f"Card 2 of {total}" in status
    page.reload()
    # the known card is due again in 2 days (INTERVAL_DAYS[2]): one card fewer due today
    status = cards.locator(".svc-card-status").inner_text()
    assert f"Card 1 of {total - 1} due today" in status and "box 2: 1" in status
    saved = json.loads(
        page.evaluate(f"localStorage.getItem('svcworkbook:unit2:card:{unit.concepts[0].id}')")
    )
    assert saved["box"] == 2 and saved["reviews"] == 1 and saved["lapses"] == 0
    page.context.close()


@pytest.mark.browser
def test_a_quiz_can_be_answered_with_the_keyboard_alone_with_focus_visible(browser, quiz_pages):
    unit = load_unit(1)
    question = unit.questions[0]
    page = offline_page(browser)
    page.goto(quiz_pages[1].as_uri())
    first_option = f'.svc-question[data-question="{question.id}"] button.svc-option'
    for _ in range(60):  # Tab through the page until the first option has the focus
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector('{first_option}')"):
            break
    else:
        pytest.fail("the first option of the quiz cannot be reached with Tab")
    outline = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle,"
        " getComputedStyle(document.activeElement).outlineWidth]"
    )
    assert outline[0] != "none" and float(outline[1].rstrip("px")) >= 2
    page.keyboard.press("Enter")
    feedback = page.locator(f'.svc-question[data-question="{question.id}"] .svc-feedback')
    assert re.match(r"(Right\.|Not quite: the answer is [A-H]\.)", feedback.inner_text())
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the second option, chosen with the space bar
    assert feedback.inner_text() != ""
    page.context.close()


@pytest.mark.browser
@pytest.mark.notebook
def test_axe_finds_no_violation_on_any_page_at_desktop_and_phone_width(browser, built):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = built
    axe = Axe()
    for width in (1280, 390):
        page = offline_page(browser, width)
        for path in all_pages(out):
            page.goto(path.as_uri())
            violations = axe.run(page).response["violations"]
            assert violations == [], (
                width,
                path.name,
                [(v["id"], v["nodes"][:2]) for v in violations],
            )
        assert page.refused == []
        page.context.close()


@pytest.mark.browser
def test_axe_finds_no_violation_in_an_answered_quiz(browser, quiz_pages):
    from axe_playwright_python.sync_playwright import Axe

    page = offline_page(browser)
    page.goto(quiz_pages[3].as_uri())
    page.locator("button.svc-option").first.click()
    page.locator(".svc-card-flip").click()
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], v["nodes"][:2]) for v in violations]
    page.context.close()


@pytest.mark.browser
@pytest.mark.notebook
def test_at_390px_no_page_scrolls_sideways_and_charts_fit(browser, built):
    out, _ = built
    page = offline_page(browser, 390)
    for path in all_pages(out):
        page.goto(path.as_uri())
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        width, view = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width <= view, (path.name, width, view)
        for box in page.evaluate(
            "[...document.querySelectorAll('main img')].map(i => i.getBoundingClientRect().right)"
        ):
            assert box <= view
        # a narrow table scrolls in its box; it never breaks a word across lines ("comp|laints")
        assert page.evaluate(SPLIT_WORDS) == [], path.name
        # ... and its caption wraps to the screen rather than running off inside the box
        assert page.evaluate(WIDE_CAPTIONS) == [], path.name
    # the widest table a unit shows (unit 4's comment themes: eight columns and a long caption),
    # made here from unit 1's first captioned table by adding columns and lengthening the caption
    page.goto((out / "learner" / f"{UNIT1}.html").as_uri())
    assert page.evaluate(WIDEN_A_TABLE) > 390
    assert page.evaluate(SPLIT_WORDS) == [] and page.evaluate(WIDE_CAPTIONS) == []
    page.context.close()


#: Widen the page's first captioned table past a phone's width; the table's new width in pixels.
WIDEN_A_TABLE = """() => {
  const table = document.querySelector('main .svc-scroll table:has(caption)');
  table.caption.innerText = 'Comment themes (with the CSAT of those comments) and complaints ' +
    'coded to the same themes, by theme, with the low-score share and the verdict';
  for (const row of table.rows) {
    for (let i = 0; i < 5; i++) row.insertCell().innerText = 'complaints only';
  }
  return table.getBoundingClientRect().width;
}"""


#: The captions wider than the scrolling box their table sits in (cut off until scrolled).
WIDE_CAPTIONS = """() => [...document.querySelectorAll('main .svc-scroll caption')]
  .filter(c => c.getBoundingClientRect().width > c.closest('.svc-scroll').clientWidth + 1)
  .map(c => c.textContent)"""

#: Each table cell's words that are wider than the cell, so the browser broke them mid-word:
#: every word measured in the cell's own font (canvas measureText) against the cell's inner width.
SPLIT_WORDS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const split = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const style = getComputedStyle(cell);
    ctx.font = style.font;
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\\s+/)) {
      if (word && ctx.measureText(word).width > inner + 1) split.push(word);
    }
  }
  return split;
}"""


@pytest.mark.browser
def test_a_numeric_question_takes_a_typed_answer_within_its_tolerance(browser, quiz_pages):
    unit = load_unit(1)
    question = next(q for q in unit.questions if site_quiz.is_numeric(q))
    page = offline_page(browser)
    page.goto(quiz_pages[1].as_uri())
    item = page.locator(f'.svc-question[data-question="{question.id}"]')
    box, feedback = item.locator("input"), item.locator(".svc-feedback")
    off = question.answer + 2 * (question.tolerance or 0) + 1  # outside the tolerance
    box.fill(f"{off:g}")
    box.press("Enter")
    assert feedback.inner_text().startswith("Not quite.")
    near = question.answer + (question.tolerance or 0) / 2  # inside it
    typed = f"{near:g}%" if site_quiz.in_percent(question) else f"{near:g}"
    box.fill(typed)
    item.locator("button", has_text="Check").click()
    assert feedback.inner_text().startswith("Right.")
    assert question.explanation.split()[0] in feedback.inner_text()
    box.fill("seventy")
    box.press("Enter")
    assert feedback.inner_text().startswith("Type a number")
    page.reload()
    assert box.input_value() == typed and feedback.inner_text().startswith("Right.")
    page.context.close()


@pytest.mark.browser
def test_pdf_prints_each_page_beside_it(quiz_pages):
    from concurrent.futures import ThreadPoolExecutor

    from svcworkbook.teaching.site_pdf import print_pdfs

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with ThreadPoolExecutor(1) as pool:  # its own thread: the module's browser runs in this one
        (pdf,) = pool.submit(print_pdfs, [quiz_pages[4]]).result()
    assert pdf == quiz_pages[4].with_suffix(".pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page") >= 1
