"""Page classification: is a fetched page a document, a listing, or something else?

The spider meets directories it has never seen, so the decision rests on signals that hold
across CMS families rather than on per-site rules. Each signal adds evidence for one side:

document  gov ``<meta name="ArticleTitle">`` / ``PubDate`` (the national site standard puts
          them on article pages only), a metadata block (索引号： 发布机构： 文号： 成文日期：),
          long paragraphs of non-link text, detail-page URL shapes (TRS ``t20200802_1352104``,
          Hanweb ``art_1229283449_24937``, 集约化 ``/202305/<32 hex>.shtml``), few links,
          a heading that repeats the <title>'s long first part (标题_栏目_站点).
listing   column meta without article meta, many ``title + date`` rows, pagination controls,
          high link density, a download list of attachments, list URL shapes
          (``index_3.html``, ``/col/col123/``, ``list_2.html``) and directory URLs.

The evidence is summed; positive means document, negative listing, zero other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from extraction.title import title_segments
from spiders.links import extract_links
from spiders.pagination import has_pagination, is_page_like_url

if TYPE_CHECKING:
    from parsel import Selector
    from scrapy.http import Response

    from spiders.links import PageLink

PageType = Literal["document", "listing", "other"]

# Detail-page URL shapes of the common government CMS families.
_DOCUMENT_URL = [
    re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$", re.IGNORECASE),  # TRS: t20200802_1352104.html
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+(?:\.s?html?)?$", re.IGNORECASE),  # Hanweb
    re.compile(
        r"/\d{6}/[0-9a-f]{32}\.s?html?$", re.IGNORECASE
    ),  # 集约化 / UCAP: /202305/<32 hex>.shtml
    re.compile(r"/content_\d+\.s?html?$", re.IGNORECASE),  # www.gov.cn
    re.compile(r"/info/\d+/\d+\.s?html?$", re.IGNORECASE),  # 博达 VSB
    re.compile(r"/(?:art|article|content|detail)[_-]?\d+\.s?html?$", re.IGNORECASE),
    re.compile(r"[?&](?:doc|article|art|content|info|news)_?id=\d+", re.IGNORECASE),
]
_LISTING_URL = [
    re.compile(r"/(?:index|list|default)(?:_\d+)?\.(?:s?html?|jsp|aspx?|php)$", re.IGNORECASE),
    re.compile(r"/col/col\d+/", re.IGNORECASE),  # Hanweb column
    re.compile(r"/(?:list|lists|column|channel)(?:[_/-]|\.)", re.IGNORECASE),
]
_METADATA_LABEL = re.compile(
    r"(索\s*引\s*号|发\s*布\s*机\s*构|发\s*文\s*机\s*关|发\s*文\s*字\s*号|文\s*号|成\s*文\s*日\s*期"
    r"|发\s*布\s*日\s*期|主\s*题\s*分\s*类|信\s*息\s*来\s*源|发\s*布\s*时\s*间|生\s*效\s*日\s*期"
    r"|有\s*效\s*性)\s*[:：]"
)
_DATE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
# Elements whose text forms one block of prose; text under inline tags belongs to the
# nearest of these.
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "td", "th", "li", "dd", "dt", "article", "section", "main", "pre",
        "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "tbody", "ul",
        "ol", "dl", "form", "center", "body", "html",
    }
)  # fmt: skip
# Text that is not read: scripts, styles, the head, form widgets — and link text, counted
# separately as link density.
_PROSE_TEXT = (
    "//text()[not(ancestor::script or ancestor::style or ancestor::head or ancestor::noscript"
    " or ancestor::select or ancestor::option or ancestor::textarea or ancestor::a)]"
)
_SPACE = re.compile(r"\s+")
_LONG_BLOCK = 60
SHORT_PAGE = 600  # characters of non-link text: less than any document with a body
_PAGER_WORDS = re.compile(r"^(?:下一?页|上一?页|尾页|末页|\d{1,4}|next|prev)$", re.IGNORECASE)


@dataclass(frozen=True)
class PageSignals:
    """The measurements classification is based on."""

    article_meta: bool = False
    column_meta: bool = False
    url_shape: PageType | None = None
    directory_url: bool = False
    metadata_labels: int = 0
    longest_block: int = 0
    long_blocks: int = 0
    text_chars: int = 0
    link_chars: int = 0
    page_links: int = 0
    attachment_links: int = 0
    list_rows: int = 0
    pagination: bool = False
    link_text_is_heading: bool = False
    title_is_heading: bool = False
    link_text_is_pager: bool = False

    @property
    def link_density(self) -> float:
        """Share of the page's visible text that sits inside page links."""
        return self.link_chars / max(1, self.link_chars + self.text_chars)


def _chars(text: str) -> int:
    """Length without whitespace (some sites space every character: '香 港 戒 毒')."""
    return len(_SPACE.sub("", text))


def _gov_meta(selector: Selector) -> tuple[bool, bool]:
    """(article meta present, column meta present) from the gov site <meta> tags."""
    names: dict[str, str] = {}
    for meta in selector.root.xpath("//meta[@name]"):
        name = (meta.get("name") or "").strip().lower()
        names.setdefault(name, (meta.get("content") or "").strip())
    article = any(names.get(key) for key in ("articletitle", "pubdate", "firstpublishedtime"))
    return article, "columnname" in names


def url_shape(url: str) -> PageType | None:
    """'document' or 'listing' when the URL has a shape typical of one, else None."""
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    if any(pattern.search(target) for pattern in _DOCUMENT_URL):
        return "document"
    if any(pattern.search(parts.path) for pattern in _LISTING_URL) or is_page_like_url(url):
        return "listing"
    return None


# The signals below read lxml elements directly (``selector.root``), not parsel Selectors:
# wrapping each of a page's thousands of text nodes in a Selector cost more than the rest of
# the classification together (profile of a crawl: 20 % of the reactor thread's time).


def _text_blocks(selector: Selector) -> tuple[list[int], str]:
    """Non-link text length of each block element (all roots: some saved pages have two),
    and that text joined."""
    sizes: dict[object, int] = {}
    texts = selector.root.xpath(_PROSE_TEXT)
    for text in texts:
        size = _chars(text)
        if not size:
            continue
        element = text.getparent()
        if text.is_tail:
            element = element.getparent()
        while element is not None and (
            not isinstance(element.tag, str) or element.tag.lower() not in _BLOCK_TAGS
        ):
            element = element.getparent()
        sizes[element] = sizes.get(element, 0) + size
    return list(sizes.values()), " ".join(texts)


def _list_rows(selector: Selector) -> int:
    """Rows that look like list entries: a titled link plus a date, little else."""
    rows = 0
    for row in selector.root.xpath("//li | //tr | //dl"):
        text = " ".join(row.xpath(".//text()[not(ancestor::script)]"))
        if _chars(text) > 150 or not _DATE.search(text):
            continue
        titled = [
            a for a in row.xpath(".//a[@href]") if _chars(" ".join(a.xpath(".//text()"))) >= 5
        ]
        if 1 <= len(titled) <= 2:
            rows += 1
    return rows


def _headings(selector: Selector) -> str:
    """Text of <title>, h1–h3 and the ArticleTitle meta, whitespace removed."""
    parts = selector.root.xpath(
        "//title//text() | //h1//text() | //h2//text() | //h3//text()"
        " | //meta[@name='ArticleTitle']/@content"
    )
    return _SPACE.sub("", "".join(parts))


DOCUMENT_HEADING = 12  # characters: a document's name; a column's name is shorter


def _title_is_heading(selector: Selector) -> bool:
    """The <title>'s first part (标题_栏目_站点) is long, like a document's name, and is
    also a heading on the page (h1–h3): the page shows that one document."""
    segments = title_segments(" ".join(selector.root.xpath("//title//text()")))
    first = _SPACE.sub("", segments[0]) if segments else ""
    if len(first) < DOCUMENT_HEADING:
        return False
    headings = selector.root.xpath("//h1 | //h2 | //h3")
    return any(_SPACE.sub("", "".join(h.itertext())) == first for h in headings)


def page_signals(
    response: Response, links: list[PageLink] | None = None, link_text: str | None = None
) -> PageSignals:
    """Measure the classification signals of an HTML response."""
    selector = response.selector  # type: ignore[attr-defined]
    if links is None:
        links = extract_links(response)  # type: ignore[arg-type]
    page_links = [link for link in links if link.kind == "page"]
    blocks, prose = _text_blocks(selector)
    article_meta, column_meta = _gov_meta(selector)
    anchor = _SPACE.sub("", link_text or "")
    return PageSignals(
        article_meta=article_meta,
        column_meta=column_meta,
        url_shape=url_shape(response.url),
        directory_url=urlsplit(response.url).path.endswith("/"),
        metadata_labels=len({_SPACE.sub("", m) for m in _METADATA_LABEL.findall(prose)}),
        longest_block=max(blocks, default=0),
        long_blocks=sum(size >= _LONG_BLOCK for size in blocks),
        text_chars=sum(blocks),
        link_chars=sum(_chars(link.text) for link in page_links),
        page_links=len(page_links),
        attachment_links=len(links) - len(page_links),
        list_rows=_list_rows(selector),
        pagination=has_pagination(selector, links, response.url),
        link_text_is_heading=len(anchor) >= 12 and anchor in _headings(selector),
        title_is_heading=_title_is_heading(selector),
        link_text_is_pager=bool(_PAGER_WORDS.match(anchor)),
    )


def score(signals: PageSignals) -> tuple[int, list[str]]:
    """Evidence sum (positive: document, negative: listing) and the reasons behind it."""
    evidence: list[tuple[int, str]] = []

    def add(points: int, reason: str) -> None:
        evidence.append((points, reason))

    # Gov meta: ArticleTitle is the article-page tag of the national standard; a page with
    # column meta but no article meta is a column (list or navigation) page.
    if signals.article_meta:
        add(6, "article meta")
    elif signals.column_meta:
        add(-3, "column meta only")
    if signals.url_shape == "document":
        add(2, "detail URL")
    elif signals.url_shape == "listing":
        add(-2, "list URL")
    elif signals.directory_url:
        # Columns are directories (/zwgk/tzgg/); documents are files (t2020…_1.html).
        add(-1, "directory URL")
    if signals.metadata_labels >= 2:
        add(3, "metadata block")
    elif signals.metadata_labels == 1:
        add(1, "metadata label")
    # Prose: documents have paragraphs of non-link text; list rows are short.
    if signals.longest_block >= 150:
        add(1, "long text block")
    if signals.long_blocks >= 3:
        add(1, "several paragraphs")
    if signals.text_chars >= 1500 and signals.link_density < 0.3:
        add(2, "much prose")
    # A page with almost no page links is a leaf: a document (its files are attachments).
    if signals.page_links <= 5:
        add(2, "few page links")
    if signals.pagination:
        add(-4, "pagination")
    if signals.list_rows >= 8:
        add(-3, "many title+date rows")
    elif signals.list_rows >= 3:
        add(-2, "title+date rows")
    elif signals.list_rows and signals.longest_block < 150 and signals.text_chars < SHORT_PAGE:
        # A column of one or two entries (a small body's 年报 column) and nothing else: no
        # document is this short with dated rows for all its text.
        add(-2, "title+date rows, no prose")
    if signals.link_density >= 0.5:
        add(-2, "link density")
    if signals.attachment_links >= 20 and signals.attachment_links > 2 * signals.page_links:
        add(-4, "download list")
    # The page's own heading names the document its <title> names (标题_栏目_站点).
    if signals.title_is_heading:
        add(3, "heading is the page title")
    # How we got here: the anchor text that led to the page.
    if signals.link_text_is_heading:
        add(1, "link text is the heading")
    if signals.link_text_is_pager:
        add(-2, "reached by a pager link")
    return sum(points for points, _ in evidence), [f"{r}({p:+d})" for p, r in evidence]


def classify_signals(signals: PageSignals) -> PageType:
    """'document', 'listing' or 'other' from measured signals."""
    total, _ = score(signals)
    if total > 0:
        return "document"
    if total < 0:
        return "listing"
    return "other"


def classify_page(
    response: Response, links: list[PageLink] | None = None, link_text: str | None = None
) -> PageType:
    """Classify a fetched page as 'document', 'listing' or 'other' (non-HTML is 'other')."""
    if not hasattr(response, "selector"):
        return "other"
    return classify_signals(page_signals(response, links=links, link_text=link_text))
