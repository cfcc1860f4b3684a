"""spiders.jpage and the spider's Hanweb jpage handling: widget config, record ranges,
dataproxy answers (malformed and hostile ones included), and a crawl against a loopback
Hanweb column with a POST dataproxy.jsp."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import etree
from scrapy import FormRequest, Request
from scrapy.http import TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from spiders.disclosure import DisclosureSpider
from spiders.jpage import (
    UNKNOWN,
    JpageError,
    JsRef,
    _safe_parser,
    js_variable,
    parse_datastore,
    parse_jpage_configs,
    proxy_request_url,
    read_js_literal,
    record_links,
    record_ranges,
)
from spiders.pagination import has_pagination
from tests.helpers import FIXTURES, fixture_response, response_from_bytes
from tests.spiders.test_disclosure_e2e import (
    LoopbackSite,
    PostRequest,
    _detail,
    _serve,
    run_crawl,
    stop_servers,
)

# --- the widget's configuration --------------------------------------------------------------


def test_config_literal_options() -> None:
    """浙江 集约化: every option a literal of the .jpage({...}) call."""
    response = fixture_response("spiders/hanweb_column_datastore.html")
    [config] = parse_jpage_configs(response.selector, response.url)
    assert config.proxy_url == "http://www.example-ls.gov.cn/module/web/jpage/dataproxy.jsp"
    assert config.params == {
        "col": "1",
        "appid": "1",
        "webid": "3283",
        "path": "/",
        "columnid": "1229283449",
        "sourceContentType": "1",
        "unitid": "7216371",
        "webname": "某水市政府门户网站",
        "permissiontype": "0",
    }
    assert (config.per_page, config.total_record, config.group_size) == (15, 312, 3)
    assert config.unit_id == "7216371"
    assert config.inline_source == "datastore"
    assert len(config.inline_records) == 3
    assert config.page_count == 21


def test_config_params_in_a_variable_proxy_from_nextgroup() -> None:
    """江苏: ajaxParam is `param_<unit id>`, set in the same script; no proxyUrl option."""
    response = fixture_response("spiders/hanweb_jpage_param_var.html")
    [config] = parse_jpage_configs(response.selector, response.url)
    assert config.proxy_url == "https://www.example-js.gov.cn/module/web/jpage/dataproxy.jsp"
    assert config.params["columnid"] == "33718"
    assert config.params["unitid"] == "212860"
    assert config.params["webname"] == "某苏省人民政府"
    assert (config.per_page, config.total_record, config.group_size) == (19, 4895, 3)
    assert len(config.inline_records) == 3
    assert config.sources == {"params": "param_212860", "proxy": "nextgroup"}


def test_config_without_ajaxparam_option_uses_param_variable() -> None:
    html = """<html><body><div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href='/art/2026/9/11/art_33718_1.html'>x</a></li>]]></record></recordset>
</datastore></script></div>
<script>var param_212860={columnid:33718,unitid:'212860'}; $('#212860').jpage({totalRecord:4895,perPage:19});</script>
</body></html>"""
    response = response_from_bytes(html.encode(), url="https://x.gov.cn/col/col33718/index.html")
    [config] = parse_jpage_configs(response.selector, response.url)
    assert config.params == {"columnid": "33718", "unitid": "212860"}
    assert config.sources["params"] == "param_212860"
    assert (config.total_record, config.per_page) == (4895, 19)


def test_config_legacy_form_attributes_and_datastore_total() -> None:
    """Older sites: params in a hidden form, perpage on the container, <totalrecord>."""
    response = fixture_response("spiders/hanweb_jpage_legacy.html")
    [config] = parse_jpage_configs(response.selector, response.url)
    assert config.proxy_url == (
        "http://www.example-sx.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp"
    )
    assert config.params["columnid"] == "9863"
    assert config.params["unitid"] == "15357"
    assert (config.per_page, config.total_record, config.group_size) == (30, 2678, 3)
    assert config.sources == {"params": "form", "proxy": "form"}


def test_config_initdata_array_gbk_page() -> None:
    """2014-era /module/jslib/jquery/jpage/: inline records in a JS array, GB2312 page."""
    response = fixture_response("spiders/hanweb_jpage_initdata.html")
    [config] = parse_jpage_configs(response.selector, response.url)
    assert config.proxy_url == (
        "http://zfcg.example-nt.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp"
    )
    assert config.params["webname"] == "某通市政府采购网"
    assert config.params["appid"] == "1"
    assert (config.per_page, config.total_record, config.group_size) == (25, 1418, 3)
    assert config.inline_source == "array"
    links = record_links(config.inline_records, response.url)
    assert [link.url for link in links][:2] == [
        "http://zfcg.example-nt.gov.cn/art/2014/5/13/art_30067_1401.html",
        "http://zfcg.example-nt.gov.cn/art/2014/5/8/art_30067_1398.html",
    ]
    assert links[0].text == "某通兴东机场航空冷藏式食品车采购招标公告"


@pytest.mark.parametrize(
    "html",
    [
        # A datastore and no widget: only the inline records count.
        (
            "<div id='1'><script type='text/xml'><datastore><recordset><record>"
            "<![CDATA[<a href='/a.html'>a</a>]]></record></recordset></datastore></script></div>"
        ),
        # A widget without any request parameter.
        "<script>$('#1').jpage({totalRecord: 50, perPage: 10});</script>",
        # A widget without a record total.
        "<script>$('#1').jpage({perPage: 10, ajaxParam: {columnid: 5}});</script>",
        # Not jpage at all.
        "<script>var totalRecord = 5; $('#x').pagination({});</script>",
    ],
)
def test_no_config_without_total_or_params(html: str) -> None:
    response = response_from_bytes(f"<html><body>{html}</body></html>".encode())
    assert parse_jpage_configs(response.selector, response.url) == []


def test_config_values_in_variables_and_query_string_params() -> None:
    html = """<html><body><script>
    var total = 88, size = '20';
    var pars = 'col=1&columnid=77&unitid=9';
    $("#9").jpage({proxyUrl: "/module/web/jpage/dataproxy.jsp?v=2", totalRecord: total,
                   perPage: size, groupSize: 0, ajaxParam: pars});
    </script></body></html>"""
    response = response_from_bytes(html.encode(), url="http://x.gov.cn/col/col77/")
    [config] = parse_jpage_configs(response.selector, response.url)
    assert config.params == {"col": "1", "columnid": "77", "unitid": "9"}
    assert (config.total_record, config.per_page) == (88, 20)
    assert config.group_size == 3  # groupSize 0 (no grouping) falls back to Hanweb's 3
    assert config.proxy_url == "http://x.gov.cn/module/web/jpage/dataproxy.jsp?v=2"
    assert proxy_request_url(config.proxy_url, 1, 60, 20) == (
        "http://x.gov.cn/module/web/jpage/dataproxy.jsp?v=2&startrecord=1&endrecord=60&perpage=20"
    )


def test_js_literal_reader() -> None:
    value = read_js_literal(
        "{a: 1, 'b': 'x\\'y', \"c\": [1, {d: null}], e: f(1, 2), g: h, i: 1 + 2, j: -3.5,"
        " k: '\\u4e2d', l: function(){ return {x: 1}; }, m: true}"
    )
    assert value["a"] == 1
    assert value["b"] == "x'y"
    assert value["c"] == [1, {"d": None}]
    assert value["e"] is UNKNOWN
    assert value["g"] == JsRef("h")
    assert value["i"] is UNKNOWN
    assert value["j"] == -3.5
    assert value["k"] == "中"
    assert value["l"] is UNKNOWN
    assert value["m"] is True
    assert js_variable("n", "var n = 3; n = 4; x.n = 5;") == 4
    # Unterminated input never loops or raises.
    assert read_js_literal("{a: [1, 2, 'x")["a"] == [1, 2, "x"]


# --- record ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "ranges", "cut"),
    [
        # Hanweb's usual page: the first group (3 pages of 15) inline, then groups of 45.
        (
            (312, 15, 3, 45),
            [(46, 90), (91, 135), (136, 180), (181, 225), (226, 270), (271, 312)],
            0,
        ),
        # Fewer inline records than a group: the first request fills the group up.
        ((23, 5, 2, 5), [(6, 10), (11, 20), (21, 23)], 0),
        ((23, 5, 1, 5), [(6, 10), (11, 15), (16, 20), (21, 23)], 0),
        # Nothing inline (dataStore: null): from record 1.
        ((30, 10, 3, 0), [(1, 30)], 0),
        # Everything inline, or more than the total: nothing to fetch.
        ((10, 10, 3, 10), [], 0),
        ((3, 10, 3, 7), [], 0),
        ((0, 10, 3, 0), [], 0),
    ],
)
def test_record_ranges(args: tuple[int, int, int, int], ranges: list, cut: int) -> None:
    assert record_ranges(*args) == (ranges, cut)


def test_record_ranges_are_capped_by_list_pages() -> None:
    ranges, cut = record_ranges(312, 15, 3, 45, max_pages=5)
    assert ranges == [(46, 75)]  # 5 pages of 15: records 1–75
    assert cut == 16  # of 21 pages
    ranges, cut = record_ranges(10**12, 15, 3, 45, max_pages=0)
    assert ranges[-1][1] == 1_000_000  # a hostile total is bounded even without a cap


# --- dataproxy answers -----------------------------------------------------------------------


def _answer(name: str = "hanweb_dataproxy_answer.xml") -> bytes:
    return (FIXTURES / "spiders" / name).read_bytes()


def _truncated() -> bytes:
    """The answer cut off inside its fourth record (a connection lost mid-answer)."""
    body = _answer()
    fourth = [m.start() for m in re.finditer(rb"<record>", body)][3]
    return body[: fourth + 40]


def test_datastore_answer() -> None:
    store = parse_datastore(_answer().decode("utf-8"))
    assert store.well_formed
    assert store.total_record == 312
    assert len(store.records) == 4
    column = "http://www.example-ls.gov.cn/col/col1229283449/index.html"
    links = record_links(store.records, column)
    assert [link.url for link in links] == [
        "http://www.example-ls.gov.cn/art/2023/6/30/art_1229283449_24101.html",
        "http://www.example-ls.gov.cn/art/2023/6/28/art_1229283449_24087.html",
        "http://www.example-ls.gov.cn/module/download/downfile.jsp?classid=0&filename=2306281530123.pdf",
        # Relative hrefs resolve against the column page, where the browser renders them.
        "http://www.example-ls.gov.cn/art/2023/6/20/art_1229283449_24010.html",
    ]
    assert links[2].kind == "attachment"
    assert links[0].text == "某水市人民政府关于2023年度市级预算调整方案的报告"


def test_datastore_answer_in_gbk_with_declaration() -> None:
    text = _answer().decode("utf-8").replace('encoding="UTF-8"', 'encoding="GBK"')
    assert len(parse_datastore(text).records) == 4


def test_ill_formed_answer_is_salvaged_and_flagged() -> None:
    store = parse_datastore(_truncated().decode("utf-8"))
    assert not store.well_formed
    assert store.problem
    assert len(store.records) == 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<html><body>系统繁忙，请稍后再试</body></html>",
        "<datastore><recordset><record>unclosed",
        "Internal Server Error",
        "<recordset><record><x></recordset>",
    ],
)
def test_unreadable_answers_raise_jpage_error(text: str) -> None:
    with pytest.raises(JpageError):
        parse_datastore(text)


_BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE datastore ['
    '<!ENTITY a "' + "a" * 1000 + '">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    "<datastore><totalrecord>1</totalrecord><recordset>"
    "<record>&d;<![CDATA[<li><a href='/art/x.html'>x</a></li>]]></record>"
    "</recordset></datastore>"
)


def test_entity_expansion_is_refused() -> None:
    with pytest.raises(JpageError, match="entity"):
        parse_datastore(_BILLION_LAUGHS)
    # Even past the declaration check, the parser keeps references unexpanded.
    small = (
        '<!DOCTYPE d [<!ENTITY a "' + "a" * 1000 + '"><!ENTITY b "&a;&a;&a;">]>'
        "<datastore><recordset><record>&b;&b;</record></recordset></datastore>"
    )
    root = etree.fromstring(small.encode(), _safe_parser())
    assert "a" * 1000 not in "".join(root.itertext())
    assert len(etree.tostring(root)) < 200


def test_external_entity_is_refused() -> None:
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<datastore><recordset><record>&x;</record></recordset></datastore>"
    )
    with pytest.raises(JpageError):
        parse_datastore(xxe)


def test_js_array_answer() -> None:
    text = "dataStore = ['<li><a href=\"/art/1.html\">一</a></li>','<li><a href=\"/art/2.html\">二</a></li>'];"
    store = parse_datastore(text)
    assert [link.url for link in record_links(store.records, "http://x.gov.cn/col/")] == [
        "http://x.gov.cn/art/1.html",
        "http://x.gov.cn/art/2.html",
    ]


def test_jpage_widget_is_pagination() -> None:
    for name in ("hanweb_jpage_initdata.html", "hanweb_jpage_param_var.html"):
        response = fixture_response(f"spiders/{name}")
        assert has_pagination(response.selector, [], response.url), name


# --- the spider --------------------------------------------------------------------------------


def _spider(start_urls: str, **settings: Any) -> DisclosureSpider:
    crawler = get_crawler(DisclosureSpider, settings_dict=settings)
    crawler.stats.open_spider()
    return DisclosureSpider.from_crawler(crawler, start_urls=start_urls)


def _stat(spider: DisclosureSpider, key: str) -> Any:
    return spider.crawler.stats.get_value(key)


def _column(name: str = "hanweb_column_datastore.html") -> TextResponse:
    response = fixture_response(f"spiders/{name}")
    response.meta.update({"depth": 1})
    return response


def test_column_page_posts_the_remaining_ranges() -> None:
    spider = _spider("http://www.example-ls.gov.cn/")
    response = _column()
    output = list(spider.parse_page(response))
    posts = [r for r in output if isinstance(r, FormRequest)]
    assert len(posts) == 7
    first = posts[0]
    assert first.method == "POST"
    assert first.url == (
        "http://www.example-ls.gov.cn/module/web/jpage/dataproxy.jsp"
        "?startrecord=4&endrecord=45&perpage=15"
    )
    form = dict(parse_qsl(first.body.decode("utf-8")))
    assert form["columnid"] == "1229283449"
    assert form["webname"] == "某水市政府门户网站"
    assert first.headers[b"Content-Type"] == b"application/x-www-form-urlencoded"
    assert first.callback == spider.parse_jpage
    assert first.errback == spider.on_error
    assert first.meta["pagination"] is True
    assert first.meta["jpage_column"] == response.url
    assert [dict(parse_qsl(urlsplit(p.url).query))["endrecord"] for p in posts][-1] == "312"
    # The inline records are ordinary links of the page.
    pages = {r.url for r in output if not isinstance(r, FormRequest)}
    assert "http://www.example-ls.gov.cn/art/2023/10/23/art_1229283449_24937.html" in pages
    assert _stat(spider, "govarchive/jpage/requests") == 7
    assert _stat(spider, "govarchive/jpage/columns") == 1
    # Once per list: the same column reached again generates nothing.
    again = _column()
    assert not [r for r in spider.parse_page(again) if isinstance(r, FormRequest)]


def test_jpage_requests_are_capped() -> None:
    spider = _spider("http://www.example-ls.gov.cn/", GOVARCHIVE_MAX_LIST_PAGES=4)
    posts = [r for r in spider.parse_page(_column()) if isinstance(r, FormRequest)]
    assert [urlsplit(p.url).query for p in posts] == [
        "startrecord=4&endrecord=45&perpage=15",
        "startrecord=46&endrecord=60&perpage=15",
    ]
    assert _stat(spider, "govarchive/pagination/cut") == 17


def test_initdata_column_follows_array_records() -> None:
    spider = _spider("http://zfcg.example-nt.gov.cn/")
    output = list(spider.parse_page(_column("hanweb_jpage_initdata.html")))
    pages = [r for r in output if not isinstance(r, FormRequest)]
    record = next(r for r in pages if r.url.endswith("art_30067_1401.html"))
    assert record.meta["source_url"] == "http://zfcg.example-nt.gov.cn/col/col30067/index.html"
    assert record.meta["pagination"] is False
    posts = [r for r in output if isinstance(r, FormRequest)]
    assert posts[0].url.endswith(
        "/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=5&endrecord=75&perpage=25"
    )


def _proxy_response(body: bytes, column: str, cls: type = XmlResponse) -> TextResponse:
    url = "http://www.example-ls.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    request = Request(url, meta={"jpage_column": column, "depth": 1})
    return cls(
        url=url,
        body=body,
        headers={"Content-Type": "text/xml;charset=UTF-8"},
        request=request,
    )


def test_parse_jpage_follows_records_as_links_of_the_column() -> None:
    spider = _spider("http://www.example-ls.gov.cn/")
    column = "http://www.example-ls.gov.cn/col/col1229283449/index.html"
    output = list(spider.parse_jpage(_proxy_response(_answer(), column)))
    assert [r.url for r in output] == [
        "http://www.example-ls.gov.cn/art/2023/6/30/art_1229283449_24101.html",
        "http://www.example-ls.gov.cn/art/2023/6/28/art_1229283449_24087.html",
        "http://www.example-ls.gov.cn/art/2023/6/20/art_1229283449_24010.html",
    ]
    assert all(r.meta["source_url"] == column and not r.meta["pagination"] for r in output)
    assert all(r.callback == spider.parse_page for r in output)
    assert _stat(spider, "govarchive/jpage/records") == 4
    assert _stat(spider, "govarchive/links/attachment") == 1


@pytest.mark.parametrize(
    ("body", "requests", "salvaged"),
    [
        (b"<html><body>\xcf\xb5\xcd\xb3\xb7\xb1\xc3\xa6</body></html>", 0, 0),
        (_BILLION_LAUGHS.encode(), 0, 0),
        # Three whole records (one an attachment) before the cut: two page requests.
        (_truncated(), 2, 3),
    ],
)
def test_bad_answers_are_counted_never_fatal(
    body: bytes, requests: int, salvaged: int, caplog: pytest.LogCaptureFixture
) -> None:
    spider = _spider("http://www.example-ls.gov.cn/")
    column = "http://www.example-ls.gov.cn/col/col1229283449/index.html"
    output = list(spider.parse_jpage(_proxy_response(body, column, TextResponse)))
    assert len(output) == requests
    assert _stat(spider, "govarchive/jpage/bad_response") == 1
    assert _stat(spider, "govarchive/jpage/salvaged") == (salvaged or None)
    assert any("jpage answer" in r.getMessage() for r in caplog.records)


# --- end to end --------------------------------------------------------------------------------

_COLUMN = "/col/col1599522/index.html"
_PROXY = "/module/web/jpage/dataproxy.jsp"
_PARAMS = {
    "col": "1",
    "appid": "1",
    "webid": "3185",
    "path": "/",
    "columnid": "1599522",
    "sourceContentType": "1",
    "unitid": "5283458",
    "webname": "浙江省示例委员会",
    "permissiontype": "0",
}
_TOTAL, _PER_PAGE, _INLINE = 23, 5, 5


def _record(n: int) -> str:
    return (
        f'<li><a href="/art/2023/10/{n}/art_1599522_{24900 + n}.html" target="_blank"'
        f' title="示例委员会通知第{n}号">示例委员会通知第{n}号</a><span>2023-10-{n:02d}</span></li>'
    )


def _datastore(first: int, last: int, *, nextgroup: bool = False) -> str:
    records = "\n".join(
        f"<record><![CDATA[{_record(n)}]]></record>" for n in range(first, last + 1)
    )
    head = (
        '<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1'
        '&webid=3185&path=/&columnid=1599522&unitid=5283458&permissiontype=0"></a>]]></nextgroup>'
        if nextgroup
        else f"<totalrecord>{_TOTAL}</totalrecord>"
    )
    return f"<datastore>{head}<recordset>{records}</recordset></datastore>"


def _jpage_column() -> str:
    ajax = ", ".join(
        f"{key}: {value if value.isdigit() else repr(value)}" for key, value in _PARAMS.items()
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="浙江省示例委员会"><meta name="ColumnName" content="通知公告">
<title>通知公告 - 浙江省示例委员会</title>
<script language="javascript" src="/module/jslib/jquery/jquery.js"></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script></head>
<body><div class="nav"><a href="/">首页</a> <a href="{_COLUMN}">通知公告</a></div>
<div id="5283458"><script type="text/xml">{_datastore(1, _INLINE, nextgroup=True)}</script></div>
<script>$(function(){{ $('#5283458').jpage({{ dataStore: dataStore,
 proxyUrl: '{_PROXY}', perPage: {_PER_PAGE}, totalRecord: {_TOTAL}, groupSize: 2,
 barPosition: 'bottom', ajaxParam: {{ {ajax} }} }}) }})</script>
<div class="footer">主办：浙江省示例委员会</div></body></html>"""


def _dataproxy(post: PostRequest) -> tuple[int, str, str] | None:
    if post.path != _PROXY:
        return None
    if post.form != _PARAMS or post.query.get("perpage") != str(_PER_PAGE):
        return 400, "text/html; charset=utf-8", "参数错误"
    start, end = int(post.query["startrecord"]), int(post.query["endrecord"])
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + _datastore(start, min(end, _TOTAL))
    return 200, "text/xml;charset=UTF-8", body


@pytest.fixture(scope="module")
def jpage_crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[LoopbackSite, list[dict], dict[str, int]]:
    site = LoopbackSite(post_handler=_dataproxy)
    servers = [_serve(site)]
    site.pages = {
        "/": '<html><head><meta charset="utf-8"><title>浙江省示例委员会</title></head><body>'
        f'<ul class="menu"><li><a href="{_COLUMN}">通知公告</a></li></ul></body></html>',
        _COLUMN: _jpage_column(),
    }
    for n in range(1, _TOTAL + 1):
        path = f"/art/2023/10/{n}/art_1599522_{24900 + n}.html"
        site.pages[path] = _detail(f"示例委员会通知第{n}号", gov_meta=True)
        site.documents[path] = _COLUMN
    try:
        items, stats, _ = run_crawl(f"{site.base}/", Path(tmp_path_factory.mktemp("jpage")))
    finally:
        stop_servers(servers)
    return site, items, stats


@pytest.mark.e2e
def test_e2e_every_jpage_record_is_archived_once(jpage_crawl) -> None:
    site, items, stats = jpage_crawl
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls)) == _TOTAL
    assert sorted(urls) == sorted(site.base + path for path in site.documents)
    assert {item["source_url"] for item in items} == {site.base + _COLUMN}
    assert stats["govarchive/jpage/requests"] == 3
    assert stats["govarchive/jpage/records"] == _TOTAL - _INLINE
    assert stats.get("govarchive/jpage/bad_response", 0) == 0


@pytest.mark.e2e
def test_e2e_dataproxy_got_the_widgets_form(jpage_crawl) -> None:
    site, _, stats = jpage_crawl
    assert sorted((int(p.query["startrecord"]), int(p.query["endrecord"])) for p in site.posts) == [
        (6, 10),
        (11, 20),
        (21, 23),
    ]
    for post in site.posts:
        assert post.form == _PARAMS
        assert post.query["perpage"] == "5"
        assert post.headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert post.headers["x-requested-with"] == "XMLHttpRequest"
    # Dataproxy groups keep the column's depth (1): records sit at 2 = DEPTH_LIMIT.
    assert stats.get("depth/request_ignored_count", 0) == 0
