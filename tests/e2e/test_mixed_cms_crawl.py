"""A full crawl (spider + every pipeline + archive) of the mixed-CMS loopback site.

Every document exactly once — TRS pages found only through createPageHTML, Hanweb records
only through POST dataproxy.jsp, a multi-page TRS document as one record, the page that
failed once — and nothing blocked, off-site or trap-like requested beyond a small bound.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.mixed_site import MixedSite, start

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CALENDAR_LIMIT = 6


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    site = MixedSite()
    site.build()
    server, base_url = start(site)
    archive = tmp_path_factory.mktemp("archive")
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "disclosure",
                "-a",
                f"start_urls={base_url}",
                "-s",
                f"ARCHIVE_DIR={archive}",
                "-s",
                "AUTOTHROTTLE_START_DELAY=0.01",
                "-s",
                "AUTOTHROTTLE_MAX_DELAY=0.2",
                "-s",
                "GOVARCHIVE_RETRY_BACKOFF_BASE=0.1",
                "-s",
                f"GOVARCHIVE_TRAP_CALENDAR_LIMIT={CALENDAR_LIMIT}",
                "-s",
                "DEPTH_LIMIT=30",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    records = [
        json.loads(line)
        for path in archive.glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return {"site": site, "proc": proc, "records": records}


def _paths(crawl) -> list[str]:
    return [urlsplit(r["url"]).path for r in crawl["records"]]


def test_crawl_finished(crawl) -> None:
    assert crawl["proc"].returncode == 0, crawl["proc"].stderr[-4000:]


def test_every_document_archived_exactly_once(crawl) -> None:
    paths = _paths(crawl)
    site = crawl["site"]
    expected = sorted(p for p in site.documents if not p.startswith("/internal/"))
    assert sorted(paths) == expected
    by_path = {urlsplit(r["url"]).path: r for r in crawl["records"]}
    for path, title in site.documents.items():
        if path in by_path:
            assert by_path[path]["title"] == title


def test_multi_page_document_is_one_record_with_its_parts(crawl) -> None:
    site = crawl["site"]
    ((first, parts),) = site.multipage.items()
    (record,) = [r for r in crawl["records"] if urlsplit(r["url"]).path == first]
    assert [urlsplit(u).path for u in record["parts"]] == parts
    assert "这是多页文件的第2页" in record["text"]
    assert "这是多页文件的第3页" in record["text"]
    assert not any(p in _paths(crawl) for p in parts)


def test_jpage_records_came_by_post_with_the_widget_parameters(crawl) -> None:
    posts = crawl["site"].posts
    assert posts, "the dataproxy was never asked"
    for post in posts:
        assert post["columnid"] == ["100"]
        assert post["unitid"] == ["4321"]
        assert post["webid"] == ["1"]
    jpage_docs = [p for p in _paths(crawl) if p.startswith("/art/")]
    assert len(jpage_docs) == 12
    sources = {
        urlsplit(r["source_url"]).path
        for r in crawl["records"]
        if urlsplit(r["url"]).path.startswith("/art/")
    }
    assert sources == {"/hanweb/col/col100/index.html"}


def test_nothing_blocked_off_site_or_searched_was_requested(crawl) -> None:
    requests = crawl["site"].requests
    hosts = {host.split(":")[0] for _, host, _ in requests}
    assert hosts == {"127.0.0.1"}, "a request went to another host"
    targets = [target for _, _, target in requests]
    assert not [t for t in targets if t.startswith("/internal/")]
    assert not [t for t in targets if t.startswith("/search/")]


def test_calendar_requests_stay_bounded(crawl) -> None:
    calendar = [t for _, _, t in crawl["site"].requests if t.startswith("/calendar/")]
    # month pages and their day pages, each shape capped at the limit (+ the entry page)
    assert 0 < len(calendar) <= 2 * CALENDAR_LIMIT + 2, calendar
    assert re.search(r"'govarchive/traps/calendar': [1-9]", crawl["proc"].stderr)


def test_flaky_page_recovered_and_dead_link_counted(crawl) -> None:
    site = crawl["site"]
    hits = [t for _, _, t in site.requests if t == site.flaky_path]
    assert len(hits) == 2
    assert site.flaky_path in _paths(crawl)
    stderr = crawl["proc"].stderr
    assert "'govarchive/fetch/failed/http_404': 1" in stderr
    assert site.dead_path not in _paths(crawl)


def test_records_are_clean(crawl) -> None:
    for record in crawl["records"]:
        assert "打印本页" not in record["text"]
        assert "ICP备" not in record["text"]
        assert record["index_no"].startswith("TEST-")
        assert record["publisher"] == "测试市人民政府办公室"
