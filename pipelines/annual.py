"""Recognising annual disclosure reports (政府信息公开工作年度报告) and the year covered."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from extraction.annual import is_annual_report, report_year
from extraction.reports.region import compiling_body
from extraction.reports.report import empty_report, parse_report

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class AnnualReportPipeline:
    """Sets ``is_annual_report`` and ``report_year``, and for reports the ``report`` object
    (extraction.reports.report). Runs after normalisation: Simplified titles and text.

    A report whose parsing fails is archived anyway, with the failure in ``report.notes``.
    A report whose page names no publisher takes the body its opening sentence names
    (本报告由…编制). Settings: ``GOVARCHIVE_ANNUAL_ENABLED`` (True),
    ``GOVARCHIVE_REPORT_PARSING_ENABLED`` (True). Stats: ``govarchive/annual/reports``,
    ``govarchive/annual/checks_failed``, ``govarchive/annual/parse_failed``,
    ``govarchive/annual/publisher_from_text``.
    """

    def __init__(self, crawler: Crawler | None = None, parse_reports: bool = True) -> None:
        self.stats = crawler.stats if crawler is not None else None
        self.parse_reports = parse_reports

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_ANNUAL_ENABLED", True):
            raise NotConfigured
        return cls(crawler, settings.getbool("GOVARCHIVE_REPORT_PARSING_ENABLED", True))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("status") == "gone":
            return item  # a tombstone has no text to read
        title, text = adapter.get("title"), adapter.get("text") or ""
        annual = is_annual_report(title, text)
        adapter["is_annual_report"] = annual
        adapter["report_year"] = report_year(title, text) if annual else None
        if not annual:
            return item
        self._count("govarchive/annual/reports")
        if not adapter.get("publisher"):
            # No 发布机构 on the page (or the report is a file): the report's opening sentence
            # (本报告由…编制) names the body that compiled and published it.
            body = compiling_body(text)
            if body:
                adapter["publisher"] = body
                self._count("govarchive/annual/publisher_from_text")
        if self.parse_reports:
            adapter["report"] = self._report(adapter)
        return item

    def _report(self, adapter: ItemAdapter) -> dict[str, Any]:
        try:
            report = parse_report(
                text=adapter.get("text") or "",
                # The page's tables only when the text is the page's (not an attached PDF's).
                html=(adapter.get("html") or None)
                if adapter.get("text_source", "page") == "page"
                else None,
                title=adapter.get("title"),
                publisher=adapter.get("publisher"),
                site_name=adapter.get("site_name"),
                report_year=adapter.get("report_year"),
            )
        except Exception as exc:  # a report we cannot parse is still archived
            self._count("govarchive/annual/parse_failed")
            logger.exception("Report parsing failed for %s", adapter.get("url"))
            return empty_report(f"parsing failed: {type(exc).__name__}: {exc}")
        if any(check["ok"] is False for check in report["checks"]):
            self._count("govarchive/annual/checks_failed")
        return report

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
