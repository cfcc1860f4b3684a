"""One page in, one document's fields out: the extraction step of the pipeline, as a pure function.

``extract_document(html, url)`` parses once, reads the metadata (gov <meta> tags and the
printed block) from the untouched tree, extracts the body from a de-chromed copy, and resolves
each field from its evidence in a fixed order of trust (see the ``_resolve_*`` helpers).
It has no Scrapy dependency, so ``scrapy extract``, the crawl and the tests run the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html

from extraction.attachments import find_attachments, frame_sources, inline_scripts
from extraction.body import dechromed_copy, extract_body
from extraction.chinese import to_simplified
from extraction.chrome import is_toolbar_text, trim_to_title
from extraction.dates import iter_dates, parse_date
from extraction.html import (
    INVISIBLE_TAGS,
    OrderedText,
    RenderedPage,
    compact,
    css_to_xpath,
    parse_html,
)
from extraction.metadata import MetadataBlock, clean_value, read_metadata
from extraction.title import (
    despace,
    heading_candidates,
    heading_level,
    pick_title,
    title_segments,
)

# Date <meta> tags, most specific first.
_DATE_TAGS = ("PubDate", "firstpublishedtime", "publishdate", "article:published_time",
              "publishtime", "dc.date", "dcterms.created", "date")  # fmt: skip
# A bare document number line (岚综管办〔2021〕86号) printed just below or above the title.
_DOC_NO_LINE = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［]\s*(?:19|20)\d{2}\s*[〕\]］]\s*第?\d{1,5}\s*号$"
)
NEAR_TITLE = 4  # lines


@dataclass
class ExtractedDocument:
    title: str | None = None
    text: str = ""
    published_at: str | None = None
    publisher: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    site_name: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    attachments: list[dict[str, str]] = field(default_factory=list)


def extract_document(
    html: str, url: str | None = None, body_selector: str | None = None
) -> ExtractedDocument:
    """Extract a document's body and metadata from decoded HTML.

    ``body_selector``: a CSS selector for the body container (a registry site's
    ``selectors.body``); a selector that matches nothing with text is ignored."""
    root = parse_html(html)
    page = RenderedPage(root)
    # Labels are matched in Simplified form: Traditional pages print 索引號, 發布機構, 來源.
    # Long lines are body paragraphs, never read for metadata: they stay as they are.
    lines = [to_simplified(line) if len(line) <= 200 else line for line in page.lines()]
    block = read_metadata(root, lines)
    tree = dechromed_copy(root)
    body_lines = extract_body(tree, url, css_to_xpath(body_selector) if body_selector else None)
    text = "\n".join(body_lines)
    site_name = block.tag("SiteName", "og:site_name", "site_name", "sitename")
    html_title = _html_title(root)
    title = pick_title(
        article_title=block.tag("ArticleTitle", "og:title"),
        block_title=block.first("title"),
        html_title=html_title,
        headings=heading_candidates(root, page),
        not_titles=[site_name or "", block.tag("ColumnName") or ""],
        body_heading=_body_heading(page, text),
    )
    text = "\n".join(trim_to_title(body_lines, title))
    title_line = _find_line(lines, title, text)
    return ExtractedDocument(
        title=title,
        text=text,
        published_at=_resolve_date(block, lines, title_line),
        publisher=_resolve_publisher(block, site_name),
        index_no=block.first("index_no"),
        doc_no=_resolve_doc_no(block, lines, title_line),
        site_name=site_name or _site_from_html_title(html_title, title),
        meta=block.as_dict(),
        # Files named only by scripts or PDF-viewer frames: both are gone from the de-chromed
        # tree, so they are read from the page as served.
        attachments=find_attachments(tree, url, inline_scripts(root), frame_sources(root)),
    )


# The last segment of a <title> names the site when it ends like a site or a body does:
# 《…》_国务院文件_中国政府网, … - 清遠市人民政府門戶網站, …--某某市物价局.
_SITE_NAME = re.compile(
    r"(?:网|网站|门户|门户网|政务网|政府|人民政府|平台|局|厅|委|委员会|办公室|办|院|署|中心)$"
)


def _site_from_html_title(html_title: str | None, title: str | None) -> str | None:
    """The site's name from the page's <title> (``标题_栏目_站点``), for a page without a
    SiteName meta tag; None when the title has no such last segment."""
    segments = title_segments(html_title or "")
    if len(segments) < 2:
        return None
    last = segments[-1]
    if not 3 <= len(last) <= 30 or (title and despace(last) == despace(title)):
        return None
    return last if _SITE_NAME.search(to_simplified(last)) else None


def _html_title(root: lxml.html.HtmlElement) -> str | None:
    for element in root.iter("title"):
        text = element.text_content()
        if text and text.strip():
            return text
    return None


def _find_line(lines: list[str], title: str | None, body: str = "") -> int | None:
    """Index of the line that shows the title as the document's heading.

    Menus and "latest news" lists repeat titles, so of the lines that show the title (or most
    of it: headings drop the bracketed 文号) the last one before the body's first paragraph wins.
    """
    if not title:
        return None
    wanted = compact(title)
    candidates = []
    for no, line in enumerate(lines):
        squeezed = compact(line)
        if squeezed == wanted or (
            len(squeezed) >= 0.5 * len(wanted)
            and wanted.startswith(squeezed)
            and len(squeezed) >= 6
        ):
            candidates.append(no)
    if not candidates:
        return None
    start = _body_start(lines, body)
    before = [no for no in candidates if start is None or no <= start]
    return before[-1] if before else candidates[0]


def _body_start(lines: list[str], body: str) -> int | None:
    """Index of the first page line where the body begins: a line found in the body text
    and followed by two more body lines (a menu entry repeated in the body is not enough)."""
    squeezed = compact(body.replace("|", ""))
    if not squeezed:
        return None
    body_text = OrderedText(squeezed)
    inside = [len(part := compact(line)) >= 8 and part in body_text for line in lines]
    for no, hit in enumerate(inside):
        if hit and sum(inside[no + 1 : no + 6]) >= 2:
            return no
    return None


def _resolve_publisher(block: MetadataBlock, site_name: str | None) -> str | None:
    """发布机构-type field > printed 来源 > <meta ContentSource> (unless it is the site name)."""
    printed = block.first("publisher") or block.first("source")
    if printed:
        return printed
    tagged = block.tag("ContentSource", "contentsource", "source")
    if tagged and (not site_name or compact(tagged) != compact(site_name)):
        return tagged
    return None


def _resolve_date(block: MetadataBlock, lines: list[str], title_line: int | None) -> str | None:
    """Printed publication date > <meta PubDate> > a date line by the title > 成文日期 > revision."""
    for key in ("published_block", "published_line"):
        value = block.first(key)
        if value:
            return parse_date(value)
    for name in _DATE_TAGS:
        value = parse_date(block.tag(name))
        if value:
            return value
    near = _date_near_title(lines, title_line)
    if near:
        return near
    for key in ("written", "revised"):
        value = block.first(key)
        if value:
            return parse_date(value)
    return None


def _date_near_title(lines: list[str], title_line: int | None) -> str | None:
    """A short line right after the title that carries a date (``2009年11月09日00:00 来源：…``)."""
    if title_line is None:
        return None
    for line in lines[title_line + 1 : title_line + 1 + NEAR_TITLE]:
        if len(line) > 80:
            break
        for _, _, iso in iter_dates(line):
            return iso
    return None


def _resolve_doc_no(block: MetadataBlock, lines: list[str], title_line: int | None) -> str | None:
    printed = block.first("doc_no")
    if printed or title_line is None:
        return printed
    lo, hi = max(0, title_line - NEAR_TITLE), title_line + NEAR_TITLE + 1
    for line in lines[lo:hi]:
        if _DOC_NO_LINE.match(line):
            return clean_value(line)
    return None


def _body_heading(page: RenderedPage, text: str) -> str | None:
    """The heading that opens the document: the highest-ranked heading between the last
    navigation link and the first paragraph of the body, in the original page."""
    root = page.root
    first = next((line for line in text.splitlines() if len(compact(line)) >= 20), None)
    if not first:
        return None
    key = compact(first)[:16]
    candidates: list[tuple[int, str]] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in INVISIBLE_TAGS:
            continue
        content = compact(element.text_content())
        if content.startswith(key):
            # The body starts here; if it starts with a heading, that heading is the one.
            for inner in element.iter():
                if isinstance(inner.tag, str) and heading_level(inner) < 9:
                    heading = despace(page.text(inner))
                    if compact(heading).startswith(key):
                        return heading
            break
        if element.tag == "a":
            if content and not is_toolbar_text(content):
                candidates = []  # navigation after a heading: that heading is the site's
            continue
        level = heading_level(element)
        if level < 9:
            heading = despace(page.text(element))
            if compact(heading).startswith(key):
                return heading  # the body's first line is this heading itself
            if 2 <= len(heading) <= 80 and not any(True for _ in element.iter("a")):
                candidates.append((level, heading))
    if not candidates:
        return None
    best = min(level for level, _ in candidates)
    return next(heading for level, heading in reversed(candidates) if level == best)


def absolute(url: str | None, href: str) -> str:
    return urljoin(url or "", href)
