"""The generic spider of government information-disclosure (政府信息公开) directories.

    scrapy crawl disclosure -a start_urls=URL[,URL...]

It has no per-site rules. Every in-scope link is requested with one callback that classifies
the response (spiders.pages): a document page becomes a DisclosureDocument item and is a leaf;
a listing or navigation page yields requests for its links and for the pages of its pager
(spiders.pagination). Scope is the start URLs' exact hosts (host and port).

Stats: govarchive/pages/{document,listing,other}, govarchive/pages/skipped/non_html,
govarchive/links/{offsite,attachment}, govarchive/pagination/{generated,cut},
govarchive/fetch/failed and govarchive/fetch/failed/<reason>, govarchive/fetch/ignored/<why>.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_error

from crawler.items import DisclosureDocument
from spiders.links import PageLink, extract_links
from spiders.pages import classify_page
from spiders.pagination import column_key, find_trs_pager, is_pagination_link, trs_page_urls

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

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
    ResponseDataLossError,
    twisted_error.ConnectionLost,
    twisted_error.ConnectionDone,
    builtins.ConnectionResetError,
)


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


def failure_reason(failure: Failure) -> str:
    """Short stat-friendly reason of a failed request: http_404, timeout, dns, …"""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(*_TIMEOUTS):
        return "timeout"
    if failure.check(*_DNS):
        return "dns"
    if failure.check(*_REFUSED):
        return "connection_refused"
    if failure.check(*_LOST):
        return "connection_lost"
    if failure.check(DownloadCancelledError):
        return "cancelled"
    return "other"


def _as_list(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """A list from a spider argument: comma-separated on the command line, a list in code."""
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value or () if v and v.strip()]


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

    @property
    def max_list_pages(self) -> int:
        """Cap on the pages of one list column (0 = none)."""
        return self.settings.getint("GOVARCHIVE_MAX_LIST_PAGES", 500)

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
    ) -> scrapy.Request:
        """A page request: every one goes to parse_page and has the failure errback."""
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta={"source_url": source_url, "link_text": link_text, "pagination": pagination},
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
            # A PDF behind an .html link, a JSON API, plain text: not a page we can read.
            self._inc("govarchive/pages/skipped/non_html")
            logger.info("Skipping non-HTML response %s (%s)", response.url, type(response).__name__)
            return
        if not self._response_in_scope(response):
            return
        links = extract_links(response)
        page_type = classify_page(response, links=links, link_text=response.meta.get("link_text"))
        self._inc(f"govarchive/pages/{page_type}")
        logger.debug("Classified %s as %s", response.url, page_type)
        if page_type == "document":
            yield DisclosureDocument.from_response(
                response, source_url=response.meta.get("source_url")
            )
            return
        yield from self._pager_requests(response)
        yield from self._link_requests(response, links)

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
        if pager is None or pager.page_count < 2:
            return
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
        self, response: HtmlResponse, links: list[PageLink]
    ) -> Iterator[scrapy.Request]:
        """Requests for the in-scope page links of a listing or navigation page."""
        for link in links:
            if not self.in_scope(link.url):
                self._inc("govarchive/links/offsite")
                continue
            if link.kind == "attachment":
                # Attachments are downloaded by the attachment stage, never parsed as pages.
                self._inc("govarchive/links/attachment")
                continue
            pagination = is_pagination_link(link, response.url)
            if pagination and not self._admit_list_page(link.url):
                continue
            yield self._request(link.url, response.url, link.text, pagination=pagination)

    def _admit_list_page(self, url: str) -> bool:
        """Count a pager link against its column's cap; False (and counted) once it is full."""
        key = column_key(url)
        pages = self._column_pages.setdefault(key, set())
        if url in pages or not self.max_list_pages or len(pages) < self.max_list_pages:
            pages.add(url)
            return True
        self._inc("govarchive/pagination/cut")
        return False

    def on_error(self, failure: Failure) -> None:
        """Log and count a failed request; the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # Refused by policy (robots.txt, offsite), not a fetch failure.
            why = "robots_txt" if "robots.txt" in str(failure.value) else "other"
            self._inc(f"govarchive/fetch/ignored/{why}")
            logger.info("Ignored %s: %s", request.url, failure.value)
            return
        reason = failure_reason(failure)
        self._inc("govarchive/fetch/failed")
        self._inc(f"govarchive/fetch/failed/{reason}")
        level = logging.WARNING if reason.startswith("http_4") else logging.ERROR
        logger.log(
            level,
            "Fetch failed (%s): %s (linked from %s): %s",
            reason,
            request.url,
            request.meta.get("source_url"),
            failure.getErrorMessage(),
        )
