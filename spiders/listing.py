"""Which links of a list page are its documents (the list), not its menus, tabs, pagers or footer.

A list is a run of repeated items — ``<li>``, ``<tr>``, ``<dd>`` or any repeated block — each
with a link to one document, often a date, usually a title-length text and a detail-shaped
URL. Menus repeat too, so groups of links are told apart by their content:

1. every link gets its *item*: a list row (``li``, ``tr``, ``dd``, ``dt``) at most three
   levels above it, else the nearest element, from the ``<a>`` itself upwards, whose parent
   holds at least one more element of the same tag and class;
2. links are grouped by the shape of that item — its container's tag and class, the item's
   tag and class, the link's class — so two tables of the same kind form one list;
3. each link scores for a title-length text, a date in its item, a detail-page or file URL,
   and against navigation context (header, nav, menu, footer, breadcrumb, pager), pager or
   directory URLs and short labels; the group with the best total is the list.

Nothing here is site-specific; it works on the markup of TRS, Hanweb, UCAP and 集约化 lists
and on plain hand-written pages alike.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import lxml.html
from scrapy.utils.response import get_base_url

from extraction.dates import iter_dates
from spiders.links import (
    cdata_records,
    is_attachment_url,
    is_static_asset,
    resolve_href,
    strip_fragment,
)
from spiders.pages import url_shape

if TYPE_CHECKING:
    from scrapy.http import TextResponse

_CHROME_CONTEXT = re.compile(
    r"(?:^|[\s_-])(?:nav|navs|navbar|menu|menus|header|head|top|topbar|footer|foot|bottom|"
    r"crumb|crumbs|breadcrumb|location|position|copyright|share|friend|links?|sitemap|"
    r"pager?|paging|pagination|pages|pagebar|sidebar|side|lang|language|login|tool|tools|"
    r"skip|access)(?:$|[\s_\d-])",
    re.IGNORECASE,
)
_PAGER_TEXT = re.compile(
    r"^(?:\d{1,4}|上一?页|下一?页|首页|尾页|末页|前页|后页|[<>«»‹›]+|\.\.\.|…|更多|more)$",
    re.IGNORECASE,
)
_MIN_TITLE = 6
_WHITESPACE = re.compile(r"\s+")


@dataclass
class _Link:
    url: str
    text: str
    score: int
    group: tuple[str, ...]


@dataclass(frozen=True)
class ListRow:
    """One row of a list: the document's URL, its title as the list shows it (the anchor's
    text, or its @title when the text is cut short with …) and the row's date, if any."""

    url: str
    title: str
    date: str | None = None


@dataclass
class LinkGroup:
    """Links of one item shape, with their summed score."""

    key: tuple[str, ...]
    urls: list[str] = field(default_factory=list)
    score: int = 0
    rows: list[ListRow] = field(default_factory=list)


def _classes(element: lxml.html.HtmlElement) -> str:
    return " ".join(sorted((element.get("class") or "").split()))


def _shape(element: lxml.html.HtmlElement) -> tuple[str, str]:
    return (element.tag if isinstance(element.tag, str) else "", _classes(element))


_ROW_TAGS = ("li", "tr", "dd", "dt")
_ROW_LEVELS = 3


def _item_of(anchor: lxml.html.HtmlElement, max_levels: int = 6) -> lxml.html.HtmlElement:
    """The unit holding the link (see module docstring, step 1): a list row (li, tr, dd, dt)
    close above the link, else the nearest repeated element."""
    for level, ancestor in enumerate(anchor.iterancestors(), 1):
        if level > _ROW_LEVELS:
            break
        if ancestor.tag in _ROW_TAGS:
            return ancestor
    element = anchor
    for _ in range(max_levels):
        parent = element.getparent()
        if parent is None:
            break
        shape = _shape(element)
        siblings = sum(
            1 for child in parent if isinstance(child.tag, str) and _shape(child) == shape
        )
        if siblings >= 2 and element.tag not in ("tbody", "html", "body"):
            return element
        element = parent
    return anchor.getparent() if anchor.getparent() is not None else anchor


class _Sizes:
    """Text length of elements, computed once per element (a page's wrappers are asked often)."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self._lengths: dict[lxml.html.HtmlElement, int] = {}
        self.page = max(1, self(root))

    def __call__(self, element: lxml.html.HtmlElement) -> int:
        length = self._lengths.get(element)
        if length is None:
            length = len(_WHITESPACE.sub("", element.text_content()))
            self._lengths[element] = length
        return length


# A region named like chrome (header, nav, pager …) only counts as chrome when it is a small
# part of the page: some templates wrap the whole page in div.page or div.header2_shadow.
CHROME_REGION_SHARE = 0.3


def _chrome_context(element: lxml.html.HtmlElement, sizes: _Sizes) -> bool:
    for ancestor in element.iterancestors():
        hint = f"{ancestor.get('id', '')} {ancestor.get('class', '')}"
        named = ancestor.tag in ("nav", "header", "footer") or (
            hint.strip() and _CHROME_CONTEXT.search(hint)
        )
        if named and sizes(ancestor) <= CHROME_REGION_SHARE * sizes.page:
            return True
    return False


def _text(element: lxml.html.HtmlElement) -> str:
    text = _WHITESPACE.sub(" ", element.text_content()).strip()
    return text or (element.get("title") or "").strip()


def _score(
    anchor: lxml.html.HtmlElement,
    item: lxml.html.HtmlElement,
    url: str,
    text: str,
    sizes: _Sizes,
) -> int:
    squeezed = _WHITESPACE.sub("", text)
    score = 0
    if len(squeezed) >= _MIN_TITLE:
        score += 2
    elif len(squeezed) <= 2 or _PAGER_TEXT.match(squeezed):
        score -= 3
    if any(True for _ in iter_dates(_text(item))):
        score += 3
    shape = url_shape(url)
    if is_attachment_url(url) or shape == "document":
        score += 2
    elif shape == "listing" or url.endswith("/"):
        score -= 2
    if _chrome_context(anchor, sizes):
        score -= 4
    if (anchor.get("title") or "").strip() and len(squeezed) >= _MIN_TITLE:
        score += 1  # list templates put the full title in @title; menus rarely do
    return score


def _anchors(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """<a href> elements in document order, with Hanweb datastore records parsed in place."""
    anchors = []
    for element in root.iter("a", "script"):
        if element.tag == "a":
            if element.get("href") is not None:
                anchors.append(element)
            continue
        if (element.get("type") or "").lower() != "text/xml":
            continue
        records = cdata_records(element.text or "")
        if records:
            fragment = lxml.html.fragment_fromstring(
                "".join(f"<div class='datastore-record'>{r}</div>" for r in records),
                create_parent="div",
            )
            fragment.set("class", "datastore")
            anchors.extend(fragment.iter("a"))
    return anchors


def link_groups(response: TextResponse) -> list[LinkGroup]:
    """The page's links grouped by item shape, best list first."""
    root = lxml.html.document_fromstring(response.text or "<html></html>")
    anchors = _anchors(root)
    for invisible in list(root.iter("script", "style", "noscript", "template")):
        invisible.drop_tree()  # sizes are of visible text (datastore records were read above)
    sizes = _Sizes(root)
    base_url = get_base_url(response)
    own = strip_fragment(response.url)
    groups: dict[tuple[str, ...], LinkGroup] = defaultdict(lambda: LinkGroup(key=()))
    for anchor in anchors:
        url = resolve_href(anchor.get("href") or "", base_url)
        if url is None or url == own or is_static_asset(url):
            continue
        item = _item_of(anchor)
        container = item.getparent()
        key = (
            (*_shape(container), *_shape(item), _classes(anchor))
            if container is not None
            else _shape(item)
        )
        group = groups[key]
        group.key = key
        group.urls.append(url)
        group.score += _score(anchor, item, url, _text(anchor), sizes)
        group.rows.append(ListRow(url, _row_title(anchor), _row_date(item)))
    return sorted(groups.values(), key=lambda g: g.score, reverse=True)


def _row_title(anchor: lxml.html.HtmlElement) -> str:
    text = _text(anchor)
    full = _WHITESPACE.sub(" ", anchor.get("title") or "").strip()
    # List templates cut long titles (…/...) and keep the whole one in @title.
    if full and (not text or text.endswith(("…", "...", "..")) or len(full) > len(text)):
        return full
    return text


def _row_date(item: lxml.html.HtmlElement) -> str | None:
    return next((iso for _, _, iso in iter_dates(_text(item))), None)


def document_rows(response: TextResponse) -> list[ListRow]:
    """The list page's documents, in page order (repeats kept as the page has them).

    Empty when no group of links looks like a list of documents.
    """
    groups = link_groups(response)
    if not groups or groups[0].score <= 0:
        return []
    rows = groups[0].rows
    files = [row for row in rows if is_attachment_url(row.url)]
    # A download list (rows of PDF/DOC files, 下载区): its documents are the files; the odd page
    # link in a row is a reference, not an entry.
    if len(files) >= ATTACHMENT_LIST_SHARE * len(rows):
        return files
    return rows


def document_links(response: TextResponse) -> list[str]:
    """URLs of the list page's documents, in page order (see ``document_rows``)."""
    return [row.url for row in document_rows(response)]


ATTACHMENT_LIST_SHARE = 0.8


# --- how a list continues ------------------------------------------------------------------

_TRS_API = re.compile(r"listModel\s*\(\s*\{(?P<body>.*?)\}\s*\)", re.DOTALL)
_JS_NUMBER = r"['\"]?(\d+)['\"]?"


@dataclass
class Pagination:
    """How a list page reaches its further pages.

    ``kind``: ``trs_createpagehtml`` (pages generated from the TRS pager script),
    ``hanweb_jpage`` (records fetched by POST from dataproxy.jsp), ``links`` (ordinary pager
    links: 下一页, numbers, ``?page=N``), ``trs_api`` (a TRS 动静结合 list whose later pages
    come only from a JavaScript search API — detected, not followable without running it), or
    ``none``.
    """

    kind: str
    page_urls: list[str] = field(default_factory=list)
    page_count: int | None = None
    next_url: str | None = None
    record_count: int | None = None
    per_page: int | None = None


def _js_int(body: str, name: str) -> int | None:
    match = re.search(rf"\b{name}\s*:\s*{_JS_NUMBER}", body)
    return int(match.group(1)) if match else None


def trs_api_pagination(response: TextResponse) -> Pagination | None:
    """A TRS 动静结合 list (``require(["list2.trsapi"…]) listModel({…})``): only its first page
    is static HTML, the others come from a search API called by JavaScript."""
    scripts = " ".join(response.xpath("//script[not(@src)]/text()").getall())
    if "trsapi" not in scripts:
        return None
    api = _TRS_API.search(scripts)
    if api is None:
        return None
    body = api.group("body")
    records, per_page = _js_int(body, "recordCount"), _js_int(body, "prepage")
    count = -(-records // per_page) if records and per_page else None
    return Pagination("trs_api", page_count=count, record_count=records, per_page=per_page)


def describe_pagination(response: TextResponse) -> Pagination:
    """The pagination a list page declares (see :class:`Pagination`)."""
    from spiders.links import extract_links
    from spiders.pagination import _pager_word, find_trs_pager, is_pagination_link, trs_page_urls

    pager = find_trs_pager(response.selector)
    if pager is not None and pager.page_count >= 2:
        urls, _ = trs_page_urls(pager, response.url)
        return Pagination("trs_createpagehtml", urls, page_count=pager.page_count)
    from spiders.jpage import parse_jpage_configs

    for config in parse_jpage_configs(response.selector, response.url):
        if config.page_count >= 2:
            return Pagination(
                "hanweb_jpage",
                [config.proxy_url],
                page_count=config.page_count,
                record_count=config.total_record,
                per_page=config.per_page,
            )
    js_only = trs_api_pagination(response)
    if js_only is not None:
        return js_only
    pager_links = [
        link for link in extract_links(response) if is_pagination_link(link, response.url)
    ]
    if pager_links:
        # extract_links keeps one link per URL; the 下一页 control often shares its URL with
        # the "2" link, so look for it among all anchors.
        next_url = None
        for anchor in response.xpath("//a[@href]"):
            if _pager_word(" ".join(anchor.xpath(".//text()").getall())) in _NEXT_WORDS:
                next_url = response.urljoin(anchor.attrib["href"])
                break
        urls = list(dict.fromkeys(link.url for link in pager_links))
        return Pagination("links", urls, next_url=next_url)
    return Pagination("none")


_NEXT_WORDS = frozenset({"下一页", "下页", "下一頁", "下頁", "后一页", "next", "nextpage"})
