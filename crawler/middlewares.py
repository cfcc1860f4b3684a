"""Downloader middlewares of the project."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.encoding import choose_encoding

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

    Setting: ``GOVARCHIVE_CHARSET_REPAIR_ENABLED`` (default True).
    Stats: ``govarchive/charset/repaired`` and ``govarchive/charset/repaired/<from>-><to>``.
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
