"""End to end: `scrapy crawl disclosure` in a subprocess against the sample site on loopback.

Checks the archive against the site's ground truth (sample_site.manifest): every document
exactly once with its metadata, clean text, valid records; nothing blocked or off-site
requested; failures counted, not fatal.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.records import record_validator
from extraction.textnorm import squash_spaces
from sample_site import manifest
from sample_site.server import start_server

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    archive = tmp_path_factory.mktemp("archive")
    server, base_url = start_server(0)
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
                "AUTOTHROTTLE_MAX_DELAY=0.5",
                "-s",
                "LOG_LEVEL=INFO",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        server.stop()
    files = sorted(archive.glob("*.jsonl"))
    records = [
        json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()
    ]
    return {
        "proc": proc,
        "archive": archive,
        "files": files,
        "records": records,
        "by_path": {urlsplit(r["url"]).path: r for r in records},
        "requested": [urlsplit(p).path for p in server.requested],
    }


def test_crawl_exits_cleanly_with_one_finished_archive_file(crawl) -> None:
    assert crawl["proc"].returncode == 0, crawl["proc"].stderr[-3000:]
    assert len(crawl["files"]) == 1
    assert re.fullmatch(r"disclosure-\d{8}T\d{6}Z\.jsonl", crawl["files"][0].name)
    assert not list(crawl["archive"].glob("*.part")), "the run file was not renamed at close"


def test_every_document_archived_exactly_once(crawl) -> None:
    paths = [urlsplit(r["url"]).path for r in crawl["records"]]
    expected = sorted(d["path"] for d in manifest.documents())
    assert sorted(paths) == expected


def test_list_and_navigation_pages_are_not_archived(crawl) -> None:
    archived = set(crawl["by_path"])
    assert not archived & set(manifest.listing_paths())


@pytest.mark.parametrize("doc", manifest.documents(), ids=lambda d: d["path"])
def test_record_matches_the_page(crawl, doc) -> None:
    record = crawl["by_path"][doc["path"]]
    for name in (
        "title",
        "published_at",
        "publisher",
        "index_no",
        "doc_no",
        "is_annual_report",
        "report_year",
    ):
        assert record[name] == doc[name], name
    text = squash_spaces(record["text"])
    for snippet in doc["body_snippets"]:
        assert squash_spaces(snippet) in text
    for chrome in doc["chrome_snippets"]:
        assert squash_spaces(chrome) not in text, f"chrome leaked into text: {chrome!r}"
    assert record["source_url"], "the list page it was found on"
    assert record["http_status"] == 200


def test_every_record_validates_against_the_committed_schema(crawl) -> None:
    validator = record_validator()
    for record in crawl["records"]:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (record["url"], errors)


def test_traditional_page_is_converted_and_keeps_its_original(crawl) -> None:
    (doc,) = [d for d in manifest.documents() if d.get("traditional")]
    record = crawl["by_path"][doc["path"]]
    assert record["text_original"]
    assert record["text_original"] != record["text"]
    assert "報告" in record["title_original"]
    assert "报告" in record["title"]


def test_gbk_page_is_decoded(crawl) -> None:
    (doc,) = [
        d
        for d in manifest.documents()
        if d.get("encoding", "utf-8").lower() not in ("utf-8", "utf8")
    ]
    record = crawl["by_path"][doc["path"]]
    assert record["encoding"] == "gb18030"
    assert record["replacement_chars"] == 0


def test_robots_txt_obeyed_and_dead_link_counted(crawl) -> None:
    requested = set(crawl["requested"])
    for path in manifest.disallowed_paths():
        assert urlsplit(path).path not in requested
    for path in manifest.dead_links():
        assert path in requested
    stderr = crawl["proc"].stderr
    assert "'govarchive/fetch/failed/http_404': 1" in stderr
    assert re.search(r"'robotstxt/forbidden': [1-9]", stderr)


def test_no_internal_fields_in_the_archive(crawl) -> None:
    for record in crawl["records"]:
        assert "html" not in record
