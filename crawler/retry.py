"""Retries with exponential backoff.

Scrapy's RetryMiddleware sends a retry straight back to the scheduler: a government server
that answered 503 because it is overloaded gets the same request again a few milliseconds
later. BackoffRetryMiddleware waits before handing the retry request back:

    delay = min(GOVARCHIVE_RETRY_BACKOFF_MAX, GOVARCHIVE_RETRY_BACKOFF_BASE * 2 ** (n - 1))
            * uniform(0.5, 1.5)

for the n-th retry of a request (defaults: base 1 s, max 30 s), and at least the server's
``Retry-After`` (seconds or an HTTP date, capped at the max) on 429 and 503. The wait is an
``await`` on the reactor's event loop (scrapy.utils.asyncio.sleep), so other downloads go on;
the waiting request keeps its place in the downloader's active set (CONCURRENT_REQUESTS) but
not in its domain slot. Everything else (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS,
``dont_retry``, ``max_retry_times``, the retry/* stats) is Scrapy's; once the retries are
spent the failure goes on to the spider's errback as before.

Replaces ``scrapy.downloadermiddlewares.retry.RetryMiddleware`` at its priority (550).
Stats: ``govarchive/retry/retried`` (retry requests sent) and
``govarchive/retry/backoff_seconds`` (total time waited).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request
from scrapy.utils.asyncio import sleep

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# Statuses whose Retry-After header is honoured.
RETRY_AFTER_STATUSES = frozenset({429, 503})


def backoff_delay(
    retry_number: int,
    base: float = 1.0,
    maximum: float = 30.0,
    *,
    retry_after: float | None = None,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """Seconds to wait before the ``retry_number``-th retry (1 for the first).

    Exponential backoff with ±50 % jitter; a server's ``retry_after`` (capped at ``maximum``)
    is a floor.
    """
    delay = min(maximum, base * 2 ** max(retry_number - 1, 0)) * uniform(0.5, 1.5)
    if retry_after is not None:
        delay = max(delay, min(maximum, retry_after))
    return max(delay, 0.0)


def parse_retry_after(value: bytes | str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = now or dt.datetime.now(dt.UTC)
    return max((when - current).total_seconds(), 0.0)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits (exponential backoff with jitter) before each retry.

    Settings: ``GOVARCHIVE_RETRY_BACKOFF_BASE`` (seconds, default 1.0; 0 = retry at once as
    Scrapy does) and ``GOVARCHIVE_RETRY_BACKOFF_MAX`` (seconds, default 30.0), besides
    Scrapy's RETRY_* settings.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("GOVARCHIVE_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("GOVARCHIVE_RETRY_BACKOFF_MAX", 30.0)
        # Replaceable in tests.
        self.sleep: Callable[[float], Awaitable[None]] = sleep

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            retry_after = None
            if response.status in RETRY_AFTER_STATUSES:
                retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
            await self._wait(result, f"HTTP {response.status}", retry_after)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, type(exception).__name__, None)
        return result

    async def _wait(self, retry: Request, reason: str, retry_after: float | None) -> None:
        """Sleep before the retry request goes back to the scheduler; count it."""
        stats = self.crawler.stats
        assert stats is not None
        number = retry.meta.get("retry_times", 1)
        delay = 0.0
        if self.backoff_base > 0 or retry_after:
            delay = backoff_delay(
                number, self.backoff_base, self.backoff_max, retry_after=retry_after
            )
        stats.inc_value("govarchive/retry/retried")
        logger.debug("Retrying %s (retry %d, %s) in %.2f s", retry.url, number, reason, delay)
        if delay > 0:
            stats.inc_value("govarchive/retry/backoff_seconds", round(delay, 3), start=0.0)
            await self.sleep(delay)
