"""Pagination of list pages: pager links, and the pages a TRS pager script would link to.

TRS (拓尔思) column pages often carry no static link to their later pages: an inline
``createPageHTML(pageCount, currentIndex, "index", "html")`` call writes the pager at run time.
The pages it links to follow one naming rule (``index.html`` is page 0, ``index_1.html`` …
``index_{pageCount-1}.html``, beside the current page), so they can be generated without
running the script. Plain HTML pagers (下一页 / 尾页 / numbered links, ``?page=N``,
``pageNo=``, ``pageIndex=``, ``currentPage=``, ``curPage=`` …) are ordinary links; this module
only recognises them, so the spider can keep them from consuming the depth limit.

The same pager call splits long TRS *documents*: ``createPageHTML(3, 0, "t20151009_67430",
"html")`` on ``t20151009_67430.html`` announces the parts ``t20151009_67430_1.html`` and
``t20151009_67430_2.html``. A pager named after the page's own file (not a list name such as
``index``) is a document pager: it makes the page one document in several parts, not a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from spiders.jpage import has_jpage_pager

if TYPE_CHECKING:
    from parsel import Selector

    from spiders.links import PageLink

# Anchor texts of pager controls, after _pager_word() normalisation. A control only counts
# when its target is a page of the same column: every site menu has a 首页 (home) link too.
_NEXT_PREV_LAST = frozenset(
    {
        "下一页", "下页", "后一页", "下一頁", "下頁", "上一页", "上页", "前一页", "上一頁",
        "上頁", "尾页", "末页", "最后一页", "尾頁", "末頁", "最後一頁",
        "next", "nextpage", "prev", "previous", "last", "lastpage",
    }
)  # fmt: skip
_FIRST = frozenset({"首页", "第一页", "首頁", "第一頁", "first", "firstpage"})
_ARROWS = frozenset({">", ">>", "<", "<<", "›", "»", "‹", "«", "→", "←"})
_PAGER_WORD_JUNK = re.compile(r"[\s\[\]【】()（）<>《》«»‹›→←.。:：\-]+")
_PAGE_NUMBER_TEXT = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
# "第3页", "3页", "[第 3 页]": a numbered pager control in words.
# One \s* on each side of 第, never two in a row: two would split a run of spaces every way.
_PAGE_ORDINAL_TEXT = re.compile(r"^\[?\s*(?:第\s*)?(\d{1,4})\s*[页頁]\s*\]?$")
# Query parameters that carry a page number.
PAGE_PARAMS = frozenset(
    {
        "page", "pageno", "page_no", "pagenum", "pagenumber", "pageindex", "page_index",
        "curpage", "currentpage", "cur_page", "current_page", "currpage", "nowpage",
        "page_num", "cpage", "pn", "p", "pg", "pager.offset", "start", "offset",
    }
)  # fmt: skip
# A list file name carrying a page number: index_3.html, list_12.shtml, 123_4.htm. The stem
# is restricted so that names such as report_2012.html are not taken for page 2012.
_PAGED_NAME = re.compile(
    r"^(?P<stem>index|default|more|page|[\w-]*list|\d+)_(?P<n>\d{1,5})"
    r"(?P<ext>\.s?html?|\.jsp|\.aspx?|\.php)$",
    re.IGNORECASE,
)
_PAGED_PATH = re.compile(r"/page/\d{1,5}/?$")
_INDEX_NAME = re.compile(r"^(?:index|default)\.(?:s?html?|jsp|aspx?|php)$", re.IGNORECASE)
# File stems of list pages: a pager named after one pages a column, never a document.
_LIST_STEM = re.compile(r"^(?:index|default|more|page|[\w-]*list|\d+)$", re.IGNORECASE)

_CREATE_PAGE_CALL = re.compile(r"(?<![\w.])createPageHTML\s*\(([^()]*)\)")
_FUNCTION_DEF = re.compile(r"function\s+$")
_VAR_LITERAL = r"""(?:var|let|const)?\s*\b{name}\s*=\s*(?:(-?\d+)|'([^']*)'|"([^"]*)")"""
# The document.write variant of the TRS pager (var countPage=56; var currentPage=0; …).
_COUNT_VAR = re.compile(r"\b(?:countPage|pageCount|nPageCount)\s*=\s*(\d+)")
_CURRENT_VAR = re.compile(r"\b(?:currentPage|curPage|nCurrIndex)\s*=\s*(\d+)")
_QUOTED_EXT = re.compile(r"""["']\.?(shtml|html|htm)["']""")


@dataclass(frozen=True)
class TrsPager:
    """What a TRS pager call says: page count, current page index, file stem and extension."""

    page_count: int
    current_index: int
    page_name: str = "index"
    page_ext: str = "html"

    def page_file(self, index: int) -> str:
        """File name of page ``index`` (page 0 has no number)."""
        if index == 0:
            return f"{self.page_name}.{self.page_ext}"
        return f"{self.page_name}_{index}.{self.page_ext}"


def _literal(arg: str, script: str) -> int | str | None:
    """An argument's value: a number or string literal, or a variable assigned one in the script."""
    arg = arg.strip()
    if re.fullmatch(r"-?\d+", arg):
        return int(arg)
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\"":
        return arg[1:-1]
    if re.fullmatch(r"[A-Za-z_$][\w$]*", arg):
        # createPageHTML(countPage, currentPage, …) after `var countPage = 55;`
        match = re.search(_VAR_LITERAL.format(name=re.escape(arg)), script)
        if match:
            number, single, double = match.groups()
            return int(number) if number is not None else (single if single is not None else double)
    return None


def _pager_from_args(values: list[int | str | None]) -> TrsPager | None:
    """Read (count, current, name, ext) from call arguments, with or without a leading div id."""
    for i in range(len(values) - 1):
        count, current = values[i], values[i + 1]
        if isinstance(count, int) and isinstance(current, int):
            rest = [v for v in values[i + 2 : i + 4] if isinstance(v, str)]
            name = rest[0] if rest and rest[0] else "index"
            ext = rest[1].lstrip(".") if len(rest) > 1 and rest[1] else "html"
            if count < 1 or not 0 <= current < max(count, 1):
                return None
            if not re.fullmatch(r"[\w-]+", name) or not re.fullmatch(r"[A-Za-z]{2,5}", ext):
                return None
            return TrsPager(page_count=count, current_index=current, page_name=name, page_ext=ext)
    return None


def parse_trs_pager(script: str, context: str | None = None) -> TrsPager | None:
    """The pager described by a script's createPageHTML(...) call (or TRS document.write pager).

    Variables passed to the call are looked up in ``context`` (all inline scripts of the
    page: templates often set ``var countPage`` in one <script> and call in the next).
    """
    for match in _CREATE_PAGE_CALL.finditer(script):
        if _FUNCTION_DEF.search(script[: match.start()][-20:]):
            continue  # the function's own definition: parameters, not arguments
        values = [_literal(arg, context or script) for arg in match.group(1).split(",")]
        pager = _pager_from_args(values)
        if pager is not None:
            return pager
    count, current = _COUNT_VAR.search(script), _CURRENT_VAR.search(script)
    if count and current and re.search(r"""["']index["']|index_""", script):
        ext = _QUOTED_EXT.search(script)
        return _pager_from_args(
            [int(count.group(1)), int(current.group(1)), "index", ext.group(1) if ext else "html"]
        )
    return None


def find_trs_pager(selector: Selector) -> TrsPager | None:
    """The TRS pager of a page, from its inline scripts; None when there is none."""
    scripts = selector.xpath("//script[not(@src)]/text()").getall()
    context = "\n".join(scripts)
    for script in scripts:
        if "createPageHTML" in script or "countPage" in script:
            pager = parse_trs_pager(script, context)
            if pager is not None:
                return pager
    return None


def _file_stem(url: str) -> str:
    """The last path segment of a URL without its extension (``t20151009_67430``)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def is_document_pager(pager: TrsPager, url: str) -> bool:
    """True if the pager splits the page at ``url`` into parts: two or more pages, named after
    the page's own file (``t20151009_67430`` on ``t20151009_67430.html``, or on
    ``t20151009_67430_2.html`` when it says it is page 2) and not after a list file."""
    if pager.page_count < 2 or _LIST_STEM.match(pager.page_name):
        return False
    expected = (
        pager.page_name if pager.current_index == 0 else f"{pager.page_name}_{pager.current_index}"
    )
    return _file_stem(url) == expected


def document_pager(selector: Selector, url: str) -> TrsPager | None:
    """The pager of a multi-page document at ``url``; None for single pages and list pagers."""
    pager = find_trs_pager(selector)
    if pager is None or not is_document_pager(pager, url):
        return None
    return pager


def multipage_first_url(pager: TrsPager, url: str) -> str:
    """URL of the first page of the document a part at ``url`` belongs to."""
    return urljoin(urljoin(url, "./"), pager.page_file(0))


def multipage_part_urls(pager: TrsPager, url: str, max_parts: int = 0) -> tuple[list[str], int]:
    """URLs of a multi-page document's further pages (``…_1.html`` …) in order, and how many
    were cut by ``max_parts`` (0 = no cap)."""
    directory = urljoin(url, "./")
    count = pager.page_count - 1
    cut = 0
    if max_parts and count > max_parts:
        count, cut = max_parts, count - max_parts
    return [urljoin(directory, pager.page_file(index)) for index in range(1, count + 1)], cut


def trs_page_urls(pager: TrsPager, list_url: str, max_pages: int = 0) -> tuple[list[str], int]:
    """URLs of every page of the pager's column except the current one, and how many were cut.

    Pages sit beside the current list page. ``max_pages`` (0 = no cap) bounds the pages of one
    column, the current one included, so a runaway count cannot flood the scheduler.
    """
    directory = urljoin(list_url, "./")
    count = pager.page_count
    cut = 0
    if max_pages and count > max_pages:
        cut = count - max_pages
        count = max_pages
    urls = [
        urljoin(directory, pager.page_file(index))
        for index in range(count)
        if index != pager.current_index
    ]
    return urls, cut


def _pager_word(text: str) -> str:
    """Anchor text reduced to the bare pager word ('[下一页>]' -> '下一页', 'Next »' -> 'next')."""
    return _PAGER_WORD_JUNK.sub("", text).lower()


def is_page_like_url(url: str) -> bool:
    """True if the URL carries a page number: index_3.html, ?page=3, /page/3/."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1]
    if _PAGED_NAME.match(name):
        return True
    if _PAGED_PATH.search(parts.path):
        return True
    return any(
        key.lower() in PAGE_PARAMS and value.isdigit()
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )


def column_key(url: str) -> str:
    """The URL of a list page with its page number removed: all pages of a column share it."""
    parts = urlsplit(url)
    directory, _, name = parts.path.rpartition("/")
    paged = _PAGED_NAME.match(name)
    if paged:
        name = paged.group("stem") + paged.group("ext")
    if _INDEX_NAME.match(name):
        name = ""  # /col/ and /col/index.html are one column
    # Sorted: ?t=1&channelId=7 and ?channelId=7&t=1 are one column.
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in PAGE_PARAMS
        )
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), f"{directory}/{name}", query, ""))


def is_pagination_link(link: PageLink, current_url: str) -> bool:
    """True if a link is a pager control of the current list page (下一页, 尾页, 2, 3 …).

    The target must be another page of the same column (or carry a page number): pagination
    does not consume the depth limit, so an endless "next" chain over other parameters (a
    calendar's 下一页 to ?date=…) must not qualify.
    """
    if link.kind != "page":
        return False
    same_column = column_key(link.url) == column_key(current_url)
    if (
        same_column
        and _page_params(link.url)
        and _page_params(link.url) != _page_params(current_url)
    ):
        # The same list with another page number (?page=3, pageNo=, pageIndex=, curPage=):
        # pagination whatever the anchor says (第3页, 更多, an icon).
        return True
    raw = link.text.strip()
    word = _pager_word(raw)
    is_control = (
        word in _NEXT_PREV_LAST
        or word in _FIRST
        or (not word and raw.replace(" ", "") in _ARROWS)
        or bool(_PAGE_NUMBER_TEXT.match(raw))
        or bool(_PAGE_ORDINAL_TEXT.match(raw))
    )
    if not is_control:
        return False
    return same_column or is_page_like_url(link.url)


def _page_params(url: str) -> dict[str, str]:
    """The page-number query parameters of a URL (lower-case names)."""
    return {
        key.lower(): value
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if key.lower() in PAGE_PARAMS and value.isdigit()
    }


# Text of elements whose class or id names a pager (page, pagination, pager, fenye 分页).
_PAGER_BOX_TEXT = (
    "//*[contains(@class,'page') or contains(@id,'page') or contains(@class,'pagin')"
    " or contains(@id,'pagin') or contains(@class,'fenye') or contains(@id,'fenye')]"
    "//text()[not(ancestor::script)]"
)
_PAGE_TOTAL_TEXT = re.compile(
    r"共\s*\d+\s*[页頁]|第\s*\d+\s*/\s*\d+\s*[页頁]|\d+\s*/\s*\d+\s*[页頁]"
)


def has_pagination(selector: Selector, links: list[PageLink], url: str) -> bool:
    """True if the page shows pagination controls (a TRS pager of 2+ pages, 下一页, 共N页 …)."""
    pager = find_trs_pager(selector)
    if pager is not None and pager.page_count > 1 and not is_document_pager(pager, url):
        return True
    if has_jpage_pager(selector, url):
        return True
    numbered = 0
    for link in links:
        if link.kind != "page":
            continue
        word = _pager_word(link.text)
        if word in _NEXT_PREV_LAST:
            return True
        if _PAGE_NUMBER_TEXT.match(link.text.strip()) and (
            is_page_like_url(link.url) or column_key(link.url) == column_key(url)
        ):
            numbered += 1
    if numbered >= 2:
        return True
    # A pager whose controls are spans/buttons (JS paging): "共 12 页", "1/12页".
    text = " ".join(selector.root.xpath(_PAGER_BOX_TEXT))
    return bool(_PAGE_TOTAL_TEXT.search(text))
