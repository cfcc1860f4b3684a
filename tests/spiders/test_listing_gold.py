"""The listing pages of ../shared/corpus against their gold: the document links the spider
discovers equal the gold ``detail_links`` (as sets: order is free, and the gold repeats a link
where the page does), and the pagination it derives is the one the gold describes."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from spiders.listing import describe_pagination, document_links
from tests.helpers import CorpusPage, corpus_pages, corpus_params

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("page", corpus_params("listing"))
def test_document_links_equal_the_gold(page: CorpusPage) -> None:
    response = page.response()
    gold = {urljoin(response.url, href) for href in page.gold["detail_links"]}
    found = set(document_links(response))
    assert found == gold, {"missing": sorted(gold - found), "extra": sorted(found - gold)}


def _page_numbers(urls: list[str]) -> set[int]:
    return {int(parse_qs(urlsplit(url).query)["page"][0]) for url in urls}


# What each gold "pagination" description says, in the terms of spiders.listing.Pagination.
EXPECTED_PAGINATION = {
    # "JS only: TRS list2.trsapi listModel quickMode '动静结合', maxStaticIndex 1 … prepage 10,
    # recordCount '20' … No static index_1.htm link exists in the HTML."
    "fj_pingtan_zfxxgknb_list": lambda p: (
        p.kind == "trs_api"
        and p.page_urls == []
        and (p.record_count, p.per_page, p.page_count) == (20, 10, 2)
    ),
    # "TRS static paging written by inline document.write (countnum=6348, countPage=56,
    # currentPage=0): index.html, index_1.html … index_55.html"
    "hb_handan_xxgk_list_jsp": lambda p: (
        p.kind == "trs_createpagehtml"
        and p.page_count == 56
        and [u.rsplit("/", 1)[1] for u in p.page_urls] == [f"index_{n}.html" for n in range(1, 56)]
    ),
    # "this is page 9 = … the LAST page; '<上一页' -> page=8, numbered links page=1..8; no next link"
    "hk_gov_search_edb_simp_list": lambda p: (
        p.kind == "links" and _page_numbers(p.page_urls) == set(range(1, 9)) and p.next_url is None
    ),
    # "page 1 of ~82 … numbered links page=2..10 and a.next '下一頁' -> page=2"
    "hk_gov_search_nd_trad_list": lambda p: (
        p.kind == "links"
        and _page_numbers(p.page_urls) == set(range(2, 11))
        and _page_numbers([p.next_url]) == {2}
    ),
}


@pytest.mark.parametrize("page", corpus_params("listing"))
def test_pagination_matches_the_gold_description(page: CorpusPage) -> None:
    pagination = describe_pagination(page.response())
    slug = page.slug.removesuffix("__gbk")
    expected = EXPECTED_PAGINATION.get(slug)
    if expected is None:
        # "none (single page)" / "none (portal home page with tabbed boxes …)"
        assert page.gold["pagination"].startswith("none"), page.gold["pagination"]
        assert pagination.kind == "none", pagination
    else:
        assert expected(pagination), pagination


def test_jpage_column_is_described_as_such() -> None:
    from tests.helpers import fixture_response

    pagination = describe_pagination(fixture_response("spiders/hanweb_jpage_param_var.html"))
    assert pagination.kind == "hanweb_jpage"
    assert pagination.page_count
    assert pagination.page_count >= 2
    assert pagination.page_urls[0].endswith("dataproxy.jsp")


def test_a_list_whose_later_pages_only_a_script_api_serves_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """TRS 动静结合 (the 平潭 年报 column): page 1 is static, the rest come from list2.trsapi,
    which the crawler does not run; the crawl takes page 1's rows and says what it missed."""
    from scrapy.utils.test import get_crawler

    from spiders.disclosure import DisclosureSpider

    [page] = [p for p in corpus_pages() if p.slug == "fj_pingtan_zfxxgknb_list"] or [None]
    if page is None:
        pytest.skip("the 平潭 年报 list page is not in ../shared/corpus")
    response = page.response()
    response.meta.update({"depth": 1, "source_url": None})
    crawler = get_crawler(DisclosureSpider)
    crawler.stats.open_spider()
    spider = DisclosureSpider.from_crawler(crawler, start_urls=response.url)
    requested = [r.url for r in spider.parse_page(response) if hasattr(r, "url")]
    gold = {urljoin(response.url, href) for href in page.gold["detail_links"]}
    assert gold <= set(requested)
    assert crawler.stats.get_value("govarchive/pagination/js_only") == 1
    assert any("JavaScript API" in r.getMessage() for r in caplog.records)
