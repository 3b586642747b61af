"""The site's front page: every unit with its learner and tutor pages, and the data named."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from svcworkbook.teaching.site import SITE_NAME, asset


def _unit_item(stem: str, entries: dict[str, dict[str, Any]]) -> str:
    """One unit in the list: its title, a link per edition, its notebook and any stop."""
    first = next(iter(entries.values()))
    links = []
    for edition in ("learner", "tutor"):
        entry = entries.get(edition)
        if entry is None:
            continue
        status = ""
        if entry.get("error"):
            status = (
                f' <span class="svc-status-stopped">(stopped: {html.escape(entry["error"])})</span>'
            )
        links.append(
            f'<li><a href="{html.escape(entry["html"])}">{edition.capitalize()} edition</a> '
            f'(<a href="{html.escape(entry["executed"])}">notebook</a>){status}</li>'
        )
    data = sorted({e.get("data", "") for e in entries.values() if e.get("data")})
    data_line = (
        f'<p class="svc-data-source">Run on {html.escape("; ".join(data))}.</p>' if data else ""
    )
    return (
        f'<li><span class="svc-unit-title">{html.escape(first["title"])}</span>'
        f"<ul>{''.join(links)}</ul>{data_line}</li>"
    )


def index_page(manifest: dict[str, dict[str, Any]]) -> str:
    """The index page's HTML from the site manifest (site.read_manifest)."""
    by_unit: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in sorted(manifest.values(), key=lambda e: e["notebook"]):
        by_unit.setdefault(entry["notebook"], {})[entry["edition"]] = entry
    items = "".join(_unit_item(stem, entries) for stem, entries in by_unit.items())
    data = sorted({e.get("data", "") for e in manifest.values() if e.get("data")})
    built = sorted({e.get("built", "") for e in manifest.values() if e.get("built")})
    ran_on = html.escape("; ".join(data)) if data else "no data yet"
    return (
        "<!DOCTYPE html>\n<html lang='en-GB'><head><meta charset='utf-8'>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{SITE_NAME}: all units</title><style>{asset('site.css')}</style></head>"
        '<body class="svc-page"><header class="svc-header"><a class="svc-skip" '
        f'href="#svc-content">Skip to the content</a><p class="svc-site-name">{SITE_NAME}</p>'
        "</header>"
        f'<main id="svc-content" tabindex="-1"><h1>{SITE_NAME}</h1>'
        "<p>Revise the five units of the customer service qualification. Each unit has a "
        "<strong>learner edition</strong> (no worked answers: work them out yourself) and a "
        "<strong>tutor edition</strong> (with the worked answers). The quizzes and flashcards "
        "work in the page, with no internet connection, and keep your answers in this browser."
        "</p>"
        f'<p class="svc-data-source">Every unit was run on {ran_on}'
        f"{', ' + html.escape(built[-1]) if built else ''}.</p>"
        f'<h2 id="units">Units</h2><ul class="svc-units">{items}</ul>'
        "<p>To work with the live notebooks (change the data, answer the exercises in the "
        "cells), open them in JupyterLab: <code>make lab</code>.</p></main>"
        f'<footer class="svc-footer"><p>{SITE_NAME}</p></footer></body></html>\n'
    )


def write_index(out_dir: Path, manifest: dict[str, dict[str, Any]]) -> Path:
    """Write out_dir/index.html from the manifest; its path."""
    path = out_dir / "index.html"
    path.write_text(index_page(manifest), encoding="utf-8")
    return path
