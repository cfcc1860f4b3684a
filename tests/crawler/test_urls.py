"""crawler.urls.canonical_url: the URL documents are de-duplicated by."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, host_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.gov.cn/a.html#top", "http://www.example.gov.cn/a.html"),
        (
            "https://x.gov.cn/p?utm_source=wx&utm_medium=m&id=5&spm=a.b&from=timeline",
            "https://x.gov.cn/p?id=5",
        ),
        ("http://x.gov.cn/p?UTM_Campaign=1&From=x&id=5", "http://x.gov.cn/p?id=5"),  # any case
        (
            "http://x.gov.cn/p?isappinstalled=0&share=1&fbclid=a&gclid=b&_t=123&timestamp=9&id=1",
            "http://x.gov.cn/p?id=1",
        ),
        ("http://x.gov.cn/p?b=2&a=1&c=3", "http://x.gov.cn/p?a=1&b=2&c=3"),  # sorted
        ("http://WWW.Example.GOV.cn/Path/Case.HTML", "http://www.example.gov.cn/Path/Case.HTML"),
        ("HTTP://X.GOV.CN/p", "http://x.gov.cn/p"),
        ("http://x.gov.cn:80/p", "http://x.gov.cn/p"),  # default ports dropped
        ("https://x.gov.cn:443/p", "https://x.gov.cn/p"),
        ("http://x.gov.cn:8080/p", "http://x.gov.cn:8080/p"),  # others kept
        ("https://x.gov.cn:80/p", "https://x.gov.cn:80/p"),
        ("http://x.gov.cn", "http://x.gov.cn/"),
        ("  http://x.gov.cn/p?x=1  ", "http://x.gov.cn/p?x=1"),
        (
            "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=a.pdf",
            "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=a.pdf",
        ),
        ("http://x.gov.cn/p?channelid=12&page=2&a=", "http://x.gov.cn/p?a=&channelid=12&page=2"),
        (
            "http://x.gov.cn/信息公开/a b.html?q=政府",
            "http://x.gov.cn/%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80/a%20b.html?q=%E6%94%BF%E5%BA%9C",
        ),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_stable() -> None:
    url = "http://WWW.X.gov.cn:80/p?utm_source=a&b=2&a=1#x"
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_variants_of_one_document_share_a_canonical_url() -> None:
    variants = [
        "http://www.x.gov.cn/art/2015/3/27/art_1_2.html",
        "http://WWW.X.GOV.CN:80/art/2015/3/27/art_1_2.html#content",
        "http://www.x.gov.cn/art/2015/3/27/art_1_2.html?from=singlemessage&isappinstalled=0",
    ]
    assert len({canonical_url(u) for u in variants}) == 1


def test_custom_tracking_params() -> None:
    assert canonical_url("http://x.gov.cn/p?keep=1&drop=2", ["drop"]) == "http://x.gov.cn/p?keep=1"
    assert canonical_url("http://x.gov.cn/p?from=1", []) == "http://x.gov.cn/p?from=1"


def test_ipv6_host() -> None:
    assert canonical_url("http://[::1]:8080/p?b=2&a=1") == "http://[::1]:8080/p?a=1&b=2"


def test_host_of() -> None:
    assert host_of("http://WWW.X.gov.cn:8080/a") == "www.x.gov.cn"
    assert host_of("not a url") == ""
