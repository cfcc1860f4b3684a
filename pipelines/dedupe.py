"""One record per document per run: drop repeats of a canonical URL.

The scheduler's dupefilter already stops most repeats; this catches the rest: two URLs that
redirect to one document, or differ only in tracking parameters or a fragment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from crawler.urls import DEFAULT_TRACKING_PARAMS, canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class CanonicalUrlDedupePipeline:
    """Sets ``canonical_url`` and drops an item whose canonical URL was archived this run.

    Settings: ``GOVARCHIVE_DEDUPE_ENABLED`` (True), ``GOVARCHIVE_TRACKING_PARAMS``.
    Stats: ``govarchive/dedupe/dropped``.
    """

    def __init__(self, crawler: Crawler, tracking_params: list[str]) -> None:
        self.stats = crawler.stats
        self.tracking_params = tuple(tracking_params)
        self.seen: set[str] = set()

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
        return item
