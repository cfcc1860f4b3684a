"""Smoke test of the benchmark site generator (bench/site.py): it serves a list and a document."""

from __future__ import annotations

from urllib.request import urlopen

from bench.site import GeneratedSite, SiteLayout


def test_site_serves_a_list_and_a_document_page() -> None:
    with GeneratedSite(45, page_kb=12) as site:
        base = site.base_url
        home = urlopen(base, timeout=10).read().decode()
        column = site.layout.columns[0]
        assert f'href="{column.entry}"' in home
        listing = urlopen(base + column.entry.lstrip("/"), timeout=10).read().decode()
        assert "createPageHTML(" in listing or "下一页" in listing
        first = site.layout.doc_at(column, 0)
        assert "." + first.path[len(column.base) - 1 :] in listing
        page = urlopen(base + first.path.lstrip("/"), timeout=10).read()
        assert 12 * 1024 <= len(page) < 14 * 1024
        text = page.decode()
        for chrome in ("当前位置", "索引号", "发布机构", "文号", "【字体", "打印本页", "ICP"):
            assert chrome in text


def test_layout_has_exactly_the_documents_asked_for() -> None:
    layout = SiteLayout(1234)
    paths = list(layout.document_paths())
    assert len(set(paths)) == 1234
    assert layout.render(paths[-1])[0] == 200
    assert layout.render(paths[-1].replace("_101233", "_101234"))[0] == 404
    assert sum(1 for _ in layout.list_paths()) == sum(c.pages for c in layout.columns)
