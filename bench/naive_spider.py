"""The naive peer: the Scrapy spider a user would write without govarchive.

Standalone (no project settings): run it from outside the project folder with

    scrapy runspider bench/naive_spider.py -a start_url=http://127.0.0.1:PORT/ -O out.jsonl

It follows every same-host link of every page and yields ``trafilatura.extract`` of each
page's HTML as ``{"url", "text"}`` to the feed. Robots off, no delays, no AutoThrottle; the
benchmark passes the same CONCURRENT_REQUESTS(_PER_DOMAIN) as the govarchive crawl gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
import trafilatura
from scrapy.linkextractors import LinkExtractor


class NaiveSpider(scrapy.Spider):
    name = "naive"
    custom_settings = {  # noqa: RUF012 (Scrapy's own attribute)
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "TELNETCONSOLE_ENABLED": False,
        "FEED_EXPORT_ENCODING": "utf-8",
        "LOG_LEVEL": "INFO",
    }

    def __init__(self, start_url: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = [start_url]
        # The offsite middleware keeps the crawl on this host (LinkExtractor's allow_domains
        # does not match an IP address with a port).
        self.allowed_domains = [urlsplit(start_url).hostname or ""]
        self.links = LinkExtractor()

    def parse(self, response: scrapy.http.Response) -> Iterator[Any]:
        if not isinstance(response, scrapy.http.TextResponse):
            return
        yield {"url": response.url, "text": trafilatura.extract(response.text)}
        for link in self.links.extract_links(response):
            yield response.follow(link, callback=self.parse)
