"""Attachment links of a document page (the files themselves are fetched in a later stage)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html

from extraction.html import element_text

ATTACHMENT_EXTENSIONS = (
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "dps", "ofd", "zip", "rar", "7z",
    "ppt", "pptx", "txt", "csv",
)  # fmt: skip
_EXT = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")$", re.IGNORECASE)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")


def attachment_extension(url: str) -> str | None:
    """File extension of an attachment URL: from the path, or from the query of a download
    servlet (``/module/download/downfile.jsp?classid=0&filename=….pdf``)."""
    parts = urlsplit(url)
    match = _EXT.search(unquote(parts.path))
    if match:
        return match.group(1).lower()
    for _, value in parse_qsl(parts.query, keep_blank_values=True):
        match = _EXT.search(unquote(value))
        if match:
            return match.group(1).lower()
    return None


def find_attachments(root: lxml.html.HtmlElement, base_url: str | None) -> list[dict[str, str]]:
    """``{url, name}`` for every file linked from the page, in page order, once per URL."""
    found: dict[str, dict[str, str]] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urljoin(base_url or "", href)
        if not attachment_extension(url) or url in found:
            continue
        name = (
            element_text(anchor)
            or anchor.get("title")
            or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        )
        found[url] = {"url": url, "name": name.strip()}
    return list(found.values())
