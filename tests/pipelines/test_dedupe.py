from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem, NotConfigured

from pipelines.dedupe import CanonicalUrlDedupePipeline
from tests.pipelines.helpers import item, make_pipeline


def test_second_record_of_a_canonical_url_is_dropped_and_counted() -> None:
    pipeline = make_pipeline(CanonicalUrlDedupePipeline)
    first = pipeline.process_item(item(url="http://Example.gov.cn:80/a/t1.html?utm_source=x#top"))
    assert first.canonical_url == "http://example.gov.cn/a/t1.html"
    with pytest.raises(DropItem):
        pipeline.process_item(item(url="http://example.gov.cn/a/t1.html?spm=1.2"))
    assert pipeline.stats.get_value("govarchive/dedupe/dropped") == 1


def test_different_query_means_different_document() -> None:
    pipeline = make_pipeline(CanonicalUrlDedupePipeline)
    pipeline.process_item(item(url="http://x.gov.cn/detail.jsp?id=1"))
    pipeline.process_item(item(url="http://x.gov.cn/detail.jsp?id=2"))


def test_tracking_params_setting_is_used() -> None:
    pipeline = make_pipeline(CanonicalUrlDedupePipeline, GOVARCHIVE_TRACKING_PARAMS=["sid"])
    assert pipeline.process_item(item(url="http://x.gov.cn/a?sid=9&id=3")).canonical_url == (
        "http://x.gov.cn/a?id=3"
    )


def test_disabled() -> None:
    with pytest.raises(NotConfigured):
        make_pipeline(CanonicalUrlDedupePipeline, GOVARCHIVE_DEDUPE_ENABLED=False)
