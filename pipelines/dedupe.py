"""One record per document per run: drop repeats of a canonical URL.

The scheduler's dupefilter already stops most repeats; this catches the rest: two URLs that
redirect to one document, or differ only in tracking parameters or a fragment.

Distributed (``REDIS_URL``, crawler.distributed), "per run" is the batch of all workers: a
document is claimed in Redis (an atomic HSETNX on its canonical URL); a worker that finds the
claim taken drops its copy. The archive confirms and commits the claim around writing the
record; a claimed document that is dropped or fails later in the pipelines is released, so
another worker may still archive it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from crawler.urls import DEFAULT_TRACKING_PARAMS, canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class CanonicalUrlDedupePipeline:
    """Sets ``canonical_url`` and drops an item whose canonical URL was archived this run.

    Settings: ``GOVARCHIVE_DEDUPE_ENABLED`` (True), ``GOVARCHIVE_TRACKING_PARAMS``.
    Stats: ``govarchive/dedupe/dropped``; distributed, ``govarchive/dedupe/claimed_elsewhere``
    (dropped: another worker holds the document's claim) and ``…/released``.
    """

    def __init__(self, crawler: Crawler, tracking_params: list[str]) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.tracking_params = tuple(tracking_params)
        self.seen: set[str] = set()
        # Distributed: canonical URLs this worker claimed and has not archived or released.
        self.held: set[str] = set()
        self.distributed = bool(crawler.settings.get("REDIS_URL"))
        if self.distributed:
            crawler.signals.connect(self._not_archived, signal=signals.item_dropped)
            crawler.signals.connect(self._not_archived, signal=signals.item_error)
            crawler.signals.connect(self._archived, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_DEDUPE_ENABLED", True):
            raise NotConfigured
        params = settings.getlist("GOVARCHIVE_TRACKING_PARAMS", list(DEFAULT_TRACKING_PARAMS))
        return cls(crawler, params)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key = canonical_url(adapter["url"], self.tracking_params)
        adapter["canonical_url"] = key
        if key in self.seen:
            if self.stats is not None:
                self.stats.inc_value("govarchive/dedupe/dropped")
            raise DropItem(f"already archived in this run: {key}", log_level="DEBUG")
        self.seen.add(key)
        if self.distributed:
            self._claim(key)
        return item

    def _claim(self, key: str) -> None:
        from crawler.distributed import coordinator

        shared = coordinator(self.crawler)
        if shared is None:
            return
        if not shared.claim(key):
            if self.stats is not None:
                self.stats.inc_value("govarchive/dedupe/dropped")
                self.stats.inc_value("govarchive/dedupe/claimed_elsewhere")
            raise DropItem(f"archived by another worker in this batch: {key}", log_level="DEBUG")
        self.held.add(key)

    def _archived(self, item: Any, **_: Any) -> None:
        key = ItemAdapter(item).get("canonical_url")
        self.held.discard(key)  # the archive committed the claim

    def _not_archived(self, item: Any, **_: Any) -> None:
        key = ItemAdapter(item).get("canonical_url")
        if key not in self.held:
            return
        self.held.discard(key)
        from crawler.distributed import coordinator

        shared = coordinator(self.crawler)
        if shared is not None:
            shared.release(key)  # a no-op when the archive already committed it
            if self.stats is not None:
                self.stats.inc_value("govarchive/dedupe/released")
