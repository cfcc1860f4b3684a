"""spiders.links: which hrefs are page links, attachments, or nothing worth a request."""

from __future__ import annotations

import pytest

from spiders.links import (
    PageLink,
    extract_links,
    is_attachment_url,
    is_static_asset,
    is_template_href,
    resolve_href,
)
from tests.helpers import corpus_pages, fixture_response, require_corpus, response_from_bytes

BASE = "http://www.example.gov.cn/zwgk/tzgg/index.html"


def _links(html: str, url: str = BASE) -> list[PageLink]:
    return extract_links(response_from_bytes(html.encode("utf-8"), url=url))


def _urls(html: str, url: str = BASE) -> list[str]:
    return [link.url for link in _links(html, url)]


@pytest.mark.parametrize(
    "href",
    [
        "javascript:void(0)",
        "JavaScript:;",
        " javascript :openWin()",
        "mailto:web@example.gov.cn",
        "tel:12345",
        "#",
        "#top",
        "",
        "ftp://ftp.example.gov.cn/a.txt",
        "{{ item.url }}",
        "./hot/{{el.id}}.htm",
        "${ctx}/xxgk/list.htm",
        "el.chnldocurl",
        "<%=basePath%>/list.jsp",
    ],
)
def test_hrefs_that_are_no_page_links(href: str) -> None:
    assert resolve_href(href, BASE) is None


def test_resolve_relative_and_strip_fragment() -> None:
    assert resolve_href("./202008/t20200805_1.html#", BASE) == (
        "http://www.example.gov.cn/zwgk/tzgg/202008/t20200805_1.html"
    )
    assert resolve_href("../zcjd/?a=1#x", BASE) == "http://www.example.gov.cn/zwgk/zcjd/?a=1"
    assert resolve_href("//cdn.example.gov.cn/a.html", BASE) == "http://cdn.example.gov.cn/a.html"


@pytest.mark.parametrize(
    "url",
    [
        "http://x.gov.cn/a/P020200727512345678901.pdf",
        "http://x.gov.cn/a/b.DOCX",
        "http://x.gov.cn/a/b.wps",
        "http://x.gov.cn/a/b.ofd",
        "http://x.gov.cn/a/b.xls",
        "http://x.gov.cn/a/b.rar",
        "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=2310231017.pdf",
        "http://x.gov.cn/servlet/DownloadServlet?id=12",
        "http://x.gov.cn/attach/getFile.do?file=/2023/10/a.xlsx",
        "http://x.gov.cn/doc_sc/downsecinfo/Trust%20Funds%20Leaflet%202008%20(C).pdf",
    ],
)
def test_attachments(url: str) -> None:
    assert is_attachment_url(url)
    assert not is_static_asset(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://x.gov.cn/zwgk/tzgg/",
        "http://x.gov.cn/art/2023/10/23/art_1229283449_24937.html",
        "http://x.gov.cn/download/index.html",  # a column named download is a page
        "http://x.gov.cn/show.asp?id=3512",
    ],
)
def test_pages_are_not_attachments(url: str) -> None:
    assert not is_attachment_url(url)
    assert not is_static_asset(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://x.gov.cn/a.css?v=2",
        "http://x.gov.cn/b.js",
        "http://x.gov.cn/c.JPG",
        "http://x.gov.cn/d.woff2",
        "http://x.gov.cn/e.mp4",
    ],
)
def test_static_assets(url: str) -> None:
    assert is_static_asset(url)


def test_template_href() -> None:
    assert is_template_href("{{url}}")
    assert is_template_href("el.url")
    assert not is_template_href("./t20200805_1353179.html")
    assert is_template_href("item.linkUrl")
    assert not is_template_href("item.html")
    assert not is_template_href("row.htm")


def test_extract_keeps_order_dedupes_and_kinds() -> None:
    html = """<html><body>
      <a href="a.html">甲</a> <a href="b.html#x">乙</a> <a href="a.html">甲again</a>
      <a href="files/c.pdf">丙.pdf</a> <a href="index.html">本页</a> <a href="style.css">css</a>
      <map><area href="d.html" alt="丁"></map> <a href="e.html"><img src="e.png" alt="戊"></a>
      <a href="f.html" title="己"></a>
    </body></html>"""
    links = _links(html)
    assert [(link.url.rsplit("/", 1)[-1], link.text, link.kind) for link in links] == [
        ("a.html", "甲", "page"),
        ("b.html", "乙", "page"),
        ("c.pdf", "丙.pdf", "attachment"),
        ("d.html", "丁", "page"),
        ("e.html", "戊", "page"),
        ("f.html", "己", "page"),
    ]


def test_base_href_is_respected() -> None:
    html = '<html><head><base href="http://www.example.gov.cn/other/"></head><body><a href="x.html">x</a></body></html>'
    assert _urls(html) == ["http://www.example.gov.cn/other/x.html"]


def test_bound_and_repeated_template_elements_are_skipped() -> None:
    response = fixture_response("spiders/avalon_vue_templates.html")
    urls = [link.url for link in extract_links(response)]
    base = "https://www.example-pt.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    assert urls == [
        "https://www.example-pt.gov.cn/",
        "https://www.example-pt.gov.cn/uc/indexs/index",
        "https://www.example-pt.gov.cn/zwgk/",
        base + "202603/t20260313_105587.htm",
        base + "202503/t20250310_97791.htm",
        base + "202403/t20240308_87885.htm",
        base + "nlist.htm",
    ]


def test_hanweb_datastore_records_are_links() -> None:
    response = fixture_response("spiders/hanweb_column_datastore.html")
    urls = [link.url for link in extract_links(response)]
    assert "http://www.example-ls.gov.cn/art/2023/10/23/art_1229283449_24937.html" in urls
    assert "http://www.example-ls.gov.cn/art/2023/9/28/art_1229283449_24855.html" in urls
    assert not any("dataproxy.jsp" in url for url in urls)  # the nextgroup pager is no record


def test_download_servlet_link_is_an_attachment() -> None:
    response = fixture_response("spiders/hanweb_detail_downfile.html")
    attachments = [link for link in extract_links(response) if link.kind == "attachment"]
    assert [link.text for link in attachments] == [
        "2023年市区符合政府安排工作条件退役士兵安置计划表.pdf"
    ]


def test_gbk_fixture_link_text_is_decoded() -> None:
    response = fixture_response("spiders/trs_column_createpagehtml.html")
    texts = [link.text for link in extract_links(response)]
    assert "某某市人民政府关于调整市政府领导分工的通知" in texts


@pytest.mark.corpus
@pytest.mark.parametrize("slug", ["hb_handan_xxgk_list_jsp", "fj_pingtan_zfxxgknb_list"])
def test_corpus_listing_document_links_include_gold(slug: str) -> None:
    """The document links found on a listing include every gold detail link."""
    require_corpus()
    from spiders.pages import url_shape

    page = next(p for p in corpus_pages() if p.slug == slug)
    response = page.response()
    found = [
        link.url
        for link in extract_links(response)
        if link.kind == "page" and url_shape(link.url) == "document"
    ]
    gold = [response.urljoin(href) for href in page.gold["detail_links"]]
    assert gold
    assert [url for url in gold if url not in found] == []
