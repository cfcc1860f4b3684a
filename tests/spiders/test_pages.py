"""spiders.pages: document / listing / other classification."""

from __future__ import annotations

import pytest
from scrapy.http import Response, TextResponse

from spiders.pages import classify_page, page_signals, score, url_shape
from tests.helpers import CorpusPage, corpus_params, fixture_response, response_from_bytes


@pytest.mark.corpus
@pytest.mark.parametrize("page", corpus_params("document", "annual_report"))
def test_corpus_documents_classify_as_document(page: CorpusPage) -> None:
    response = page.response()
    assert classify_page(response) == "document", score(page_signals(response))[1]


@pytest.mark.corpus
@pytest.mark.parametrize("page", corpus_params("listing"))
def test_corpus_listings_classify_as_listing(page: CorpusPage) -> None:
    response = page.response()
    assert classify_page(response) == "listing", score(page_signals(response))[1]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("spiders/trs_column_createpagehtml.html", "listing"),
        ("spiders/jiyue_column_shtml.html", "listing"),
        ("spiders/hanweb_column_datastore.html", "listing"),
        ("spiders/avalon_vue_templates.html", "listing"),
        ("spiders/plain_next_list.html", "listing"),
        ("spiders/hanweb_detail_downfile.html", "document"),
        ("spiders/jiyue_detail_nometa.html", "document"),  # no gov meta: metadata block + URL
    ],
)
def test_fixtures(fixture: str, expected: str) -> None:
    assert classify_page(fixture_response(fixture)) == expected


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html", "document"),
        ("http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", "document"),
        ("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm", "document"),
        ("http://www.lishui.gov.cn/art/2023/10/23/art_1229283449_24937.html", "document"),
        ("http://www.lishui.gov.cn/art/2023/10/23/art_1229283449_24937", "document"),
        (
            "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml",
            "document",
        ),
        ("https://www.gov.cn/zhengce/content/202310/content_6911111.htm", "document"),
        (
            "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1170162&itemId=4113",
            "document",
        ),
        ("http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html", "listing"),
        ("http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_3.html", "listing"),
        ("http://www.lishui.gov.cn/col/col1229283449/index.html", "listing"),
        ("http://x.gov.cn/zwgk/list_2.html", "listing"),
        ("http://x.gov.cn/news.asp?classid=2&page=2", "listing"),
        ("http://x.gov.cn/zwgk/", None),
        ("http://x.gov.cn/about.html", None),
    ],
)
def test_url_shapes(url: str, shape: str | None) -> None:
    assert url_shape(url) == shape


def _page(body: str, url: str = "http://x.gov.cn/zwgk/a.html", **kwargs: object) -> TextResponse:
    html = f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    return response_from_bytes(html.encode("utf-8"), url=url, **kwargs)  # type: ignore[arg-type]


NAV = "".join(f'<a href="/c{i}/">栏目{i}</a>' for i in range(12))
PARAGRAPH = (
    "根据《中华人民共和国政府信息公开条例》规定，现将本机关政府信息公开工作情况报告如下，请予审阅。"
    * 2
)


def test_article_meta_decides_even_with_little_text() -> None:
    html = (
        "<html><head><meta name='ArticleTitle' content='关于某事的通知'>"
        "<meta name='ColumnName' content='通知公告'></head>"
        f"<body>{NAV}<p>见附件。</p></body></html>"
    )
    assert classify_page(response_from_bytes(html.encode(), url="http://x.gov.cn/a/")) == "document"


def test_column_meta_with_rows_is_a_listing() -> None:
    rows = "".join(
        f'<li><a href="/a/{i}.html">某某县人民政府关于第{i}项工作的通知</a><span>2024-01-0{i}</span></li>'
        for i in range(1, 10)
    )
    html = f"<html><head><meta name='ColumnName' content='通知公告'></head><body>{NAV}<ul>{rows}</ul></body></html>"
    assert classify_page(response_from_bytes(html.encode(), url="http://x.gov.cn/a/")) == "listing"


@pytest.mark.parametrize("entries", [1, 2])
@pytest.mark.parametrize(
    "url", ["http://x.gov.cn/zwgk/ndbg/", "http://x.gov.cn/zwgk/ndbg/index.html"]
)
def test_a_column_of_one_or_two_entries_is_no_document(entries: int, url: str) -> None:
    """A small body's 年报 column lists a report or two: with so few links it once passed
    for a document, was archived as one, and its reports were never requested."""
    rows = "".join(
        f'<li><a href="./2024{i:02d}/t2024{i:02d}15_{i}.html">某某镇{2024 - i}年政府信息公开工作年度报告</a>'
        f"<span>2024-{i:02d}-15</span></li>"
        for i in range(1, entries + 1)
    )
    body = (
        '<div>当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 年报</div>'
        f"<ul>{rows}</ul><div>主办：某某镇人民政府 苏ICP备12345678号</div>"
    )
    assert classify_page(_page(body, url=url)) == "listing"


def test_a_short_document_with_a_dated_neighbour_link_stays_a_document() -> None:
    body = (
        "<h1>关于某某路段临时交通管制的通告</h1>"
        f"<p>{PARAGRAPH}</p>"
        '<div>上一篇：<a href="/a/1.html">关于春节期间烟花爆竹燃放的通告</a> 2024-01-02</div>'
    )
    assert (
        classify_page(_page(body, url="http://x.gov.cn/zwgk/tzgg/t20240105_3.html")) == "document"
    )


def test_a_document_that_is_mostly_links_is_known_by_its_heading() -> None:
    """A notice listing fifteen linked regulations (规范性文件清理结果) is link-dense like a
    list; its heading repeats the <title>'s document name, which no column page does."""
    items = "".join(
        f'<p>{i}. <a href="/zwgk/zcwj/t2023010{i % 9}_{i}.html">某某市关于第{i}项政策的实施细则'
        f"（某政规〔2023〕{i}号）</a>，自2023年{i % 12 + 1}月1日起施行。</p>"
        for i in range(1, 16)
    )
    name = "某某市2023年度规范性文件清理结果的公告"
    html = (
        f"<html><head><meta charset='utf-8'><title>{name}_通知公告_某某市人民政府</title></head>"
        f"<body>{NAV}<h1>{name}</h1><p>现将继续有效的规范性文件目录公告如下：</p>{items}"
        "<p>特此公告。</p></body></html>"
    )
    response = response_from_bytes(html.encode(), url="http://x.gov.cn/zwgk/tzgg/5.html")
    assert classify_page(response) == "document"
    # The same page under a column's short title is not helped by it.
    column = html.replace(f"<title>{name}_", "<title>").replace(
        f"<h1>{name}</h1>", "<h1>通知公告</h1>"
    )
    response = response_from_bytes(column.encode(), url="http://x.gov.cn/zwgk/tzgg/5.html")
    assert classify_page(response) != "document"


def test_metadata_block_and_prose_without_meta_is_a_document() -> None:
    body = (
        NAV
        + "<table><tr><td>索引号：</td><td>000014348/2024-1</td><td>发布机构：</td><td>县政府办</td></tr>"
        + "<tr><td>文　　号：</td><td>县政办〔2024〕1号</td><td>成文日期：</td><td>2024-01-02</td></tr></table>"
        + f"<div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div>"
    )
    assert classify_page(_page(body)) == "document"


def test_list_table_header_labels_are_no_metadata_block() -> None:
    rows = "".join(
        f"<tr><td><a href='/t2024010{i}_{i}.html'>关于做好第{i}项工作的通知</a></td><td>0001/2024-{i}</td>"
        f"<td>县政府办</td><td>2024-01-0{i}</td></tr>"
        for i in range(1, 9)
    )
    body = (
        NAV
        + f"<table><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>{rows}</table>"
    )
    signals = page_signals(_page(body))
    assert signals.metadata_labels == 0
    assert classify_page(_page(body)) == "listing"


def test_pagination_outweighs_snippets() -> None:
    results = "".join(
        f'<div class="r"><a href="http://x.gov.cn/r{i}.htm">结果{i}</a><p>{PARAGRAPH[:70]}</p></div>'
        for i in range(10)
    )
    pager = '<a href="?q=a&page=2">2</a><a href="?q=a&page=3">3</a><a href="?q=a&page=2">下一页</a>'
    response = _page(NAV + results + pager, url="http://x.gov.cn/search?q=a&page=1")
    assert classify_page(response) == "listing"


def test_download_list_is_a_listing() -> None:
    files = "".join(f'<p><a href="/doc/leaflet{i}.pdf">宣传单张{i}</a></p>' for i in range(30))
    assert classify_page(_page(NAV + files)) == "listing"


def test_leaf_page_with_attachments_is_a_document() -> None:
    chapters = "".join(f'<li><a href="/pdf/ch{i}.pdf">第{i}章</a></li>' for i in range(8))
    body = f"<h1>三年计划</h1><ul>{chapters}</ul><p>二零一五年十二月</p>"
    assert classify_page(_page(body)) == "document"


def test_link_text_hints() -> None:
    title = "某某县人民政府关于印发2024年重点工作任务分解方案的通知"
    body = f"<h1>{title}</h1>{NAV}<p>{PARAGRAPH[:40]}</p>"
    signals = page_signals(_page(body), link_text=title)
    assert signals.link_text_is_heading
    assert page_signals(_page(body), link_text="下一页").link_text_is_pager


def test_non_html_is_other() -> None:
    response = Response("http://x.gov.cn/a.html", body=b"%PDF-1.4")
    assert classify_page(response) == "other"
