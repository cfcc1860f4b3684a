"""Government page chrome: recognising it in the DOM (before trafilatura) and in text lines.

trafilatura removes most navigation, but gov templates put chrome inside or right next to the
article container, where a generic extractor keeps it: breadcrumbs (当前位置…), the tool bar
(打印本页 / 关闭窗口 / 【字体：大 中 小】 / 我要纠错 / 分享到), QR-code captions
(扫一扫在手机打开当前页), view counters (浏览次数 / 访问量), related-link boxes (相关链接,
关联稿件, 上一篇/下一篇), footers (主办单位, 版权所有, ICP备, 公网安备, 网站标识码) and the
metadata table itself. Rules match whole short elements or whole short lines, never a phrase
inside a body paragraph: an annual report that says "专栏访问量达19363人次" keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate

import lxml.html

from extraction.attachments import attachment_extension, is_attachment_url
from extraction.chinese import to_simplified
from extraction.html import (
    TreeText,
    compact,
    element_text,
    is_hidden,
    render_chunks,
    squeeze_chunks,
    text_lines,
    visible_lines,
)
from extraction.metadata import STRONG_KEYS, is_bare_label, is_metadata_line, read_block

# Whole-text chrome phrases, compared on text with all whitespace removed.
_TOOL_PHRASES = [
    r"【?(?:字体|字号)[:：]?\[?(?:大|放大|特大)\]?\[?(?:中|正常|标准)\]?\[?(?:小|缩小)\]?】?",
    (
        r"(?:【|\[)?(?:打印本页|打印本文|打印此页|打印页面|打印文章|打印|关闭本页|关闭窗口|关闭本窗口|关闭|"
        r"返回顶部|回到顶部|返回|收藏|收藏本页|加入收藏|我要纠错|纠错|保存本页|"
        r"分享|分享到|分享至|朗读|语言播报|语音播报|视力保护色|留言|论坛|网摘|手机点评|评论|推荐|"
        r"E-mail推荐|发表评论|我要评论|下载文字版|下载图片版|我要发表留言|发表留言|我要留言|附件下载|"
        r"全真版|文字版|图片版|文件下载|文字解读|图片解读|视频解读|H5解读|动漫解读|"
        r"回页首|页首|TOP|top|Top)(?:】|\])?"
    ),
    r"扫一扫在手机(?:上)?(?:打开|查看|浏览)(?:当前页(?:面)?|本页)?",
    r"(?:用)?(?:微信|手机)?扫(?:一扫|描二维码)(?:分享|打开)?(?:到手机|至手机)?(?:查看|阅读|访问)?",
    r"(?:微信|微博|QQ空间|QQ好友|新浪微博|腾讯微博|人人网|豆瓣|朋友圈|复制链接|更多)",
    r"(?:浏览次数|阅读次数|访问量|访问次数|点击数|点击量|浏览量|阅读量|阅读)[:：]?\d*次?",
    r"(?:进入|退出|切换到?|开启|关闭)?(?:长者模式|关怀版|老年模式|适老化|无障碍浏览|无障碍模式|无障碍)",
    (
        r"(?:English|EN|ENGLISH|简体|繁体|繁體|簡體|简|繁|中文版?|网站无障碍|"
        r"切換到繁體|切换到繁体|主页|主頁|首页|返回首页|网站地图|联系我们)"
    ),
]
_TOOLBAR = re.compile(r"(?:" + "|".join(_TOOL_PHRASES) + r")(?:[|｜丨/·•、,，:：\-\[\]【】()（）]*(?:"
                      + "|".join(_TOOL_PHRASES) + r"))*[|｜丨/·•、,，:：]*")  # fmt: skip

_BREADCRUMB = re.compile(
    r"^(?:您?(?:当前|现在)?的?(?:所在)?位置|当前位置|您现在的位置是|所在位置|当前栏目|位置)[:：]"
)
_BREADCRUMB_TRAIL = re.compile(r"^(?:首页|网站首页|主页)\s*(?:>|＞|»|›|→|/|>>)")

# Footer markers. Strong ones alone mark a block; weak ones need a second marker.
_FOOTER_STRONG = re.compile(
    r"ICP备|ICP证|公网安备|网站标识码|网站识别码|版权所有(?![者人])|Copyright|©|\(C\)|政府网站找错|"
    # Hong Kong government footers: 重要告示 / 私隐政策 / 版权告示
    r"重要告示|私隐政策|私隐声明|版权告示|"
    r"建议使用\d+[*×x]\d+|分辨率[:：为]?\s*\d"
)
_FOOTER_WEAK = re.compile(
    r"主办单位|承办单位|主办[:：]|承办[:：]|技术支持|运维单位|维护单位|联系电话|联系我们|网站地图|"
    r"网站声明|隐私|免责声明|版权与免责|Produced By|地址[:：]|邮编|建议使用"
)

_RELATED_HEADINGS = re.compile(
    r"^(?:相关链接|相关文章|相关稿件|相关新闻|相关阅读|延伸阅读|关联稿件|相关文件|相关附件|相关信息|"
    r"相关政策|相关解读|相关内容|推荐阅读|猜你喜欢|热点推荐|热门文章|上一篇|下一篇|上一条|下一条|"
    r"相 ?关 ?文 ?件)[:：]?"
)
# A site's standing notice under every article: 版权与免责声明 followed by what may be
# reprinted (转载) and who owns what (版权), worded about the site (本站, 本网).
_DISCLAIMER_HEADING = re.compile(
    r"^(?:版权(?:与|和|及)?免责声明|版权声明|免责声明|版权说明|版权信息|法律声明|网站声明|郑重声明)[:：]?$"
)
_DISCLAIMER_WORDS = re.compile(r"本站|本网|转载|版权|免责|不代表|文章来源")
MAX_DISCLAIMER_CHARS = 1500
_NEIGHBOUR_LINE = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|上篇|下篇)[:：]")

_QR_LINE = re.compile(r"扫一扫|扫描二维码|二维码")
_SENTENCE_END = ("。", "！", "？", "；", "!", "?")
_LOGIN_LINE = re.compile(r"用户名.{0,30}密码|密码.{0,30}(?:登录|注册)")

MAX_CHROME_ELEMENT = 300  # characters: chrome elements are short; a body block is not


_BRACKET_NAV = re.compile(r"(?:[\[【]\s*[^\[\]【】]{1,16}?\s*[\]】]\s*){3,}")


def _cells(line: str) -> list[str]:
    """Cells of a rendered table row ``| a | b |``, or the line itself."""
    if line.startswith("|") and line.endswith("|"):
        return [c.strip() for c in line.strip("|").split("|") if c.strip()]
    return [line]


def is_toolbar_text(text: str) -> bool:
    """True when ``text`` is made only of tool-bar / share / language-switch phrases."""
    squeezed = compact(to_simplified(text))
    return bool(squeezed) and _TOOLBAR.fullmatch(squeezed) is not None


def is_breadcrumb_text(text: str) -> bool:
    stripped = to_simplified(text.strip())
    if len(stripped) > 200:
        return False
    if _BREADCRUMB.match(compact(stripped)):
        return True
    return (
        bool(_BREADCRUMB_TRAIL.match(stripped)) and stripped.count(">") + stripped.count("＞") >= 1
    )


def is_footer_text(text: str) -> bool:
    if len(text) > 600:
        return False
    text = to_simplified(text)
    if _FOOTER_STRONG.search(text):
        return True
    return len(_FOOTER_WEAK.findall(text)) >= 2


FOOTER_LABEL_CHARS = 30
FOOTER_CONTACT_CHARS = 80  # 地址：… 邮编：… 联系电话：… fits; a report's contact paragraph does not
MAX_FOOTER_CHARS = 1500


def _is_footer_block(lines: list[str]) -> bool:
    """Footer markers (one strong or two weak) and no sentence that is not itself a footer
    line: an article's last paragraph never makes its container a footer."""
    text = " ".join(lines)
    if len(text) > MAX_FOOTER_CHARS:
        return False
    strong = bool(_FOOTER_STRONG.search(text))
    if not strong and len(_FOOTER_WEAK.findall(text)) < 2:
        return False
    return all(
        len(line) <= FOOTER_LABEL_CHARS
        or (len(line) <= 160 and _FOOTER_STRONG.search(line))
        or (len(line) <= FOOTER_CONTACT_CHARS and _FOOTER_WEAK.search(line))
        for line in lines
    )


def is_chrome_line(line: str) -> bool:
    """Line-level rule used on extracted text (Traditional text is checked as Simplified)."""
    line = to_simplified(line)
    cells = _cells(line)
    if all(is_toolbar_text(c) or _BRACKET_NAV.fullmatch(c) for c in cells):
        return True
    if is_breadcrumb_text(line):
        return True
    if _NEIGHBOUR_LINE.match(line):
        return True
    # A sentence (it ends like one) that mentions 版权所有 or 二维码 is body text, not a footer.
    sentence = line.rstrip().endswith(_SENTENCE_END)
    if not sentence and len(line) <= 120 and _FOOTER_STRONG.search(line):
        return True
    if not sentence and len(line) <= 40 and _QR_LINE.search(line):
        return True
    if len(line) <= 60 and _LOGIN_LINE.search(line):
        return True
    return is_metadata_line(line)


def _remove(element: lxml.html.HtmlElement) -> None:
    """Drop an element but keep its tail text (it belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tree()


def _link_text_ratio(element: lxml.html.HtmlElement) -> float:
    total = len(compact(element_text(element)))
    if not total:
        return 0.0
    linked = sum(len(compact(element_text(a))) for a in element.iter("a"))
    return linked / total


def remove_hidden(root: lxml.html.HtmlElement) -> int:
    """Remove elements hidden by inline style, unless they hold most of the page's text."""
    page_chars = len(compact(root.text_content())) or 1
    removed = 0
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        if element.getparent() is None or not is_hidden(element):
            continue
        chars = len(compact(element.text_content()))
        if chars / page_chars > 0.4:
            continue  # some templates reveal the article with JS; keep it
        _remove(element)
        removed += 1
    return removed


_CANDIDATE_TAGS = ("div", "p", "span", "td", "li", "ul", "ol", "dl", "dd", "table", "tr", "section",
                   "font", "a", "strong", "b", "h2", "h3", "h4", "h5", "h6", "footer", "header",
                   "nav", "aside", "center", "em", "i", "label", "form")  # fmt: skip
_MAX_BLOCK_CHARS = 2000


# Anything that can make a block longer than a tool bar chrome: without one of these in its
# text, an element of more than MAX_CHROME_ELEMENT characters is not chrome (cheap pre-check
# on text_content() before rendering the element).
_CHROME_MARKERS = re.compile(
    "|".join(
        [_FOOTER_STRONG.pattern, _FOOTER_WEAK.pattern, _RELATED_HEADINGS.pattern.lstrip("^"),
         r"当前位置|所在位置|您的位置|首页\s*[>＞»›]", r"[:：]", r"声明|版权"]
    )
)  # fmt: skip


def strip_invisible(root: lxml.html.HtmlElement) -> None:
    """Remove elements that never render text (scripts, styles, forms controls…), so that
    ``text_content()`` measures visible text."""
    for element in list(root.iter(*INVISIBLE_IN_BODY)):
        _remove(element)


INVISIBLE_IN_BODY = ("script", "style", "noscript", "template", "iframe", "object", "embed",
                     "svg", "canvas", "select", "textarea", "button", "input")  # fmt: skip


def remove_chrome(root: lxml.html.HtmlElement) -> int:
    """Remove chrome elements from the tree in place; returns how many were removed."""
    removed = 0
    # Every candidate's raw text, from one pass over the tree (asking each element for its
    # text_content() costs the page's text once per level of nesting). Valid while walking
    # top-down, like the rendering below.
    texts = TreeText(root, compacted=False)
    page_chars = len(compact(texts.text))
    # Wrapper chains (p > span > font) share one text: judge it once.
    not_chrome: set[str] = set()
    # The page is rendered once; each candidate's text is read from that rendering. Valid
    # while walking top-down: an element's subtree is untouched until the element itself is
    # judged (removals so far were of its ancestors, which detach it, or of earlier,
    # disjoint subtrees). Text under a <pre> keeps its newlines there, so it is rendered on
    # its own as before.
    spans: dict[lxml.html.HtmlElement, tuple[int, int]] = {}
    chunks = squeeze_chunks(render_chunks(root, skip_hidden=False, spans=spans))
    # Character offset of each chunk in the page's text: a block's text is one slice of it.
    offsets = list(accumulate((len(chunk) for chunk in chunks), initial=0))
    page_text = "".join(chunks)
    in_pre = {node for block in root.iter("pre") for node in block.iterdescendants()}
    # Top-down: remove the largest element that is all chrome (a footer is many short lines,
    # each innocent alone). Elements removed with an ancestor are skipped.
    gone: set[lxml.html.HtmlElement] = set()  # removed with an ancestor
    for element in list(root.iter(*_CANDIDATE_TAGS)):
        if element in gone:
            continue
        size = texts.chars(element)
        if size > 4 * _MAX_BLOCK_CHARS:
            continue  # cheap pre-filters before rendering the element's text
        raw = texts.of(element)
        if raw in not_chrome:
            continue
        if size > 2 * MAX_CHROME_ELEMENT and not _CHROME_MARKERS.search(raw):
            continue
        # The tree holds no hidden elements any more (remove_hidden ran first).
        if element in in_pre:
            lines = visible_lines(element, skip_hidden=False)
        else:
            start, end = spans[element]
            lines = text_lines(page_text[offsets[start] : offsets[end]])
        if not lines:
            continue
        text = " ".join(lines)
        if len(text) > _MAX_BLOCK_CHARS:
            continue
        position = offsets[spans[element][0]]
        if _is_chrome_block(
            element, lines, text, page_chars, lambda at=position: _has_prose(page_text[:at])
        ):
            gone.update(element.iterdescendants())
            _remove(element)
            removed += 1
        else:
            not_chrome.add(raw)
    removed += remove_link_runs(root)
    return removed


def _is_chrome_block(
    element: lxml.html.HtmlElement,
    lines: list[str],
    text: str,
    page_chars: int,
    prose_before: Callable[[], bool] = lambda: True,
) -> bool:
    """``prose_before()``: whether the page shows a body paragraph before the element."""
    chrome, breadcrumb_first, related_first, disclaimer = _block_verdict(tuple(lines))
    if chrome:
        return True
    # A disclaimer box under the article — not a page that is itself the site's 网站声明
    # (nothing but menus above it).
    if disclaimer and prose_before():
        return True
    # Breadcrumb container: starts with 当前位置… and is short.
    if breadcrumb_first and _link_text_ratio(element) > 0.3:
        return True
    # Related-links box: a related heading followed by (mostly) links — a side box, so never
    # most of the page (a table of contents of linked chapters is the document itself), and
    # never a box of files: 相关附件 lists the document's own attachments.
    return (
        related_first
        and (len(lines) == 1 or _link_text_ratio(element) > 0.5)
        and len(compact(text)) <= 0.4 * page_chars
        and not _links_a_file(element)
    )


def _links_a_file(element: lxml.html.HtmlElement) -> bool:
    return any(is_attachment_url(a.get("href") or "") for a in element.iter("a"))


# The pages of one site repeat its template's blocks (tool bar, breadcrumb, footer, related
# links) on every page: what their lines alone say is remembered for a few pages' worth.
_CACHED_BLOCKS = 4096


@lru_cache(maxsize=_CACHED_BLOCKS)
def _block_verdict(lines: tuple[str, ...]) -> tuple[bool, bool, bool, bool]:
    """What a block's lines alone say: (it is chrome, its first line is a breadcrumb in a
    short block, its first line is a related-links heading, it is a disclaimer box)."""
    simplified = [to_simplified(line) for line in lines]
    text = " ".join(lines)
    chrome = (
        # Every line is chrome: tool bars, breadcrumbs, footers, counters, QR captions.
        (
            len(text) <= MAX_CHROME_ELEMENT
            and all(_chrome_line_in_block(line) for line in simplified)
        )
        # Footer: footer markers, every other line a short label (links, address, phone).
        or _is_footer_block(simplified)
        or _is_metadata_block(list(lines), text)
    )
    breadcrumb_first = len(text) <= 300 and is_breadcrumb_text(simplified[0])
    related_first = bool(_RELATED_HEADINGS.match(compact(simplified[0])))
    return chrome, breadcrumb_first, related_first, _is_disclaimer_block(simplified, text)


PROSE_LINE = 40  # characters of a line that is a body paragraph, not a menu or a label


def _has_prose(text: str) -> bool:
    """Rendered text holds a sentence-like paragraph."""
    return any(len(line) >= PROSE_LINE and "。" in line for line in text_lines(text))


def _is_disclaimer_block(lines: list[str], text: str) -> bool:
    """A 版权/免责声明 heading over a few lines that speak of the site and reprinting."""
    if len(text) > MAX_DISCLAIMER_CHARS or not _DISCLAIMER_HEADING.match(compact(lines[0])):
        return False
    rest = lines[1:]
    return any(_DISCLAIMER_WORDS.search(line) for line in rest) and all(
        _DISCLAIMER_WORDS.search(line) or len(line) <= 30 for line in rest
    )


def _is_metadata_block(lines: list[str], text: str) -> bool:
    """A block of metadata rows only: every line is a label, a value read with it, or both."""
    if len(text) > 1500 or len(lines) < 2:
        return False
    # Bare labels count here: a grid's label cell whose value cell is empty is still its row.
    pairs = read_block(lines, bare_labels=True)
    strong = {p.key for p in pairs if p.key in STRONG_KEYS}
    if len(strong) < 2:
        return False
    used: set[int] = set()
    for pair in pairs:
        used.add(pair.line)
        if pair.value and pair.line + 1 < len(lines) and lines[pair.line + 1] == pair.value:
            used.add(pair.line + 1)
    return len(used) >= 0.8 * len(lines)


def _chrome_line_in_block(line: str) -> bool:
    return (
        is_toolbar_text(line)
        or is_breadcrumb_text(line)
        or bool(_BRACKET_NAV.fullmatch(line))
        or (len(line) <= 160 and bool(_FOOTER_STRONG.search(line)))
        or (len(line) <= 40 and bool(_QR_LINE.search(line)))
        or bool(_NEIGHBOUR_LINE.match(line))
        # A label without its colon is chrome only with its value, in a metadata block
        # (_is_metadata_block): alone it may head a column of a body table (责任单位).
        or (is_metadata_line(line) and not is_bare_label(line))
    )


# --- runs of links ------------------------------------------------------------------------------

_WRAPPERS = frozenset({"b", "strong", "font", "span", "li", "p", "em", "i", "u", "div", "h4", "h5"})
_RUN_SEPARATOR = re.compile(r"^[\s·•|｜丨、,，;；>»]*$")
MIN_RUN = 3
MIN_LINK_TITLE = 6


_BULLETS = "·•・>»›-–—|｜丨、.。 \u00a0"
MIN_NAV_RUN = 5


def _link_item(element: lxml.html.HtmlElement) -> str | None:
    """If ``element`` is just one link to another page (bullets aside), the link's text."""
    if not isinstance(element.tag, str):
        return None
    anchors = [element] if element.tag == "a" else list(element.iter("a"))
    if len(anchors) != 1:
        return None
    anchor = anchors[0]
    href = (anchor.get("href") or "").strip().lower()
    if not href or href.startswith(("javascript:", "#", "mailto:")):
        return None
    if attachment_extension(href):
        return None  # attachment lists belong to the document
    link_text = _squeezed_text(anchor).strip(_BULLETS)
    own_text = _squeezed_text(element).strip(_BULLETS)
    if len(link_text) < 2 or own_text != link_text:
        return None
    return link_text


def _squeezed_text(element: lxml.html.HtmlElement) -> str:
    """``compact(element_text(element))`` of a de-chromed tree (nothing hidden or invisible
    is left in it, so the raw text is the visible text): the element's text and its tail,
    without whitespace or zero-width characters, read without rendering."""
    return compact(_ZERO_WIDTH.sub("", element.text_content() + (element.tail or "")))


_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def remove_link_runs(root: lxml.html.HtmlElement) -> int:
    """Remove runs of sibling links separated only by line breaks or bullets.

    Three or more title-like links in a row are a related-articles list (often appended inside
    the article container); five or more links of any length are a menu. A body's sentences
    are not each a whole link.
    """
    removed = 0
    gone: set[lxml.html.HtmlElement] = set()  # removed, or inside a removed element
    for parent in list(root.iter()):
        if not isinstance(parent.tag, str) or parent in gone:
            continue
        runs: list[list[tuple[lxml.html.HtmlElement, str]]] = [[]]
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "br":
                if child.tail and not _RUN_SEPARATOR.match(child.tail):
                    runs.append([])
                continue
            text = _link_item(child) if child.tag == "a" or child.tag in _WRAPPERS else None
            if text is None:
                runs.append([])
                continue
            runs[-1].append((child, text))
            if child.tail and not _RUN_SEPARATOR.match(child.tail):
                runs.append([])
        for run in runs:
            titles = all(len(text) >= MIN_LINK_TITLE for _, text in run)
            if len(run) >= MIN_NAV_RUN or (len(run) >= MIN_RUN and titles):
                for element, _ in run:
                    gone.add(element)
                    gone.update(element.iterdescendants())
                    _remove(element)
                    removed += 1
    return removed


# --- layout tables ------------------------------------------------------------------------------

_BLOCKS_IN_LAYOUT = ("table", "h1", "h2", "h3", "h4", "h5", "h6", "form", "iframe")
LAYOUT_CELL_CHARS = 400


def unwrap_layout_tables(root: lxml.html.HtmlElement) -> int:
    """Turn tables used for page layout into divs, so their text renders as paragraphs.

    A data table (report figures, metadata grids) has several columns of short cells. A layout
    table has one column, or a cell holding a long text, a heading or another table.
    """
    unwrapped = 0
    for table in list(root.iter("table")):
        rows = [r for r in table.iter("tr") if _owner_table(r) is table]
        cells = [c for r in rows for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not cells:
            continue
        max_cols = max(
            sum(1 for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")) for r in rows
        )
        layout = max_cols <= 1 or any(
            len(c.text_content()) > LAYOUT_CELL_CHARS
            or any(True for _ in c.iter(*_BLOCKS_IN_LAYOUT))
            for c in cells
        )
        if not layout:
            continue
        # Decide what belongs to this table before renaming anything: once the table is a
        # div, its rows no longer find it as their owner.
        sections = [s for s in table.iter("thead", "tbody", "tfoot") if _owner_table(s) is table]
        for element in [table, *sections, *rows, *cells]:
            element.tag = "div"
            for attr in ("colspan", "rowspan"):
                element.attrib.pop(attr, None)
        unwrapped += 1
    return unwrapped


def _owner_table(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for ancestor in element.iterancestors("table"):
        return ancestor
    return None


# --- extracted lines ----------------------------------------------------------------------------


def clean_lines(lines: list[str]) -> list[str]:
    """Drop chrome lines from extracted text, and a lone related-links heading at either end
    (the remains of a sidebar box)."""
    kept = [line for line in lines if not is_chrome_line(line)]
    while kept and _is_related_heading(kept[0]):
        kept.pop(0)
    while kept and _is_related_heading(kept[-1]):
        kept.pop()
    return kept


# A line naming an attachment: 附件：…, or ending in a file extension.
_FILE_LINE = re.compile(
    r"^(?:相关)?附件\d*[:：]|\.(?:pdf|ofd|docx?|wps|xlsx?|et|zip|rar)(?:[(（][^()（）]*[)）])?$",
    re.IGNORECASE,
)


def trim_to_title(lines: list[str], title: str | None) -> list[str]:
    """Drop what precedes the document's own heading when that heading is among the first
    lines: a column caption or a language bar printed above the title is not body text.

    A line counts as the heading when it is the title, contains it, or is a short line that
    makes up at least half of it (headings often drop a prefix such as 毒品…).
    """
    if not title:
        return lines
    wanted = compact(to_simplified(title))
    for no, line in enumerate(lines[:4]):
        squeezed = compact(to_simplified(line)).strip("|")
        if len(squeezed) < 4 or _FILE_LINE.search(squeezed):
            continue  # 附件：<title>.pdf names the file, it is not the heading
        if wanted in squeezed or (squeezed in wanted and len(squeezed) >= 0.5 * len(wanted)):
            return lines[no:]
    return lines


def _is_related_heading(line: str) -> bool:
    """A related-links or disclaimer heading left alone at an end of the body."""
    squeezed = compact(to_simplified(line)).strip("|")
    return bool(
        _RELATED_HEADINGS.fullmatch(squeezed.rstrip(":：")) or _DISCLAIMER_HEADING.match(squeezed)
    )
