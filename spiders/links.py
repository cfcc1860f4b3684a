"""Link extraction for disclosure directories: which hrefs of a page are worth following.

Government CMS templates are full of hrefs that are not pages: ``javascript:`` handlers, the
unrendered placeholders of client-side templates (avalon ``ms-attr-href="el.url"``, vue
``:href``, ``{{…}}``), static assets, and attachments served through download servlets. This
module keeps real http(s) page links, marks attachments separately (they are downloaded by a
later stage, never parsed as pages) and drops everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from parsel import Selector as ParselSelector
from scrapy.utils.response import get_base_url

# One test of "this URL is a file", shared with the attachment stage.
from extraction.attachments import is_attachment_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from parsel import Selector
    from scrapy.http import TextResponse

LinkKind = Literal["page", "attachment"]

# Page furniture and media: never worth a request.
STATIC_EXTENSIONS = frozenset(
    {
        "css", "js", "json", "xml", "map",
        "jpg", "jpeg", "png", "gif", "bmp", "svg", "webp", "ico", "tif", "tiff",
        "woff", "woff2", "ttf", "eot", "otf",
        "mp4", "mp3", "avi", "wmv", "flv", "mov", "m4a", "m4v", "wav", "ogg", "webm",
        "rm", "rmvb", "swf", "mpg", "mpeg",
        "exe", "apk", "dmg", "msi", "iso",
    }
)  # fmt: skip
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "about:", "vbscript:")
# Unrendered template placeholders left in href values: {{…}}, ${…}, <%…%> …
_TEMPLATE_MARKERS = re.compile(r"\{\{|\}\}|\$\{|<%|%>")
# … and bare model expressions: el.url, item.linkUrl, el.chnldocurl (but not item.html).
_TEMPLATE_EXPRESSION = re.compile(r"^\s*(?:el|item|row|vm|\$data|data)(?:\.[A-Za-z_$][\w$]*)+\s*$")
_PAGE_EXTENSIONS = frozenset({"html", "htm", "shtml", "xhtml", "jsp", "asp", "aspx", "php", "do"})
# Attributes that make a client-side framework (re)write the href: the static value is a
# placeholder or a stale default.
_HREF_BINDINGS = ("ms-attr-href", "ms-href", "v-bind:href", ":href", "ng-href", "th:href")
# Ancestors that are template rows, cloned and filled by a framework at run time.
_REPEAT_ATTRIBUTES = ("ms-repeat", "ms-for", "ms-each", "v-for", "ng-repeat", "x-for")
_WHITESPACE = re.compile(r"\s+")
# Hanweb (大汉) column pages keep the first page of their list in a <script type="text/xml">
# datastore, one CDATA block of HTML per <record>; jQuery renders it in the browser.
# cdata_records pairs a record's start and end: one regex with a lazy .*? between them retried
# the rest of the text from every unclosed <record> (quadratic in a cut-off datastore), and
# an unbounded [^>]* scans to the end from every "<record" of a text without ">".
_RECORD_OPEN = re.compile(r"<record\b[^>]{0,500}>\s*<!\[CDATA\[", re.IGNORECASE)
_RECORD_CLOSE = re.compile(r"\]\]>\s*</record>", re.IGNORECASE)


def cdata_records(text: str) -> list[str]:
    """The CDATA contents of ``<record><![CDATA[…]]></record>`` blocks, in order, in linear
    time: once a start finds no end, no later start can."""
    records = []
    position = 0
    while True:
        start = _RECORD_OPEN.search(text, position)
        if start is None:
            return records
        end = _RECORD_CLOSE.search(text, start.end())
        if end is None:
            return records
        records.append(text[start.end() : end.start()])
        position = end.end()


@dataclass(frozen=True)
class PageLink:
    """One followable link of a page: absolute URL without fragment, anchor text, kind."""

    url: str
    text: str
    kind: LinkKind = "page"


def url_extension(url: str) -> str:
    """Lower-case extension of the URL path's last segment ('' when there is none)."""
    last = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def is_static_asset(url: str) -> bool:
    """True for stylesheets, scripts, images, fonts and media files."""
    return url_extension(url) in STATIC_EXTENSIONS


def is_template_href(href: str) -> bool:
    """True for href values that are unrendered client-side template expressions."""
    if _TEMPLATE_MARKERS.search(href):
        return True
    return bool(_TEMPLATE_EXPRESSION.match(href)) and url_extension(href) not in _PAGE_EXTENSIONS


def strip_fragment(url: str) -> str:
    """The URL without its #fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


# Both read the lxml element under the Selector (``element.root``): a Selector per ancestor
# and per text node made link extraction a third of a crawl's spider time.


def _is_bound(element: Selector) -> bool:
    """True if a template framework rewrites this element's href or clones it as a row."""
    root = element.root
    if any(name.lower() in _HREF_BINDINGS for name in root.attrib):
        return True
    # Attribute names such as ":href" or "v-bind:href" are not valid XPath name tests, so
    # ancestors are checked in Python.
    node = root
    while node is not None:
        if any(name.lower().startswith(_REPEAT_ATTRIBUTES) for name in node.attrib):
            return True
        node = node.getparent()
    return False


def anchor_text(element: Selector) -> str:
    """Visible text of an <a>/<area>, falling back to its title or an image's alt."""
    root = element.root
    text = _WHITESPACE.sub(" ", " ".join(root.xpath(".//text()"))).strip()
    if not text:
        text = (
            root.get("title") or root.get("alt") or root.xpath("string(.//img/@alt)") or ""
        ).strip()
    return text


def resolve_href(href: str, base_url: str) -> str | None:
    """Absolute http(s) URL (fragment stripped) for an href, or None when it is no page link."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    lowered = href.lower().replace(" ", "")
    if lowered.startswith(_SKIPPED_SCHEMES) or is_template_href(href):
        return None
    try:
        url = strip_fragment(urljoin(base_url, href))
    except ValueError:  # e.g. an invalid IPv6 netloc in a hand-typed href
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url


def _anchors(response: TextResponse) -> Iterator[Selector]:
    """<a href>/<area href> elements in document order, Hanweb datastore records included."""
    for element in response.xpath("//a[@href] | //area[@href] | //script[@type='text/xml']"):
        if element.root.tag != "script":
            yield element
            continue
        for record in cdata_records(element.xpath("string(.)").get() or ""):
            yield from ParselSelector(text=record).xpath("//a[@href] | //area[@href]")


def extract_links(response: TextResponse) -> list[PageLink]:
    """Every page and attachment link of a page, in document order, without duplicates.

    Links back to the page itself, static assets and template placeholders are dropped.
    """
    base_url = get_base_url(response)
    own_url = strip_fragment(response.url)
    seen: set[str] = set()
    links: list[PageLink] = []
    for element in _anchors(response):
        url = resolve_href(element.root.get("href", ""), base_url)
        if url is None or url == own_url or url in seen or _is_bound(element):
            continue
        if is_static_asset(url):
            continue
        seen.add(url)
        kind: LinkKind = "attachment" if is_attachment_url(url) else "page"
        links.append(PageLink(url=url, text=anchor_text(element), kind=kind))
    return links
