"""CPU-bound work off the crawl's event loop: a process pool the pipelines await.

Extraction (trafilatura plus our own layers) costs tens of milliseconds of CPU per page. Run
on the reactor thread, it serialises the whole crawl on one core: while a page is being
extracted, no response is read and no request is sent. ``WorkerPool`` runs such functions in
worker processes (``concurrent.futures.ProcessPoolExecutor``; the forkserver start method
with the extraction modules preloaded, so a worker starts in milliseconds and never inherits
the reactor's threads) and lets a coroutine ``await`` the result on the asyncio loop.

Back-pressure: at most ``max_pending`` calls are in the pool at once; further callers wait
(an ``asyncio.Semaphore``), and Scrapy stops reading new responses while its scraper is full
(``SCRAPER_SLOT_MAX_ACTIVE_SIZE``), so a slow pool slows the downloads, never the memory.

Failures stay with the page that caused them: a call that outlives ``timeout`` or kills its
worker (a segfault in a C parser, the OOM killer) raises ``WorkerError`` for that call; the
pool is replaced and the calls that were merely caught in the breakage are retried once.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Imported by the forkserver before it forks workers.
PRELOAD = ["extraction.document", "extraction.files", "extraction.reports.report"]


class WorkerError(Exception):
    """A pool call that timed out or whose worker process died."""


def default_workers() -> int:
    """One worker per core: the reactor thread mostly waits on I/O."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class WorkerPool:
    """A lazily started process pool with timeouts, bounded pending calls and recovery."""

    def __init__(self, workers: int, *, timeout: float = 120.0, max_pending: int = 0) -> None:
        self.workers = workers
        self.timeout = timeout
        self.max_pending = max_pending or workers * 4
        self._pool: ProcessPoolExecutor | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self.restarts = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            if context.get_start_method() == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Throw away a broken (or stuck) pool; the next call starts a new one."""
        if self._pool is not broken:
            return  # another call replaced it already
        self._pool = None
        self.restarts += 1
        _kill(broken)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker process (see the module docstring)."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.max_pending)
        async with self._semaphore:
            for attempt in (1, 2):
                pool = self._executor()
                try:
                    future = pool.submit(function, *args)
                    return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
                except TimeoutError:
                    # The worker is busy with this call for good: only killing it frees it.
                    self._replace(pool)
                    raise WorkerError(
                        f"took longer than {self.timeout:g} s (worker stopped)"
                    ) from None
                except BrokenProcessPool as exc:
                    self._replace(pool)
                    if attempt == 2:
                        raise WorkerError(f"the worker process died: {exc}") from exc
                    logger.warning("A worker process died; retrying the call on a new pool")
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _kill(pool: ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor cannot cancel a running call; its processes are ended instead.
    processes = dict(getattr(pool, "_processes", None) or {})
    for process in processes.values():
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
