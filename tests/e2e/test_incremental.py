"""An archive over time, end to end: a loopback directory crawled three times, with one
document changed and one removed between the first two runs, then re-processed from the first
run's WARC with the site gone.

Documents of the site (all in one list):
- 1 changes its text between run 1 and run 2;
- 2 is removed (404, and gone from the list);
- 3 sends an ETag: run 2 asks If-None-Match and gets 304;
- 4 is served byte for byte the same (no validators), with a PDF attachment;
- 5 changes bytes only in its visit counter (page chrome): its content is the same.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.records import record_validator
from tests.file_site import FileSite, serve_files
from tests.report_files import render_pdf
from tests.spiders.test_disclosure_e2e import _list_page, _stats, stop_servers

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
LIST = "/xxgk/tzgg/"
DOCS = {n: f"/xxgk/tzgg/202401/t2024010{n}_{n}.html" for n in range(1, 6)}
PDF = render_pdf(["实施方案全文。"])
PARAGRAPH = "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，现将有关事项通知如下。"


def _page(n: int, *, revised: bool = False, visits: int = 1) -> str:
    title = f"关于做好第{n}项政务公开工作的通知"
    body = f"<p>{PARAGRAPH}</p>" * 3
    if revised:
        body += "<p>（修订）补充通知：申请答复期限调整为十五个工作日，请各单位遵照执行。</p>"
    if n == 4:
        body += '<p>附件：<a href="/files/fangan.pdf">实施方案.pdf</a></p>'
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-01-0{n}">
<title>{title}</title></head><body>
<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="{LIST}">通知公告</a></div>
<h1>{title}</h1><div class="content">{body}</div>
<div class="tools">浏览次数：{visits} <a href="javascript:window.print()">打印本页</a></div>
</body></html>"""


def _list(numbers: list[int]) -> str:
    rows = [(DOCS[n], f"关于做好第{n}项政务公开工作的通知", f"2024-01-0{n}") for n in numbers]
    return _list_page("通知公告", rows, "")


def _crawl(site: FileSite, archive: Path) -> tuple[list[dict], dict[str, float], str]:
    """One run: its new records (the newest run file), stats and log."""
    before = set(archive.glob("*.jsonl"))
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={site.base}{LIST}",
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", "AUTOTHROTTLE_START_DELAY=0.01",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    (run_file,) = set(archive.glob("*.jsonl")) - before
    records = [json.loads(line) for line in run_file.read_text(encoding="utf-8").splitlines()]
    return records, _stats(result.stderr), result.stderr


def _warc_records(path: Path) -> list[dict[str, Any]]:
    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            headers = record.rec_headers
            out.append(
                {
                    "type": record.rec_type,
                    "url": headers.get_header("WARC-Target-URI"),
                    "profile": headers.get_header("WARC-Profile"),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                }
            )
            record.content_stream().read()
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    site = FileSite()
    servers = [serve_files(site)]
    archive = tmp_path_factory.mktemp("archive")
    out: dict[str, Any] = {"archive": archive, "site": site}
    try:
        site.page(LIST, _list([1, 2, 3, 4, 5]))
        for n, path in DOCS.items():
            site.page(path, _page(n))
        site.etags[DOCS[3]] = '"doc3-v1"'
        site.file("/files/fangan.pdf", PDF)
        out["run1"] = _crawl(site, archive)
        out["warc1"] = sorted((archive / "warc").glob("*.warc.gz"))
        # Between the runs: 1 revised, 2 removed, 5's visit counter moves on.
        site.page(LIST, _list([1, 3, 4, 5]))
        site.page(DOCS[1], _page(1, revised=True))
        del site.answers[DOCS[2]]
        site.page(DOCS[5], _page(5, visits=2))
        site.requests.clear()
        out["run2"] = _crawl(site, archive)
        out["requests2"] = list(site.requests)
        out["conditional2"] = list(site.conditional)
        out["warc2"] = sorted(set((archive / "warc").glob("*.warc.gz")) - set(out["warc1"]))
        out["run3"] = _crawl(site, archive)
    finally:
        stop_servers(servers)
    # The site is gone: re-process run 1 from its WARC alone, in a network namespace of its
    # own with no interface up (no loopback either), where a connection cannot even start.
    reprocessed = tmp_path_factory.mktemp("reprocessed")
    out["offline_prefix"] = _no_network_prefix()
    result = subprocess.run(
        [*out["offline_prefix"], sys.executable, "-m", "scrapy", "reprocess",
         str(out["warc1"][0]), "--archive-dir", str(reprocessed)],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    (path,) = reprocessed.glob("*.jsonl")
    assert result.stdout.strip() == str(path)
    out["reprocessed"] = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
    ]
    out["reprocess_stats"] = _stats(result.stderr)
    return out


def _path(record: dict) -> str:
    return "/" + record["url"].split("/", 3)[3]


def test_first_run_archives_every_document_as_version_1_with_its_capture(runs) -> None:
    records, _, _ = runs["run1"]
    assert sorted(_path(r) for r in records) == sorted(DOCS.values())
    validator = record_validator()
    for record in records:
        assert list(validator.iter_errors(record)) == []
        assert (record["version"], record["previous_sha256"], record["status"]) == (1, None, "live")
        warc = record["warc"]
        assert warc["filename"] == runs["warc1"][0].name
        # The reference is exact: the record at that offset is this page's response.
        with (runs["archive"] / "warc" / warc["filename"]).open("rb") as handle:
            handle.seek(warc["offset"])
            captured = next(iter(ArchiveIterator(handle)))
            assert captured.rec_type == "response"
            assert captured.rec_headers.get_header("WARC-Record-ID") == warc["record_id"]
            assert captured.rec_headers.get_header("WARC-Target-URI") == record["url"]
            assert captured.rec_headers.get_header("WARC-Payload-Digest") == warc["payload_digest"]


def test_second_run_writes_one_changed_record_and_one_tombstone(runs) -> None:
    first = {_path(r): r for r in runs["run1"][0]}
    records, stats, _ = runs["run2"]
    assert sorted(_path(r) for r in records) == [DOCS[1], DOCS[2]]
    changed, tombstone = sorted(records, key=_path)
    assert changed["version"] == 2
    assert changed["previous_sha256"] == first[DOCS[1]]["content_sha256"]
    assert changed["content_sha256"] != first[DOCS[1]]["content_sha256"]
    assert "补充通知" in changed["text"]
    assert tombstone["status"] == "gone"
    assert tombstone["http_status"] == 404
    assert tombstone["version"] == 2
    assert tombstone["previous_sha256"] == first[DOCS[2]]["content_sha256"]
    assert tombstone["title"] == first[DOCS[2]]["title"]
    assert first[DOCS[2]]["fetched_at"] <= tombstone["last_seen"] < tombstone["fetched_at"]
    validator = record_validator()
    assert all(list(validator.iter_errors(r)) == [] for r in records)
    assert stats["govarchive/incremental/changed"] == 1
    assert stats["govarchive/incremental/gone"] == 1
    assert stats["govarchive/incremental/unchanged"] == 3
    assert stats["govarchive/incremental/recheck"] == 1  # 2 was no longer in the list


def test_unchanged_documents_are_revisits_and_lists_are_fetched_in_full(runs) -> None:
    (warc,) = runs["warc2"]
    records = _warc_records(warc)
    revisits = {r["url"].split("/", 3)[3]: r["profile"] for r in records if r["type"] == "revisit"}
    assert revisits == {
        DOCS[3][1:]: "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
        DOCS[4][1:]: "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    }
    responses = {r["url"].split("/", 3)[3] for r in records if r["type"] == "response"}
    # The list and the document whose bytes (not content) changed are captured in full.
    assert {LIST[1:], DOCS[5][1:], DOCS[1][1:]} <= responses
    # Conditional requests go to known documents with validators, never to the list.
    assert runs["conditional2"] == [DOCS[3]]
    assert runs["requests2"].count(LIST) == 1


def test_a_run_with_nothing_new_writes_nothing(runs) -> None:
    records, stats, _ = runs["run3"]
    assert records == []
    assert stats["govarchive/incremental/unchanged"] == 4
    assert "govarchive/incremental/gone" not in stats  # 2's tombstone is written once


def test_state_store_knows_each_document_once(runs) -> None:
    with sqlite3.connect(runs["archive"] / "state" / "disclosure.sqlite") as db:
        rows = dict(db.execute("SELECT url, status FROM documents").fetchall())
        versions = dict(db.execute("SELECT url, version FROM documents").fetchall())
    assert sorted(_path({"url": u}) for u in rows) == sorted(DOCS.values())
    assert [_path({"url": u}) for u, s in rows.items() if s == "gone"] == [DOCS[2]]
    assert sorted(versions.values()) == [1, 1, 1, 2, 2]


def _no_network_prefix() -> list[str]:
    """``unshare -rn`` when this machine lets a process start in a network namespace of its
    own (a user namespace makes that possible without root), else nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run(
        [unshare, "-rn", sys.executable, "-c",
         "import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    # In the namespace even loopback is down: the connection fails with "unreachable".
    return [unshare, "-rn"] if "unreachable" in probe.stderr.lower() else []


def test_reprocess_ran_without_a_network(runs) -> None:
    if not runs["offline_prefix"]:
        pytest.skip("this machine cannot start a process without a network (unshare -rn)")
    assert runs["offline_prefix"][-1] == "-rn"


def test_reprocess_reproduces_the_first_run_offline(runs) -> None:
    original = sorted(runs["run1"][0], key=lambda r: r["url"])
    again = sorted(runs["reprocessed"], key=lambda r: r["url"])
    # Every field, fetch time and capture reference included: they come from the WARC.
    assert again == original
    stats = runs["reprocess_stats"]
    assert stats.get("govarchive/replay/missing", 0) == 0
    assert "govarchive/warc/records" not in stats  # a replay is not captured again
    assert stats["govarchive/attachments/downloaded"] == 1  # the PDF, from the capture
