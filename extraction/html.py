"""Parsing government HTML into one lxml tree, and rendering it as visible lines.

Saved and served gov pages are often malformed in ways that make libxml2 lose content:
- content after a stray ``</html>`` or ``</body>`` (libxml2 may start a second root and drop
  the article): the closing tags are removed before parsing, the parser closes them at EOF;
- server-side template source left in the file (``<%-- JSP comment --%>``, ``<%@ page … %>``,
  ``<jsp:include …/>``), which a browser shows as junk text;
- XML processing instructions and ``<o:p>`` from Word exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
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
    """Parse a decoded page into a single-rooted lxml HTML tree."""
    text = _STRAY_CLOSERS_STR.sub("", html)
    text = _SERVER_TEMPLATE.sub("", text)
    text = _XML_PI.sub("", text)
    if not text.strip():
        text = "<html><body></body></html>"
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring(f"<html><body>{text}</body></html>")
    return root


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
    """
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or tag in INVISIBLE_TAGS or (skip_hidden and is_hidden(element)):
        if element.tail:
            yield _flow(element.tail, pre)
        return
    if table_rows and tag == "table":
        yield "\n"
        for row in _own_rows(element):
            cells = [
                " ".join(visible_lines(cell, skip_hidden, table_rows=True))
                for cell in row
                if isinstance(cell.tag, str) and cell.tag in ("td", "th")
            ]
            if any(cells):
                yield "| " + " | ".join(cells) + " |\n"
        if element.tail:
            yield _flow(element.tail, pre)
        return
    block = tag in BLOCK_TAGS
    inner_pre = pre or tag == "pre"
    if block:
        yield "\n"
    if element.text:
        yield _flow(element.text, inner_pre)
    for child in element:
        if not isinstance(child.tag, str):  # comment or processing instruction
            if child.tail:
                yield _flow(child.tail, inner_pre)
            continue
        yield from iter_text_chunks(child, skip_hidden, inner_pre, table_rows)
    if block:
        yield "\n"
    if element.tail:
        yield _flow(element.tail, pre)


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
    text = "".join(iter_text_chunks(element, skip_hidden, table_rows=table_rows))
    lines = []
    for raw in text.split("\n"):
        line = _WS.sub(" ", _ZW.sub("", raw)).strip()
        if line:
            lines.append(line)
    return lines


def element_text(element: lxml.html.HtmlElement) -> str:
    """Visible text of one element on one line."""
    return " ".join(visible_lines(element))


def compact(text: str) -> str:
    """Text without any whitespace, for comparing strings that differ only in spacing."""
    return re.sub(r"\s+", "", text)
