"""Body text: trafilatura on the de-chromed tree, then our line-level cleaning.

trafilatura gets Scrapy's decoded text already parsed (an lxml tree, so the page is parsed
once) with tables included; its plain-text output puts a table row on one line with cells
separated by `` | ``, which is the shape the record promises. What it still lets through
is removed line by line by ``extraction.chrome.clean_lines``.
"""

from __future__ import annotations

import copy
import re

import lxml.html
import trafilatura

from extraction.chrome import (
    clean_lines,
    is_chrome_line,
    remove_chrome,
    remove_hidden,
    strip_invisible,
    unwrap_layout_tables,
)
from extraction.html import OrderedText, TreeText, compact, visible_lines

_TABLE_ROW = re.compile(r"^\|.*\|$")
_EMPTY_CELLS = re.compile(r"(?:\|\s*)+\|$")

# Body containers of the gov CMS families: TRS (TRS_Editor, article_content), UCAP
# (UCAP-CONTENT, ucapcontent), Hanweb (#zoom), 集约化 platforms (zoomcon, article-content) …,
# and the pinyin names home-grown templates give them (wenzhang-content 文章, zhengwen 正文,
# zw-con).
_CONTAINER_HINT = re.compile(
    r"(?:^|[\s_-])(?:zoom|zoomcon|ucap-content|trs_editor|trs_ueditor|article[_-]?content"
    r"|art[_-]?con(?:tent)?|news[_-]?content|pages?[_-]content|detail[_-]?content|main[_-]?txt"
    r"|txt[_-]?con|con[_-]?text|content[_-]?text|vsb_content|fontzoom"
    r"|wenzhang[_-]?(?:content|con|nr|text|body)|zhengwen(?:[_-]?(?:content|con|nr|text))?"
    r"|zw[_-]?(?:content|con|nr|text)"
    r"|bodylabel|maintext|article[_-]?body|xl[_-]?con|view[_-]?con|text[_-]?con)(?:$|[\s_-])",
    re.IGNORECASE,
)
MIN_CONTAINER_CHARS = 30
MIN_COVERAGE = 0.6


def _tidy_table_row(line: str) -> str:
    """``| a | b |  |  |`` → ``| a | b |``: trailing empty cells carry no information."""
    line = re.sub(r"\s+\|", " |", line).strip()
    while line.endswith(("|  |", "| |")):
        line = line[: line.rfind("|", 0, len(line) - 1) + 1].rstrip()
    return line


def run_trafilatura(tree: lxml.html.HtmlElement, url: str | None) -> str:
    # fast=True: no second opinion from trafilatura's fallback extractors (readability,
    # jusText), a third of its time. Here the page is already de-chromed and the CMS body
    # container checks and repairs what trafilatura returns (extract_body), which is what the
    # fallbacks are for; the corpus gate scores the same either way.
    text = trafilatura.extract(
        tree,
        url=url,
        output_format="txt",
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
        fast=True,
    )
    return text or ""


def content_container(
    tree: lxml.html.HtmlElement, index: TreeText | None = None
) -> lxml.html.HtmlElement | None:
    """The CMS's own body container, when the page has one with some text."""
    index = index or TreeText(tree)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        hint = f"{element.get('id', '')} {element.get('class', '')}"
        if element.tag == "ucapcontent" or _CONTAINER_HINT.search(hint):
            chars = index.chars(element)
            if chars >= MIN_CONTAINER_CHARS:
                found.append((element, chars))
    if not found:
        return None
    best, best_chars = max(found, key=lambda pair: pair[1])
    # Prefer the most specific container that still holds most of the text.
    for element, chars in found:
        if chars >= 0.7 * best_chars and chars < best_chars and best in element.iterancestors():
            best, best_chars = element, chars
    return best


def coverage(lines: list[str], text: str) -> float:
    """Share of the (substantial) container lines that appear in ``text``."""
    squeezed = OrderedText(compact(text))
    wanted = [squeezed_line for line in lines if len(squeezed_line := compact(line)) >= 8]
    if not wanted:
        return 1.0
    return sum(1 for line in wanted if line[:40] in squeezed) / len(wanted)


def render_lines(element: lxml.html.HtmlElement) -> list[str]:
    """Our own rendering of a container of the de-chromed tree (hidden parts already gone):
    paragraphs as lines, table rows as ``| a | b |``."""
    return visible_lines(element, skip_hidden=False, table_rows=True)


REGION_EXTRA_CHARS = 150


def _region(container: lxml.html.HtmlElement, index: TreeText) -> lxml.html.HtmlElement:
    """The container plus what sits right around it (the title block, the 文号 line, a
    download line): the furthest ancestor that adds at most a few short lines to it.
    (Characters counted in ``index``, the de-chromed tree's text: no scripts or hidden parts
    left, so its text content is what renders.)"""
    own = index.chars(container)
    region = container
    for ancestor in container.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if index.chars(ancestor) > own + REGION_EXTRA_CHARS:
            break
        region = ancestor
    return region


def dechromed_copy(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page without hidden elements and chrome blocks (``root`` is unchanged)."""
    tree = copy.deepcopy(root)
    strip_invisible(tree)
    remove_hidden(tree)
    unwrap_layout_tables(tree)
    remove_chrome(tree)
    # trafilatura drops some headings inside a body (a heading ending in "：" before a list);
    # for plain-text output a heading is just a paragraph.
    for heading in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        heading.tag = "p"
    return tree


def _standalone(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A document holding a copy of ``element`` only."""
    doc = lxml.html.document_fromstring("<html><body></body></html>")
    doc.find("body").append(copy.deepcopy(element))
    return doc


def selected_container(
    tree: lxml.html.HtmlElement, xpath: str, index: TreeText
) -> lxml.html.HtmlElement | None:
    """The first element a site's own body selector matches that holds some text."""
    for element in tree.xpath(xpath):
        if (
            isinstance(element, lxml.html.HtmlElement)
            and index.chars(element) >= MIN_CONTAINER_CHARS
        ):
            return element
    return None


def extract_body(
    tree: lxml.html.HtmlElement, url: str | None = None, body_xpath: str | None = None
) -> list[str]:
    """Body lines of a de-chromed tree: one paragraph (or table row) per line.

    trafilatura decides what the body is (whole page, decoded text, tables included); the
    CMS's own body container, when present, bounds it: gov pages put news lists, notices and
    disclaimers around the article that a whole-page extractor may keep. When trafilatura
    misses the container (a short article loses to a title group), it runs on the container
    alone, and if it rejects that too the container is rendered as is.

    ``body_xpath`` (a site's ``selectors.body``, as XPath) names the container when it matches
    an element with text; otherwise the CMS families' container names are looked for.

    Then our rendering of the body's surroundings repairs what trafilatura dropped: short
    lines between the paragraphs it kept (headings, signatures, 文号 lines) and a few right
    before and after them (the document's heading above the container, a "download the whole
    report" line below), unless they are chrome. Long lines it dropped stay dropped.
    trafilatura works on copies: it prunes its input.
    """
    text = run_trafilatura(copy.deepcopy(tree), url)
    index = TreeText(tree)
    # A registry site's own body selector (spiders/sites/*.yaml) names the container; else
    # the CMS families' container names are looked for.
    container = selected_container(tree, body_xpath, index) if body_xpath else None
    if container is None:
        container = content_container(tree, index)
    surroundings: lxml.html.HtmlElement | None
    if container is not None:
        own = render_lines(container)
        if coverage(own, text) < MIN_COVERAGE:
            text = run_trafilatura(_standalone(container), url)
            if coverage(own, text) < MIN_COVERAGE:
                text = "\n".join(own)  # trafilatura rejects the article container: trust the CMS
        inside = OrderedText(compact(" ".join(own).replace("|", "")))
        text = "\n".join(line for line in text.splitlines() if _key(line) in inside)
        surroundings = _region(container, index)
    else:
        surroundings = _holder(tree, text, index)
    extracted = _split_lines(text)
    if is_navigation_only(extracted):
        return []
    if surroundings is None or not extracted:
        return clean_lines(extracted)
    return clean_lines(_repair(_split_lines("\n".join(render_lines(surroundings))), extracted))


EDGE_LINES = 3


def _key(line: str) -> str:
    return compact(line.replace("|", ""))[:40]


def _repair(rendered: list[str], extracted: list[str]) -> list[str]:
    """``rendered`` lines that trafilatura kept, plus the short non-chrome lines it dropped
    between them and up to EDGE_LINES of them right before and after."""
    kept = OrderedText(compact("\n".join(extracted).replace("|", "")))
    hits = [bool(key := _key(line)) and key in kept for line in rendered]
    if not any(hits):
        return extracted
    first = hits.index(True)
    last = len(hits) - 1 - hits[::-1].index(True)

    def addable(line: str) -> bool:
        return len(line) <= SHORT_LINE and not is_chrome_line(line)

    out = [
        line
        for line, hit in zip(rendered[first : last + 1], hits[first : last + 1], strict=True)
        if hit or addable(line)
    ]
    before: list[str] = []
    for line in reversed(rendered[:first]):
        if len(before) == EDGE_LINES or len(line) > SHORT_LINE:
            break
        if not is_chrome_line(line):
            before.insert(0, line)
    # After the body come footers and service links; only a sentence-like line (a closing
    # remark, a download note) joins it, never a short label or a bulleted link.
    after: list[str] = []
    for line in rendered[last + 1 :]:
        if len(after) == EDGE_LINES or len(line) > SHORT_LINE:
            break
        if (
            len(compact(line)) >= MIN_AFTER_CHARS
            and not line.startswith(_BULLETS)
            and not is_chrome_line(line)
        ):
            after.append(line)
    return before + out + after


MIN_AFTER_CHARS = 8
_BULLETS = ("·", "•", "-", "*", "›", "»", ">")


SHORT_LINE = 120
MIN_SENTENCE = 16  # characters: a body has at least one line this long


def is_navigation_only(lines: list[str]) -> bool:
    """Many lines and not one of sentence length: what an extractor returns from a page whose
    body is missing (a portal or guide shell): menu labels, not a document."""
    return len(lines) >= 5 and all(len(compact(line)) < MIN_SENTENCE for line in lines)


def _split_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _TABLE_ROW.match(line):
            if set(line) <= set("|-: "):
                continue  # markdown header separator
            line = _tidy_table_row(line)
            if not line.strip("| "):
                continue
        lines.append(line)
    return lines


def _holder(
    tree: lxml.html.HtmlElement, text: str, index: TreeText
) -> lxml.html.HtmlElement | None:
    """The smallest element holding trafilatura's first and last paragraphs, when it holds
    little else (otherwise putting its short lines back would bring the page's menus)."""
    lines = [compact(line.replace("|", "")) for line in text.splitlines()]
    lines = [line for line in lines if len(line) >= 8]
    if not lines:
        return None
    first, last = lines[0][:24], lines[-1][:24]
    holder_first = holder_last = None
    for element in tree.iter(*_HOLDER_TAGS):
        if index.contains(element, first):
            holder_first = element
        if index.contains(element, last):
            holder_last = element
    if holder_first is None or holder_last is None:
        return None
    # Keep the proxies alive while comparing: lxml may reuse a dead proxy's id().
    ancestors = [holder_first, *holder_first.iterancestors()]
    holder = next(
        (a for a in (holder_last, *holder_last.iterancestors()) if any(a is b for b in ancestors)),
        None,
    )
    if holder is None or holder.tag in ("html", "body"):
        return None
    extracted = sum(len(line) for line in lines)
    held = index.chars(holder)
    return _region(holder, index) if held <= 1.5 * extracted + 200 else None


_HOLDER_TAGS = (
    "div",
    "td",
    "table",
    "article",
    "section",
    "main",
    "ul",
    "ol",
    "dl",
    "tr",
    "tbody",
    "font",
)
