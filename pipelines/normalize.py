"""Normalisation of every text field: OpenCC Traditional→Simplified, width and whitespace.

- OpenCC (config ``GOVARCHIVE_OPENCC_CONFIG``, default ``t2s``) converts title, text,
  publisher, site name, 文号, metadata values and attachment names; the unconverted title and
  text are kept in ``title_original`` / ``text_original`` only when conversion changed them;
- full-width letters and digits fold to ASCII, Chinese punctuation stays; U+3000, NBSP and
  zero-width characters collapse (extraction.textnorm);
- U+FFFD replacement characters in title and text are counted into ``replacement_chars``
  (a decoding-quality signal: a wrong charset shows up here first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from extraction.chinese import to_simplified
from extraction.textnorm import count_replacement_chars, normalize_line, normalize_text

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

LINE_FIELDS = ("publisher", "site_name", "doc_no")


class NormalizePipeline:
    """Settings: ``GOVARCHIVE_NORMALIZE_ENABLED`` (True), ``GOVARCHIVE_OPENCC_CONFIG`` ("t2s").
    Stats: ``govarchive/normalize/converted`` (items whose text OpenCC changed)."""

    def __init__(self, config: str = "t2s", crawler: Crawler | None = None) -> None:
        self.config = config
        self.stats = crawler.stats if crawler is not None else None
        to_simplified("", config)  # load the OpenCC dictionaries now, not on the first item

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_NORMALIZE_ENABLED", True):
            raise NotConfigured
        return cls(settings.get("GOVARCHIVE_OPENCC_CONFIG", "t2s"), crawler)

    def convert(self, text: str) -> str:
        return to_simplified(text, self.config)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        title = normalize_line(adapter.get("title") or "") or None
        text = normalize_text(adapter.get("text") or "")
        adapter["replacement_chars"] = count_replacement_chars(title, text)
        converted_title = self.convert(title) if title else None
        converted_text = self.convert(text)
        adapter["title"] = converted_title
        adapter["text"] = converted_text
        adapter["title_original"] = title if converted_title != title else None
        adapter["text_original"] = text if converted_text != text else None
        if converted_text != text and self.stats is not None:
            self.stats.inc_value("govarchive/normalize/converted")
        if adapter.get("page_text"):  # the page's own text when ``text`` is an attachment's
            adapter["page_text"] = self.convert(normalize_text(adapter["page_text"])) or None
        for name in LINE_FIELDS:
            value = adapter.get(name)
            if value:
                adapter[name] = self.convert(normalize_line(value)) or None
        if adapter.get("index_no"):
            adapter["index_no"] = normalize_line(adapter["index_no"])
        adapter["meta"] = {
            normalize_line(k): self.convert(normalize_line(v))
            for k, v in (adapter.get("meta") or {}).items()
        }
        adapter["attachments"] = [
            {**a, "name": self.convert(normalize_line(a.get("name") or ""))}
            for a in adapter.get("attachments") or []
        ]
        return item
