"""Building pipelines the way Scrapy does (from_crawler on a real crawler)."""

from __future__ import annotations

from typing import Any

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import DisclosureDocument


def make_pipeline(cls: type, **settings: Any) -> Any:
    crawler = get_crawler(settings_dict=settings)
    return build_from_crawler(cls, crawler)


def item(**fields: Any) -> DisclosureDocument:
    defaults: dict[str, Any] = {
        "url": "http://127.0.0.1/a/t20200101_1.html",
        "fetched_at": "2026-01-01T00:00:00Z",
        "http_status": 200,
        "content_sha256": "0" * 64,
    }
    return DisclosureDocument(**{**defaults, **fields})
