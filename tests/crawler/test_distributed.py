"""The Redis side of distributed crawling (crawler.distributed, crawler.state_redis) against a
real Redis server (tests.redis_server): the reliable queue, heartbeats and take-over, archive
claims and their reconciliation, the end of a batch, the shared crawl-state store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy import Spider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.distributed import (
    Coordinator,
    DistributedAddon,
    default_worker_id,
    safe_worker_id,
)
from crawler.state import DocumentState
from crawler.state_redis import RedisCrawlState
from pipelines.archive import JsonLinesArchivePipeline
from tests.redis_server import delete_prefix, redis_server, unique_prefix

SPIDER = "disclosure"
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = unique_prefix()
    yield name
    delete_prefix(redis_url, name)


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


class _Spider(Spider):
    name = SPIDER


def _coordinator(redis_url: str, prefix: str, worker: str, **settings: object) -> Coordinator:
    crawler = get_crawler(
        _Spider,
        {
            "REDIS_URL": redis_url,
            "GOVARCHIVE_REDIS_PREFIX": prefix,
            "GOVARCHIVE_WORKER_ID": worker,
            **settings,
        },
    )
    return Coordinator(crawler, SPIDER)


def _push(client: redis.Redis, prefix: str, member: bytes, priority: int = 0) -> None:
    client.zadd(f"{prefix}:{SPIDER}:requests", {member: -priority})


def _expire(client: redis.Redis, prefix: str, worker: str) -> None:
    """The worker's heartbeat runs out: its deadline is set in the past rather than waited
    for, so that a slow machine cannot let it expire before a test's earlier checks."""
    client.zadd(f"{prefix}:{SPIDER}:workers", {worker: 0})


def _queue(client: redis.Redis, prefix: str) -> list[tuple[bytes, float]]:
    return client.zrange(f"{prefix}:{SPIDER}:requests", 0, -1, withscores=True)


def test_the_addon_changes_nothing_without_redis_url() -> None:
    settings = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    DistributedAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert not settings.get("GOVARCHIVE_WORKER_ID")


def test_the_addon_switches_to_the_shared_frontier() -> None:
    settings = Settings({"REDIS_URL": "redis://127.0.0.1:1/0"})
    DistributedAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "crawler.frontier.ReliableScheduler"
    assert settings["DUPEFILTER_CLASS"] == "crawler.frontier.FingerprintDupeFilter"
    assert settings["SCHEDULER_QUEUE_CLASS"] == "crawler.frontier.ReliablePriorityQueue"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings["SCHEDULER_QUEUE_KEY"] == "govarchive:%(spider)s:requests"
    assert settings["GOVARCHIVE_WORKER_ID"] == default_worker_id()


def test_a_single_process_crawl_never_loads_the_redis_client() -> None:
    """The add-on is loaded by every crawl; the Redis client (half a second to import) only
    by distributed ones."""
    code = (
        "import sys; from scrapy.utils.project import get_project_settings; "
        "from scrapy.utils.misc import load_object; import crawler.incremental, pipelines.archive; "
        "settings = get_project_settings(); "
        "[load_object(path)().update_settings(settings) for path in settings.getdict('ADDONS')]; "
        "assert settings['SCHEDULER'] == 'scrapy.core.scheduler.Scheduler', settings['SCHEDULER']; "
        "assert 'redis' not in sys.modules and 'scrapy_redis' not in sys.modules"
    )
    env = {k: v for k, v in os.environ.items() if k != "GOVARCHIVE_REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_worker_ids_are_safe_in_file_names() -> None:
    assert safe_worker_id("host a/b:1") == "host-a-b-1"
    assert safe_worker_id("../") == "worker"


def test_the_engine_still_has_the_hook_the_reliable_queue_needs() -> None:
    """ReliableScheduler acknowledges a request when the engine slot removes it; a Scrapy
    upgrade that renames it must fail here, not lose requests."""
    from scrapy.core.engine import _Slot

    assert callable(_Slot.remove_request)
    assert hasattr(_Slot, "__init__")


def test_a_pop_moves_the_request_into_flight_until_acknowledged(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    worker = _coordinator(redis_url, prefix, "a")
    worker.join()
    _push(client, prefix, b"low", 0)
    _push(client, prefix, b"high", 10)
    field, data = worker.pop()
    assert data == b"high"  # the highest priority first
    assert field.endswith("|-10")
    assert client.hgetall(f"{prefix}:{SPIDER}:inflight:a") == {field.encode(): b"high"}
    assert worker.frontier() == (1, 1, 1)
    worker.ack(field)
    assert worker.frontier() == (1, 0, 1)


def test_a_restarted_worker_takes_its_own_requests_back(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    first = _coordinator(redis_url, prefix, "a")
    first.join()
    _push(client, prefix, b"page", 10)
    assert first.pop() is not None
    assert _queue(client, prefix) == []
    # Killed; the same worker id starts again.
    again = _coordinator(redis_url, prefix, "a")
    again.join()
    assert _queue(client, prefix) == [(b"page", -10.0)]
    assert again.batch == first.batch


def test_workers_take_over_a_dead_workers_requests_and_claims(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    dead = _coordinator(redis_url, prefix, "a")
    dead.join()
    _push(client, prefix, b"page")
    assert dead.pop() is not None
    assert dead.claim("http://x/doc.html")
    alive = _coordinator(redis_url, prefix, "b")
    alive.join()
    assert not alive.claim("http://x/doc.html")
    _expire(client, prefix, "a")
    alive.heartbeat()
    assert _queue(client, prefix) == [(b"page", 0.0)]
    assert client.zrange(f"{prefix}:{SPIDER}:workers", 0, -1) == [b"b"]
    assert alive.claim("http://x/doc.html")  # released with the dead worker


def test_a_document_is_claimed_once_and_archived_by_its_claimant(
    redis_url: str, prefix: str
) -> None:
    a = _coordinator(redis_url, prefix, "a")
    b = _coordinator(redis_url, prefix, "b")
    a.join()
    b.join()
    url = "http://x/doc.html"
    assert a.claim(url)
    assert not b.claim(url)
    assert not b.confirm(url)
    a.release(url)  # dropped (unchanged, invalid…): another worker may archive it
    assert b.claim(url)
    assert b.confirm(url)
    b.commit(url)
    assert not a.claim(url)
    assert not a.confirm(url)
    a.release(url)  # not a's: nothing happens
    assert not a.claim(url)


def test_a_recovered_run_file_settles_its_claims(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    a = _coordinator(redis_url, prefix, "a")
    a.join()
    a.register_run("disclosure-x-a.jsonl")
    kept, taken = "http://x/kept.html", "http://x/taken.html"
    # a wrote both records, then was killed before marking the claims archived.
    assert a.claim(kept)
    assert a.claim(taken)
    assert a.run_is_live("disclosure-x-a.jsonl") is False  # its own id: never "live"
    b = _coordinator(redis_url, prefix, "b")
    b.join()
    assert b.run_is_live("disclosure-x-a.jsonl")
    _expire(client, prefix, "a")
    b.heartbeat()  # a is taken over: its claims are released
    assert not b.run_is_live("disclosure-x-a.jsonl")
    assert b.claim(taken)
    b.commit(taken)  # b archived "taken" again
    duplicates = b.reconcile_run("disclosure-x-a.jsonl", [kept, taken])
    assert duplicates == {taken}  # a's line of it goes
    claims = client.hgetall(f"{prefix}:{SPIDER}:claims:{b.batch}")
    assert claims == {kept.encode(): b"d:a", taken.encode(): b"d:b"}
    # Settled again (a crash before the rename): the same answer.
    assert b.reconcile_run("disclosure-x-a.jsonl", [kept, taken]) == {taken}
    b.forget_run("disclosure-x-a.jsonl")
    assert b.reconcile_run("disclosure-x-a.jsonl", [kept]) == set()  # not a known run now


def test_the_last_worker_leaving_an_empty_frontier_ends_the_batch(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    a = _coordinator(redis_url, prefix, "a")
    b = _coordinator(redis_url, prefix, "b", GOVARCHIVE_REDIS_CLAIMS_TTL=60)
    a.join()
    b.join()
    a.claim("http://x/doc.html")
    a.commit("http://x/doc.html")
    client.sadd(f"{prefix}:{SPIDER}:dupefilter", "fp")
    assert a.leave() is False  # b is still there
    assert client.exists(f"{prefix}:{SPIDER}:dupefilter")
    assert b.leave() is True
    assert not client.exists(f"{prefix}:{SPIDER}:dupefilter")
    assert not client.exists(f"{prefix}:{SPIDER}:batch")
    assert 0 < client.ttl(f"{prefix}:{SPIDER}:claims:{a.batch}") <= 60
    c = _coordinator(redis_url, prefix, "c")
    c.join()
    assert c.batch != a.batch  # the next crawl is a new batch
    assert c.claim("http://x/doc.html")


def test_a_worker_leaving_early_returns_its_requests(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    a = _coordinator(redis_url, prefix, "a")
    a.join()
    _push(client, prefix, b"page", 5)
    assert a.pop() is not None
    assert a.leave() is False  # the frontier is not empty: the batch goes on
    assert _queue(client, prefix) == [(b"page", -5.0)]
    assert client.exists(f"{prefix}:{SPIDER}:batch")


def test_one_worker_rechecks_once_the_whole_frontier_is_empty(
    redis_url: str, prefix: str, client: redis.Redis
) -> None:
    a = _coordinator(redis_url, prefix, "a")
    b = _coordinator(redis_url, prefix, "b")
    a.join()
    b.join()
    _push(client, prefix, b"page")
    assert a.recheck_turn() == ("wait", None)
    field, _ = b.pop()
    assert a.recheck_turn() == ("wait", None)  # b still works on it
    b.ack(field)
    assert a.recheck_turn() == ("go", a.batch_started)
    assert b.recheck_turn() == ("skip", None)


def _row(url: str, seen: str, **values: object) -> DocumentState:
    return DocumentState(canonical_url=url, url=url, first_seen=seen, last_seen=seen, **values)


def test_the_shared_state_store_keeps_rows(redis_url: str, prefix: str) -> None:
    settings = Settings({"REDIS_URL": redis_url, "GOVARCHIVE_REDIS_PREFIX": prefix})
    state = RedisCrawlState.from_settings(settings, SPIDER)
    other = RedisCrawlState.from_settings(settings, SPIDER)  # another worker
    try:
        assert state.get("http://x/a.html") is None
        assert len(state) == 0
        state.put(_row("http://x/a.html", "2024-01-01T00:00:00.000001Z", etag='"v1"', version=2))
        state.put(_row("http://x/b.html", "2024-01-01T00:00:00.000002Z", title="标题"))
        state.put(_row("http://x/c.html", "2024-01-01T00:00:00Z", status="gone"))
        row = other.get("http://x/a.html")
        assert row is not None
        assert (row.etag, row.version, row.status) == ('"v1"', 2, "live")
        assert other.get("http://x/b.html").title == "标题"
        assert len(other) == 3
        other.touch("http://x/a.html", "2024-06-01T00:00:00.5Z", etag='"v2"', bogus=1)
        row = state.get("http://x/a.html")
        assert (row.last_seen, row.etag, row.version) == ("2024-06-01T00:00:00.5Z", '"v2"', 2)
        other.touch("http://x/missing.html", "2024-06-01T00:00:00Z")  # no row: nothing
        assert state.get("http://x/missing.html") is None
        stale = state.live_not_seen_since("2024-03-01T00:00:00Z")
        assert [r.canonical_url for r in stale] == ["http://x/b.html"]  # c is gone
        assert [r.canonical_url for r in state.live_not_seen_since("2025-01-01T00:00:00Z")] == [
            "http://x/a.html",
            "http://x/b.html",
        ]
        assert "redis://" in state.path
    finally:
        state.close()
        other.close()


def test_recovering_a_killed_workers_run_file_keeps_each_document_once(
    redis_url: str, prefix: str, client: redis.Redis, tmp_path: Path
) -> None:
    """Worker a wrote two records and was killed before marking their claims archived; b took
    a over and archived one of the two again. Worker c, starting in a's folder, recovers a's
    file: the claim of the other says a archived it, and a's copy of b's document goes."""
    kept, taken = "http://x/kept.html", "http://x/taken.html"
    a = _coordinator(redis_url, prefix, "a")
    a.join()
    name = f"{SPIDER}-20240101T000000Z-a.jsonl"
    a.register_run(name)
    assert a.claim(kept)
    assert a.claim(taken)
    lines = [json.dumps({"url": url, "canonical_url": url}) + "\n" for url in (kept, taken)]
    (tmp_path / f"{name}.part").write_text("".join(lines), encoding="utf-8")
    b = _coordinator(redis_url, prefix, "b")
    b.join()
    _expire(client, prefix, "a")
    b.heartbeat()
    assert b.claim(taken)
    b.commit(taken)

    crawler = get_crawler(
        _Spider,
        {
            "REDIS_URL": redis_url,
            "GOVARCHIVE_REDIS_PREFIX": prefix,
            "GOVARCHIVE_WORKER_ID": "c",
            "ARCHIVE_DIR": str(tmp_path),
            "GOVARCHIVE_INCREMENTAL_ENABLED": False,
        },
    )
    crawler.spider = _Spider()
    pipeline = JsonLinesArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    try:
        recovered = tmp_path / f"{SPIDER}-20240101T000000Z-a.interrupted.jsonl"
        assert recovered.read_text(encoding="utf-8") == lines[0]
        assert pipeline.final_path is not None
        assert pipeline.final_path.name.endswith("-c.jsonl")  # c's own file, named for c
        assert not b.claim(kept)  # a's record of it stands
    finally:
        pipeline.close_spider()
