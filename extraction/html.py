"""Parsing government HTML into one lxml tree, and rendering it as visible lines.

Saved and served gov pages are often malformed in ways that make libxml2 lose content:
- content after a stray ``</html>`` or ``</body>`` (libxml2 may start a second root and drop
  the article): the closing tags are removed before parsing, the parser closes them at EOF;
- server-side template source left in the file (``<%-- JSP comment --%>``, ``<%@ page … %>``,
  ``<jsp:include …/>``), which a browser shows as junk text;
- XML processing instructions and ``<o:p>`` from Word exports.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache
from itertools import accumulate
from typing import Any

import lxml.html
from cssselect import HTMLTranslator
from lxml import etree

_STRAY_CLOSERS_STR = re.compile(r"</\s*(?:html|body)\s*>", re.IGNORECASE)
_SERVER_TEMPLATE = re.compile(r"<%--.*?--%>|<%[@=!]?.*?%>|</?jsp:[^>]*>", re.DOTALL)
_XML_PI = re.compile(r"<\?xml[^>]*\?>", re.IGNORECASE)

# Elements whose content is never visible text.
INVISIBLE_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe",
     "object", "embed", "svg", "canvas", "select", "option", "textarea", "button", "input"}
)  # fmt: skip
# Elements that start a new line when rendered (cells too: a label cell and its value cell
# become two lines, which is what the metadata reader expects).
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
     "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
     "thead", "tfoot", "tr", "td", "th", "ul", "br", "caption", "body", "html", "label",
     "ucapcontent", "ucaptitle"}
)  # fmt: skip

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Class names that hide an element visually (screen-reader-only text, JS-toggled blocks).
_HIDDEN_CLASSES = frozenset(
    {"hidden", "hide", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
     "element-invisible", "ng-hide", "invisible", "accessbility", "accessibility", "offscreen",
     "display-none", "d-none", "hiddenlocation"}
)  # fmt: skip


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse a decoded page into a single-rooted lxml HTML tree.

    A page nested deeper than libxml2 parses (``PARSER_MAX_DEPTH``: beyond it, it stops and
    drops the rest of the page) is parsed again with its nesting cut to ``FLATTEN_DEPTH`` levels
    (``flatten_deep_markup``): all of its text is kept."""
    text = _STRAY_CLOSERS_STR.sub("", html)
    text = _SERVER_TEMPLATE.sub("", text)
    text = _XML_PI.sub("", text)
    if not text.strip():
        text = "<html><body></body></html>"
    root, too_deep = _parse(text)
    if too_deep:
        root, _ = _parse(flatten_deep_markup(text))
    return root


# Every element an HtmlElement (trafilatura requires one), chosen in C: lxml.html's own lookup
# is a Python method run for each element proxy made (about 4 % of an extraction), only to
# give <form>, <input>, <select>… their form classes, which nothing here uses.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parse(text: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The tree, and whether libxml2 gave up at its depth limit (the tree lacks the rest)."""
    parser = lxml.html.HTMLParser()  # its own error log (a parser is cheap: about 2 µs)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring(f"<html><body>{text}</body></html>", parser=parser)
    error = parser.error_log.last_error
    return root, error is not None and "Excessive depth" in (error.message or "")


# libxml2 (without huge_tree) parses this many levels of elements; at the next one it stops and
# drops the rest of the document.
PARSER_MAX_DEPTH = 256
# Nesting kept when a page is too deep (real pages nest 20 to 40 levels): below FLATTEN_DEPTH
# every element; up to FLATTEN_DEPTH + _FLATTEN_SLACK the elements that carry meaning (links,
# lists, paragraphs, headings), not the wrappers a runaway template repeats; beyond, none.
FLATTEN_DEPTH = 128
_FLATTEN_SLACK = 64
_WRAPPER_TAGS = frozenset(
    {"div", "span", "font", "center", "section", "article", "header", "footer", "main", "aside",
     "nav", "b", "i", "u", "s", "strong", "em", "small", "big", "sub", "sup", "blockquote",
     "table", "tbody", "thead", "tfoot", "tr", "td", "th", "form", "label", "fieldset", "dl",
     "dd", "dt", "o:p", "ins", "del", "code", "tt", "abbr", "cite", "q", "mark", "bdo"}
)  # fmt: skip
_MARKUP_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment, kept as is
    r"|<(script|style|textarea|title|xmp)\b[^>]*>.*?(?:</\1\s*>|\Z)"  # raw text, kept
    r"|<(/?)([A-Za-z][\w:.-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL | re.IGNORECASE,
)
_VOID_TAGS = frozenset(
    {"area", "base", "basefont", "br", "col", "embed", "frame", "hr", "img", "input", "keygen",
     "link", "meta", "param", "source", "track", "wbr"}
)  # fmt: skip
# An open one of these is closed by the next of the same name (<p>a<p>b, <li>a<li>b).
_SIBLING_CLOSED = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})


def flatten_deep_markup(html: str, max_depth: int = FLATTEN_DEPTH) -> str:
    """``html`` with the start tags that would open more than ``max_depth`` elements (and
    their end tags) removed: wrappers (div, span, font, table cells …) beyond ``max_depth``,
    any element beyond ``max_depth`` + 64. Every text, comment and script stays, in order,
    and so do the links and list items at the bottom of a runaway nest of wrappers; only
    nesting is lost.

    A tag-level pass, not a parser: it follows void elements, self-closed tags and the
    implied end of <p>/<li>/<td>…, which is enough to keep a real page's structure intact
    below the cut."""
    out: list[str] = []
    stack: list[str] = []
    dropped: dict[str, int] = {}
    position = 0
    for match in _MARKUP_TOKEN.finditer(html):
        name = match.group(3)
        if name is None:
            continue  # a comment or a raw-text element
        name = name.lower()
        if match.group(2):  # an end tag
            if dropped.get(name):
                dropped[name] -= 1
                out.append(html[position : match.start()])
                position = match.end()
            elif name in stack:
                while stack.pop() != name:
                    pass
            continue
        if name in _VOID_TAGS or match.group(4).rstrip().endswith("/"):
            continue
        if name in _SIBLING_CLOSED and stack and stack[-1] == name:
            stack.pop()
        depth = len(stack)
        if depth >= max_depth + _FLATTEN_SLACK or (depth >= max_depth and name in _WRAPPER_TAGS):
            dropped[name] = dropped.get(name, 0) + 1
            out.append(html[position : match.start()])
            position = match.end()
        else:
            stack.append(name)
    out.append(html[position:])
    return "".join(out)


_BEYOND_PARSER_DEPTH = etree.XPath("boolean(" + "/*" * (PARSER_MAX_DEPTH + 1) + ")")


def too_deep(root: etree._Element) -> bool:
    """True when the tree (from a parser with huge_tree, such as parsel's) nests deeper than
    ``PARSER_MAX_DEPTH``: ``parse_html`` flattens such a page. One XPath step a level: well
    under a millisecond for a whole page."""
    return bool(_BEYOND_PARSER_DEPTH(root.getroottree()))


@cache
def css_to_xpath(selector: str) -> str:
    """XPath of a CSS selector (cssselect, as parsel and Scrapy translate it)."""
    return HTMLTranslator().css_to_xpath(selector)


def is_hidden(element: lxml.html.HtmlElement) -> bool:
    """True for elements hidden by inline style or the ``hidden`` attribute."""
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes = element.get("class")
    return bool(classes) and any(c.lower() in _HIDDEN_CLASSES for c in classes.split())


def iter_text_chunks(
    element: lxml.html.HtmlElement,
    skip_hidden: bool = True,
    pre: bool = False,
    table_rows: bool = False,
) -> Iterator[str]:
    """Visible text of ``element`` as chunks, with "\\n" only at block boundaries.

    Newlines in the HTML source are whitespace (as in a browser), except inside <pre>.
    With ``table_rows``, a table renders one row per line as ``| cell | cell |``.
    The element's tail (the text after it, up to its next sibling) is part of it.
    """
    return iter(render_chunks(element, skip_hidden, pre, table_rows))


def render_chunks(
    element: lxml.html.HtmlElement,
    skip_hidden: bool = True,
    pre: bool = False,
    table_rows: bool = False,
    spans: dict[lxml.html.HtmlElement, tuple[int, int]] | None = None,
) -> list[str]:
    """The chunks of ``iter_text_chunks``; with ``spans``, also where each element's own
    chunks are: ``chunks[start:end]`` is what ``iter_text_chunks(sub_element)`` gives for
    any element of the tree not inside a <pre> (so a whole page is rendered once and each
    block's text read from it, instead of rendering every block again).

    Iterative, not recursive: a DOM nested thousands of levels deep renders like any other.
    """
    chunks: list[str] = []
    # A stack of actions: an element to render (with its <pre> context), a text to emit, or
    # the end of an element (its span closes after its tail).
    stack: list[tuple[int, Any, bool]] = [(_ELEMENT, element, pre)]
    while stack:
        action, node, in_pre = stack.pop()
        if action == _TEXT:
            chunks.append(node)
            continue
        if action == _END:
            if spans is not None:
                spans[node] = (spans[node][0], len(chunks))
            continue
        if spans is not None:
            spans[node] = (len(chunks), len(chunks))
            stack.append((_END, node, in_pre))
        tag = node.tag if isinstance(node.tag, str) else ""
        tail = _flow(node.tail, in_pre) if node.tail else None
        if not tag or tag in INVISIBLE_TAGS or (skip_hidden and is_hidden(node)):
            if tail:
                chunks.append(tail)
            continue
        if table_rows and tag == "table":
            chunks.append("\n")
            for row in _own_rows(node):
                cells = [
                    " ".join(visible_lines(cell, skip_hidden, table_rows=True))
                    for cell in row
                    if isinstance(cell.tag, str) and cell.tag in ("td", "th")
                ]
                if any(cells):
                    chunks.append("| " + " | ".join(cells) + " |\n")
            if tail:
                chunks.append(tail)
            continue
        block = tag in BLOCK_TAGS
        inner_pre = in_pre or tag == "pre"
        # Pushed in reverse: "\n", text, children, "\n", tail come out in that order.
        if tail:
            stack.append((_TEXT, tail, in_pre))
        if block:
            stack.append((_TEXT, "\n", in_pre))
        for child in reversed(node):
            if isinstance(child.tag, str):
                stack.append((_ELEMENT, child, inner_pre))
            elif child.tail:  # comment or processing instruction: only its tail shows
                stack.append((_TEXT, _flow(child.tail, inner_pre), inner_pre))
        if node.text:
            stack.append((_TEXT, _flow(node.text, inner_pre), inner_pre))
        if block:
            stack.append((_TEXT, "\n", in_pre))
    return chunks


_ELEMENT, _TEXT, _END = range(3)


def _own_rows(table: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Rows of ``table`` itself, not of tables nested in its cells."""
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if isinstance(row.tag, str) and row.tag == "tr")


def _flow(text: str, pre: bool) -> str:
    return text if pre else text.replace("\r", " ").replace("\n", " ")


_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
_ZW = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def visible_lines(
    element: lxml.html.HtmlElement, skip_hidden: bool = True, table_rows: bool = False
) -> list[str]:
    """Render the visible text as lines, like a browser's innerText (whitespace collapsed)."""
    return text_lines("".join(render_chunks(element, skip_hidden, table_rows=table_rows)))


def text_lines(text: str) -> list[str]:
    """Rendered text (``render_chunks`` joined) as lines, whitespace collapsed, empty dropped."""
    # One pass of each expression over the whole text, not one per line: neither class holds
    # "\n", so no match crosses a line.
    text = _WS.sub(" ", _ZW.sub("", text))
    return [line for raw in text.split("\n") if (line := raw.strip())]


def squeeze_chunks(chunks: list[str]) -> list[str]:
    """Chunks with zero-width characters dropped and whitespace runs collapsed, each on its
    own: ``text_lines`` gives the same lines for them, with far less whitespace to scan
    (source indentation becomes runs of spaces)."""
    # Block boundaries ("\n") are about half of a page's chunks and need no change.
    return [chunk if chunk == "\n" else _WS.sub(" ", _ZW.sub("", chunk)) for chunk in chunks]


def element_text(element: lxml.html.HtmlElement) -> str:
    """Visible text of one element on one line."""
    return " ".join(visible_lines(element))


class RenderedPage:
    """A tree rendered once (``visible_lines(root)``), with where each element's own text lies
    in that rendering: ``lines(e)`` and ``text(e)`` equal ``visible_lines(e)`` and
    ``element_text(e)`` for every element, read by slicing instead of rendering ``e`` again
    (titles, headings and links are looked up on every page; rendering each of them costs its
    text once per level of nesting).

    Elements the page rendering does not reach on their own terms (inside a hidden element,
    or under a <pre>, whose newlines they keep in the page but not alone) are rendered as
    before. The tree must not change while this is in use."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self.root = root
        self._spans: dict[Any, tuple[int, int]] = {}
        chunks = squeeze_chunks(render_chunks(root, skip_hidden=True, spans=self._spans))
        self._offsets = list(accumulate((len(chunk) for chunk in chunks), initial=0))
        self._text = "".join(chunks)
        self._in_pre = {node for block in root.iter("pre") for node in block.iterdescendants()}

    def lines(self, element: lxml.html.HtmlElement | None = None) -> list[str]:
        """``visible_lines(element)`` (the whole page's when ``element`` is None)."""
        if element is None:
            return text_lines(self._text)
        span = self._spans.get(element)
        if span is None or element in self._in_pre:
            return visible_lines(element)
        return text_lines(self._text[self._offsets[span[0]] : self._offsets[span[1]]])

    def text(self, element: lxml.html.HtmlElement) -> str:
        """``element_text(element)``."""
        return " ".join(self.lines(element))


def compact(text: str) -> str:
    """Text without any whitespace, for comparing strings that differ only in spacing.

    ``str.split()`` splits on exactly the characters ``re``'s ``\\s`` matches (both ask
    ``str.isspace``), about four times faster than ``re.sub(r"\\s+", "", text)``: this runs
    on every line and block of every page."""
    return "".join(text.split())


class OrderedText:
    """``part in text`` for many parts that mostly appear in ``text`` in the order they are
    asked about (a page's lines against its extracted body): each search starts where the
    previous part was found and only wraps around when that fails, so checking every line of
    a page costs about one pass over ``text`` instead of one pass per line (which made a
    2 MB page cost seconds). The answer is always exactly ``part in text``."""

    __slots__ = ("_cursor", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._cursor = 0

    def __contains__(self, part: str) -> bool:
        at = self.text.find(part, self._cursor)
        if at < 0:
            # Starts before the cursor (a match may run past it).
            at = self.text.find(part, 0, self._cursor + len(part) - 1)
            if at < 0:
                return False
        self._cursor = at
        return True


class TreeText:
    """The text content of a tree (``root.text_content()``, or with ``compacted`` its
    ``compact()``), built in one pass, with where each element's own text content lies in it.

    Asking every element of a page for its text content costs the page's text once per level
    of nesting (a deeply nested page: most of its extraction time); with this, an element's
    character count and "does its text contain this" are a lookup and a bisection. The tree
    must not change while this is in use."""

    def __init__(self, root: lxml.html.HtmlElement, *, compacted: bool = True) -> None:
        pieces: list[str] = []
        self._spans: dict[Any, tuple[int, int]] = {}
        self._occurrences: dict[str, list[int]] = {}
        position = 0

        def add(text: str | None) -> None:
            nonlocal position
            if text:
                piece = compact(text) if compacted else text
                pieces.append(piece)
                position += len(piece)

        # Nodes in document order from lxml's own iteration (comments and processing
        # instructions included: their tails are text), with a stack of the open elements:
        # an element closes (its span ends, then its tail follows) when the walk reaches a
        # node that is not inside it.
        open_elements: list[tuple[Any, int]] = []
        for node in root.iter():
            if open_elements:
                parent = node.getparent()
                while open_elements[-1][0] is not parent:
                    element, start = open_elements.pop()
                    self._spans[element] = (start, position)
                    add(element.tail)
            if isinstance(node.tag, str):
                open_elements.append((node, position))
                add(node.text)
            elif node is not root:
                add(node.tail)
        while open_elements:
            element, start = open_elements.pop()
            self._spans[element] = (start, position)
            if element is not root:
                add(element.tail)
        self.text = "".join(pieces)

    def span(self, element: lxml.html.HtmlElement) -> tuple[int, int]:
        return self._spans[element]

    def of(self, element: lxml.html.HtmlElement) -> str:
        """The element's (compacted) ``text_content()``."""
        start, end = self._spans[element]
        return self.text[start:end]

    def chars(self, element: lxml.html.HtmlElement) -> int:
        """``len(self.of(element))``."""
        start, end = self._spans[element]
        return end - start

    def contains(self, element: lxml.html.HtmlElement, part: str) -> bool:
        """``part in self.of(element)``."""
        start, end = self._spans[element]
        if not part:
            return True
        found = self._occurrences.get(part)
        if found is None:
            found = []
            at = self.text.find(part)
            while at >= 0:
                found.append(at)
                at = self.text.find(part, at + 1)
            self._occurrences[part] = found
        # The first occurrence at or after ``start``; it must end by ``end``.
        index = bisect.bisect_left(found, start)
        return index < len(found) and found[index] + len(part) <= end
