"""Hostile inputs, end to end: `scrapy crawl disclosure` (every pipeline, the JSONL archive)
over a loopback directory where normal documents sit beside every kind of broken or malicious
answer (tests/hostile/hostile_site.py).

Each hostile answer must leave a log line naming its URL and what was wrong, and a stats
counter; the crawl goes on and exits 0 with no traceback; every readable document is archived;
the archive is whole JSON lines, each a valid record. One crawl serves all the tests (about
20 s: the drip server's two 5 s timeouts are the slowest part).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.records import record_validator
from tests.hostile.hostile_site import (
    BIG_PAGE_BYTES,
    DATAPROXY,
    DEEP_TAIL,
    DEEP_TEXT,
    GBK_TEXT,
    HOSTILE_PATH,
    JPAGE_BOMB_DOCS,
    JPAGE_DOCS,
    NORMAL,
    STORM_DOCS,
    STORM_PAGE,
    HostileSite,
    build_site,
)

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
TIMEOUT = 5  # DOWNLOAD_TIMEOUT of the crawl: the drip server (200 s of bytes) must hit it
MAXSIZE = 32 * 1024 * 1024  # the project's DOWNLOAD_MAXSIZE
WARNSIZE = 8 * 1024 * 1024  # and DOWNLOAD_WARNSIZE

# Runs the crawl and reports its peak resident memory (that of its largest process, in KiB)
# on the last line of stderr: the decompression bomb and the 50 MB pages must not be held.
_MEASURED = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call([sys.executable, '-m', 'scrapy', *sys.argv[1:]])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'peak RSS: {peak} KiB', file=sys.stderr)\n"
    "sys.exit(code)\n"
)
MAX_PEAK_KIB = 512 * 1024

# Hostile pages that are documents all the same: archived.
READABLE = ("截断的页面", "空白页面", "字符集错误的页面", "深层嵌套的页面", "压缩膨胀的页面")


@dataclass
class Crawl:
    site: HostileSite
    returncode: int
    log: str
    stats: dict[str, int]
    lines: list[str]  # the archive's lines, every run file
    records: dict[str, dict]  # path -> record
    archive_files: list[str]  # names in ARCHIVE_DIR after the crawl
    seconds: float
    survivors: bool  # a process of the crawl's session outlived it
    peak_kib: int  # the crawl's peak resident memory


def _stats(log: str) -> dict[str, int]:
    """The integer counters of the final stats dump (any key: ``utf-8->gb18030`` too)."""
    dump = log[log.rfind("Dumping Scrapy stats") :]
    return {key: int(value) for key, value in re.findall(r"'([^'\n]+)': (\d+)[,}]", dump)}


def _url(site: HostileSite, title: str) -> str:
    return site.base + HOSTILE_PATH[title]


@pytest.fixture(scope="module")
def crawl() -> Iterator[Crawl]:
    site = build_site()
    site.start()
    with tempfile.TemporaryDirectory(prefix="govarchive-hostile-") as archive:
        command = [
            sys.executable, "-c", _MEASURED, "crawl", "disclosure",
            "-a", f"start_urls={site.base}/xxgk/tzgg/",
            "-s", f"ARCHIVE_DIR={archive}",
            "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}",
            "-s", "RETRY_TIMES=1",
            "-s", "GOVARCHIVE_RETRY_BACKOFF_BASE=0",
            "-s", "AUTOTHROTTLE_START_DELAY=0.01",
            "-s", "AUTOTHROTTLE_MAX_DELAY=0.5",
            "-s", "DOWNLOAD_DELAY=0",
            "-s", "TELNETCONSOLE_ENABLED=False",
            "-s", "LOG_LEVEL=INFO",
        ]  # fmt: skip
        started = time.monotonic()
        # A session of its own: whatever the crawl starts (extraction workers) is found, and
        # ended, by its process group.
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, log = process.communicate(timeout=150)
        finally:
            survivors = _end_session(process.pid)
            site.stop()
        seconds = time.monotonic() - started
        lines: list[str] = []
        for path in sorted(Path(archive).glob("*.jsonl")):
            lines += path.read_text(encoding="utf-8").splitlines()
        records = {}
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # reported by test_archive_is_whole_valid_records
            records[urlsplit(record["url"]).path] = record
        yield Crawl(
            site=site,
            returncode=process.returncode,
            log=log,
            stats=_stats(log),
            lines=lines,
            records=records,
            archive_files=sorted(p.name for p in Path(archive).iterdir()),
            seconds=seconds,
            survivors=survivors,
            peak_kib=int(re.findall(r"peak RSS: (\d+) KiB", log)[-1]),
        )


def _end_session(pgid: int, grace: float = 5.0) -> bool:
    """True if a live process of the group outlived the crawl by ``grace`` seconds (it is
    killed). Zombies (ended, not yet reaped by init) do not count."""
    deadline = time.monotonic() + grace
    while _live_members(pgid):
        if time.monotonic() > deadline:
            for pid in _live_members(pgid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            return True
        time.sleep(0.1)
    return False


def _live_members(pgid: int) -> list[int]:
    """Processes of the group that are not zombies (from /proc; none where there is none)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


def _logged(crawl: Crawl, pattern: str) -> list[str]:
    """Log lines matching ``pattern`` (a regex; use re.escape for URLs)."""
    return [line for line in crawl.log.splitlines() if re.search(pattern, line)]


# --- the crawl as a whole -----------------------------------------------------------------


def test_crawl_finishes_cleanly_and_fast(crawl: Crawl) -> None:
    assert crawl.returncode == 0, crawl.log[-4000:]
    assert "Traceback" not in crawl.log
    assert "'finish_reason': 'finished'" in crawl.log
    assert not crawl.survivors, "a process of the crawl outlived it"
    # Two drip timeouts of 5 s; the rest runs beside them.
    assert crawl.seconds < 90, crawl.seconds
    # The 50 MB pages and the 1 GiB bomb were never held whole.
    assert crawl.peak_kib < MAX_PEAK_KIB, crawl.peak_kib


def test_archive_is_whole_valid_records(crawl: Crawl) -> None:
    validator = record_validator()
    assert crawl.lines
    for line in crawl.lines:
        record = json.loads(line)
        assert list(validator.iter_errors(record)) == [], record["url"]
    # The run file was committed: no .part left over.
    assert not [name for name in crawl.archive_files if name.endswith(".part")]


def test_every_readable_document_is_archived_once(crawl: Crawl) -> None:
    expected = {*NORMAL, *JPAGE_DOCS, *(HOSTILE_PATH[title] for title in READABLE)}
    assert set(crawl.records) == expected
    assert len(crawl.lines) == len(expected)
    for path, title in {**NORMAL, **JPAGE_DOCS}.items():
        record = crawl.records[path]
        assert record["title"] == title
        assert f"为做好{title}相关工作" in record["text"]
        assert "error" not in record
    assert crawl.stats["govarchive/archive/records"] == len(expected)


# --- each hostile answer --------------------------------------------------------------------


def test_truncated_markup_is_archived_as_far_as_it_goes(crawl: Crawl) -> None:
    url = _url(crawl.site, "截断的页面")
    assert crawl.stats["govarchive/pages/truncated_html"] == 1
    assert _logged(crawl, rf"WARNING: Truncated HTML: {re.escape(url)} ends without </html>")
    record = crawl.records[HOSTILE_PATH["截断的页面"]]
    assert record["title"] == "截断的页面"
    assert "二、明确责任" in record["text"]


def test_body_cut_short_of_its_content_length(crawl: Crawl) -> None:
    url = _url(crawl.site, "传输中断的页面")
    assert crawl.stats["govarchive/fetch/failed/data_loss"] == 2  # this one and reset_mid
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(data_loss\): {re.escape(url)} .*the connection closed before "
        r"the whole body",
    )
    assert crawl.site.count(HOSTILE_PATH["传输中断的页面"]) == 2  # retried once


def test_empty_body(crawl: Crawl) -> None:
    url = _url(crawl.site, "空白页面")
    assert crawl.stats["govarchive/pages/empty_body"] == 1
    assert crawl.stats["govarchive/extract/empty"] == 1
    assert _logged(crawl, rf"WARNING: Empty page \(0 bytes, HTTP 200\): {re.escape(url)} ")
    # On record as what was fetched: nothing, and why.
    record = crawl.records[HOSTILE_PATH["空白页面"]]
    assert record["error"] == "empty page: nothing to extract"
    assert record["text"] == ""


def test_binary_bytes_served_as_html_are_no_page(crawl: Crawl) -> None:
    url = _url(crawl.site, "二进制页面")
    assert crawl.stats["govarchive/content/binary_as_html"] == 1
    assert _logged(
        crawl,
        rf"WARNING: Binary body served as text/html; charset=utf-8: {re.escape(url)} is "
        r"application/octet-stream \(65536 bytes\)",
    )
    assert _logged(crawl, rf"Skipping non-HTML response {re.escape(url)} ")
    assert HOSTILE_PATH["二进制页面"] not in crawl.records
    assert crawl.stats["govarchive/pages/skipped/non_html"] == 1


def test_wrong_charset_header_is_repaired(crawl: Crawl) -> None:
    url = _url(crawl.site, "字符集错误的页面")
    assert crawl.stats["govarchive/charset/repaired/utf-8->gb18030"] == 1
    assert _logged(
        crawl,
        rf"INFO: Charset mismatch on {re.escape(url)}: declared/decoded as utf-8, bytes are "
        r"gb18030",
    )
    record = crawl.records[HOSTILE_PATH["字符集错误的页面"]]
    assert record["encoding"] == "gb18030"
    assert GBK_TEXT in record["text"]
    assert record["replacement_chars"] == 0


def test_50_mb_page_streamed_is_cut_at_the_size_cap(crawl: Crawl) -> None:
    url = _url(crawl.site, "超大页面")
    assert crawl.stats["govarchive/fetch/too_large/received"] == 1
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(too_large\): {re.escape(url)} .*received \d+ bytes, more than "
        rf"the download max size \({MAXSIZE}, DOWNLOAD_MAXSIZE\): download cancelled",
    )
    # Scrapy's own warnings on the way: the warn size, then the max size.
    assert _logged(crawl, rf"larger than download warn size \({WARNSIZE}\) in request <GET {url}>")


def test_50_mb_content_length_is_refused_from_the_header(crawl: Crawl) -> None:
    url = _url(crawl.site, "声明超大的页面")
    assert crawl.stats["govarchive/fetch/too_large/declared"] == 1
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(too_large\): {re.escape(url)} .*Expected to receive "
        rf"{BIG_PAGE_BYTES} bytes which is larger than download max size \({MAXSIZE}\)",
    )


def test_gzip_bomb_stops_at_the_size_cap(crawl: Crawl) -> None:
    url = _url(crawl.site, "压缩炸弹")
    assert crawl.stats["govarchive/fetch/too_large/decompressed"] == 1
    assert crawl.stats["govarchive/fetch/failed/too_large"] == 3  # streamed, declared, bomb
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(too_large\): {re.escape(url)} .*exceeded DOWNLOAD_MAXSIZE "
        rf"\({MAXSIZE} B\) during decompression",
    )
    assert crawl.site.count(HOSTILE_PATH["压缩炸弹"]) == 1  # never retried


def test_gzip_page_over_the_warn_size_is_archived(crawl: Crawl) -> None:
    url = _url(crawl.site, "压缩膨胀的页面")
    assert crawl.stats["govarchive/pages/over_warnsize"] == 1
    assert _logged(
        crawl,
        rf"{re.escape(url)}> body size after decompression \(\d+ B\) is larger than the "
        rf"download warning size \({WARNSIZE} B\)",
    )
    assert _logged(crawl, rf"INFO: Large page {re.escape(url)}: \d+ bytes")
    record = crawl.records[HOSTILE_PATH["压缩膨胀的页面"]]
    assert "三、加强监督" in record["text"]


def test_dom_10000_levels_deep_is_read_whole(crawl: Crawl) -> None:
    url = _url(crawl.site, "深层嵌套的页面")
    assert crawl.stats["govarchive/pages/deep_dom"] == 1
    assert _logged(crawl, rf"WARNING: DOM of {re.escape(url)} nests deeper than 256 levels")
    record = crawl.records[HOSTILE_PATH["深层嵌套的页面"]]
    assert record["title"] == "深层嵌套的页面"
    # The text at the bottom of the nest and the paragraph after it: nothing was lost.
    assert DEEP_TEXT in record["text"]
    assert DEEP_TAIL in record["text"]


def test_billion_laughs_in_a_jpage_answer_is_refused(crawl: Crawl) -> None:
    assert crawl.stats["govarchive/jpage/bad_response"] == 1
    assert crawl.stats["govarchive/jpage/records"] == 2  # the good group's
    assert _logged(
        crawl,
        rf"WARNING: Unreadable jpage answer {re.escape(crawl.site.base + DATAPROXY)}"
        r"\?startrecord=5&endrecord=6&perpage=2 \(column .*/xxgk/hanweb/\): DTD or entity "
        r"declarations in the answer",
    )
    # Its records are never followed; the column's others all are.
    assert not any(crawl.site.count(path) for path in JPAGE_BOMB_DOCS)
    assert all(path in crawl.records for path in JPAGE_DOCS)


def test_redirect_loop(crawl: Crawl) -> None:
    url = _url(crawl.site, "重定向循环")
    other = url.replace(".html", "_b.html")
    assert crawl.stats["govarchive/fetch/failed/redirect_loop"] == 1
    assert crawl.stats["govarchive/redirect/loop"] == 1
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(redirect_loop\): {re.escape(url)} .*redirect loop: "
        rf"{re.escape(url)} -> {re.escape(other)} -> {re.escape(url)}$",
    )


def test_endless_redirects(crawl: Crawl) -> None:
    url = _url(crawl.site, "无尽重定向")
    assert crawl.stats["govarchive/fetch/failed/too_many_redirects"] == 1
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(too_many_redirects\): {re.escape(url)} .*max redirections "
        rf"reached \(after 20 redirects, at {re.escape(url)}\?hop=20\)",
    )


def test_drip_server_times_out(crawl: Crawl) -> None:
    url = _url(crawl.site, "滴流服务器")
    assert crawl.stats["govarchive/fetch/failed/timeout"] == 1
    assert (
        crawl.stats["downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError"] == 2
    )
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(timeout\): {re.escape(url)} .*took longer than {TIMEOUT}\.0 "
        r"seconds",
    )
    assert crawl.site.count(HOSTILE_PATH["滴流服务器"]) == 2


def test_connection_resets(crawl: Crawl) -> None:
    before = _url(crawl.site, "连接重置")
    during = _url(crawl.site, "传输中重置")
    assert crawl.stats["govarchive/fetch/failed/connection_lost"] == 1
    assert _logged(
        crawl,
        rf"ERROR: Fetch failed \(connection_lost\): {re.escape(before)} .*ConnectionLost: "
        r"Connection to the other side was lost",
    )
    # Reset half way through the body: the body is cut short of its Content-Length.
    assert _logged(crawl, rf"ERROR: Fetch failed \(data_loss\): {re.escape(during)} ")
    # Retried once by Scrapy; Twisted itself may retry a reset on a reused keep-alive
    # connection once more, unseen.
    assert 2 <= crawl.site.count(HOSTILE_PATH["连接重置"]) <= 4


def test_5xx_storm_on_one_column(crawl: Crawl) -> None:
    stats = crawl.stats
    assert stats["govarchive/fetch/failed/http_503"] == len(STORM_DOCS)
    assert stats["govarchive/fetch/failed/http_500"] == 1
    # Every URL of the column asked twice (RETRY_TIMES=1), never more.
    assert stats["downloader/response_status_count/503"] == 2 * len(STORM_DOCS)
    assert stats["downloader/response_status_count/500"] == 2
    for path in [*STORM_DOCS, STORM_PAGE]:
        assert crawl.site.count(path) == 2, path
        status = 500 if path == STORM_PAGE else 503
        url = re.escape(crawl.site.base + path)
        assert _logged(crawl, rf"ERROR: Fetch failed \(http_{status}\): {url} "), path
    assert not any(path.startswith("/xxgk/gzdt/2024") for path in crawl.records)
    # The list page of the column answered, and was read.
    assert crawl.site.count("/xxgk/gzdt/") == 1


def test_every_failure_is_counted_once(crawl: Crawl) -> None:
    stats = crawl.stats
    reasons = {
        key.rsplit("/", 1)[1]: value
        for key, value in stats.items()
        if key.startswith("govarchive/fetch/failed/")
    }
    assert reasons == {
        "data_loss": 2,
        "too_large": 3,
        "redirect_loop": 1,
        "too_many_redirects": 1,
        "timeout": 1,
        "connection_lost": 1,
        "http_503": 3,
        "http_500": 1,
    }
    assert stats["govarchive/fetch/failed"] == sum(reasons.values())
    assert "govarchive/fetch/failed/other" not in stats
    assert "govarchive/fetch/ignored/other" not in stats
