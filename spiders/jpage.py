"""Hanweb (大汉) jpage lists: the records a column page fetches with POST dataproxy.jsp.

A Hanweb column page carries its first records inline — a ``<script type="text/xml">``
datastore of ``<record><![CDATA[<li><a href=…>…</a></li>]]></record>`` (older sites: a JS array
``var InitData123 = ['<li>…</li>', …]``) — and a jQuery ``jpage`` widget that fetches the rest::

    $('#98765').jpage({dataStore: …, proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: 15,
                       totalRecord: 236, groupSize: 3, ajaxParam: {col: 1, webid: 3185, …}})

The widget posts ``ajaxParam`` as a form to ``proxyUrl?startrecord=S&endrecord=E&perpage=P``,
one request per group of ``groupSize`` pages (jpage.js: ``gpStartRecord = (gpStartPage-1) *
perPage + 1``, ``gpEndRecord = min(gpEndPage * perPage, totalRecord)``); the answer is a
``<datastore>`` XML document with the same ``<record>`` CDATA blocks.

This module reads the widget's configuration without running any script (defensively: every
value may be a literal, a variable set elsewhere on the page, or missing), computes the record
ranges the widget would request, and parses dataproxy answers safely (no DTD, no entity
expansion, no network; a hostile or malformed answer is reported, never raised).

Markup variants read:

* ``.jpage({...})`` option object with literal values (浙江/江苏 集约化 Hanweb);
* option values in variables: ``ajaxParam: param_4460289`` / ``var param_4460289 = {…}``
  (also when the call names no ajaxParam at all), ``totalRecord: total`` / ``var total = 9``;
* ``ajaxParam`` as a query string (``'col=1&columnid=5'``);
* ``totalRecord``/``perPage`` as ``<totalrecord>``/``<perpage>`` inside the datastore or as
  ``totalrecord``/``perpage`` attributes of the widget's container;
* the proxy and its parameters from the datastore's ``<nextgroup>`` link when the call does not
  name them, or from a hidden ``<form>`` of ``<input type=hidden name=columnid …>``;
* inline records as a datastore or as a ``var InitData… = ['…', …]`` array (2010s
  ``/module/jslib/jquery/jpage/`` sites);
* answers as ``<datastore>`` XML (with or without ``<totalrecord>``) or as a JS array.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import Selector

from spiders.links import (
    PageLink,
    anchor_text,
    cdata_records,
    is_attachment_url,
    is_static_asset,
    resolve_href,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger(__name__)

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
# jpage.js falls back to 10 records a page; Hanweb templates group 3 pages per request.
DEFAULT_PER_PAGE = 10
DEFAULT_GROUP_SIZE = 3
MAX_PER_PAGE = 1000
MAX_GROUP_SIZE = 50
# A sanity bound for totalRecord when the page cap is off: no column has a million records.
MAX_TOTAL_RECORDS = 1_000_000
# Dataproxy answers larger than this are not parsed (a group is a few dozen records).
MAX_RESPONSE_CHARS = 8 * 1024 * 1024
# Bounds of the script reading, so that a hostile page costs linear time: widget calls read on
# one page, assignments of one variable looked at (the last ones), characters one literal may
# span (an inline record array of a thousand rows fits).
MAX_WIDGETS = 10
MAX_ASSIGNMENTS = 10
MAX_LITERAL_CHARS = 1 << 20
# Query parameters of a <nextgroup> link that select a page, not the column.
_PAGING_PARAMS = frozenset({"page", "startrecord", "endrecord", "perpage", "limit"})

_JPAGE_CALL = re.compile(r"\.\s*jpage\s*\(\s*\{")
_CALL_TARGET = re.compile(r"""(?:\$|jQuery)\(\s*['"]#([\w-]+)['"]\s*\)\s*\.\s*jpage\s*\(\s*\{""")
# Tag attributes are bounded: [^>]* from every "<totalrecord" of a text without ">" scans to
# its end each time (quadratic in a hostile answer).
_XML_NUMBER = r"<{tag}\b[^>]{{0,200}}>\s*(?:<!\[CDATA\[\s*)?(\d{{1,9}})\s*(?:\]\]>\s*)?</{tag}>"
_NEXTGROUP_HREF = re.compile(
    r"<nextgroup\b[^>]{0,200}>.{0,2000}?href\s*=\s*['\"]([^'\"]+)['\"]", re.DOTALL | re.IGNORECASE
)
_HOSTILE = re.compile(
    r"<!ENTITY|<!DOCTYPE[^>\[]{0,1000}\[|<!ELEMENT|<!ATTLIST|<xi:include", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_JS_ARRAY_ASSIGNMENT = re.compile(r"\b(?:dataStore|InitData\w*|initData\w*)\s*=\s*\[")


class JpageError(ValueError):
    """A dataproxy answer that cannot be read as a datastore (malformed or hostile)."""


# --- a tolerant reader of JavaScript literals ------------------------------------------------


@dataclass(frozen=True)
class JsRef:
    """An identifier in a JS literal (a variable to look up elsewhere)."""

    name: str


class _Unknown:
    """A JS expression that is no literal (a call, arithmetic …)."""

    def __repr__(self) -> str:
        return "<expr>"


UNKNOWN = _Unknown()
_IDENT = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MAX_NESTING = 20


class _JsReader:
    """Reads one JS literal (object, array, string, number, identifier) from a position.

    Not a JS parser: it understands the literal subset configuration objects are written in
    and skips anything else (calls, arithmetic, functions) up to the next top-level ``,``/``}``.
    """

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def _skip_space(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char.isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.pos = len(text) if end < 0 else end + 2
            else:
                return

    def value(self, depth: int = 0) -> Any:
        self._skip_space()
        if self.pos >= len(self.text) or depth > _MAX_NESTING:
            return UNKNOWN
        char = self.text[self.pos]
        if char == "{":
            return self._object(depth)
        if char == "[":
            return self._array(depth)
        if char in "'\"":
            string = self._string()
            return self._maybe_expression(string)
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            literal = number.group()
            parsed: Any = float(literal) if any(c in literal for c in ".eE") else int(literal)
            return self._maybe_expression(parsed)
        ident = _IDENT.match(self.text, self.pos)
        if ident:
            self.pos = ident.end()
            name = ident.group()
            constants = {"true": True, "false": False, "null": None, "undefined": None}
            parsed = constants[name] if name in constants else JsRef(name)
            return self._maybe_expression(parsed)
        self._skip_expression()
        return UNKNOWN

    def _maybe_expression(self, parsed: Any) -> Any:
        """The literal if it stands alone, UNKNOWN if it is part of a larger expression."""
        self._skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] in ",}]);":
            return parsed
        self._skip_expression()
        return UNKNOWN

    def _string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == quote:
                self.pos += 1
                return "".join(out)
            if char == "\\" and self.pos + 1 < len(text):
                nxt = text[self.pos + 1]
                self.pos += 2
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[self.pos : self.pos + 4]):
                    out.append(chr(int(text[self.pos : self.pos + 4], 16)))
                    self.pos += 4
                elif nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[self.pos : self.pos + 2]):
                    out.append(chr(int(text[self.pos : self.pos + 2], 16)))
                    self.pos += 2
                else:
                    out.append({"n": "\n", "t": "\t", "r": "\r", "\n": ""}.get(nxt, nxt))
                continue
            out.append(char)
            self.pos += 1
        return "".join(out)  # unterminated: what there is

    def _object(self, depth: int) -> dict[str, Any]:
        self.pos += 1  # {
        result: dict[str, Any] = {}
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                return result
            char = self.text[self.pos]
            if char == "}":
                self.pos += 1
                return result
            if char == ",":
                self.pos += 1
                continue
            key: str | None = None
            if char in "'\"":
                key = self._string()
            else:
                match = re.compile(r"[\w$]+").match(self.text, self.pos)
                if match:
                    key = match.group()
                    self.pos = match.end()
            self._skip_space()
            if key is None or self.pos >= len(self.text) or self.text[self.pos] != ":":
                # A method shorthand, a spread, garbage: skip the member.
                self._skip_expression()
                continue
            self.pos += 1  # :
            result[key] = self.value(depth + 1)

    def _array(self, depth: int) -> list[Any]:
        self.pos += 1  # [
        result: list[Any] = []
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                return result
            char = self.text[self.pos]
            if char == "]":
                self.pos += 1
                return result
            if char == ",":
                self.pos += 1
                continue
            before = self.pos
            result.append(self.value(depth + 1))
            if self.pos == before:
                self.pos += 1  # never loop on a character nothing consumes

    def _skip_expression(self) -> None:
        """Skip to the next ``,`` or closing bracket at nesting level 0 (strings respected)."""
        depth = 0
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in "'\"`":
                if char == "`":
                    end = text.find("`", self.pos + 1)
                    self.pos = len(text) if end < 0 else end + 1
                else:
                    self._string()
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif char in ",;" and depth == 0:
                return
            self.pos += 1


def read_js_literal(text: str, pos: int = 0) -> Any:
    """The JS literal starting at ``pos`` (dict, list, str, int, float, bool, None, JsRef or
    UNKNOWN), read within ``MAX_LITERAL_CHARS`` (an unterminated one ends there)."""
    return _JsReader(text[pos : pos + MAX_LITERAL_CHARS]).value()


def js_variable(name: str, script: str) -> Any:
    """The literal last assigned to a variable (``var x = …``, ``x = …``, ``window.x = …``),
    among its last ``MAX_ASSIGNMENTS`` assignments."""
    pattern = re.compile(r"(?<![\w$.])(?:window\.)?" + re.escape(name) + r"\s*=(?!=)\s*")
    assignments = list(pattern.finditer(script))[-MAX_ASSIGNMENTS:]
    for match in reversed(assignments):
        found = read_js_literal(script, match.end())
        if found is not UNKNOWN:
            return found
    return UNKNOWN


def _resolve(value: Any, script: str, hops: int = 3) -> Any:
    """A JsRef replaced by the variable's value (a few hops deep)."""
    while isinstance(value, JsRef) and hops > 0:
        value = js_variable(value.name, script)
        hops -= 1
    return value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,12}\s*", value):
        return int(value)
    return None


def _form_value(value: Any) -> str | None:
    """How jQuery would serialise a parameter value; None for what cannot be known."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None  # objects, arrays, unresolved expressions


# --- the widget's configuration --------------------------------------------------------------


@dataclass(frozen=True)
class JpageConfig:
    """What a jpage widget would request: where, with which form, how many records."""

    proxy_url: str
    params: dict[str, str]
    per_page: int
    total_record: int
    group_size: int
    inline_records: tuple[str, ...] = ()
    # "datastore" (already in the page's links), "array" (a JS array: links to be extracted)
    inline_source: str | None = None
    unit_id: str | None = None
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """Identity of the list: proxy plus parameters (one column may sit on many pages)."""
        return self.proxy_url + "?" + json.dumps(sorted(self.params.items()), ensure_ascii=False)

    @property
    def page_count(self) -> int:
        return math.ceil(self.total_record / self.per_page) if self.per_page else 0


def _widget_options(script: str) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(container id, option object) of the ``.jpage({...})`` calls in the scripts (the first
    ``MAX_WIDGETS``)."""
    for number, match in enumerate(_JPAGE_CALL.finditer(script)):
        if number >= MAX_WIDGETS:
            logger.debug("More than %d jpage calls in one page: the rest are not read", MAX_WIDGETS)
            return
        options = read_js_literal(script, match.end() - 1)
        if not isinstance(options, dict):
            continue
        target = None
        head = script[max(0, match.start() - 80) : match.end()]
        targets = list(_CALL_TARGET.finditer(head))
        if targets:
            target = targets[-1].group(1)
        yield target, options


def _datastore_text(selector: Selector, unit_id: str | None) -> str:
    """The inline datastore of the widget's container (or the page's only one)."""
    stores = []
    if unit_id:
        stores = selector.xpath(
            "//*[@id=$id]//script[@type='text/xml'] | //*[@id=$id]//datastore", id=unit_id
        )
    if not stores:
        every = selector.xpath("//script[@type='text/xml']")
        stores = every if len(every) == 1 else []
    for store in stores:
        text = store.xpath("string(.)").get() or ""
        if store.root.tag == "datastore":
            text = store.get() or ""
        if "record" in text.lower() or "nextgroup" in text.lower():
            return text
    return ""


def _xml_number(tag: str, text: str) -> int | None:
    match = re.search(_XML_NUMBER.format(tag=tag), text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def _params_from_query(url: str) -> dict[str, str]:
    return {
        key: value
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
        if key.lower() not in _PAGING_PARAMS
    }


def _hidden_form(selector: Selector) -> tuple[dict[str, str], str | None]:
    """Fields and action of a hidden form naming a column (``<input type=hidden
    name=columnid>``); the action counts only when it is a data proxy."""
    for form in selector.xpath("//form[.//input[@name='columnid' or @name='unitid']]"):
        params = {}
        for field_ in form.xpath(".//input[@name]"):
            if (field_.attrib.get("type") or "text").lower() in {"hidden", "text"}:
                params[field_.attrib["name"]] = field_.attrib.get("value", "")
        if params:
            action = (form.attrib.get("action") or "").strip()
            return params, action if "proxy" in action.lower() else None
    return {}, None


def _container_attribute(selector: Selector, unit_id: str | None, name: str) -> int | None:
    """A numeric attribute (``perpage``, ``totalrecord``) of the widget's container (or of the
    page's only element carrying it)."""
    if unit_id:
        values = selector.xpath(f"//*[@id=$id]/@{name}", id=unit_id).getall()
    else:
        values = selector.xpath(f"//*[@{name}]/@{name}").getall()
        values = values if len(values) == 1 else []
    for value in values:
        number = _as_int(value)
        if number is not None:
            return number
    return None


def _array_records(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str) and item.strip())
    return ()


def parse_jpage_configs(selector: Selector, page_url: str) -> list[JpageConfig]:
    """The jpage widgets of a page whose records continue beyond the page (maybe none).

    A widget needs a record total and some request parameters; without them only the inline
    records are used (they are links of the page already).
    """
    scripts = selector.xpath("//script[not(@src) and not(@type='text/xml')]/text()").getall()
    script = "\n".join(scripts)
    calls = list(_widget_options(script))
    if not calls:
        # A datastore whose <nextgroup> names the proxy (params there), no widget call found.
        if not selector.xpath("//script[@type='text/xml']"):
            return []
        calls = [(None, {})]
    configs: dict[str, JpageConfig] = {}
    for target, options in calls:
        config = _config_from_options(selector, page_url, script, target, options)
        if config is not None:
            configs.setdefault(config.key, config)
    return list(configs.values())


def _config_from_options(
    selector: Selector,
    page_url: str,
    script: str,
    target: str | None,
    options: dict[str, Any],
) -> JpageConfig | None:
    sources: dict[str, str] = {}
    opts = {key.lower(): _resolve(value, script) for key, value in options.items()}
    datastore = _datastore_text(selector, target)
    nextgroup = _NEXTGROUP_HREF.search(datastore)
    nextgroup_url = nextgroup.group(1).replace("&amp;", "&") if nextgroup else None
    if nextgroup_url and "proxy" not in nextgroup_url.lower():
        nextgroup_url = None

    # Inline records: the datastore's CDATA blocks or the dataStore JS array.
    inline: tuple[str, ...] = tuple(cdata_records(datastore))
    inline_source = "datastore" if inline else None
    if not inline:
        inline = _array_records(opts.get("datastore"))
        inline_source = "array" if inline else None

    # Request parameters.
    params: dict[str, str] = {}
    form_action: str | None = None
    raw = opts.get("ajaxparam")
    unit_id = target or None
    if raw is None or raw is UNKNOWN or isinstance(raw, JsRef):
        # ajaxParam: param_123 unresolved, or no ajaxParam in the call: var param_<unit id>.
        names = [f"param_{unit_id}"] if unit_id else []
        names += re.findall(r"\bvar\s+(param_\d+)\s*=", script)
        for name in list(dict.fromkeys(names))[:MAX_ASSIGNMENTS]:
            raw = js_variable(name, script)
            if isinstance(raw, dict):
                sources["params"] = name
                break
    original = next((v for k, v in options.items() if k.lower() == "ajaxparam"), None)
    if isinstance(original, JsRef) and isinstance(raw, dict):
        sources.setdefault("params", original.name)
    if isinstance(raw, dict):
        sources.setdefault("params", "call")
        for key, value in raw.items():
            form = _form_value(_resolve(value, script))
            if form is not None:
                params[key] = form
    elif isinstance(raw, str) and "=" in raw:
        sources["params"] = "query string"
        params = dict(parse_qsl(raw.lstrip("?&"), keep_blank_values=True))
    if not params and nextgroup_url:
        params, sources["params"] = _params_from_query(nextgroup_url), "nextgroup"
    if not params:
        (params, form_action), sources["params"] = _hidden_form(selector), "form"
    if not params:
        return None

    # Proxy URL.
    proxy = opts.get("proxyurl")
    if isinstance(proxy, str) and proxy.strip():
        sources["proxy"] = "call"
    elif nextgroup_url:
        proxy = urlunsplit(urlsplit(nextgroup_url)._replace(query=""))
        sources["proxy"] = "nextgroup"
    elif form_action:
        proxy, sources["proxy"] = form_action, "form"
    else:
        proxy, sources["proxy"] = DEFAULT_PROXY, "default"
    try:
        proxy_url = urljoin(page_url, proxy.strip())
    except ValueError:
        return None
    if urlsplit(proxy_url).scheme not in ("http", "https"):
        return None

    # Record total, page size, group size.
    total = _as_int(opts.get("totalrecord"))
    if total is None:
        total = _xml_number("totalrecord", datastore)
    if total is None:
        total = _container_attribute(selector, unit_id, "totalrecord")
    if total is None:
        total = _as_int(_resolve(JsRef("totalRecord"), script))
    if total is None or total < 0:
        return None
    per_page = _as_int(opts.get("perpage"))
    if per_page is None:
        per_page = _xml_number("perpage", datastore) or _container_attribute(
            selector, unit_id, "perpage"
        )
    if per_page is None or not 0 < per_page <= MAX_PER_PAGE:
        per_page = DEFAULT_PER_PAGE
    group_size = _as_int(opts.get("groupsize"))
    if group_size is None or not 0 < group_size <= MAX_GROUP_SIZE:
        group_size = DEFAULT_GROUP_SIZE
    if unit_id is None:
        unit_id = params.get("unitid")
    return JpageConfig(
        proxy_url=proxy_url,
        params=params,
        per_page=per_page,
        total_record=min(total, MAX_TOTAL_RECORDS),
        group_size=group_size,
        inline_records=inline,
        inline_source=inline_source,
        unit_id=unit_id,
        sources=sources,
    )


# --- the requests the widget would make ------------------------------------------------------


def record_ranges(
    total: int, per_page: int, group_size: int, inline_count: int = 0, max_pages: int = 0
) -> tuple[list[tuple[int, int]], int]:
    """(startrecord, endrecord) of every request for the records after the inline ones, and
    how many pages the cap cut.

    Requests follow jpage.js: one per group of ``group_size`` pages, ending on the group's
    last record (``min(gpEndPage * perPage, totalRecord)``). When the page holds fewer inline
    records than a group, the first request fills up to the group boundary. ``max_pages``
    (0 = no cap) bounds the pages of the column, the inline ones included.
    """
    per_page = max(per_page, 1)
    chunk = per_page * max(group_size, 1)
    total = max(0, min(total, MAX_TOTAL_RECORDS))
    pages = math.ceil(total / per_page)
    limit, cut = total, 0
    if max_pages and pages > max_pages:
        limit, cut = max_pages * per_page, pages - max_pages
    ranges = []
    start = max(inline_count, 0) + 1
    while start <= limit:
        end = min(math.ceil(start / chunk) * chunk, limit)
        ranges.append((start, end))
        start = end + 1
    return ranges, cut


def proxy_request_url(proxy_url: str, start: int, end: int, per_page: int) -> str:
    """``proxyUrl?startrecord=S&endrecord=E&perpage=P`` (``&`` when it has a query)."""
    query = f"startrecord={start}&endrecord={end}&perpage={per_page}"
    return proxy_url + ("&" if urlsplit(proxy_url).query else "?") + query


# --- dataproxy answers -----------------------------------------------------------------------


@dataclass
class Datastore:
    """What a dataproxy answer holds."""

    records: list[str]
    total_record: int | None = None
    well_formed: bool = True
    problem: str | None = None


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        recover=False,
        remove_comments=True,
        remove_pis=True,
        encoding="utf-8",
    )


def parse_datastore(text: str) -> Datastore:
    """The records of a dataproxy answer (decoded text).

    Raises JpageError for answers that are hostile (DTD/entity declarations: never expanded,
    never parsed) or hold no datastore at all. An ill-formed answer whose CDATA records can
    still be cut out (a truncated group, a stray ``&``) returns them with ``well_formed``
    False.
    """
    if len(text) > MAX_RESPONSE_CHARS:
        raise JpageError(f"answer too large ({len(text)} characters)")
    text = text.lstrip("\ufeff")
    if _HOSTILE.search(text):
        raise JpageError("DTD or entity declarations in the answer")
    body = _XML_DECLARATION.sub("", text, count=1)
    if not body.strip():
        raise JpageError("empty answer")
    try:
        root = etree.fromstring(body.encode("utf-8"), _safe_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        records = cdata_records(body)
        if records:
            return Datastore(
                records=records,
                total_record=_xml_number("totalrecord", body),
                well_formed=False,
                problem=f"ill-formed XML: {exc}",
            )
        array = _js_array_records(body)
        if array is not None:
            return Datastore(records=list(array))
        raise JpageError(f"not a datastore: {exc}") from None
    if not isinstance(root.tag, str):
        raise JpageError("no root element")
    stores = [root] if _local(root.tag) == "datastore" else []
    if not stores:
        stores = [
            el for el in root.iter() if isinstance(el.tag, str) and _local(el.tag) == "datastore"
        ]
    if not stores:
        raise JpageError(f"no <datastore> (root <{_local(root.tag)}>)")
    store = stores[0]
    records: list[str] = []
    total: int | None = None
    for element in store.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag)
        if name == "record":
            # CDATA (or escaped) HTML; entity references stay unexpanded and are dropped.
            records.append("".join(t for t in element.itertext() if isinstance(t, str)))
        elif name == "totalrecord" and total is None:
            total = _as_int((element.text or "").strip())
    return Datastore(records=[r for r in records if r.strip()], total_record=total)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _js_array_records(text: str) -> tuple[str, ...] | None:
    """Records of an answer written as JS (``dataStore = ['<li>…</li>', …]``), if it is one."""
    match = _JS_ARRAY_ASSIGNMENT.search(text)
    if not match:
        return None
    return _array_records(read_js_literal(text, match.end() - 1))


def record_links(records: list[str] | tuple[str, ...], base_url: str) -> list[PageLink]:
    """The links of record HTML fragments, resolved against the column page, in order."""
    links: list[PageLink] = []
    seen: set[str] = set()
    for record in records:
        if "href" not in record.lower():
            continue
        try:
            anchors = Selector(text=record).xpath("//a[@href] | //area[@href]")
        except (ValueError, etree.ParserError):
            continue
        for anchor in anchors:
            url = resolve_href(anchor.attrib["href"], base_url)
            if url is None or url in seen or is_static_asset(url):
                continue
            seen.add(url)
            kind = "attachment" if is_attachment_url(url) else "page"
            links.append(PageLink(url=url, text=anchor_text(anchor), kind=kind))
    return links


def has_jpage_pager(selector: Selector, page_url: str) -> bool:
    """True if a jpage widget of the page has more records than one page shows."""
    if not selector.xpath("//script[@type='text/xml' or contains(., 'jpage')]"):
        return False
    return any(
        config.total_record > config.per_page for config in parse_jpage_configs(selector, page_url)
    )
