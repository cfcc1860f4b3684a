"""The crawl-state store in Redis: what crawler.state keeps in SQLite, shared by every worker of
a distributed crawl (crawler.distributed), so a re-crawl stays incremental whichever worker
meets a document.

Keys (``P`` = ``<GOVARCHIVE_REDIS_PREFIX>:<spider>``):

    P:state       HASH  canonical URL -> the row (crawler.state.DocumentState) as JSON
    P:state:live  ZSET  canonical URLs of live documents, score = last_seen (Unix seconds)

Every write is one atomic command or script, so two workers touching one document never
leave a half-updated row, and a killed worker leaves every row it wrote.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.state import _COLUMNS, DocumentState

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.settings import BaseSettings

# ARGV: canonical URL, changes (JSON object), live score or '' → 1 if the row exists
_TOUCH = """
local row = redis.call('HGET', KEYS[1], ARGV[1])
if not row then return 0 end
local doc = cjson.decode(row)
for name, value in pairs(cjson.decode(ARGV[2])) do doc[name] = value end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(doc))
if doc['status'] == 'live' and ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return 1
"""


def _score(stamp: str | None) -> float | None:
    """Unix seconds of an ISO time (``…Z``), or None when it does not parse."""
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return None


def _row(data: bytes | str) -> DocumentState:
    values = json.loads(data)
    return DocumentState(**{name: values.get(name) for name in _COLUMNS if name in values})


class RedisCrawlState:
    """The ``crawler.state.CrawlState`` interface (get, put, touch, live_not_seen_since,
    len, close) on a Redis hash and a sorted set of live documents."""

    def __init__(self, server: Redis, prefix: str, *, owns_connection: bool = True) -> None:
        self.server = server
        self.key = f"{prefix}:state"
        self.live_key = f"{prefix}:state:live"
        kwargs = server.connection_pool.connection_kwargs
        where = kwargs.get("path") or f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
        self.path = f"redis://{where}/{kwargs.get('db', 0)} {self.key}"
        self._touch = server.register_script(_TOUCH)
        self._owns_connection = owns_connection

    @classmethod
    def from_settings(cls, settings: BaseSettings, spider_name: str) -> RedisCrawlState:
        from crawler.distributed import get_redis_from_settings, key_prefix

        return cls(get_redis_from_settings(settings), key_prefix(settings, spider_name))

    def get(self, canonical_url: str) -> DocumentState | None:
        data = self.server.hget(self.key, canonical_url)
        return _row(data) if data is not None else None

    def put(self, state: DocumentState) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.hset(self.key, state.canonical_url, json.dumps(asdict(state), ensure_ascii=False))
        score = _score(state.last_seen)
        if state.status == "live" and score is not None:
            pipe.zadd(self.live_key, {state.canonical_url: score})
        else:
            pipe.zrem(self.live_key, state.canonical_url)
        pipe.execute()

    def touch(self, canonical_url: str, seen: str, **changes: Any) -> None:
        """Record that the document was seen (unchanged) at ``seen``."""
        values = {name: value for name, value in changes.items() if name in _COLUMNS}
        values["last_seen"] = seen
        score = _score(seen)
        self._touch(
            keys=[self.key, self.live_key],
            args=[canonical_url, json.dumps(values, ensure_ascii=False), "" if score is None
                  else repr(score)],
        )  # fmt: skip

    def live_not_seen_since(self, since: str) -> list[DocumentState]:
        """Live documents whose last sighting is older than ``since`` (not met in this run)."""
        bound = _score(since)
        # The scores narrow the search (a second of slack for float rounding); the ISO
        # strings decide, as in SQLite.
        if bound is None:
            keys = self.server.zrange(self.live_key, 0, -1)
        else:
            keys = self.server.zrangebyscore(self.live_key, "-inf", bound + 1)
        rows: list[DocumentState] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for data in self.server.hmget(self.key, chunk):
                if data is None:
                    continue
                row = _row(data)
                if row.status == "live" and row.last_seen < since:
                    rows.append(row)
        return sorted(rows, key=lambda row: row.canonical_url)

    def __len__(self) -> int:
        return int(self.server.hlen(self.key))

    def close(self) -> None:
        if self._owns_connection:
            self.server.close()
