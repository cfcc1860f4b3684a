"""The archive: one UTF-8 JSON Lines file per crawl run under ARCHIVE_DIR.

Written as ``<spider>-<UTC start>.jsonl.part`` and renamed to ``.jsonl`` when the crawl
closes, so a finished file is a finished run. Records are handed, one whole line at a time, to
a writer process (pipelines.archive_writer) that appends a line only once all of it has
arrived: a crawl killed at any moment, even with SIGKILL in the middle of a long record,
leaves only whole lines behind. (One large ``write()`` from the crawler itself would not do:
the kernel may stop it half-way when the process is killed.)

With a worker id (``GOVARCHIVE_WORKER_ID``; a distributed crawl always has one, see
crawler.distributed) the name is ``<spider>-<UTC start>-<worker>.jsonl``: every worker of a
shared crawl writes its own file. Distributed, a record is written only while the document's
claim in Redis is this worker's, and the claim is marked archived right after; recovering a
killed worker's run file marks its records' claims archived and drops the lines of documents
another worker archived after taking the killed worker's requests over.

Why not FEEDS: feed storages buffer in user space and write under the final name; neither
"whole lines only after a kill" nor "final name only when complete" holds there. Records are
still serialised by Scrapy's own JsonLinesItemExporter.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.exporters import JsonLinesItemExporter

from crawler.incremental import crawl_state, reconcile
from crawler.records import to_record

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_file_name(
    spider_name: str, started: datetime, attempt: int = 0, worker: str | None = None
) -> str:
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    return f"{spider_name}-{stamp}{f'-{worker}' if worker else ''}{f'-{attempt}' if attempt else ''}.jsonl"


INTERRUPTED = ".interrupted"


def recover_interrupted_runs(
    archive_dir: Path,
    spider_name: str,
    live: Callable[[str], bool] | None = None,
    settle: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Give the run files of killed crawls (``<spider>-….jsonl.part`` no writer holds) their
    final name, ``<spider>-<start>.interrupted.jsonl``: their lines are whole and archived
    (the crawl-state store counts them as such), so readers of ``*.jsonl`` must see them.

    ``live(final name)``: True for a file another running process is about to write (a
    distributed worker registers its run file before creating it), which is left alone.
    ``settle(part)`` runs on a file before it is renamed (a crash in it leaves the ``.part``
    for the next recovery)."""
    # Imported here: pipelines.archive_writer also runs as a script (python -m), which must
    # not find itself already imported through this package.
    from pipelines.archive_writer import is_locked, repair_tail

    recovered = []
    for part in sorted(archive_dir.glob(f"{spider_name}-*.jsonl{PART_SUFFIX}")):
        if is_locked(part):
            continue  # a crawl still writing it
        if live is not None and live(part.name.removesuffix(PART_SUFFIX)):
            continue  # a live worker's, its writer not started yet
        repair_tail(part)  # the writer process itself may have been killed mid-line
        if settle is not None:
            settle(part)
        stem = part.name.removesuffix(f".jsonl{PART_SUFFIX}")
        target = part.with_name(f"{stem}{INTERRUPTED}.jsonl")
        os.replace(part, target)
        recovered.append(target)
    return recovered


class RecordWriter:
    """Appends records to a JSON Lines file through a writer process, one line per record."""

    def __init__(self, path: Path) -> None:
        # Absolute: the writer process runs in the project folder, not in this one's.
        self.path = path = path.absolute()
        # Reserve the name (two runs started in the same second must not share a file).
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.archive_writer", str(path)],
            stdin=subprocess.PIPE,
            cwd=PROJECT_ROOT,
            # Its own session: killing the crawl's process group leaves it to finish the
            # lines it has whole, then exit on EOF.
            start_new_session=True,
        )
        assert self._process.stdin is not None
        self._stdin = self._process.stdin
        self._await_lock()
        self._buffer = io.BytesIO()
        self._exporter = JsonLinesItemExporter(self._buffer, encoding="utf-8")
        self.count = 0

    def _await_lock(self, timeout: float = 10) -> None:
        """Wait until the writer process holds the file's lock: from then on another crawl
        starting in this folder sees the file as live, not as an interrupted run's."""
        from pipelines.archive_writer import is_locked

        deadline = time.monotonic() + timeout
        while not is_locked(self.path):
            if self._process.poll() is not None or time.monotonic() > deadline:
                logger.warning("Archive writer for %s has not locked it yet", self.path)
                return
            time.sleep(0.005)

    def write(self, record: dict[str, Any]) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._exporter.export_item(record)
        self._stdin.write(self._buffer.getvalue())
        self._stdin.flush()
        self.count += 1

    def close(self, timeout: float = 120) -> None:
        """Close the pipe and wait until every line is on disk (fsynced)."""
        self._stdin.close()
        code = self._process.wait(timeout=timeout)
        if code != 0:
            raise RuntimeError(f"archive writer for {self.path} exited with {code}")


class JsonLinesArchivePipeline:
    """Writes every record to this run's archive file.

    Settings: ``ARCHIVE_DIR`` (default ``archive``), ``GOVARCHIVE_ARCHIVE_ENABLED`` (True).
    Stats: ``govarchive/archive/records``; the final path is logged and kept in the stat
    ``govarchive/archive/path``.
    """

    def __init__(self, crawler: Crawler, archive_dir: Path) -> None:
        self.crawler = crawler
        self.archive_dir = archive_dir
        self.writer: RecordWriter | None = None
        self.final_path: Path | None = None
        self.shared: Any = None  # crawler.distributed.Coordinator when distributed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_ARCHIVE_ENABLED", True):
            raise NotConfigured
        return cls(crawler, Path(settings.get("ARCHIVE_DIR", "archive")))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        name = spider.name if spider is not None else "crawl"
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        self.shared = self._coordinator()
        live = settle = None
        if self.shared is not None:
            live, settle = self.shared.run_is_live, self._reconcile_claims
        for recovered in recover_interrupted_runs(self.archive_dir, name, live, settle):
            logger.warning("Kept the records of an interrupted run as %s", recovered)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("govarchive/archive/recovered_runs")
            if self.shared is not None:
                self.shared.forget_run(recovered.name.replace(f"{INTERRUPTED}.jsonl", ".jsonl"))
            self._reconcile(recovered)
        started = datetime.now(UTC)
        worker = self.crawler.settings.get("GOVARCHIVE_WORKER_ID") or None
        for attempt in range(100):
            final = self.archive_dir / run_file_name(name, started, attempt, worker)
            part = final.with_name(final.name + PART_SUFFIX)
            if final.exists():
                continue
            if self.shared is not None:
                # Before the file exists: workers recovering killed runs in this folder must
                # see it as a live worker's.
                self.shared.register_run(final.name)
            try:
                self.writer = RecordWriter(part)
            except FileExistsError:
                continue
            self.final_path = final
            break
        else:  # pragma: no cover - a hundred runs in one second
            raise RuntimeError(f"cannot create a run file in {self.archive_dir}")
        logger.info("Archiving to %s", part)

    def _coordinator(self) -> Any:
        if not self.crawler.settings.get("REDIS_URL"):
            return None
        from crawler.distributed import coordinator

        return coordinator(self.crawler)

    def _reconcile_claims(self, path: Path) -> None:
        """Distributed: the claims of a killed run's records (``path``: its ``.part`` file,
        about to be renamed) say archived; lines of documents another worker archived since
        (it took the killed run's requests over) are dropped, so every document stays in the
        archive once."""
        if self.shared is None:
            return
        from crawler.urls import canonical_url

        lines = path.read_bytes().splitlines(keepends=True)
        keys = []
        for line in lines:
            try:
                record = json.loads(line) if line.strip() else {}
            except ValueError:
                record = {}
            url = record.get("url")
            keys.append(record.get("canonical_url") or (canonical_url(url, ()) if url else None))
        original = path.name.removesuffix(PART_SUFFIX)
        duplicates = self.shared.reconcile_run(original, [key for key in keys if key])
        if not duplicates:
            return
        kept = [line for line, key in zip(lines, keys, strict=True) if key not in duplicates]
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as handle:
            handle.writelines(kept)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        logger.warning(
            "Dropped %d records of %s another worker archived after this run was killed",
            len(lines) - len(kept),
            path,
        )
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(
                "govarchive/archive/recovered_duplicates", len(lines) - len(kept)
            )

    def _reconcile(self, path: Path) -> None:
        """The crawl-state store learns the interrupted run's records it missed (the run was
        killed between archiving them and committing them)."""
        state = crawl_state(self.crawler)
        if state is None:
            return
        with path.open(encoding="utf-8") as lines:
            added = reconcile(state, [json.loads(line) for line in lines if line.strip()])
        if added:
            logger.info("Crawl state: %d records of %s were not committed; added", added, path)

    def process_item(self, item: Any) -> Any:
        assert self.writer is not None, "open_spider() was not called"
        record = to_record(item)
        key = record.get("canonical_url")
        if self.shared is not None and key and not self.shared.confirm(key):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("govarchive/archive/claimed_elsewhere")
            raise DropItem(f"archived by another worker in this batch: {key}", log_level="INFO")
        self.writer.write(record)
        if self.shared is not None and key:
            self.shared.commit(key)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("govarchive/archive/records")
        return item

    def close_spider(self) -> None:
        if self.writer is None or self.final_path is None:
            return
        self.writer.close()
        os.replace(self.writer.path, self.final_path)
        if self.shared is not None:
            self.shared.finish_run(self.final_path.name)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("govarchive/archive/path", str(self.final_path))
        logger.info("Archived %d records to %s", self.writer.count, self.final_path)
