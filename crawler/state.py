"""The crawl-state store: what the archive already holds of each document, across runs.

One SQLite file per spider (``ARCHIVE_DIR/state/<spider>.sqlite``), one row per canonical
document URL: the validators a server gave (ETag, Last-Modified), digests of what was
archived (raw payload as captured, decoded body as in the record, extracted content), the
record's version, when the document was first and last seen, whether it is live or gone, and
where its capture is in the WARC files (for revisit records).

SQLite because it is in the standard library, one file, safe against a killed process (a
committed transaction survives SIGKILL), and fast enough for millions of rows. Every write is
its own transaction: a crawl killed at any point leaves the state of everything it archived.

A distributed crawl (crawler.distributed) keeps the same rows in Redis instead, shared by its
workers: crawler.state_redis.RedisCrawlState, the same interface (``StateStore``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    canonical_url TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'live',      -- live | gone
    version INTEGER NOT NULL DEFAULT 1,
    content_sha256 TEXT,                      -- the record's content_sha256 (decoded body)
    raw_sha256 TEXT,                          -- the payload as captured (still encoded)
    fields_sha256 TEXT,                       -- the extracted content (crawler.incremental)
    etag TEXT,
    last_modified TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    gone_since TEXT,
    title TEXT,
    warc_filename TEXT,
    warc_record_id TEXT,
    warc_payload_digest TEXT,
    warc_date TEXT,
    warc_url TEXT
)
"""


@dataclass
class DocumentState:
    """One row: the archive's knowledge of one document."""

    canonical_url: str
    url: str
    first_seen: str
    last_seen: str
    status: str = "live"
    version: int = 1
    content_sha256: str | None = None
    raw_sha256: str | None = None
    fields_sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    gone_since: str | None = None
    title: str | None = None
    warc_filename: str | None = None
    warc_record_id: str | None = None
    warc_payload_digest: str | None = None
    warc_date: str | None = None
    warc_url: str | None = None


_COLUMNS = [f.name for f in fields(DocumentState)]


class StateStore(Protocol):
    """What crawler.incremental needs of a store: ``CrawlState`` (SQLite, one process) or
    ``crawler.state_redis.RedisCrawlState`` (Redis, shared by distributed workers)."""

    path: Any

    def get(self, canonical_url: str) -> DocumentState | None: ...

    def put(self, state: DocumentState) -> None: ...

    def touch(self, canonical_url: str, seen: str, **changes: Any) -> None: ...

    def live_not_seen_since(self, since: str) -> list[DocumentState]: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


class CrawlState:
    """Read and write document rows (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection used from the reactor thread only; autocommit, one statement each.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    @classmethod
    def for_spider(cls, directory: Path, spider_name: str) -> CrawlState:
        return cls(directory / f"{spider_name}.sqlite")

    def get(self, canonical_url: str) -> DocumentState | None:
        row = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE canonical_url = ?",
            (canonical_url,),
        ).fetchone()
        return DocumentState(**dict(zip(_COLUMNS, row, strict=True))) if row else None

    def put(self, state: DocumentState) -> None:
        values = [getattr(state, name) for name in _COLUMNS]
        marks = ", ".join("?" for _ in _COLUMNS)
        self._db.execute(
            f"INSERT OR REPLACE INTO documents ({', '.join(_COLUMNS)}) VALUES ({marks})",
            values,
        )

    def touch(self, canonical_url: str, seen: str, **changes: Any) -> None:
        """Record that the document was seen (unchanged) at ``seen``."""
        assignments = ["last_seen = ?"] + [f"{name} = ?" for name in changes if name in _COLUMNS]
        values = [seen] + [v for k, v in changes.items() if k in _COLUMNS]
        self._db.execute(
            f"UPDATE documents SET {', '.join(assignments)} WHERE canonical_url = ?",
            [*values, canonical_url],
        )

    def live_not_seen_since(self, since: str) -> list[DocumentState]:
        """Live documents whose last sighting is older than ``since`` (not met in this run)."""
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM documents "
            "WHERE status = 'live' AND last_seen < ? ORDER BY canonical_url",
            (since,),
        ).fetchall()
        return [DocumentState(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def close(self) -> None:
        self._db.close()
