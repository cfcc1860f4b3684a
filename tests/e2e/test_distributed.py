"""Distributed crawling end to end: worker processes sharing one Redis frontier
(crawler.distributed) crawl a generated loopback site of 500 documents.

Run 1: three workers, each given the start URL (seeded three times). Midway one worker is
killed with SIGKILL and never comes back (the others take its in-flight requests over once
its heartbeat expires), and another is killed and restarted with its worker id (it takes its
own in-flight requests back at once). Every worker exits by itself once the frontier has been
empty for the idle time. Run 2: two workers crawl the unchanged site again: the shared
crawl-state store makes it incremental, nothing new is archived, and the run recovers the
file the killed worker left. Over both runs, every document is in the archive exactly once.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from bench.site import GeneratedSite
from pipelines.archive_writer import is_locked
from tests.redis_server import delete_prefix, redis_server, unique_prefix
from tests.spiders.test_disclosure_e2e import _stats

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

PROJECT = Path(__file__).resolve().parents[2]
DOCUMENTS = 500
IDLE_CLOSE = 2.0
RUN_TIMEOUT = 90


class Worker:
    """One `scrapy crawl disclosure` worker process, its log in a file."""

    def __init__(self, worker_id: str, command: list[str], log: Path) -> None:
        self.id = worker_id
        self.log = log
        with log.open("ab") as handle:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                stdout=subprocess.DEVNULL,
                stderr=handle,
                start_new_session=True,  # its own group: a kill takes the worker and children
            )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _command(base_url: str, archive: Path, redis_url: str, prefix: str, worker: str) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={base_url}",
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", f"REDIS_URL={redis_url}",
        "-s", f"GOVARCHIVE_REDIS_PREFIX={prefix}",
        "-s", f"GOVARCHIVE_WORKER_ID={worker}",
        "-s", f"GOVARCHIVE_REDIS_IDLE_CLOSE={IDLE_CLOSE}",
        "-s", "GOVARCHIVE_REDIS_HEARTBEAT=0.5",
        "-s", "GOVARCHIVE_REDIS_HEARTBEAT_TIMEOUT=8",
        "-s", "GOVARCHIVE_REDIS_POLL=0.2",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip


def _lines(path: Path) -> list[str]:
    """Whole lines only (a file still being written may end mid-line)."""
    try:
        data = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return data.splitlines()[: data.count("\n")]


def _urls(paths: list[Path]) -> Counter[str]:
    return Counter(json.loads(line)["url"] for path in paths for line in _lines(path))


def _wait_for_lines(archive: Path, count: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        if sum(len(_lines(path)) for path in archive.glob("*.jsonl*")) >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"the workers archived fewer than {count} documents in time")


def _wait_all(workers: list[Worker], deadline: float) -> None:
    for worker in workers:
        try:
            worker.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for other in workers:
                if other.process.poll() is None:
                    os.killpg(other.process.pid, signal.SIGKILL)
            pytest.fail(f"worker {worker.id} did not exit by itself:\n{worker.text()[-3000:]}")


def _settle(archive: Path) -> None:
    """Killed workers' archive writers finish the lines they hold, then let go."""
    deadline = time.monotonic() + 20
    while any(is_locked(part) for part in archive.glob("*.part")):
        if time.monotonic() > deadline:
            pytest.fail("an archive writer still holds its file")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    started = time.monotonic()
    tmp = tmp_path_factory.mktemp("distributed")
    archive = tmp / "archive"
    prefix = unique_prefix()
    with redis_server() as redis_url, GeneratedSite(DOCUMENTS, page_kb=4) as site:
        base = site.base_url
        documents = set(site.document_urls())
        try:

            def start(worker: str, run: int) -> Worker:
                command = _command(base, archive, redis_url, prefix, worker)
                return Worker(worker, command, tmp / f"run{run}-{worker}.log")

            # --- run 1: three workers, all seeded; w3 killed for good, w2 killed and back.
            deadline = time.monotonic() + RUN_TIMEOUT
            w1, w2, w3 = (start(w, 1) for w in ("w1", "w2", "w3"))
            _wait_for_lines(archive, DOCUMENTS // 5, deadline)
            w3.kill()
            _wait_for_lines(archive, DOCUMENTS // 2, deadline)
            w2.kill()
            time.sleep(0.3)
            w2_again = start("w2", 1)
            _wait_all([w1, w2_again], deadline)
            _settle(archive)
            run1_files = sorted(archive.glob("*.jsonl*"))
            run1_urls = _urls(run1_files)
            run1_part_urls = _urls([path for path in run1_files if path.suffix == ".part"])
            run1_served = site.requests_served
            pages = DOCUMENTS + sum(column.pages for column in site.layout.columns) + 1
            client = redis.Redis.from_url(redis_url)
            try:
                run1_keys = sorted(k.decode() for k in client.scan_iter(match=f"{prefix}:*"))
            finally:
                client.close()

            # --- run 2: the same site again, two workers.
            deadline = time.monotonic() + RUN_TIMEOUT
            before = set(archive.glob("*.jsonl"))
            second = [start(w, 2) for w in ("w1", "w4")]
            _wait_all(second, deadline)
            run2_files = sorted(set(archive.glob("*.jsonl")) - before)
            run2_served = site.requests_served - run1_served
        finally:
            delete_prefix(redis_url, prefix)
    return {
        "archive": archive,
        "prefix": prefix,
        "run1": [w1, w2, w3, w2_again],
        "run1_files": run1_files,
        "run1_urls": run1_urls,
        "run1_part_urls": run1_part_urls,
        "pages": pages,
        "run1_served": run1_served,
        "run1_keys": run1_keys,
        "run2": second,
        "run2_files": run2_files,
        "run2_served": run2_served,
        "documents": documents,
        "seconds": time.monotonic() - started,
    }


def test_every_document_is_archived_once_across_workers_killed_or_not(crawled) -> None:
    archive: Path = crawled["archive"]
    assert not list(archive.glob("*.part"))  # run 2 recovered what the killed w3 left
    urls = _urls(sorted(archive.glob("*.jsonl")))
    assert set(urls) == crawled["documents"]
    assert [url for url, n in urls.items() if n > 1] == []
    # Run 1 already had every document; a second copy could only sit in the file of a
    # worker killed in the instant between writing a record and marking it archived,
    # which recovering that file drops.
    run1 = crawled["run1_urls"]
    assert set(run1) == crawled["documents"]
    assert all(n == 1 for n in (run1 - crawled["run1_part_urls"]).values())


def test_a_killed_worker_restarted_takes_its_requests_back(crawled) -> None:
    w2_again = crawled["run1"][3]
    assert w2_again.process.returncode == 0, w2_again.text()[-3000:]
    log = w2_again.text()
    assert "Worker w2 joined batch" in log
    # Its killed run's file is recovered by the worker that has its id.
    assert any(
        path.name.endswith(".interrupted.jsonl") and "-w2" in path.name
        for path in crawled["archive"].glob("*.jsonl")
    )


def test_seeding_three_times_crawls_once(crawled) -> None:
    # Documents, list pages and the home page once, plus robots.txt per worker and what the
    # kills put back into the frontier (the in-flight requests of the two killed workers,
    # fetched again): far from three crawls. How many requests a worker holds in flight
    # (downloads plus responses whose items are still in its pipelines) depends on the
    # machine's speed, so it is bounded by the crawl's size, not by a fixed number.
    logs = "".join(worker.text() for worker in crawled["run1"])
    requeued = sum(
        int(n) for n in re.findall(r"(?:Re-queued|Took over) (\d+) (?:in-flight )?requests", logs)
    )
    pages = crawled["pages"]
    assert 0 < requeued < pages // 2
    assert pages <= crawled["run1_served"] <= pages + 4 + requeued


def test_workers_exit_by_themselves_once_the_frontier_stays_empty(crawled) -> None:
    w1, _, _, w2_again = crawled["run1"]
    for worker in (w1, w2_again, *crawled["run2"]):
        assert worker.process.returncode == 0, worker.text()[-3000:]
        log = worker.text()
        assert "The shared frontier is empty; closing in 2 s" in log
        assert "'finish_reason': 'finished'" in log
    # The last worker to leave ended the batch: no frontier, dupefilter or worker is left.
    keys = crawled["run1_keys"]
    prefix = f"{crawled['prefix']}:disclosure"
    assert f"{prefix}:requests" not in keys
    assert f"{prefix}:dupefilter" not in keys
    assert f"{prefix}:workers" not in keys
    assert f"{prefix}:batch" not in keys
    assert f"{prefix}:state" in keys  # the crawl-state store stays for the next run


def test_each_worker_writes_its_own_files(crawled) -> None:
    archive: Path = crawled["archive"]
    names = [path.name for path in archive.glob("*.jsonl")]
    for worker in ("w1", "w2", "w3", "w4"):
        assert any(f"-{worker}" in name for name in names), names
    warcs = [path.name for path in (archive / "warc").glob("*.warc.gz")]
    for worker in ("w1", "w2", "w3"):
        assert any(f"-{worker}-" in name for name in warcs), warcs


def test_a_second_run_is_incremental(crawled) -> None:
    files = crawled["run2_files"]
    assert len([f for f in files if not f.name.endswith(".interrupted.jsonl")]) == 2
    new = [f for f in files if not f.name.endswith(".interrupted.jsonl")]
    assert _urls(new) == Counter()  # nothing changed: nothing archived
    stats = [_stats(worker.text()) for worker in crawled["run2"]]
    unchanged = sum(s.get("govarchive/incremental/unchanged", 0) for s in stats)
    assert unchanged >= DOCUMENTS * 0.95
    assert crawled["run2_served"] < DOCUMENTS * 1.2  # one conditional visit each


def test_the_distributed_crawl_stays_quick(crawled) -> None:
    assert crawled["seconds"] < 150
