"""The generic spider of government information-disclosure (政府信息公开) directories.

    scrapy crawl disclosure -a start_urls=URL[,URL...]

It has no per-site rules. Every in-scope link is requested with one callback that classifies
the response (spiders.pages): a document page becomes a DisclosureDocument item and is a leaf;
a listing or navigation page yields requests for its links and for the pages of its pager
(spiders.pagination). Scope is the start URLs' exact hosts (host and port).

Two list and document shapes need more than links:

* Hanweb (大汉) jpage columns hold only their first records inline and fetch the rest with
  POST dataproxy.jsp (spiders.jpage): the spider posts the widget's form for the remaining
  record ranges and follows the records' links as if they were on the column page.
* TRS multi-page documents (``t20151009_67430.html``, ``…_1.html``, ``…_2.html``, announced by
  the page's own ``createPageHTML(3, 0, "t20151009_67430", "html")``) are fetched part after
  part and yielded once, as the first page's item with ``parts``/``html_parts``; a part reached
  through a link is never a document of its own.

Hostile answers are counted and logged, never fatal: a page that ends without ``</html>``
(govarchive/pages/truncated_html), a 0-byte page (govarchive/pages/empty_body), a page over
DOWNLOAD_WARNSIZE (govarchive/pages/over_warnsize), a DOM nested deeper than libxml2 parses
(govarchive/pages/deep_dom: read with its nesting flattened, extraction.html); failures get a
reason (``failure_reason``): http_<status>, timeout, dns, connection_refused, connection_lost,
data_loss (a body cut short of its Content-Length), too_large (DOWNLOAD_MAXSIZE, declared,
received or decompressed: govarchive/fetch/too_large/<how>), redirect_loop, too_many_redirects,
cancelled, other.

Stats: govarchive/pages/{document,listing,other}, govarchive/pages/skipped/non_html,
govarchive/links/{offsite,attachment}, govarchive/pagination/{generated,cut},
govarchive/fetch/failed and govarchive/fetch/failed/<reason>, govarchive/fetch/ignored/<why>,
govarchive/jpage/{columns,requests,records,bad_response,salvaged},
govarchive/multipage/{documents,parts,part_failed,parts_cut,part_reached,part_link_skipped}.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import logging
import re
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_error

from crawler.encoding import choose_encoding
from crawler.incremental import KNOWN, UnchangedDocument
from crawler.items import DisclosureDocument
from crawler.middlewares import RedirectLoop, repair_text_response
from extraction.attachments import is_attachment_url
from extraction.html import PARSER_MAX_DEPTH, flatten_deep_markup, too_deep
from extraction.mediatypes import DOCUMENT_TYPES, sniff_media_type
from spiders.jpage import (
    JpageConfig,
    JpageError,
    parse_datastore,
    parse_jpage_configs,
    proxy_request_url,
    record_links,
    record_ranges,
)
from spiders.links import PageLink, extract_links, resolve_href
from spiders.listing import ListRow, document_rows, trs_api_pagination
from spiders.pages import classify_page
from spiders.pagination import (
    TrsPager,
    column_key,
    document_pager,
    find_trs_pager,
    is_document_pager,
    is_pagination_link,
    multipage_first_url,
    multipage_part_urls,
    trs_page_urls,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

# Scheduler priority of a list's document rows over menus and navigation.
LIST_ITEM_PRIORITY = 10
# Answers that mean a document was removed (a tombstone for one the archive holds).
GONE_STATUSES = frozenset({404, 410})

_TIMEOUTS = (
    DownloadTimeoutError,
    twisted_error.TimeoutError,
    twisted_error.TCPTimedOutError,
    asyncio.TimeoutError,
    builtins.TimeoutError,
)
_DNS = (CannotResolveHostError, twisted_error.DNSLookupError)
_REFUSED = (
    DownloadConnectionRefusedError,
    twisted_error.ConnectionRefusedError,
    builtins.ConnectionRefusedError,
)
_LOST = (
    twisted_error.ConnectionLost,
    twisted_error.ConnectionDone,
    builtins.ConnectionResetError,
)
# Ignored requests that are failures to fetch a page, not a policy's refusal.
FAILED_IGNORES = frozenset({"too_large", "redirect_loop", "too_many_redirects"})
# request.meta keys of the download size tracker (DisclosureSpider._track_bytes).
BYTES_RECEIVED = "govarchive_bytes_received"
OVER_MAXSIZE = "govarchive_over_maxsize"
# How much of a page's end is searched for </html>.
_TAIL_CHARS = 65536
_HTML_END = re.compile(r"</html\s*>", re.IGNORECASE)


def scope_key(url: str) -> str:
    """Host and explicit port of a URL ('' for none): the unit of crawl scope.

    The scheme's default port is dropped, so http://x and https://x are one site, while
    x:8080 and other subdomains are not.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return host
    if port is None or (parts.scheme, port) in {("http", 80), ("https", 443)}:
        return host
    return f"{host}:{port}"


def _causes(exc: BaseException, depth: int = 0) -> Iterator[BaseException]:
    """The exception and what it wraps: its ``__cause__`` (Scrapy's DownloadFailedError wraps
    Twisted's ResponseFailed) and the ``reasons`` of a Twisted ResponseFailed, depth first."""
    yield exc
    if depth >= 4:
        return
    if exc.__cause__ is not None:
        yield from _causes(exc.__cause__, depth + 1)
    for reason in getattr(exc, "reasons", None) or ():
        value = getattr(reason, "value", None)
        if isinstance(value, BaseException):
            yield from _causes(value, depth + 1)


def failure_reason(failure: Failure) -> str:
    """Short stat-friendly reason of a failed request: http_404, timeout, dns, …"""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(RedirectLoop):
        return "redirect_loop"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "DOWNLOAD_MAXSIZE" in message:  # HttpCompressionMiddleware: a decompression bomb
            return "too_large"
        if "max redirections" in message:  # RedirectMiddleware: REDIRECT_MAX_TIMES
            return "too_many_redirects"
        return "other"
    if failure.check(DownloadCancelledError):
        return "too_large" if _size_cap_hit(failure) else "cancelled"
    if failure.check(ResponseDataLossError):
        return "data_loss"
    for exc in _causes(failure.value):
        if isinstance(exc, _TIMEOUTS):
            return "timeout"
        if isinstance(exc, _DNS):
            return "dns"
        if isinstance(exc, _REFUSED):
            return "connection_refused"
        if isinstance(exc, _LOST):
            return "connection_lost"
    return "other"


def _size_cap_hit(failure: Failure) -> str | None:
    """How a cancelled download went over DOWNLOAD_MAXSIZE ("declared": its Content-Length,
    "received": the bytes that came), or None when the cap was not the reason."""
    if "larger than download max size" in str(failure.value):
        return "declared"
    request = getattr(failure, "request", None)
    if request is not None and request.meta.get(OVER_MAXSIZE):
        return "received"
    return None


def failure_message(failure: Failure) -> str:
    """What went wrong, readably, when the exception says little (an empty message, a
    Twisted failure list)."""
    value = failure.value
    if failure.check(DownloadCancelledError) and _size_cap_hit(failure) == "received":
        meta = failure.request.meta  # type: ignore[attr-defined]
        return (
            f"received {meta.get(BYTES_RECEIVED, 0)} bytes, more than the download max size "
            f"({meta[OVER_MAXSIZE]}, DOWNLOAD_MAXSIZE): download cancelled"
        )
    if failure.check(ResponseDataLossError):
        return "the connection closed before the whole body (its Content-Length) arrived"
    wrapped = [
        exc
        for exc in _causes(value)
        if exc is not value and not getattr(exc, "reasons", None) and exc is not value.__cause__
    ]
    if wrapped:
        return "; ".join(f"{type(exc).__name__}: {exc}".rstrip(": ") for exc in wrapped)
    return failure.getErrorMessage() or type(value).__name__


def _as_list(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """A list from a spider argument: comma-separated on the command line, a list in code."""
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value or () if v and v.strip()]


def _decoded_text(response: Response) -> str:
    """The body as text, charset-repaired like page responses (XML answers bypass the
    repair middleware)."""
    if isinstance(response, TextResponse):
        repaired, _ = repair_text_response(response)
        return repaired.text  # type: ignore[attr-defined]
    content_type = response.headers.get("Content-Type")
    encoding = choose_encoding(
        response.body, content_type.decode("latin-1") if content_type else None
    )
    return response.body.decode(encoding, errors="replace")


def _header_text(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _meta(response: Response) -> dict[str, Any]:
    """The request's meta, or {} for a response built without a request."""
    return response.meta if response.request is not None else {}


def is_document_file(response: Response) -> bool:
    """True when the response's bytes are a document file (PDF, DOCX, XLS, OFD …)."""
    content_type = response.headers.get("Content-Type")
    kind = sniff_media_type(
        response.body[: 1 << 20],
        filename=urlsplit(response.url).path,
        media_type=content_type.decode("latin-1") if content_type else None,
    )
    return kind in DOCUMENT_TYPES


def host_matches(url: str, patterns: list[str]) -> bool:
    """True if the URL's host (and port, if any) matches one of the fnmatch host patterns
    (``*.pingtan.gov.cn``, ``www.example.gov.cn:8080``)."""
    key = scope_key(url)
    host = key.split(":")[0]
    return any(fnmatchcase(key, p.lower()) or fnmatchcase(host, p.lower()) for p in patterns)


class DisclosureSpider(scrapy.Spider):
    """Crawls disclosure directories from their start URLs and yields their document pages.

    Spider arguments: ``start_urls`` (comma-separated) and ``allowed_hosts`` (comma-separated
    fnmatch patterns of further hosts in scope). The setting ``GOVARCHIVE_ALLOWED_HOSTS`` adds
    patterns for every crawl. Site spiders of the registry set both as class attributes.
    """

    name = "disclosure"
    # Class-level defaults, overridden by the registry's site spiders.
    default_start_urls: tuple[str, ...] = ()
    allowed_host_patterns: tuple[str, ...] = ()

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        allowed_hosts: str | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.start_urls = _as_list(start_urls) or list(self.default_start_urls)
        if not self.start_urls:
            raise ValueError("give the directories to crawl: -a start_urls=URL[,URL...]")
        self.scope = {scope_key(url) for url in self.start_urls}
        self.host_patterns = [*self.allowed_host_patterns, *_as_list(allowed_hosts)]
        # Column key -> pager/next-link page URLs requested for it (GOVARCHIVE_MAX_LIST_PAGES).
        self._column_pages: dict[str, set[str]] = {}
        # Columns whose TRS pager pages were already generated (from whichever page came first).
        self._expanded_columns: set[str] = set()
        # jpage lists (proxy + form) whose dataproxy requests were already generated.
        self._expanded_jpages: set[str] = set()
        # Further pages of multi-page documents already requested as parts of their document:
        # links to them are not followed, and they are never documents of their own.
        self._consumed_parts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # A download cancelled for its size says nothing of why: count what came in.
        spider._maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        crawler.signals.connect(spider._track_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider._track_headers, signal=signals.headers_received)
        return spider

    _maxsize = 0

    def _track_headers(self, headers: Headers, body_length: int, request: scrapy.Request) -> None:
        """A new answer to a request (a retry's): its byte count starts again."""
        request.meta.pop(BYTES_RECEIVED, None)

    def _track_bytes(self, data: bytes, request: scrapy.Request) -> None:
        """Bytes of a download so far; past its max size, the cap is what cancels it."""
        meta = request.meta
        received = meta.get(BYTES_RECEIVED, 0) + len(data)
        meta[BYTES_RECEIVED] = received
        limit = meta.get("download_maxsize", self._maxsize)
        if limit and received > limit:
            meta[OVER_MAXSIZE] = limit

    @property
    def max_list_pages(self) -> int:
        """Cap on the pages of one list column (0 = none)."""
        return self.settings.getint("GOVARCHIVE_MAX_LIST_PAGES", 500)

    @property
    def max_document_parts(self) -> int:
        """Cap on the further pages fetched for one multi-page document (0 = none)."""
        return self.settings.getint("GOVARCHIVE_MAX_DOCUMENT_PARTS", 50)

    def _inc(self, key: str, count: int = 1) -> None:
        """Increment a stat of this crawl."""
        self.crawler.stats.inc_value(key, count)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One request per start URL: the directory homes (or any page of them)."""
        for url in self.start_urls:
            # Not dont_filter: the home page is linked from every page (首页) and must not be
            # fetched again through those links.
            yield self._request(url, source_url=None, link_text="")

    def _request(
        self,
        url: str,
        source_url: str | None,
        link_text: str,
        *,
        pagination: bool = False,
        list_item: bool = False,
    ) -> scrapy.Request:
        """A page request: every one goes to parse_page and has the failure errback.

        Rows of a list (``list_item``) go first: a page budget spent on documents archives
        more than one spent on menus."""
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            priority=LIST_ITEM_PRIORITY if list_item else 0,
            meta={
                "source_url": source_url,
                "link_text": link_text,
                "pagination": pagination,
                "list_item": list_item,
            },
        )

    def in_scope(self, url: str) -> bool:
        """True if the URL is on a start URL's host (exact host and port) or on a host the
        allow-list admits. Anything else is off-site, including proxy rewrites of on-site links
        (www.x.gov.cn.ipv6best.cn): a different host is a different site."""
        if scope_key(url) in self.scope:
            return True
        patterns = [*self.host_patterns, *self.settings.getlist("GOVARCHIVE_ALLOWED_HOSTS")]
        return bool(patterns) and host_matches(url, patterns)

    def parse_page(self, response: Response) -> Iterator[DisclosureDocument | scrapy.Request]:
        """Classify a fetched page: yield it if it is a document, else follow its links."""
        if not isinstance(response, HtmlResponse):
            if _meta(response).get("list_item") and is_document_file(response):
                # A list row whose link serves a file (a download servlet, a PDF behind .html).
                yield self._file_document(response)
                return
            # A PDF behind an .html link, a JSON API, plain text: not a page we can read.
            self._inc("govarchive/pages/skipped/non_html")
            logger.info("Skipping non-HTML response %s (%s)", response.url, type(response).__name__)
            return
        if not self._response_in_scope(response):
            return
        served = response
        response = self._inspect_page(response)
        doc_pager = document_pager(response.selector, response.url)
        if doc_pager is not None and doc_pager.current_index > 0:
            # …_2.html of a multi-page document, reached through a link: part of a document.
            yield from self._part_reached(response, doc_pager)
            return
        links = extract_links(response)
        page_type = classify_page(response, links=links, link_text=response.meta.get("link_text"))
        self._inc(f"govarchive/pages/{page_type}")
        logger.debug("Classified %s as %s", response.url, page_type)
        if page_type == "document":
            item = DisclosureDocument.from_response(
                served, source_url=response.meta.get("source_url")
            )
            if doc_pager is not None:
                yield self._start_multipage(response, doc_pager, item)
            else:
                yield item
            return
        rows = self._list_rows(response) if page_type == "listing" else {}
        selected = self._selected_rows(response)
        if selected:
            # The site's own list selector (registry ``selectors.list_links``): its rows are
            # list items whatever the page was classified as, and followed even when the
            # generic link reading passed them over.
            known = {link.url for link in links}
            links = links + [
                PageLink(row.url, row.title, "attachment" if is_attachment_url(row.url) else "page")
                for row in selected.values()
                if row.url not in known
            ]
            rows = {**selected, **{url: row for url, row in rows.items() if url not in selected}}
        yield from self._pager_requests(response)
        yield from self._jpage_requests(response)
        yield from self._link_requests(response, links, list_items=rows)

    def _selected_rows(self, response: HtmlResponse) -> dict[str, ListRow]:
        """Rows of the registry site's ``selectors.list_links`` on this page, by URL."""
        site = getattr(self, "site", None)
        selector = getattr(getattr(site, "selectors", None), "list_links", None)
        if not selector:
            return {}
        rows: dict[str, ListRow] = {}
        for anchor in response.css(selector):
            url = resolve_href(anchor.attrib.get("href", ""), response.url)
            if url is None:
                continue
            title = " ".join(" ".join(anchor.css("::text").getall()).split())
            rows.setdefault(url, ListRow(url, anchor.attrib.get("title") or title))
        if rows:
            self._inc("govarchive/list/selected_items", len(rows))
        return rows

    def _inspect_page(self, response: HtmlResponse) -> HtmlResponse:
        """Count and log what is wrong with a page that still is one: 0 bytes, over
        DOWNLOAD_WARNSIZE, cut short of ``</html>``, nested too deep. A page nested deeper than
        libxml2 parses comes back with its nesting flattened, for the spider's own reading
        (links, classification); the item keeps the page as served."""
        size = len(response.body)
        source = response.meta.get("source_url")
        if not size:
            self._inc("govarchive/pages/empty_body")
            logger.warning(
                "Empty page (0 bytes, HTTP %d): %s (linked from %s)",
                response.status,
                response.url,
                source,
            )
            return response
        warnsize = response.meta.get("download_warnsize", self.settings.getint("DOWNLOAD_WARNSIZE"))
        if warnsize and size > warnsize:
            self._inc("govarchive/pages/over_warnsize")
            logger.info(
                "Large page %s: %d bytes (DOWNLOAD_WARNSIZE %d)", response.url, size, warnsize
            )
        text = response.text
        if text.strip() and not _HTML_END.search(text, max(0, len(text) - _TAIL_CHARS)):
            self._inc("govarchive/pages/truncated_html")
            logger.warning(
                "Truncated HTML: %s ends without </html> (%d bytes; linked from %s); "
                "read as far as it goes",
                response.url,
                size,
                source,
            )
        if too_deep(response.selector.root):
            self._inc("govarchive/pages/deep_dom")
            logger.warning(
                "DOM of %s nests deeper than %d levels (%d bytes): read with its nesting flattened",
                response.url,
                PARSER_MAX_DEPTH,
                size,
            )
            return response.replace(body=flatten_deep_markup(text).encode(), encoding="utf-8")
        return response

    def _list_rows(self, response: HtmlResponse) -> dict[str, ListRow]:
        """The document rows of a list page (spiders.listing) by URL, counted; an empty list
        and a list whose later pages only a JavaScript API serves are reported."""
        rows: dict[str, ListRow] = {}
        for row in document_rows(response):
            rows.setdefault(row.url, row)
        self._inc("govarchive/list/items", len(rows))
        if not rows:
            self._inc("govarchive/list/empty")
            logger.warning("List page shows no document rows (layout changed?): %s", response.url)
        js_only = trs_api_pagination(response)
        if js_only is not None:
            self._inc("govarchive/pagination/js_only")
            logger.warning(
                "Only page 1 of %s is static HTML: %s more records come from a JavaScript API "
                "the crawler does not run (TRS 动静结合)",
                response.url,
                max(0, (js_only.record_count or 0) - len(rows)) or "its",
            )
        return rows

    def _response_in_scope(self, response: Response) -> bool:
        """False (and counted) when a redirect took a request off-site.

        A start URL that redirects to another host (www.x.gov.cn -> x.gov.cn) brings that host
        into scope instead: the directory lives there.
        """
        if self.in_scope(response.url):
            return True
        if response.meta.get("depth", 0) == 0 and response.meta.get("redirect_urls"):
            logger.info("Start URL redirected to %s: adding its host to the scope", response.url)
            self.scope.add(scope_key(response.url))
            return True
        self._inc("govarchive/links/offsite_redirect")
        logger.info("Dropping %s: redirected off-site", response.url)
        return False

    def _pager_requests(self, response: HtmlResponse) -> Iterator[scrapy.Request]:
        """Requests for the pages a TRS pager script links to, once per column."""
        pager = find_trs_pager(response.selector)
        if pager is None or pager.page_count < 2 or is_document_pager(pager, response.url):
            return  # none, a single page, or the parts of a document (not a column's pages)
        key = column_key(response.urljoin(pager.page_file(0)))
        if key in self._expanded_columns:
            return
        self._expanded_columns.add(key)
        urls, cut = trs_page_urls(pager, response.url, self.max_list_pages)
        if cut:
            self._inc("govarchive/pagination/cut", cut)
            logger.warning(
                "Column %s has %d pages; requesting only %d (GOVARCHIVE_MAX_LIST_PAGES)",
                key,
                pager.page_count,
                self.max_list_pages,
            )
        pages = self._column_pages.setdefault(key, set())
        pages.add(response.url)
        for url in urls:
            pages.add(url)
            self._inc("govarchive/pagination/generated")
            yield self._request(url, response.url, "", pagination=True)

    def _link_requests(
        self,
        response: Response,
        links: list[PageLink],
        source_url: str | None = None,
        list_items: dict[str, ListRow] | None = None,
    ) -> Iterator[scrapy.Request]:
        """Requests for the in-scope page links of a listing or navigation page.

        ``source_url`` is the list page the links are on (default: the response's URL; for
        jpage records, the column page whose dataproxy answered).
        """
        source = source_url or response.url
        list_items = list_items or {}
        for link in links:
            if link.kind == "attachment" and link.url in list_items:
                # A list row that is a file (年度报告.pdf in a download list): a document of its
                # own. Files often live on another host (a file server), so no scope test.
                yield self._file_request(list_items[link.url], source)
                continue
            if not self.in_scope(link.url):
                self._inc("govarchive/links/offsite")
                continue
            if link.kind == "attachment":
                # Attachments are downloaded by the attachment stage, never parsed as pages.
                self._inc("govarchive/links/attachment")
                continue
            if link.url in self._consumed_parts:
                self._inc("govarchive/multipage/part_link_skipped")
                continue
            pagination = is_pagination_link(link, source)
            if pagination and not self._admit_list_page(link.url):
                continue
            yield self._request(
                link.url,
                source,
                link.text,
                pagination=pagination,
                list_item=link.url in list_items,
            )

    # --- documents that are files ---------------------------------------------------------

    def _file_request(self, row: ListRow, source_url: str) -> scrapy.Request:
        """A list row linking a file: fetched as a document, with the attachment size cap."""
        self._inc("govarchive/files/requested")
        settings = self.settings
        return scrapy.Request(
            row.url,
            callback=self.parse_file,
            errback=self.on_file_error,
            priority=LIST_ITEM_PRIORITY,
            meta={
                "source_url": source_url,
                "link_text": row.title,
                "pagination": False,
                "list_item": True,
                "list_date": row.date,
                "download_maxsize": settings.getint("GOVARCHIVE_ATTACHMENT_MAXSIZE", 0),
                "download_timeout": settings.getfloat(
                    "GOVARCHIVE_ATTACHMENT_TIMEOUT", settings.getfloat("DOWNLOAD_TIMEOUT", 180)
                ),
                "allow_offsite": True,
            },
        )

    def parse_file(self, response: Response) -> Iterator[DisclosureDocument | scrapy.Request]:
        """A list row's file: the document itself. A link that served a page after all (a
        download servlet answering with the detail page) is read as a page."""
        if isinstance(response, HtmlResponse):
            yield from self.parse_page(response)
            return
        yield self._file_document(response)

    def _file_document(self, response: Response) -> DisclosureDocument:
        self._inc("govarchive/pages/file_document")
        meta = response.meta
        return DisclosureDocument.from_file_response(
            response,
            source_url=meta.get("source_url"),
            title=meta.get("link_text") or None,
            published_at=meta.get("list_date"),
        )

    def on_file_error(self, failure: Failure) -> Iterator[DisclosureDocument]:
        """A list row's file that could not be fetched: logged and counted like any failed
        request, and archived as what the list says of it (title, date, URL) with the error,
        so a document that has gone from the server is still on record."""
        tombstones = list(self.on_error(failure))
        if tombstones:
            yield from tombstones
            return
        if _policy_ignore(failure):
            return  # unchanged, or refused by policy (robots.txt): nothing new to keep
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        if meta.get(KNOWN):
            return  # archived before: a failed re-fetch is no new version of it
        response = getattr(failure.value, "response", None)
        item = DisclosureDocument(
            url=request.url,
            source_url=meta.get("source_url"),
            fetched_at=DisclosureDocument.now(),
            http_status=response.status if response is not None else 0,
            content_sha256=hashlib.sha256(b"").hexdigest(),  # no file was read
            title=meta.get("link_text") or None,
            published_at=meta.get("list_date"),
            text_source="attachment",
            attachments=[{"url": request.url, "name": meta.get("link_text") or ""}],
        )
        item.error = f"file not fetched: {failure_reason(failure)}"
        self._inc("govarchive/files/failed")
        yield item

    def _admit_list_page(self, url: str) -> bool:
        """Count a pager link against its column's cap; False (and counted) once it is full."""
        key = column_key(url)
        pages = self._column_pages.setdefault(key, set())
        if url in pages or not self.max_list_pages or len(pages) < self.max_list_pages:
            pages.add(url)
            return True
        self._inc("govarchive/pagination/cut")
        return False

    # --- Hanweb jpage lists ---------------------------------------------------------------

    def _jpage_requests(self, response: HtmlResponse) -> Iterator[scrapy.Request]:
        """POST dataproxy requests for the records of a jpage list beyond the inline ones."""
        for config in parse_jpage_configs(response.selector, response.url):
            if config.inline_source == "array":
                # Records in a JS array are no links of the page: follow them here.
                links = record_links(config.inline_records, response.url)
                yield from self._link_requests(response, links)
            if config.key in self._expanded_jpages:
                continue
            self._expanded_jpages.add(config.key)
            if not self.in_scope(config.proxy_url):
                self._inc("govarchive/links/offsite")
                continue
            yield from self._jpage_range_requests(response, config)

    def _jpage_range_requests(
        self, response: HtmlResponse, config: JpageConfig
    ) -> Iterator[scrapy.Request]:
        ranges, cut = record_ranges(
            config.total_record,
            config.per_page,
            config.group_size,
            inline_count=len(config.inline_records),
            max_pages=self.max_list_pages,
        )
        self._inc("govarchive/jpage/columns")
        logger.info(
            "jpage list on %s: %d records, %d inline, %d a page; %d dataproxy requests (%s)",
            response.url,
            config.total_record,
            len(config.inline_records),
            config.per_page,
            len(ranges),
            ", ".join(f"{key} from {where}" for key, where in config.sources.items()),
        )
        if cut:
            self._inc("govarchive/pagination/cut", cut)
            logger.warning(
                "jpage list on %s has %d pages; requesting only %d (GOVARCHIVE_MAX_LIST_PAGES)",
                response.url,
                config.page_count,
                self.max_list_pages,
            )
        for start, end in ranges:
            self._inc("govarchive/jpage/requests")
            yield scrapy.FormRequest(
                proxy_request_url(config.proxy_url, start, end, config.per_page),
                formdata=config.params,
                headers={
                    "X-Requested-With": "XMLHttpRequest",
                    "Accept": "application/xml, text/xml, */*; q=0.01",
                },
                callback=self.parse_jpage,
                errback=self.on_error,
                meta={
                    "source_url": response.url,
                    "link_text": "",
                    # A dataproxy group is pages of the column: it keeps the column's depth.
                    "pagination": True,
                    "jpage_column": response.url,
                    "jpage_range": (start, end),
                },
            )

    def parse_jpage(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the record links of a dataproxy answer, as links of its column page."""
        column = response.meta.get("jpage_column") or response.url
        try:
            store = parse_datastore(_decoded_text(response))
        except JpageError as exc:
            self._inc("govarchive/jpage/bad_response")
            logger.warning("Unreadable jpage answer %s (column %s): %s", response.url, column, exc)
            return
        if not store.well_formed:
            self._inc("govarchive/jpage/bad_response")
            self._inc("govarchive/jpage/salvaged", len(store.records))
            logger.warning(
                "Ill-formed jpage answer %s (column %s); %d records cut out of it: %s",
                response.url,
                column,
                len(store.records),
                store.problem,
            )
        self._inc("govarchive/jpage/records", len(store.records))
        links = record_links(store.records, column)
        yield from self._link_requests(response, links, source_url=column)

    # --- TRS multi-page documents ---------------------------------------------------------

    def _start_multipage(
        self, response: HtmlResponse, pager: TrsPager, item: DisclosureDocument
    ) -> DisclosureDocument | scrapy.Request:
        """The first request of a document's part chain (or the item, if it has no parts)."""
        urls, cut = multipage_part_urls(pager, response.url, self.max_document_parts)
        urls = [url for url in urls if self.in_scope(url)]
        if cut:
            self._inc("govarchive/multipage/parts_cut", cut)
            logger.warning(
                "Document %s has %d pages; fetching only %d parts (GOVARCHIVE_MAX_DOCUMENT_PARTS)",
                response.url,
                pager.page_count,
                self.max_document_parts,
            )
        if not urls:
            return item
        self._consumed_parts.update(urls)
        logger.debug("Document %s has %d further pages", response.url, len(urls))
        return self._part_request({"item": item, "pending": urls}, response.url)

    def _part_request(self, chain: dict[str, Any], document_url: str) -> scrapy.Request:
        """The request for the chain's next part; the chain travels in meta."""
        url, pending = chain["pending"][0], chain["pending"][1:]
        chain = {**chain, "pending": pending, "current": url}
        return scrapy.Request(
            url,
            callback=self.parse_part,
            errback=self.on_part_error,
            # A part may also be linked from a list and so seen by the dupe filter; the
            # chain must get it anyway, or the document would never be yielded.
            dont_filter=True,
            # Parts first: a document waits in memory until its last part is in.
            priority=100,
            meta={
                "source_url": document_url,
                "link_text": "",
                # A part is the same document: it keeps the document's depth.
                "pagination": True,
                "multipage": chain,
            },
        )

    def parse_part(self, response: Response) -> Iterator[DisclosureDocument | scrapy.Request]:
        """Add a fetched part to its document; request the next one or yield the document."""
        chain = response.meta["multipage"]
        item: DisclosureDocument = chain["item"]
        if not isinstance(response, HtmlResponse):
            self._inc("govarchive/multipage/part_failed")
            logger.warning(
                "Part %s of %s is no HTML page (%s); keeping %d parts",
                response.url,
                item.url,
                type(response).__name__,
                len(item.parts),
            )
            yield self._finish_multipage(item)
            return
        item.parts.append(response.url)
        item.html_parts.append(response.text)
        self._inc("govarchive/multipage/parts")
        if chain["pending"]:
            yield self._part_request(chain, item.url)
        else:
            yield self._finish_multipage(item)

    def on_part_error(self, failure: Failure) -> Iterator[DisclosureDocument]:
        """A part failed for good: count it, and yield the document with the parts so far."""
        list(self.on_error(failure))  # logged and counted; a part is never a tombstone
        request = failure.request  # type: ignore[attr-defined]
        chain = request.meta["multipage"]
        item: DisclosureDocument = chain["item"]
        self._inc("govarchive/multipage/part_failed")
        logger.warning(
            "Part %s of %s failed (%s); yielding the document with %d of its parts",
            request.url,
            item.url,
            failure_reason(failure),
            len(item.parts),
        )
        yield self._finish_multipage(item)

    def _finish_multipage(self, item: DisclosureDocument) -> DisclosureDocument:
        self._inc("govarchive/multipage/documents")
        return item

    def _part_reached(self, response: HtmlResponse, pager: TrsPager) -> Iterator[scrapy.Request]:
        """A further page of a multi-page document fetched through a link: never a document
        of its own. Its first page is requested (the dupe filter drops it if already seen),
        so the document is archived even when only this part was linked."""
        self._inc("govarchive/multipage/part_reached")
        first = multipage_first_url(pager, response.url)
        logger.info(
            "%s is page %d of %s: not a document of its own",
            response.url,
            pager.current_index + 1,
            first,
        )
        if response.url in self._consumed_parts or not self.in_scope(first):
            return
        yield self._request(
            first,
            response.meta.get("source_url"),
            response.meta.get("link_text", ""),
            pagination=True,
        )

    def on_error(self, failure: Failure) -> Iterator[DisclosureDocument]:
        """Log and count a failed request; the crawl goes on. A known document that now
        answers 404/410 yields its tombstone (crawler.incremental)."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(UnchangedDocument):
            logger.debug("Unchanged: %s", request.url)  # counted by the middleware
            return
        if _policy_ignore(failure):
            # Refused by policy (robots.txt, offsite), not a fetch failure.
            why = "robots_txt" if "robots.txt" in str(failure.value) else "other"
            self._inc(f"govarchive/fetch/ignored/{why}")
            logger.info("Ignored %s: %s", request.url, failure.value)
            return
        reason = failure_reason(failure)
        self._inc("govarchive/fetch/failed")
        self._inc(f"govarchive/fetch/failed/{reason}")
        if reason == "too_large":
            how = _size_cap_hit(failure) or "decompressed"
            self._inc(f"govarchive/fetch/too_large/{how}")
        message = failure_message(failure)
        chain = request.meta.get("redirect_urls") or []
        url = chain[0] if chain else request.url
        if chain and reason != "redirect_loop":
            message += f" (after {len(chain)} redirects, at {request.url})"
        level = logging.WARNING if reason.startswith("http_4") else logging.ERROR
        logger.log(
            level,
            "Fetch failed (%s): %s (linked from %s): %s",
            reason,
            url,
            request.meta.get("source_url"),
            message,
        )
        tombstone = self._tombstone(failure)
        if tombstone is not None:
            yield tombstone

    def _tombstone(self, failure: Failure) -> DisclosureDocument | None:
        """The record of a document the archive holds live that is now 404/410: ``status``
        gone, its last title, the answer's status and capture."""
        if not failure.check(HttpError):
            return None
        response = failure.value.response
        known = failure.request.meta.get(KNOWN)  # type: ignore[attr-defined]
        if response.status not in GONE_STATUSES or not known or known.get("status") != "live":
            return None
        self._inc("govarchive/incremental/tombstones")
        logger.info(
            "Gone (%d): %s, last seen %s", response.status, response.url, known["last_seen"]
        )
        return DisclosureDocument(
            url=response.url,
            source_url=failure.request.meta.get("source_url"),  # type: ignore[attr-defined]
            fetched_at=DisclosureDocument.now(),
            http_status=response.status,
            content_type=_header_text(response, b"Content-Type"),
            content_sha256=hashlib.sha256(response.body).hexdigest(),
            title=known.get("title"),
            status="gone",
            warc=response.meta.get("warc"),
        )


def _policy_ignore(failure: Failure) -> bool:
    """An IgnoreRequest that is a policy's refusal (robots.txt, offsite), not a failure."""
    return bool(
        failure.check(IgnoreRequest)
        and not failure.check(HttpError)
        and failure_reason(failure) not in FAILED_IGNORES
    )
