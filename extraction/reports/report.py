"""Annual disclosure reports (政府信息公开工作年度报告) as data: the ``report`` of a record.

``parse_report`` turns one report — its HTML (tables parsed with merged cells resolved) and its
normalised text (prose, or tables flattened into text) — into:

- ``template``: "pre2019" / "2019" / "2021" (extraction.reports.template), from the content;
- ``sections``: the numbered sections with their text (extraction.reports.sections);
- ``proactive``, ``requests``, ``reviews``: tables 2, 3 and 4 in canonical keys, for the 2019
  and 2021 formats (extraction.reports.tables / canonical / flat); ``legacy_stats`` for the
  old 4-column 统计表; ``tables_source`` says where they were read ("html" or "text");
- ``figures``: requests_new, reconsiderations, lawsuits, proactive_new — from the tables when
  they have them, else from the prose (extraction.reports.figures);
- ``checks``: the arithmetic identities of tables 3 and 4 (extraction.reports.checks);
- ``agency`` and ``region`` (extraction.reports.region);
- ``notes``: why a figure is null, what could not be read.

Never a guess: a number the report does not state, or states ambiguously, stays null and the
reason is noted.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

import lxml.html

from extraction.reports.checks import run_checks
from extraction.reports.figures import Figures, figures_from_text
from extraction.reports.region import agency_from, resolve_region
from extraction.reports.sections import split_sections
from extraction.reports.tables import parse_tables
from extraction.reports.template import detect_template

FIGURES = ("requests_new", "reconsiderations", "lawsuits", "proactive_new")


def _total(table: dict[str, Any] | None, *path: str) -> int | None:
    node: Any = table
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, int) else None


def _table_figures(tables: Any) -> dict[str, int | None]:
    """Figures the tables state: table 3 new requests, table 4 totals, the old 统计表."""
    figures: dict[str, int | None] = dict.fromkeys(FIGURES)
    figures["requests_new"] = _total(tables.requests, "new_received", "total")
    figures["reconsiderations"] = _total(tables.reviews, "reconsideration", "total")
    direct = _total(tables.reviews, "litigation_direct", "total")
    after = _total(tables.reviews, "litigation_after_reconsideration", "total")
    if direct is not None and after is not None:
        figures["lawsuits"] = direct + after
    legacy = tables.legacy_stats or {}
    for figure, key in (
        ("requests_new", "requests"),
        ("reconsiderations", "reconsiderations"),
        ("lawsuits", "lawsuits"),
        ("proactive_new", "proactive"),
    ):
        if figures[figure] is None:
            figures[figure] = _total(legacy, key, "this_year")
    return figures


def empty_report(note: str) -> dict[str, Any]:
    """A report object that says only why nothing could be read."""
    return {
        "template": None,
        "sections": [],
        "proactive": None,
        "requests": None,
        "reviews": None,
        "legacy_stats": None,
        "tables_source": None,
        "figures": dict.fromkeys(FIGURES),
        "checks": [],
        "agency": None,
        "region": None,
        "notes": [note],
    }


def parse_report(
    *,
    text: str,
    html: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    site_name: str | None = None,
    report_year: int | None = None,
) -> dict[str, Any]:
    """The ``report`` object of an annual report record (see the module docstring)."""
    root = lxml.html.document_fromstring(html) if html and html.strip() else None
    template = detect_template(text, report_year)
    tables = parse_tables(root, text, template)
    notes: list[str] = list(tables.notes)
    prose: Figures = figures_from_text(text)
    from_tables = _table_figures(tables)
    figures: dict[str, int | None] = {}
    for name in FIGURES:
        table_value, prose_value = from_tables[name], getattr(prose, name)
        figures[name] = table_value if table_value is not None else prose_value
        if table_value is not None and prose_value is not None and table_value != prose_value:
            notes.append(
                f"{name}: the tables say {table_value}, the text says {prose_value}; "
                "the tables are used"
            )
    notes += [
        n
        for n in prose.notes
        if n.split(":")[0] in {k for k, v in from_tables.items() if v is None}
    ]
    agency = agency_from(title, publisher, text[:300])
    region = resolve_region(agency, publisher, site_name)
    return {
        "template": template,
        "sections": split_sections(text),
        "proactive": tables.proactive,
        "requests": tables.requests,
        "reviews": tables.reviews,
        "legacy_stats": tables.legacy_stats,
        "tables_source": tables.source,
        "figures": figures,
        "checks": run_checks(tables.requests, tables.reviews),
        "agency": agency,
        "region": asdict(region) if is_dataclass(region) else region,
        "notes": notes,
    }
