"""Beyond one machine: N worker processes, on any number of machines, share one frontier in Redis.

Off by default. With the setting ``REDIS_URL`` (``redis://host:6379/0``) every spider (the
generic ``disclosure`` and each registry spider) runs as one worker of a shared crawl:

    GOVARCHIVE_REDIS_URL=redis://10.0.0.5:6379/0 scrapy crawl disclosure -a start_urls=URL

``DistributedAddon`` (registered in ``ADDONS``; an add-on runs after every other settings
source) switches the scheduler and the dupefilter to scrapy-redis' (a priority queue in a
sorted set, request fingerprints in a set) and keeps them after a worker closes
(``SCHEDULER_PERSIST``). Every worker may be given the start URLs: they go through the shared
dupefilter, so seeding twice crawls once. A worker exits by itself once the whole frontier
(queued and in-flight requests of every worker) has stayed empty for
``GOVARCHIVE_REDIS_IDLE_CLOSE`` seconds, so a batch crawl ends on its own.

Keys (``P`` = ``<GOVARCHIVE_REDIS_PREFIX>:<spider>``; one Redis server, no cluster):

    P:requests          ZSET  the frontier: serialized requests, score = -priority (scrapy-redis)
    P:dupefilter        SET   request fingerprints of this batch (scrapy-redis' dupefilter)
    P:workers           ZSET  registered workers, score = heartbeat deadline (Redis server time)
    P:inflight:<w>      HASH  requests worker w popped and has not finished: "<seq>|<score>" -> request
    P:seq               STR   counter naming in-flight entries
    P:batch             HASH  the running batch crawl: id, started (ISO time of its first worker)
    P:rechecked         STR   set once a worker has re-checked known documents in this batch
    P:claims:<batch>    HASH  canonical URL -> "p:<w>" (worker w is archiving it) or "d:<w>"
                              (archived by w): a document is archived once across all workers
    P:pending:<w>       SET   canonical URLs w holds "p:" claims on (released when w dies)
    P:runs              HASH  JSON Lines run file name -> "<batch>\\t<worker>" while it is written
    P:state, P:state:live     the shared crawl-state store (crawler.state_redis)

Reliable queue. scrapy-redis pops a request destructively; here a pop (one Lua script) moves
it from ``P:requests`` into the worker's ``P:inflight:<w>``, and the entry is deleted only once
the engine has finished with the request: its response or failure went through the spider,
every item it yielded through the pipelines (archived or dropped), and every request it
yielded is in the frontier (``crawler.frontier.ReliableScheduler`` wraps the engine slot's
``remove_request``, which Scrapy calls exactly then). Workers heartbeat into ``P:workers``
from a thread (a busy reactor is no dead worker). On start a worker puts its own previous
in-flight entries (same ``GOVARCHIVE_WORKER_ID``, e.g. after SIGKILL) back into the frontier,
and every heartbeat re-queues the entries of workers whose heartbeat expired
(``GOVARCHIVE_REDIS_HEARTBEAT_TIMEOUT``). Re-queued entries go straight into the sorted set,
past the dupefilter, which would drop them as seen.

Archived once. The dedupe stage claims a document's canonical URL ("p:<w>", HSETNX); the
archive confirms the claim is still this worker's right before it writes the record, and
marks it "d:<w>" right after. Claims of a dead worker are released with its in-flight
requests, so another worker archives those documents. A worker killed between writing a
record and marking its claim leaves a claim that says "pending" for a document its run file
holds: whoever recovers that run file (pipelines.archive, like the crawl-state reconcile)
marks those claims archived, or, when another worker archived the document meanwhile (the
dead worker was taken over), drops the duplicate line from the recovered file.

The batch ends when its last worker leaves with the frontier empty: the dupefilter and batch
keys are deleted and the claims expire later (``GOVARCHIVE_REDIS_CLAIMS_TTL``), so the next
batch crawls the site again, incrementally: the crawl-state store is in Redis as well
(crawler.state_redis), shared by all workers.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet.task import LoopingCall

if TYPE_CHECKING:
    from collections.abc import Iterable

    from redis import Redis
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

STATS = "govarchive/distributed"


def get_redis_from_settings(settings: BaseSettings) -> Redis:
    """A Redis client from ``REDIS_URL`` / ``REDIS_PARAMS`` (scrapy-redis' own factory). The
    client library is imported here, not with this module: a single-process crawl, which
    loads this add-on too, never pays for it."""
    from scrapy_redis.connection import get_redis_from_settings as factory

    return factory(settings)


def is_distributed(settings: BaseSettings) -> bool:
    """True when ``REDIS_URL`` is set: the crawl runs on the shared Redis frontier."""
    return bool(settings.get("REDIS_URL"))


def safe_worker_id(value: str) -> str:
    """A worker id usable in file names and Redis keys."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-.") or "worker"


def default_worker_id() -> str:
    return safe_worker_id(f"{socket.gethostname()}-{os.getpid()}")


def key_prefix(settings: BaseSettings, spider_name: str) -> str:
    return f"{settings.get('GOVARCHIVE_REDIS_PREFIX') or 'govarchive'}:{spider_name}"


class DistributedAddon:
    """With ``REDIS_URL`` set: scrapy-redis' scheduler, queue and dupefilter (crawler.frontier's
    ``ReliableScheduler``, ``ReliablePriorityQueue``, ``FingerprintDupeFilter``), a persistent
    frontier and a worker id. Without it: nothing changes (single process, no server)."""

    def update_settings(self, settings: Any) -> None:
        if not is_distributed(settings):
            return
        prefix = settings.get("GOVARCHIVE_REDIS_PREFIX") or "govarchive"
        settings.set("SCHEDULER", "crawler.frontier.ReliableScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "crawler.frontier.FingerprintDupeFilter", "addon")
        settings.set("SCHEDULER_QUEUE_CLASS", "crawler.frontier.ReliablePriorityQueue", "addon")
        settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:%(spider)s:requests", "addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:%(spider)s:dupefilter", "addon")
        # A closing worker must not flush the frontier the others still crawl.
        settings.set("SCHEDULER_PERSIST", True, "addon")
        settings.set("SCHEDULER_FLUSH_ON_START", False, "addon")
        # Never block the reactor in a pop: idle workers poll (GOVARCHIVE_REDIS_POLL).
        settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, "addon")
        worker = settings.get("GOVARCHIVE_WORKER_ID") or default_worker_id()
        settings.set("GOVARCHIVE_WORKER_ID", safe_worker_id(worker), "addon")


# --- Lua: every change of the frontier is one atomic script ----------------------------------

_PRELUDE = """
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function requeue(p, w)
  local inflight = p .. ':inflight:' .. w
  local entries = redis.call('HGETALL', inflight)
  for i = 1, #entries, 2 do
    local score = string.match(entries[i], '|(.*)$') or '0'
    redis.call('ZADD', p .. ':requests', score, entries[i + 1])
  end
  redis.call('DEL', inflight)
  return #entries / 2
end
local function release(p, batch, w)
  local pending = p .. ':pending:' .. w
  local claims = p .. ':claims:' .. batch
  local keys = redis.call('SMEMBERS', pending)
  for _, key in ipairs(keys) do
    if redis.call('HGET', claims, key) == 'p:' .. w then redis.call('HDEL', claims, key) end
  end
  redis.call('DEL', pending)
  return #keys
end
local function reap(p, batch, me, t)
  local dead = redis.call('ZRANGEBYSCORE', p .. ':workers', '-inf', '(' .. t)
  local moved = 0
  for _, w in ipairs(dead) do
    if w ~= me then
      moved = moved + requeue(p, w)
      release(p, batch, w)
      redis.call('ZREM', p .. ':workers', w)
    end
  end
  return {#dead, moved}
end
"""

# ARGV: prefix, worker, ttl, new batch id, new batch started → {batch id, started, requeued}
_JOIN = """
local p, me, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('ZADD', p .. ':workers', now() + ttl, me)
if redis.call('HSETNX', p .. ':batch', 'id', ARGV[4]) == 1 then
  redis.call('HSET', p .. ':batch', 'started', ARGV[5])
end
local batch = redis.call('HMGET', p .. ':batch', 'id', 'started')
local requeued = requeue(p, me)
local released = release(p, batch[1], me)
return {batch[1], batch[2], requeued, released}
"""

# ARGV: prefix, worker, ttl, batch → {dead workers, requests re-queued}
_HEARTBEAT = """
local p, me, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local t = now()
redis.call('ZADD', p .. ':workers', t + ttl, me)
return reap(p, ARGV[4], me, t)
"""

# ARGV: prefix, worker, ttl → {in-flight field, request} or nil
_POP = """
local p, me = ARGV[1], ARGV[2]
local item = redis.call('ZRANGE', p .. ':requests', 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', p .. ':requests', item[1])
if not redis.call('ZSCORE', p .. ':workers', me) then
  redis.call('ZADD', p .. ':workers', now() + tonumber(ARGV[3]), me)
end
local field = redis.call('INCR', p .. ':seq') .. '|' .. item[2]
redis.call('HSET', p .. ':inflight:' .. me, field, item[1])
return {field, item[1]}
"""

# ARGV: prefix → {queued, in flight, workers}
_FRONTIER = """
local p = ARGV[1]
local workers = redis.call('ZRANGE', p .. ':workers', 0, -1)
local inflight = 0
for _, w in ipairs(workers) do inflight = inflight + redis.call('HLEN', p .. ':inflight:' .. w) end
return {redis.call('ZCARD', p .. ':requests'), inflight, #workers}
"""

# ARGV: prefix, worker, batch, claims ttl → {requeued, batch ended (1/0)}
_LEAVE = """
local p, me, batch = ARGV[1], ARGV[2], ARGV[3]
local requeued = requeue(p, me)
release(p, batch, me)
redis.call('ZREM', p .. ':workers', me)
reap(p, batch, me, now())
if redis.call('ZCARD', p .. ':workers') == 0 and redis.call('ZCARD', p .. ':requests') == 0
   and redis.call('HGET', p .. ':batch', 'id') == batch then
  redis.call('DEL', p .. ':dupefilter', p .. ':batch', p .. ':seq', p .. ':rechecked')
  redis.call('EXPIRE', p .. ':claims:' .. batch, tonumber(ARGV[4]))
  return {requeued, 1}
end
return {requeued, 0}
"""

# ARGV: prefix, batch, worker, canonical URL → 1 claimed, 0 someone else's
_CLAIM = """
local p, batch, me, key = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HSETNX', p .. ':claims:' .. batch, key, 'p:' .. me) == 1 then
  redis.call('SADD', p .. ':pending:' .. me, key)
  return 1
end
return 0
"""

# Right before the record is written. 1: write it (the claim is, or is again, ours).
_CONFIRM = """
local p, batch, me, key = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local claims = p .. ':claims:' .. batch
local v = redis.call('HGET', claims, key)
if v and v ~= 'p:' .. me then return 0 end
if not v then
  redis.call('HSET', claims, key, 'p:' .. me)
  redis.call('SADD', p .. ':pending:' .. me, key)
end
return 1
"""

_COMMIT = """
local p, batch, me, key = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('HSET', p .. ':claims:' .. batch, key, 'd:' .. me)
redis.call('SREM', p .. ':pending:' .. me, key)
return 1
"""

_RELEASE = """
local p, batch, me, key = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local claims = p .. ':claims:' .. batch
if redis.call('HGET', claims, key) == 'p:' .. me then redis.call('HDEL', claims, key) end
redis.call('SREM', p .. ':pending:' .. me, key)
return 1
"""

# A recovered run file of worker W: ARGV prefix, batch, W, current (1/0), keys... →
# the keys another worker archived (the file's lines of them are duplicates).
_RECONCILE = """
local p, batch, w, current = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1'
local claims = p .. ':claims:' .. batch
local duplicates = {}
for i = 5, #ARGV do
  local key = ARGV[i]
  local v = redis.call('HGET', claims, key)
  if v and string.sub(v, 1, 2) == 'd:' and v ~= 'd:' .. w then
    table.insert(duplicates, key)
  elseif current then
    redis.call('HSET', claims, key, 'd:' .. w)
    redis.call('SREM', p .. ':pending:' .. w, key)
  end
end
return duplicates
"""

_SCRIPTS = {
    "join": _JOIN,
    "heartbeat": _HEARTBEAT,
    "pop": _POP,
    "frontier": _FRONTIER,
    "leave": _LEAVE,
    "claim": _CLAIM,
    "confirm": _CONFIRM,
    "commit": _COMMIT,
    "release": _RELEASE,
    "reconcile": _RECONCILE,
}


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class Coordinator:
    """One worker's view of the shared crawl: registration and heartbeat, the in-flight
    entries, the batch, the idle close and the archive claims (see the module docstring).

    One per crawler (``coordinator(crawler)``), made on first use.
    """

    def __init__(self, crawler: Crawler, spider_name: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server: Redis = get_redis_from_settings(settings)
        self.prefix = key_prefix(settings, spider_name)
        self.worker = settings.get("GOVARCHIVE_WORKER_ID") or default_worker_id()
        self.heartbeat_interval = settings.getfloat("GOVARCHIVE_REDIS_HEARTBEAT", 5.0)
        self.heartbeat_timeout = settings.getfloat("GOVARCHIVE_REDIS_HEARTBEAT_TIMEOUT", 30.0)
        self.idle_close = settings.getfloat("GOVARCHIVE_REDIS_IDLE_CLOSE", 30.0)
        self.poll_interval = settings.getfloat("GOVARCHIVE_REDIS_POLL", 0.5)
        self.claims_ttl = settings.getint("GOVARCHIVE_REDIS_CLAIMS_TTL", 7 * 24 * 3600)
        self._scripts = {name: self.server.register_script(_PRELUDE + body)
                         for name, body in _SCRIPTS.items()}  # fmt: skip
        self.batch: str | None = None
        self.batch_started: str | None = None
        self.idle_since: float | None = None
        self._loops: list[LoopingCall] = []
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._dead = self._taken_over = 0  # counted by the heartbeat thread
        self._joined = False
        self._left = False
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def _run(self, name: str, *args: Any) -> Any:
        return self._scripts[name](args=[self.prefix, *args])

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None and count:
            self.crawler.stats.inc_value(f"{STATS}/{key}", count)

    # --- membership ----------------------------------------------------------------------

    def join(self) -> None:
        """Register, join (or start) the batch, take back this worker id's previous in-flight
        requests and release its previous claims (a killed run of the same id)."""
        if self._joined:
            return
        from crawler.incremental import precise_now

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        new_batch = f"{stamp}-{secrets.token_hex(3)}"
        batch, started, requeued, released = self._run(
            "join", self.worker, self.heartbeat_timeout, new_batch, precise_now()
        )
        self.batch, self.batch_started = _text(batch), _text(started)
        self._joined = True
        self._left = False
        logger.info(
            "Worker %s joined batch %s of %s (%s)",
            self.worker,
            self.batch,
            self.prefix,
            "started it" if self.batch == new_batch else f"started {self.batch_started}",
        )
        if requeued:
            logger.warning(
                "Re-queued %d requests a previous run of worker %s had in flight",
                requeued,
                self.worker,
            )
            self._inc("requeued_own", int(requeued))
        if released:
            logger.info("Released %d claims of a previous run of %s", released, self.worker)

    def heartbeat(self, server: Redis | None = None) -> None:
        """Renew this worker's deadline; re-queue what workers past theirs had in flight."""
        try:
            dead, moved = self._scripts["heartbeat"](
                args=[self.prefix, self.worker, self.heartbeat_timeout, self.batch],
                client=server or self.server,
            )
        except Exception:
            logger.exception("Redis heartbeat failed")
            return
        if dead:
            logger.warning(
                "Took over %d in-flight requests of %d worker(s) whose heartbeat expired",
                moved,
                dead,
            )
            self._dead += int(dead)
            self._taken_over += int(moved)

    def _beat(self) -> None:
        """The heartbeat thread: a worker is alive while its process is, however long its
        reactor is busy (a large PDF read, a slow pipeline), so it has its own connection."""
        server = get_redis_from_settings(self.crawler.settings)
        try:
            while not self._stopping.wait(self.heartbeat_interval):
                self.heartbeat(server)
        finally:
            server.close()

    def start(self, engine: Any) -> None:
        """The heartbeat thread, and the poll loop: an idle worker asks the frontier again
        every ``GOVARCHIVE_REDIS_POLL`` seconds (Scrapy itself looks only every 5 s)."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._beat, name="govarchive-heartbeat", daemon=True)
        self._thread.start()
        slot = getattr(engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            poll = LoopingCall(nextcall.schedule)
            poll.start(self.poll_interval, now=False)
            self._loops.append(poll)

    def leave(self) -> bool:
        """Deregister; anything still in flight goes back to the frontier. True when this was
        the batch's last worker and the frontier is empty: the batch is over."""
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._loops = []
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self.heartbeat_interval + 5)
            self._thread = None
        self._inc("workers_expired", self._dead)
        self._inc("requeued_dead", self._taken_over)
        self._dead = self._taken_over = 0
        if not self._joined or self._left:
            return False
        self._left = True
        requeued, ended = self._run("leave", self.worker, self.batch, self.claims_ttl)
        if requeued:
            logger.warning("Put %d unfinished requests back into the frontier", requeued)
            self._inc("requeued_on_close", int(requeued))
        if ended:
            logger.info("Batch %s is over: the frontier is empty and no worker is left", self.batch)
        return bool(ended)

    # --- the frontier --------------------------------------------------------------------

    def pop(self) -> tuple[str, bytes] | None:
        found = self._run("pop", self.worker, self.heartbeat_timeout)
        if not found:
            return None
        self.idle_since = None
        return _text(found[0]), found[1]

    def ack(self, field: str) -> None:
        self.server.hdel(self.key("inflight", self.worker), field)

    def frontier(self) -> tuple[int, int, int]:
        """(requests queued, requests in flight on all workers, workers registered)."""
        queued, inflight, workers = self._run("frontier")
        return int(queued), int(inflight), int(workers)

    def spider_idle(self) -> None:
        """This worker has nothing to do: stay open while any worker has requests queued or
        in flight, and until the frontier has been empty for ``GOVARCHIVE_REDIS_IDLE_CLOSE``."""
        if not self._joined or self._left:
            return
        queued, inflight, _ = self.frontier()
        if queued or inflight:
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
            logger.info(
                "The shared frontier is empty; closing in %.0f s unless work comes in",
                self.idle_close,
            )
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider

    def recheck_turn(self) -> tuple[str, str | None]:
        """Whether this worker re-checks the known documents the batch did not meet now:
        ("wait", None) while the frontier is busy, ("skip", None) when another worker did,
        ("go", batch start) for the one worker that does."""
        if not self._joined:
            return "wait", None
        queued, inflight, _ = self.frontier()
        if queued or inflight:
            return "wait", None
        if not self.server.set(self.key("rechecked"), self.worker, nx=True):
            return "skip", None
        return "go", self.batch_started

    # --- archive claims -------------------------------------------------------------------

    def _claims_call(self, name: str, key: str) -> int:
        if not self._joined:
            self.join()
        return int(self._run(name, self.batch, self.worker, key))

    def claim(self, canonical: str) -> bool:
        """True if this worker now holds the document's claim; False: another worker is
        archiving it or has archived it in this batch."""
        return bool(self._claims_call("claim", canonical))

    def confirm(self, canonical: str) -> bool:
        """Right before writing the record: True if the claim is (still, or again) ours."""
        return bool(self._claims_call("confirm", canonical))

    def commit(self, canonical: str) -> None:
        """The record is archived."""
        self._claims_call("commit", canonical)

    def release(self, canonical: str) -> None:
        """The document was not archived after all (dropped, failed): free its claim."""
        self._claims_call("release", canonical)

    def register_run(self, file_name: str) -> None:
        if not self._joined:
            self.join()
        self.server.hset(self.key("runs"), file_name, f"{self.batch}\t{self.worker}")

    def run_is_live(self, file_name: str) -> bool:
        """True when the run file belongs to another worker whose heartbeat is current."""
        owner = self.server.hget(self.key("runs"), file_name)
        if owner is None:
            return False
        worker = _text(owner).split("\t", 1)[-1]
        if worker == self.worker:
            return False  # this worker id's previous (killed) run
        deadline = self.server.zscore(self.key("workers"), worker)
        if deadline is None:
            return False
        seconds, micros = self.server.time()
        return deadline > seconds + micros / 1e6

    def finish_run(self, file_name: str) -> None:
        self.forget_run(file_name)

    def reconcile_run(self, file_name: str, canonical_urls: Iterable[str]) -> set[str]:
        """A recovered (killed) run file: its records' claims say archived; returns the
        canonical URLs another worker archived too (the file's copies are duplicates)."""
        if not self._joined:
            self.join()
        owner = self.server.hget(self.key("runs"), file_name)
        if owner is None:
            return set()  # not a distributed run's file
        batch, worker = _text(owner).split("\t", 1)
        current = "1" if batch == self.batch else "0"
        urls = list(dict.fromkeys(canonical_urls))
        duplicates: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            found = self._scripts["reconcile"](args=[self.prefix, batch, worker, current, *chunk])
            duplicates.update(_text(key) for key in found)
        return duplicates

    def forget_run(self, file_name: str) -> None:
        """A recovered run file is settled: its entry goes."""
        self.server.hdel(self.key("runs"), file_name)

    def close(self) -> None:
        try:
            self.server.close()
        except Exception:  # pragma: no cover - closing a broken connection
            logger.debug("Closing the Redis connection failed", exc_info=True)


_COORDINATORS: WeakKeyDictionary[Any, Coordinator] = WeakKeyDictionary()


def coordinator(crawler: Crawler) -> Coordinator | None:
    """The crawler's coordinator (made on first use), or None when not distributed."""
    if not is_distributed(crawler.settings):
        return None
    found = _COORDINATORS.get(crawler)
    if found is None:
        spider = crawler.spider
        if spider is None:
            return None
        found = _COORDINATORS[crawler] = Coordinator(crawler, spider.name)
    return found


def recheck_turn(crawler: Crawler) -> tuple[str, str | None] | None:
    """None when not distributed; else ``Coordinator.recheck_turn``."""
    found = coordinator(crawler)
    return None if found is None else found.recheck_turn()


__all__ = [
    "Coordinator",
    "DistributedAddon",
    "coordinator",
    "is_distributed",
    "recheck_turn",
]
