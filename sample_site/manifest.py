"""Ground truth of the sample site, generated from the same data as its pages.

Paths are URL paths on the served site (join them to the base URL). Strings are as a correct
extractor should report them: for the one Traditional page, ``title``, ``publisher``,
``body_snippets`` and ``chrome_snippets`` are the Simplified forms (after OpenCC t2s) and the
``*_original`` keys hold what the page prints; for every other page both are the same.
"""

from __future__ import annotations

from typing import Any

from sample_site.data import ADMIN_LINK, DEAD_LINKS, ROBOTS_DISALLOW, SEARCH_LINK
from sample_site.site import model


def documents() -> list[dict[str, Any]]:
    """One dict per real document page (never the dead link), in site build order."""
    out = []
    for doc in model().docs:
        spec = doc.spec
        out.append(
            {
                "path": spec.path,
                "column": doc.column.name,
                "column_path": doc.column.base,
                "title": spec.title_simplified or spec.title,
                "title_original": spec.title,
                "published_at": spec.date,
                "published_time": spec.published,  # as in PubDate / 发布时间
                "publisher": spec.publisher_simplified or spec.publisher,
                "publisher_original": spec.publisher,
                "source": spec.source_simplified or spec.source,  # 来源 / ContentSource
                "index_no": spec.index_no,
                "doc_no": spec.doc_no,
                "is_annual_report": spec.is_annual_report,
                "report_year": spec.report_year,
                "traditional": spec.traditional,
                "encoding": spec.encoding,
                "content_type": doc.content_type,
                "template": spec.template,
                "listed_on": list(doc.listed_on),
                "attachments": [{"path": p, "name": name} for p, name in doc.attachments],
                "body_snippets": list(doc.snippets_simplified),
                "body_snippets_original": list(doc.snippets),
                "chrome_snippets": list(doc.chrome_simplified),
                "chrome_snippets_original": list(doc.chrome),
            }
        )
    return out


def annual_reports() -> list[dict[str, Any]]:
    return [d for d in documents() if d["is_annual_report"]]


def listing_paths() -> list[str]:
    """Every list/navigation page: home, column pages, the guide, and their directory URLs."""
    return list(model().listing_paths)


def dead_links() -> list[str]:
    """Detail links on list pages whose target answers 404."""
    return [d.path for d in DEAD_LINKS]


def disallowed_paths() -> list[str]:
    """Links (as written, unquoted) that robots.txt forbids; pages link to them anyway."""
    return [SEARCH_LINK, ADMIN_LINK]


def robots_disallow() -> list[str]:
    """The ``Disallow:`` prefixes of robots.txt."""
    return list(ROBOTS_DISALLOW)


def asset_paths() -> list[str]:
    """Non-HTML files: robots.txt, stylesheet, images and document attachments."""
    return list(model().asset_paths)


def all_paths() -> list[str]:
    """Every path that answers 200 (file paths and directory URLs)."""
    site = model()
    return sorted({*site.resources, *site.aliases})
