from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem

from pipelines.validate import SchemaValidationPipeline
from tests.pipelines.helpers import item, make_pipeline


def test_valid_record_passes_untouched() -> None:
    pipeline = make_pipeline(SchemaValidationPipeline)
    record = item(title="标题", published_at="2020-01-01")
    assert pipeline.process_item(record) is record
    assert pipeline.stats.get_value("govarchive/validation/invalid") is None


def test_invalid_record_is_counted_by_field_and_kept() -> None:
    pipeline = make_pipeline(SchemaValidationPipeline)
    pipeline.process_item(item(published_at="2020/1/1", content_sha256="xyz"))
    stats = pipeline.stats
    assert stats.get_value("govarchive/validation/invalid") == 1
    assert stats.get_value("govarchive/validation/field/published_at") == 1
    assert stats.get_value("govarchive/validation/field/content_sha256") == 1


def test_invalid_record_dropped_when_asked() -> None:
    pipeline = make_pipeline(SchemaValidationPipeline, GOVARCHIVE_VALIDATION_DROP=True)
    with pytest.raises(DropItem):
        pipeline.process_item(item(report_year=1800))
