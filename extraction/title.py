"""The document's title — not the site's name, not the column's name.

Order of evidence:
1. the gov ``<meta name="ArticleTitle">`` that TRS/Hanweb/UCAP detail templates carry;
2. the 标题/名称 field of the printed metadata block;
3. an on-page heading that matches a segment of ``<title>`` (titles are usually
   ``文章标题_栏目名_站点名``; the heading is the clean version, e.g. a title split by <br>);
4. the longest ``<title>`` segment that is not the site or column name;
5. when ``<title>`` is a single segment that no heading confirms (a site-wide title), the
   heading that opens the body's container.
Character-spaced titles (``财 政 司 司 长``) lose their spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html

from extraction.html import RenderedPage, compact
from extraction.textnorm import normalize_line

# A separator with the spaces around it. Leading spaces are taken only from where their run
# starts ((?<!\s)): the leftmost match starts there anyway, and trying \s* from every space of
# a run is quadratic (a <title> padded with 20,000 spaces took half a minute to split). The
# splits are the same as with a plain leading \s*.
_SEPARATORS = re.compile(
    r"(?:(?<!\s)\s+)?(?:_|\||｜|丨|--|——|—|::|\s-\s|\s–\s)\s*|(?<=[^\d\s])-(?=[^\d\s])"
)
# A class or id token that names a title: one containing title/biaoti/headline/heading, or
# exactly bt/header. Searched in "id class" at once (a token never holds a space).
_TITLE_HINT = re.compile(
    r"title|biaoti|headline|heading|(?:^|\s)(?:bt|header)(?=\s|$)", re.IGNORECASE
)
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


_CJK = r"\u3400-\u9fff（）《》“”、，：；。"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}0-9])|(?<=[{_CJK}0-9]) (?=[{_CJK}])")


def despace(text: str) -> str:
    """Title spacing as Chinese typesetting has it: no spaces beside Chinese characters.

    ``财 政 司 司 长`` → ``财政司司长``; ``调整2007　年末`` (a <br> or U+3000 in the source) →
    ``调整2007年末``; spaces between Latin words stay.
    """
    return _SPACE_BY_CJK.sub("", normalize_line(text))


def title_segments(title: str) -> list[str]:
    return [s for s in (normalize_line(p) for p in _SEPARATORS.split(title)) if s]


MAX_HEADING_CHARS = 150


def heading_level(element: lxml.html.HtmlElement) -> int:
    """1–6 for h1–h6, 0 for title-like containers (class/id says title), 9 otherwise."""
    if element.tag in _HEADING_TAGS:
        return int(element.tag[1])
    hint = element.get("id"), element.get("class")
    if hint == (None, None):
        return 9
    return 0 if _TITLE_HINT.search(f"{hint[0] or ''} {hint[1] or ''}") else 9


def heading_candidates(
    root: lxml.html.HtmlElement, page: RenderedPage | None = None
) -> list[tuple[lxml.html.HtmlElement, str]]:
    """Headings and title-classed elements with short, link-free text, in page order
    (``page``: the rendering of ``root``, when the caller has one)."""
    page = page or RenderedPage(root)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str) or heading_level(element) == 9:
            continue
        if element.tag in ("html", "body", "head", "title", "meta"):
            continue
        text = page.text(element)
        if len(text) > 4 * MAX_HEADING_CHARS:
            continue  # despace() removes spaces only: no chance of fitting
        text = despace(text)
        if not 2 <= len(text) <= MAX_HEADING_CHARS:
            continue
        if any(compact(page.text(a)) for a in element.iter("a")):
            continue  # a heading made of links is navigation
        found.append((element, text))
    return found


def _matches(heading: str, segment: str) -> bool:
    h, s = compact(heading), compact(segment)
    if len(h) < 4 or len(s) < 4:
        return h == s and bool(h)
    return h == s or h in s or s in h


def pick_title(
    *,
    article_title: str | None,
    block_title: str | None,
    html_title: str | None,
    headings: Iterable[tuple[lxml.html.HtmlElement, str]],
    not_titles: list[str],
    body_heading: str | None,
) -> str | None:
    """Choose the document title from the evidence (see module docstring).

    ``not_titles`` is [site name, column name, …]: the first is never returned.
    """
    names = [compact(n) for n in not_titles]
    site = names[0] if names else ""
    excluded = {n for n in names if n}
    for candidate in (article_title, block_title):
        if candidate and compact(candidate) not in excluded:
            return despace(candidate)
    # The site name is never the title; the column name only when nothing else is left (a
    # column's own page: 邯郸市人民政府-政府信息公开指南 with ColumnName 政府信息公开指南).
    all_segments = [s for s in title_segments(html_title or "") if compact(s) != site]
    segments = [s for s in all_segments if compact(s) not in excluded] or all_segments
    headings = [(e, t) for e, t in headings if compact(t) not in excluded]
    matching = [t for _, t in headings for s in segments if _matches(t, s)]
    if matching:
        return max(matching, key=lambda t: len(compact(t)))
    if len(segments) > 1:
        return despace(max(segments, key=len))
    if segments and not body_heading:
        return despace(segments[0])
    if body_heading:
        return despace(body_heading)
    return despace(segments[0]) if segments else None


# The genre (文种) a Chinese official document's title ends with.
_GENRE = re.compile(
    r"(?:报告|年报|通知|通告|公告|意见|办法|规定|细则|方案|决定|批复|函|要点|规划|计划|总结|"
    r"条例|指南|目录|清单|公报|纪要|说明|答复|复函|解读|预算|决算)(?:[（(][^（）()]{1,20}[）)])?$"
)
_MAX_TITLE_LINES = 3
_MAX_TITLE_LINE = 40


def title_from_text(text: str) -> str | None:
    """The title a file prints at its top (a document without a page has no other): its
    first lines joined (a title often breaks over two or three: 淮安市人民政府 / 2024年政府信息
    公开工作年度报告) up to the line that ends in a document genre (报告, 通知, 办法 …).
    None when the opening lines do not end in one: a guess is worse than no title."""
    joined = ""
    for line in text.splitlines()[:_MAX_TITLE_LINES]:
        line = despace(line.strip())
        if not line or len(line) > _MAX_TITLE_LINE or line.startswith("|") or "。" in line:
            return None
        joined += line
        if _GENRE.search(joined):
            return joined
    return None
