"""Each page of the site printed to PDF (for e-portfolio uploads) by the system's chromium."""

from __future__ import annotations

import os
from pathlib import Path

from svcworkbook.errors import ParameterError

#: The browser used to print: Debian's chromium, or SVCWORKBOOK_CHROMIUM if set.
CHROMIUM = os.environ.get("SVCWORKBOOK_CHROMIUM", "/usr/bin/chromium")


def print_pdfs(pages: list[Path], chromium: str = CHROMIUM) -> list[Path]:
    """Print each HTML page to a PDF beside it (A4, backgrounds, data tables opened); the PDFs.

    Nothing is fetched from the network while printing (every request but file:// is refused).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ParameterError(
            "--pdf prints with Playwright: pip install 'svcworkbook[pdf]'"
        ) from None
    if not Path(chromium).exists():
        raise ParameterError(
            f"--pdf needs chromium at {chromium}; install it (apt-get install chromium) or set "
            "SVCWORKBOOK_CHROMIUM to its path"
        )
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort()
                ),
            )
            for path in pages:
                page.goto(path.resolve().as_uri())
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                target = path.with_suffix(".pdf")
                page.pdf(path=str(target), format="A4", print_background=True, outline=True)
                written.append(target)
        finally:
            browser.close()
    return written
