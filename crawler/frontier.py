"""scrapy-redis' scheduler, queue and dupefilter, made reliable for distributed workers.

Kept apart from crawler.distributed (the add-on and the coordinator) because importing the
Redis client costs about half a second: only a distributed crawl, whose settings name these
classes, imports this module. See crawler.distributed for the design.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.distributed import Coordinator, coordinator

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

INFLIGHT = "_govarchive_inflight"  # request.meta: the request's in-flight entry


class ReliablePriorityQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop moves the request into this worker's in-flight
    hash (one Lua script) instead of dropping it from Redis."""

    coordinator: Coordinator | None = None

    def pop(self, timeout: int = 0) -> Request | None:
        assert self.coordinator is not None, "ReliableScheduler sets the coordinator"
        found = self.coordinator.pop()
        if found is None:
            return None
        field, data = found
        try:
            request = self._decode_request(data)
        except Exception:
            logger.exception("Dropping an undecodable request from the frontier")
            self.coordinator.ack(field)
            return None
        request.meta[INFLIGHT] = field
        return request

    def push(self, request: Request) -> None:
        request.meta.pop(INFLIGHT, None)
        super().push(request)


class ReliableScheduler(Scheduler):
    """scrapy-redis' scheduler on ``ReliablePriorityQueue``: the coordinator registers the
    worker when the spider opens, and a request's in-flight entry is deleted once the engine
    has finished with it (see crawler.distributed)."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        return instance

    def open(self, spider: Spider) -> None:
        super().open(spider)
        found = coordinator(self.crawler)
        assert found is not None, "ReliableScheduler runs only with REDIS_URL"
        self.coordinator = found
        if isinstance(self.queue, ReliablePriorityQueue):
            self.queue.coordinator = found
        found.join()
        engine = self.crawler.engine
        self._hook_engine(engine)
        found.start(engine)

    def _hook_engine(self, engine: Any) -> None:
        """Ack a request when the engine removes it from its slot: Scrapy does that once the
        download, the callback or errback, the items' pipelines and the scheduling of the
        requests it yielded are all done (ExecutionEngine._start_scheduled_request)."""
        slot = getattr(engine, "_slot", None)
        remove = getattr(slot, "remove_request", None)
        if remove is None:  # pragma: no cover - a Scrapy whose engine changed
            logger.error(
                "This Scrapy's engine has no slot.remove_request: in-flight requests are "
                "acknowledged when they leave the downloader (a worker killed while items "
                "are in the pipelines loses them)"
            )
            self.crawler.signals.connect(self._request_done, signal=signals.request_left_downloader)
            return

        def remove_request(request: Request) -> None:
            try:
                self._request_done(request)
            finally:
                remove(request)

        slot.remove_request = remove_request

    def _request_done(self, request: Request, **_: Any) -> None:
        field = request.meta.pop(INFLIGHT, None)
        if field is not None:
            try:
                self.coordinator.ack(field)
            except Exception:
                # Left in flight: re-queued when this worker restarts or is taken over.
                logger.exception("Could not acknowledge %s", request)

    def close(self, reason: str) -> None:
        found = getattr(self, "coordinator", None)
        if found is not None:
            found.leave()
        super().close(reason)
        if found is not None:
            found.close()

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True


class FingerprintDupeFilter(RFPDupeFilter):
    """scrapy-redis' dupefilter with Scrapy's request fingerprinter (the one the single-process
    crawl uses, REQUEST_FINGERPRINTER_*), and kept when a worker closes: the set belongs to
    the batch (deleted when its last worker leaves an empty frontier)."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        instance = super().from_spider(spider)
        instance.fingerprinter = spider.crawler.request_fingerprinter
        return instance

    def request_fingerprint(self, request: Request) -> str:
        if self.fingerprinter is None:
            return super().request_fingerprint(request)
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: other workers are still crawling this batch."""
