"""Attachment links of a document page (the files themselves are fetched in a later stage).

Government sites publish a document's files in many shapes; all of these are found:

* plain links to a file: ``.pdf .doc .docx .xls .xlsx .wps .et .ofd .zip .rar .7z`` …, with
  percent-encoded or Chinese names (``%E9%99%84%E4%BB%B6.pdf``, ``附件1.pdf``);
* download servlets whose type shows only in the query, or not at all
  (``/module/download/downfile.jsp?classid=0&filename=x.pdf``, ``DownloadServlet?fileName=…``,
  ``download.do?id=…&name=….docx``);
* PDF viewers, linked or framed (``/generic/web/viewer.html?file=…``,
  ``pdfjs/web/viewer.html?file=<encoded URL>``): the file they show is the attachment;
* ``<iframe>``/``<embed>``/``<object>`` showing a file;
* links that exist only in JavaScript: string literals of inline scripts (TRS
  ``var apps = [{name:"…", url:"…P0202….pdf"}]``, ``videoLinks: ['….pdf']``,
  ``fileList = [{url:'…', name:'…'}]``), ``onclick``/``javascript:`` handlers, and HTML built
  in script strings (``'<a href="/a.pdf">附件</a>'``).

Unrendered template placeholders (``{{qzbFile}}``, ``el.url``, ``${…}``) are never links. Each
file is listed once (fragment dropped, relative and absolute spellings of one URL merged), in
page order, named by its link text, else its ``title``, else a name given beside it in a
script, else the file name decoded from the URL or its query.

``is_attachment_url`` is the one test of "this URL is a file, not a page": the spider uses it
(spiders.links) to leave attachments to the attachment stage, and ``find_attachments`` to
list them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from extraction.html import element_text

# Files a disclosure page publishes as its content.
ATTACHMENT_EXTENSIONS = frozenset(
    {
        "pdf", "ofd", "doc", "docx", "wps", "rtf", "odt",
        "xls", "xlsx", "et", "csv", "ods",
        "ppt", "pptx", "dps",
        "zip", "rar", "7z",
    }
)  # fmt: skip
_EXT = re.compile(
    r"\.(" + "|".join(sorted(ATTACHMENT_EXTENSIONS, key=len, reverse=True)) + r")$", re.IGNORECASE
)
# Download servlets (downfile.jsp?…, DownloadServlet, download.do …): an attachment whatever
# its extension says.
_DOWNLOAD_SERVLET = re.compile(
    r"(?:^|/)[\w-]*down(?:load)?[\w-]*(?:\.(?:jsp|do|action|aspx?|php|ashx|cgi)|servlet)$",
    re.IGNORECASE,
)
# Pages that display a file given in their query (pdf.js viewers, online previews).
_VIEWER_PATH = re.compile(r"viewer|preview|pdfjs", re.IGNORECASE)
# Unrendered template placeholders: {{…}}, ${…}, <%…%>, and bare model expressions (el.url).
_TEMPLATE_MARKERS = re.compile(r"\{\{|\}\}|\$\{|<%|%>")
_TEMPLATE_EXPRESSION = re.compile(
    r"^\s*(?:el|item|row|vm|\$data|data|this)(?:\.[A-Za-z_$][\w$]*|\[\w+\])+\s*$"
)
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "about:", "file:", "#")

# A JavaScript string literal ('…' or "…", escapes allowed, one line).
_JS_STRING = re.compile(r"""(["'])((?:\\.|(?!\1)[^\\\n\r])*)\1""")
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
# The key or variable a literal is assigned to: `url: "…"`, `"url": "…"`, `var url = "…"`.
_JS_KEY = re.compile(r"""(?:([A-Za-z_$][\w$]*)|(["'])([\w$-]+)\2)\s*[:=]\s*$""")
_JS_LINE_COMMENT = re.compile(r"(?<![:\\/\"'])//[^\n]*")
# Keys whose string value is a file's display name, not its location.
_NAME_KEYS = frozenset(
    {"name", "title", "filename", "filetitle", "text", "label", "alt", "desc", "docname",
     "attachname", "attname", "showname", "realname", "originalname", "filedesc"}
)  # fmt: skip
# What a script naming a file must contain somewhere: a file extension, a download servlet,
# a viewer, or markup (every string literal is otherwise examined, which is costly on pages
# carrying large minified scripts).
_SCRIPT_HINT = re.compile(
    r"\.(?:" + "|".join(sorted(ATTACHMENT_EXTENSIONS, key=len, reverse=True)) + r")\b"
    r"|down|viewer|preview|pdfjs|<(?:a|iframe|embed|object)\b",
    re.IGNORECASE,
)
# TRS file names (P020231214333320483418.pdf): a location even without a slash.
_TRS_FILE = re.compile(r"^P0\d{10,}\.\w+$", re.IGNORECASE)
_NON_HTTP = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# Name quality: which source named an entry (a better one replaces a worse one on merge).
_FROM_URL, _FROM_SCRIPT, _FROM_TITLE, _FROM_TEXT = range(4)


def _value_extension(value: str) -> str | None:
    """Attachment extension of a path or URL-ish string (its query and ;params ignored)."""
    path = unquote(value).split("#", 1)[0].split("?", 1)[0]
    last = path.rsplit("/", 1)[-1].split(";", 1)[0].strip()
    match = _EXT.search(last)
    return match.group(1).lower() if match else None


def attachment_extension(url: str) -> str | None:
    """File extension of an attachment URL: from the path, or from the query of a download
    servlet (``/module/download/downfile.jsp?classid=0&filename=….pdf``)."""
    parts = urlsplit(url)
    extension = _value_extension(parts.path)
    if extension:
        return extension
    for _, value in parse_qsl(parts.query, keep_blank_values=True):
        extension = _value_extension(value)
        if extension:
            return extension
    return None


def is_attachment_url(url: str) -> bool:
    """True for document files, download servlets (``downfile.jsp?filename=x.pdf``,
    ``DownloadServlet?id=12``) and viewers of a file (``viewer.html?file=x.pdf``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if _value_extension(parts.path) or _DOWNLOAD_SERVLET.search(parts.path):
        return True
    return attachment_extension(url) is not None


def _decode_percent(text: str) -> str:
    """Percent-decoding that also reads GBK-encoded names (%B8%BD%BC%FE → 附件)."""
    raw = unquote_to_bytes(text)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def file_name(url: str) -> str:
    """The file name a URL gives: a named file in a servlet's query, else the last path
    segment, percent-decoded."""
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1].split(";", 1)[0]
    if not _value_extension(last):
        for _, value in parse_qsl(parts.query, keep_blank_values=True):
            if _value_extension(value):
                return _decode_percent(value.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])
    return _decode_percent(last) or url


def _is_placeholder(value: str) -> bool:
    """Template syntax ({{…}}, ${…}) or a bare model expression (el.url; data.xls is a file)."""
    if _TEMPLATE_MARKERS.search(value):
        return True
    return bool(_TEMPLATE_EXPRESSION.match(value)) and not _value_extension(value)


def _looks_like_location(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "/", "./", "../")) or "/" in value


def _unwrap_base64(value: str) -> str | None:
    """kkFileView-style previews pass the file URL base64-encoded."""
    if len(value) < 16 or not re.fullmatch(r"[A-Za-z0-9+/=_-]+", value):
        return None
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if decoded.startswith(("http://", "https://", "/")) else None


def viewer_target(url: str) -> str | None:
    """The file a viewer or preview URL displays (``/pdfjs/web/viewer.html?file=%2Fa.pdf`` →
    ``/a.pdf`` resolved against the viewer), or None when ``url`` is no viewer of a file.

    Download servlets keep their URL: ``downfile.jsp?filename=x.pdf`` names a file, it does
    not locate it.
    """
    parts = urlsplit(url)
    if _value_extension(parts.path) or _DOWNLOAD_SERVLET.search(parts.path):
        return None
    viewer = bool(_VIEWER_PATH.search(parts.path))
    for _, value in parse_qsl(parts.query, keep_blank_values=True):
        value = value.strip()
        for _ in range(2):  # doubly encoded values: file=http%253A%252F%252F…
            if "%" in value and re.search(r"%[0-9A-Fa-f]{2}", value):
                value = unquote(value)
        candidate = value if _value_extension(value) else _unwrap_base64(value) if viewer else None
        if not candidate or _is_placeholder(candidate):
            continue
        if viewer or candidate.startswith(("http://", "https://")):
            return urljoin(url, candidate)
    return None


def _url_key(url: str) -> str:
    """One spelling per URL for de-duplication: no fragment, case-folded scheme and host,
    no default port, percent-decoding applied."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = _decode_percent(parts.path or "/")
    return urlunsplit((scheme, netloc, path, _decode_percent(parts.query), ""))


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class _Collector:
    """Entries in discovery order, merged by URL, each with the best name seen."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url or ""
        self.entries: dict[str, dict[str, str]] = {}
        self.quality: dict[str, int] = {}

    def add(self, href: str, name: str | None, quality: int) -> bool:
        """Add ``href`` if it is an attachment; True when it was."""
        href = _WHITESPACE.sub(" ", href).strip()
        if not href or _is_placeholder(href) or href.lower().startswith(_SKIPPED_SCHEMES):
            return False
        try:
            url = _strip_fragment(urljoin(self.base_url, href))
            target = viewer_target(url)
            if target is not None:
                url = _strip_fragment(target)
            elif not is_attachment_url(url):
                return False
            scheme = urlsplit(url).scheme.lower()
        except ValueError:  # an invalid IPv6 netloc or port in a hand-typed href
            return False
        if _NON_HTTP.match(url) and scheme not in ("http", "https", "ftp"):
            return False
        name = _WHITESPACE.sub(" ", name or "").strip()
        if not name:
            name, quality = file_name(url), _FROM_URL
        key = _url_key(url)
        if key not in self.entries:
            self.entries[key] = {"url": url, "name": name}
            self.quality[key] = quality
        elif quality > self.quality[key]:
            self.entries[key]["name"] = name
            self.quality[key] = quality
        return True

    def add_element(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("a", "area"):
            href = (element.get("href") or "").strip()
            text, title = element_text(element), element.get("title")
            if href.lower().startswith("javascript:"):
                self.add_script(href[len("javascript:") :], text or title)
            elif text:
                self.add(href, text, _FROM_TEXT)
            else:
                self.add(href, title, _FROM_TITLE if title else _FROM_URL)
        elif tag in ("iframe", "frame", "embed"):
            self.add(element.get("src") or "", element.get("title"), _FROM_TITLE)
        elif tag == "object":
            self.add(element.get("data") or "", element.get("title"), _FROM_TITLE)
        elif tag == "script" and not element.get("src"):
            self.add_script(element.text or "")
        handler = element.get("onclick")
        if handler and tag not in ("script",):
            self.add_script(handler, element_text(element) or element.get("title"))

    def add_script(self, script: str, name: str | None = None) -> None:
        """Attachment URLs in the string literals of a script."""
        if not script or not _SCRIPT_HINT.search(script):
            return  # names no file: most scripts (statistics, menus, share bars) are skipped
        script = _JS_LINE_COMMENT.sub("", script)
        for match in _JS_STRING.finditer(script):
            value = _js_unescape(match.group(2)).strip()
            if not value or len(value) > 2000:
                continue
            if "<" in value and ("href" in value or "src" in value):
                self._add_markup(value)
                continue
            if _concatenated(script, match.start(), match.end()):
                continue  # '/downfile.jsp?filename=' + name: a piece of a URL built at run time
            key = _js_key(script, match.start())
            if key in _NAME_KEYS or _is_placeholder(value) or not is_attachment_url(value):
                continue
            if key is None and not _looks_like_location(value) and not _TRS_FILE.match(value):
                continue  # a bare "附件1.pdf" outside any url: key is a name, not a link
            label = name or _object_name(script, match.start(), match.end())
            self.add(value.replace("&amp;", "&"), label, _FROM_SCRIPT if label else _FROM_URL)

    def _add_markup(self, markup: str) -> None:
        try:
            fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            return
        for element in fragment.iter():
            self.add_element(element)


def _js_unescape(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u{"):
            return chr(int(code[2:-1], 16))
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)

    return _JS_ESCAPE.sub(replace, value) if "\\" in value else value


def _concatenated(script: str, start: int, end: int) -> bool:
    """True when the literal at script[start:end] is joined with ``+`` to something else."""
    before = script[max(0, start - 20) : start].rstrip()
    after = script[end : end + 20].lstrip()
    return before.endswith("+") or after.startswith("+")


def _js_key(script: str, start: int) -> str | None:
    """Lower-case key or variable name a string literal at ``start`` is assigned to."""
    match = _JS_KEY.search(script[max(0, start - 80) : start])
    if not match:
        return None
    return (match.group(1) or match.group(3)).lower()


def _object_name(script: str, start: int, end: int) -> str | None:
    """The display name given beside a URL in the same flat object literal
    (``{name:"通知.pdf", url:"/a/P0….pdf"}``)."""
    opening = script.rfind("{", max(0, start - 1000), start)
    closing = script.find("}", end, end + 1000)
    if opening == -1 or closing == -1:
        return None
    if "}" in script[opening:start] or "{" in script[end:closing]:
        return None  # not one flat object
    body = script[opening + 1 : closing]
    for match in _JS_STRING.finditer(body):
        key = _js_key(body, match.start())
        value = _js_unescape(match.group(2)).strip()
        if key in _NAME_KEYS and value and not _is_placeholder(value):
            return value
    return None


def inline_scripts(root: lxml.html.HtmlElement) -> list[str]:
    """Text of the page's inline ``<script>`` elements (no ``src``), in page order: what
    ``find_attachments`` reads when the de-chromed tree has lost them."""
    return [s.text for s in root.iter("script") if not s.get("src") and s.text]


def frame_sources(root: lxml.html.HtmlElement) -> list[str]:
    """``src``/``data`` of the page's iframes, frames, embeds and objects, in page order (a
    PDF viewer frame is an attachment; de-chroming removes these elements)."""
    sources = []
    for element in root.iter("iframe", "frame", "embed", "object"):
        value = element.get("data" if element.tag == "object" else "src")
        if value and value.strip():
            sources.append(value.strip())
    return sources


def find_attachments(
    root: lxml.html.HtmlElement,
    base_url: str | None = None,
    script_texts: Iterable[str] | None = None,
    frame_urls: Iterable[str] | None = None,
) -> list[dict[str, str]]:
    """``{url, name}`` for every file of the document, in page order, once per URL.

    ``root`` is the document's (de-chromed) tree: its links, frames, embeds, handlers and any
    scripts left in it are read in document order. ``script_texts`` (inline scripts of the
    original page, see ``inline_scripts``) and ``frame_urls`` (its frames, see
    ``frame_sources``) add the files only they name, after those of the tree. URLs are
    resolved against ``base_url`` (or the tree's ``<base href>``).
    """
    base = root.find(".//base[@href]")
    if base is not None:
        base_url = urljoin(base_url or "", base.get("href", "").strip())
    collector = _Collector(base_url)
    for element in root.iter():
        if isinstance(element.tag, str):
            collector.add_element(element)
    for source in frame_urls or ():
        collector.add(source, None, _FROM_URL)
    for script in script_texts or ():
        collector.add_script(script)
    return list(collector.entries.values())
