"""Downloader middlewares of the project.

* ``CharsetRepairMiddleware`` (580): a body whose declared charset is wrong is re-decoded; a
  body that is no text at all (binary bytes served as ``text/html``) is handed on as a plain
  ``Response``, never parsed as a page.
* ``RedirectLoopMiddleware`` (610, before RedirectMiddleware at 600): a redirect back to a URL
  of its own chain (a -> b -> a) ends as a ``RedirectLoop`` failure, counted and logged by the
  spider's errback, instead of vanishing in the scheduler's dupe filter.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from w3lib.url import canonicalize_url, safe_url_string

from crawler.encoding import binary_body_type, choose_encoding

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def repair_text_response(response: Response) -> tuple[Response, str | None]:
    """Re-decode a text response whose declared charset does not fit its bytes.

    Returns the (possibly replaced) response and the charset it was wrongly decoded with, or
    None when nothing changed.
    """
    if not isinstance(response, TextResponse) or not response.body:
        return response, None
    content_type = response.headers.get("Content-Type")
    chosen = choose_encoding(
        response.body, content_type.decode("latin-1") if content_type else None
    )
    current = response.encoding
    if _same_codec(current, chosen):
        return response, None
    return response.replace(encoding=chosen), current


def _same_codec(a: str | None, b: str | None) -> bool:
    import codecs

    try:
        return bool(a and b) and codecs.lookup(a).name == codecs.lookup(b).name  # type: ignore[arg-type]
    except LookupError:
        return False


class CharsetRepairMiddleware:
    """Fixes ``response.encoding`` when the server's declared charset is wrong.

    A body that is no text (``crawler.encoding.binary_body_type``: a PDF, an image, random
    bytes) is not decoded: it goes on as a plain ``Response``, which the spider treats as the
    file it is (a list row's document file) or skips as non-HTML.

    Setting: ``GOVARCHIVE_CHARSET_REPAIR_ENABLED`` (default True).
    Stats: ``govarchive/charset/repaired``, ``govarchive/charset/repaired/<from>-><to>`` and
    ``govarchive/content/binary_as_html``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GOVARCHIVE_CHARSET_REPAIR_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        content_type = response.headers.get("Content-Type")
        declared = content_type.decode("latin-1") if content_type else None
        binary = binary_body_type(response.body, declared)
        if binary is not None:
            logger.warning(
                "Binary body served as %s: %s is %s (%d bytes); not read as a page",
                declared or "HTML",
                response.url,
                binary,
                len(response.body),
            )
            if self.stats is not None:
                self.stats.inc_value("govarchive/content/binary_as_html")
            return as_plain_response(response)
        repaired, was = repair_text_response(response)
        if was is not None:
            logger.info(
                "Charset mismatch on %s: declared/decoded as %s, bytes are %s",
                response.url,
                was,
                repaired.encoding,  # type: ignore[attr-defined]
            )
            if self.stats is not None:
                self.stats.inc_value("govarchive/charset/repaired")
                self.stats.inc_value(
                    f"govarchive/charset/repaired/{was}->{repaired.encoding}"  # type: ignore[attr-defined]
                )
        return repaired


def as_plain_response(response: Response) -> Response:
    """The same answer as a plain (binary) ``Response``."""
    return Response(
        url=response.url,
        status=response.status,
        headers=response.headers,
        body=response.body,
        flags=response.flags,
        request=response.request,
        certificate=response.certificate,
        ip_address=response.ip_address,
        protocol=response.protocol,
    )


# --- redirect loops ----------------------------------------------------------------------------

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL its own chain already visited."""

    def __init__(self, chain: list[str]) -> None:
        self.chain = chain
        super().__init__("redirect loop: " + " -> ".join(chain))


class RedirectLoopMiddleware:
    """Ends redirect chains that come back to one of their own URLs (a -> b -> a, a -> a).

    Scrapy's RedirectMiddleware follows such a chain until the scheduler's dupe filter drops
    the repeated URL, silently (a DEBUG line): the document is lost with no trace. This
    middleware sits before it (process_response, priority above 600) and raises
    ``RedirectLoop`` instead: the request's errback gets a failure naming the chain. One
    exception: a redirect back to the same URL that sets a cookie (a cookie check: the server
    sends the client round once with its new cookie) is followed once, past the dupe filter.
    Chains that never repeat a URL (``?hop=1``, ``?hop=2`` …) are RedirectMiddleware's to end
    (REDIRECT_MAX_TIMES).

    Setting: ``GOVARCHIVE_REDIRECT_LOOP_ENABLED`` (default True).
    Stats: ``govarchive/redirect/loop`` and ``govarchive/redirect/cookie_check``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GOVARCHIVE_REDIRECT_LOOP_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in _REDIRECT_STATUSES or not _follows_redirects(request, response):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        try:
            target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        except ValueError:
            return response  # RedirectMiddleware decides what a broken Location means
        chain = [*request.meta.get("redirect_urls", []), request.url]
        seen = [canonicalize_url(url) for url in chain]
        key = canonicalize_url(target)
        if key not in seen:
            return response
        if seen.count(key) == 1 and key == seen[-1] and response.headers.getlist(b"Set-Cookie"):
            request.dont_filter = True  # RedirectMiddleware copies it onto the redirect
            self._inc("govarchive/redirect/cookie_check")
            logger.debug("Cookie check: %s redirects to itself with a cookie", request.url)
            return response
        self._inc("govarchive/redirect/loop")
        raise RedirectLoop([*chain, target])

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def _follows_redirects(request: Request, response: Response) -> bool:
    """False when RedirectMiddleware would leave this answer alone (the same tests)."""
    meta = request.meta
    if meta.get("dont_redirect") or meta.get("handle_httpstatus_all"):
        return False
    return response.status not in meta.get("handle_httpstatus_list", ())
