"""Checking every record against the committed JSON Schema (crawler/schemas/record-v1.json)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import fastjsonschema
from scrapy.exceptions import DropItem, NotConfigured

from crawler.records import fast_record_check, record_validator, to_record

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SchemaValidationPipeline:
    """Logs and counts records that break the contract; drops them only when asked.

    Settings: ``GOVARCHIVE_VALIDATION_ENABLED`` (True), ``GOVARCHIVE_VALIDATION_DROP`` (False).
    Stats: ``govarchive/validation/invalid`` and ``govarchive/validation/field/<name>``.
    """

    def __init__(self, crawler: Crawler | None = None, drop: bool = False) -> None:
        self.stats = crawler.stats if crawler is not None else None
        self.drop = drop
        self.validator = record_validator()
        self.fast_check = fast_record_check()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_VALIDATION_ENABLED", True):
            raise NotConfigured
        return cls(crawler, settings.getbool("GOVARCHIVE_VALIDATION_DROP", False))

    def errors(self, item: Any) -> list[str]:
        record = to_record(item)
        try:
            self.fast_check(record)
        except fastjsonschema.JsonSchemaException:
            pass  # the reference validator decides, and says why
        else:
            return []
        return [
            f"{'/'.join(str(p) for p in error.absolute_path) or '(record)'}: {error.message}"
            for error in self.validator.iter_errors(record)
        ]

    def process_item(self, item: Any) -> Any:
        errors = self.errors(item)
        if not errors:
            return item
        record = to_record(item)
        logger.warning("Record for %s breaks the schema: %s", record.get("url"), "; ".join(errors))
        if self.stats is not None:
            self.stats.inc_value("govarchive/validation/invalid")
            for error in self.validator.iter_errors(record):
                field = str(error.absolute_path[0]) if error.absolute_path else "(record)"
                self.stats.inc_value(f"govarchive/validation/field/{field}")
        if self.drop:
            raise DropItem(f"schema violation: {errors[0]}")
        return item
