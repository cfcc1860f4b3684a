"""The extraction worker pool (crawler.workers): results, timeouts, dying workers."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from crawler.offline import run_now
from crawler.workers import WorkerError, WorkerPool
from pipelines.extract import ExtractPipeline
from tests.pipelines.helpers import item, make_pipeline

PAGE = """<html><head><meta name="ArticleTitle" content="关于开展安全检查的通知"></head><body>
<div class="crumbs">当前位置：首页 &gt; 通知公告</div><h1>关于开展安全检查的通知</h1>
<div class="content"><p>为切实做好春季安全生产工作，防范各类事故发生，现就开展安全检查有关事项通知如下，
请各单位认真组织实施，确保检查取得实效。</p></div><div>打印本页 关闭窗口</div></body></html>"""


def square(n: int) -> int:
    return n * n


def sleep_then(n: int) -> int:
    time.sleep(n)
    return n


def die(pid_file: str) -> None:
    # The first call dies (as a segfault would); the retry on the new pool finds the file.
    if not os.path.exists(pid_file):
        with open(pid_file, "w") as handle:
            handle.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)


def die_always() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def _gather(pool: WorkerPool, *calls: tuple) -> list:
    try:
        return await asyncio.gather(*(pool.run(*call) for call in calls), return_exceptions=True)
    finally:
        pool.close()


def test_results_come_back_in_order() -> None:
    pool = WorkerPool(2, max_pending=3)
    assert asyncio.run(_gather(pool, *[(square, n) for n in range(10)])) == [
        n * n for n in range(10)
    ]


def test_a_call_that_hangs_fails_alone_and_the_pool_recovers() -> None:
    pool = WorkerPool(1, timeout=1)

    async def scenario() -> list:
        try:
            first = await asyncio.gather(pool.run(sleep_then, 30), return_exceptions=True)
            after = await pool.run(square, 7)  # a fresh worker answers
            return [*first, after]
        finally:
            pool.close()

    started = time.monotonic()
    hung, after = asyncio.run(scenario())
    assert isinstance(hung, WorkerError)
    assert "took longer than 1 s" in str(hung)
    assert after == 49
    assert time.monotonic() - started < 20
    assert pool.restarts == 1


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_dying_worker_is_replaced_and_the_call_retried(tmp_path) -> None:
    pool = WorkerPool(1)
    marker = str(tmp_path / "died")
    assert asyncio.run(_gather(pool, (die, marker))) == [None]
    assert os.path.exists(marker)
    assert pool.restarts == 1
    again = WorkerPool(1)
    (failure,) = asyncio.run(_gather(again, (die_always,)))
    assert isinstance(failure, WorkerError)
    assert "died" in str(failure)


def test_extract_pipeline_in_worker_processes_matches_in_process() -> None:
    pooled = make_pipeline(ExtractPipeline, GOVARCHIVE_EXTRACT_WORKERS=1)
    local = make_pipeline(ExtractPipeline, GOVARCHIVE_EXTRACT_WORKERS=0)
    assert local.pool is None
    try:
        remote = asyncio.run(pooled.process_item(item(html=PAGE)))
    finally:
        pooled.close_spider()
    here = run_now(local.process_item(item(html=PAGE)))
    assert remote == here
    assert remote.title == "关于开展安全检查的通知"
    assert "打印本页" not in remote.text
