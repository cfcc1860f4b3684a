"""Recognising annual disclosure reports (政府信息公开工作年度报告) and the year covered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from extraction.annual import is_annual_report, report_year

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class AnnualReportPipeline:
    """Sets ``is_annual_report`` and ``report_year`` (runs after normalisation: Simplified titles).

    Setting: ``GOVARCHIVE_ANNUAL_ENABLED`` (True). Stats: ``govarchive/annual/reports``.
    """

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.stats = crawler.stats if crawler is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GOVARCHIVE_ANNUAL_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        title, text = adapter.get("title"), adapter.get("text") or ""
        annual = is_annual_report(title, text)
        adapter["is_annual_report"] = annual
        adapter["report_year"] = report_year(title, text) if annual else None
        if annual and self.stats is not None:
            self.stats.inc_value("govarchive/annual/reports")
        return item
