from __future__ import annotations

import asyncio

from crawler.offline import run_now
from pipelines.extract import ExtractPipeline
from tests.pipelines.helpers import item, make_pipeline

PAGE = """<html><head><title>关于开展安全检查的通知_通知公告_某某市人民政府</title>
<meta name="ArticleTitle" content="关于开展安全检查的通知"></head><body>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a></div>
<table><tr><td>索引号：</td><td>11330000002482147P/2020-00012</td><td>发布机构：</td><td>市应急管理局</td></tr>
<tr><td>文号：</td><td>某应急〔2020〕12号</td><td>发布日期：</td><td>2020-03-02</td></tr></table>
<h1>关于开展安全检查的通知</h1>
<div id="zoom"><p>各县（市、区）应急管理局：</p><p>为切实做好春季安全生产工作，经研究，决定在全市范围内开展安全生产大检查，现将有关事项通知如下。</p></div>
<div class="tools">【字体：<a>大</a> <a>中</a> <a>小</a>】 <a>打印本页</a> <a>关闭窗口</a></div>
<div class="footer">主办单位：某某市人民政府办公室 浙ICP备12345678号</div></body></html>"""


def test_fields_are_filled_from_the_page() -> None:
    pipeline = make_pipeline(ExtractPipeline, GOVARCHIVE_EXTRACT_WORKERS=0)
    result = run_now(pipeline.process_item(item(html=PAGE)))
    assert result.title == "关于开展安全检查的通知"
    assert (result.index_no, result.publisher, result.doc_no, result.published_at) == (
        "11330000002482147P/2020-00012",
        "市应急管理局",
        "某应急〔2020〕12号",
        "2020-03-02",
    )
    assert "决定在全市范围内开展安全生产大检查" in result.text
    for chrome in ("当前位置", "打印本页", "ICP备", "索引号"):
        assert chrome not in result.text
    assert pipeline.stats.get_value("govarchive/extract/ok") == 1


def test_empty_page_is_kept_with_an_error() -> None:
    pipeline = make_pipeline(ExtractPipeline, GOVARCHIVE_EXTRACT_WORKERS=0)
    result = run_now(pipeline.process_item(item(html="   ")))
    assert result.error
    assert result.text == ""
    assert pipeline.stats.get_value("govarchive/extract/empty") == 1


def test_extraction_failure_is_kept_with_an_error(monkeypatch) -> None:
    import pipelines.extract as module

    def boom(html: str, url: str | None, body_selector: str | None = None) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(module, "extract_document", boom)
    pipeline = make_pipeline(ExtractPipeline, GOVARCHIVE_EXTRACT_WORKERS=0)
    result = run_now(pipeline.process_item(item(html="<html><body><p>x</p></body></html>")))
    assert "RecursionError" in result.error
    assert pipeline.stats.get_value("govarchive/extract/failed") == 1


def test_multi_page_document_text_is_joined_in_order() -> None:
    pipeline = make_pipeline(ExtractPipeline, GOVARCHIVE_EXTRACT_WORKERS=0)
    page2 = PAGE.replace(
        "为切实做好春季安全生产工作", "第二页：检查内容包括消防、危化品和建筑施工等重点领域"
    )
    page3 = PAGE.replace(
        "为切实做好春季安全生产工作", "第三页：各单位于三月底前报送检查情况"
    ).replace(
        "</div>\n<div class", '<a href="/f/清单.xlsx">附件：检查清单</a></div>\n<div class', 1
    )
    result = run_now(
        pipeline.process_item(
            item(
                html=PAGE,
                html_parts=[page2, page3],
                parts=[
                    "http://127.0.0.1/a/t20200101_1_1.html",
                    "http://127.0.0.1/a/t20200101_1_2.html",
                ],
            )
        )
    )
    text = result.text
    assert (
        text.index("为切实做好春季") < text.index("第二页：检查内容") < text.index("第三页：各单位")
    )
    assert result.title == "关于开展安全检查的通知"
    assert result.attachments == [{"url": "http://127.0.0.1/f/清单.xlsx", "name": "附件：检查清单"}]


def test_a_registry_sites_body_selector_reaches_the_extraction_workers() -> None:
    from scrapy.utils.test import get_crawler

    from spiders.registry import Selectors
    from spiders.sites import SiteSpider
    from tests.extraction.test_document import _ARTICLE, _SELECTOR_PAGE

    class Site:
        selectors = Selectors(body=".zfwj-body")

    crawler = get_crawler(SiteSpider, settings_dict={"GOVARCHIVE_EXTRACT_WORKERS": 1})
    crawler.spider = SiteSpider(name="example_site", start_urls="http://www.example.gov.cn/")
    crawler.spider.site = Site()  # type: ignore[assignment]
    pipeline = ExtractPipeline.from_crawler(crawler)
    try:
        # Through a worker process, as in a crawl.
        result = asyncio.run(pipeline.process_item(item(html=_SELECTOR_PAGE)))
    finally:
        pipeline.close_spider()
    assert result.text.splitlines() == _ARTICLE
