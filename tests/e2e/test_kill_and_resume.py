"""A crawl killed with SIGKILL midway, then run again.

The killed run must leave JSON Lines with whole lines only and WARC files warcio reads up to
their last whole record; the next run keeps the killed run's records (renamed
``….interrupted.jsonl``) and archives every other document, none twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipelines.archive_writer import is_locked
from tests.file_site import FileSite, serve_files
from tests.spiders.test_disclosure_e2e import _list_page, stop_servers

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

PROJECT = Path(__file__).resolve().parents[2]
LIST = "/xxgk/gzdt/"
COUNT = 14
DOCS = [f"/xxgk/gzdt/202402/t202402{n:02d}_{n}.html" for n in range(1, COUNT + 1)]
PARAGRAPH = "根据《中华人民共和国政府信息公开条例》，现将本单位政务公开工作情况通报如下。"


def _page(n: int) -> str:
    title = f"第{n}期政务公开工作通报"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><title>{title}</title></head><body>
<h1>{title}</h1><div class="content">{f"<p>{PARAGRAPH}</p>" * 4}</div></body></html>"""


def _command(site: FileSite, archive: Path) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={site.base}{LIST}",
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",  # one slow page at a time
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    site = FileSite()
    servers = [serve_files(site)]
    archive = tmp_path_factory.mktemp("archive")
    try:
        rows = [
            (path, f"第{n}期政务公开工作通报", f"2024-02-{n:02d}") for n, path in enumerate(DOCS, 1)
        ]
        site.page(LIST, _list_page("工作动态", rows, ""))
        for n, path in enumerate(DOCS, 1):
            site.page(path, _page(n))
            site.delays[path] = 0.4
        process = subprocess.Popen(
            _command(site, archive),
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: the kill takes the crawl and its children
        )
        try:
            deadline = time.monotonic() + 60
            parts: list[Path] = []
            while time.monotonic() < deadline:
                parts = list(archive.glob("*.jsonl.part"))
                if parts and len(_lines(parts[0])) >= 4:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the crawl archived nothing within 60 s")
            os.killpg(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        (part,) = parts
        # The archive writer has its own session: it finishes the lines it holds whole.
        deadline = time.monotonic() + 20
        while is_locked(part) and time.monotonic() < deadline:
            time.sleep(0.05)
        killed_lines = _lines(part)
        warcs = sorted((archive / "warc").glob("*.warc.gz"))
        warc_read = [_read_warc(path) for path in warcs]
        for path in DOCS:
            site.delays.pop(path)
        resumed = subprocess.run(
            _command(site, archive), cwd=PROJECT, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
    finally:
        stop_servers(servers)
    return {
        "archive": archive,
        "part": part,
        "killed_lines": killed_lines,
        "warc_read": warc_read,
        "resumed": resumed,
    }


def _read_warc(path: Path) -> tuple[int, str | None]:
    """(whole records read, the error that stopped reading, if any)."""
    count = 0
    with path.open("rb") as handle:
        try:
            for record in ArchiveIterator(handle):
                record.content_stream().read()
                assert record.rec_headers.get_header("WARC-Record-ID")
                count += 1
        except (EOFError, zlib.error, ArchiveLoadFailed) as exc:
            return count, f"{type(exc).__name__}: {exc}"
    return count, None


def test_killed_run_left_whole_lines_only(killed_and_resumed) -> None:
    lines = killed_and_resumed["killed_lines"]
    assert 4 <= len(lines) < COUNT  # killed midway
    assert all(json.loads(line)["url"] for line in lines)  # every line is a whole record


def test_killed_run_left_warc_readable_up_to_its_last_whole_record(killed_and_resumed) -> None:
    read = killed_and_resumed["warc_read"]
    assert read  # at least one WARC file was written
    for count, error in read:
        # warcinfo + (response, request) per exchange: the documents archived were captured
        assert count >= 1 + 2 * len(killed_and_resumed["killed_lines"]), error


def test_next_run_resumes_without_archiving_a_document_twice(killed_and_resumed) -> None:
    resumed = killed_and_resumed["resumed"]
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    archive: Path = killed_and_resumed["archive"]
    assert not list(archive.glob("*.part"))
    interrupted = list(archive.glob("*.interrupted.jsonl"))
    assert [p.name for p in interrupted] == [
        killed_and_resumed["part"].name.replace(".jsonl.part", ".interrupted.jsonl")
    ]
    urls = [
        "/" + json.loads(line)["url"].split("/", 3)[3]
        for path in archive.glob("*.jsonl")
        for line in _lines(path)
    ]
    assert sorted(urls) == sorted(DOCS)  # each document exactly once over both runs
    assert "Kept the records of an interrupted run" in resumed.stderr
