"""BackoffRetryMiddleware: the delay, the middleware with a fake sleep, and a real crawl."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.retry import BackoffRetryMiddleware, backoff_delay, parse_retry_after

PROJECT = Path(__file__).resolve().parents[2]


# The delay -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "low", "high"),
    [
        (1, 0.5, 1.5),
        (2, 1.0, 3.0),
        (3, 2.0, 6.0),
        (5, 8.0, 24.0),
        (6, 15.0, 45.0),
        (20, 15.0, 45.0),
    ],
)
def test_backoff_bounds(n: int, low: float, high: float) -> None:
    assert backoff_delay(n, 1.0, 30.0, uniform=lambda a, b: a) == pytest.approx(low)
    assert backoff_delay(n, 1.0, 30.0, uniform=lambda a, b: b) == pytest.approx(high)
    samples = [backoff_delay(n, 1.0, 30.0) for _ in range(200)]
    assert all(low <= s <= high for s in samples)
    assert len(set(samples)) > 1  # jittered


def test_backoff_base_and_max() -> None:
    middle = lambda a, b: 1.0
    assert backoff_delay(1, 0.2, 30.0, uniform=middle) == pytest.approx(0.2)
    assert backoff_delay(4, 0.2, 30.0, uniform=middle) == pytest.approx(1.6)
    assert backoff_delay(4, 0.2, 1.0, uniform=middle) == pytest.approx(1.0)
    assert backoff_delay(1, 0.0, 30.0, uniform=middle) == 0.0


def test_retry_after_is_a_floor_capped_at_the_max() -> None:
    low = lambda a, b: a
    assert backoff_delay(1, 1.0, 30.0, retry_after=10, uniform=low) == 10
    assert backoff_delay(1, 1.0, 30.0, retry_after=3600, uniform=low) == 30
    # A Retry-After shorter than the backoff does not shorten it.
    assert backoff_delay(3, 1.0, 30.0, retry_after=0, uniform=low) == 2.0


def test_parse_retry_after() -> None:
    assert parse_retry_after(b"5") == 5
    assert parse_retry_after(" 7 ") == 7
    assert parse_retry_after(b"-3") == 0
    assert parse_retry_after(None) is None
    assert parse_retry_after(b"") is None
    assert parse_retry_after(b"soon") is None
    now = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after(b"Sun, 01 Jun 2025 12:00:20 GMT", now=now) == 20
    assert parse_retry_after(b"Sun, 01 Jun 2025 11:00:00 GMT", now=now) == 0


# The middleware ------------------------------------------------------------------------------


def _middleware(**settings: Any) -> tuple[BackoffRetryMiddleware, list[float]]:
    crawler = get_crawler(Spider, settings_dict={"RETRY_TIMES": 2, **settings})
    crawler.spider = crawler._create_spider("test")
    crawler.stats.open_spider()
    mw = BackoffRetryMiddleware.from_crawler(crawler)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    mw.sleep = fake_sleep
    return mw, slept


def _response(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(request.url, status=status, headers=headers, request=request)


def test_retries_wait_longer_each_time_then_give_up() -> None:
    mw, slept = _middleware(GOVARCHIVE_RETRY_BACKOFF_BASE=1.0, GOVARCHIVE_RETRY_BACKOFF_MAX=30)
    request = Request("http://gov.test/a.html")
    first = asyncio.run(mw.process_response(request, _response(request, 500)))
    assert isinstance(first, Request)
    assert first.meta["retry_times"] == 1
    second = asyncio.run(mw.process_response(first, _response(first, 500)))
    assert isinstance(second, Request)
    final = asyncio.run(mw.process_response(second, _response(second, 500)))
    assert isinstance(final, Response)
    assert final.status == 500
    assert len(slept) == 2
    assert 0.5 <= slept[0] <= 1.5
    assert 1.0 <= slept[1] <= 3.0
    stats = mw.crawler.stats
    assert stats.get_value("govarchive/retry/retried") == 2
    assert stats.get_value("govarchive/retry/backoff_seconds") == pytest.approx(sum(slept), 0.01)
    assert stats.get_value("retry/max_reached") == 1


def test_retry_after_on_503_and_429() -> None:
    mw, slept = _middleware(GOVARCHIVE_RETRY_BACKOFF_BASE=0.1, GOVARCHIVE_RETRY_BACKOFF_MAX=30)
    for status in (503, 429):
        request = Request(f"http://gov.test/{status}.html")
        response = _response(request, status, {"Retry-After": "12"})
        assert isinstance(asyncio.run(mw.process_response(request, response)), Request)
    # Ignored on 500.
    request = Request("http://gov.test/500.html")
    response = _response(request, 500, {"Retry-After": "12"})
    assert isinstance(asyncio.run(mw.process_response(request, response)), Request)
    assert slept[:2] == [12, 12]
    assert slept[2] < 1


def test_ok_responses_and_dont_retry_pass_without_waiting() -> None:
    mw, slept = _middleware()
    request = Request("http://gov.test/a.html")
    ok = _response(request, 200)
    assert asyncio.run(mw.process_response(request, ok)) is ok
    no_retry = Request("http://gov.test/b.html", meta={"dont_retry": True})
    failed = _response(no_retry, 503)
    assert asyncio.run(mw.process_response(no_retry, failed)) is failed
    assert slept == []
    assert mw.crawler.stats.get_value("govarchive/retry/retried") is None


def test_exceptions_are_retried_with_backoff() -> None:
    mw, slept = _middleware(GOVARCHIVE_RETRY_BACKOFF_BASE=2.0)
    request = Request("http://gov.test/a.html")
    retry = asyncio.run(mw.process_exception(request, DownloadTimeoutError("slow")))
    assert isinstance(retry, Request)
    assert 1.0 <= slept[0] <= 3.0
    assert asyncio.run(mw.process_exception(request, ValueError("not a network error"))) is None
    assert len(slept) == 1


def test_backoff_base_zero_retries_at_once() -> None:
    mw, slept = _middleware(GOVARCHIVE_RETRY_BACKOFF_BASE=0)
    request = Request("http://gov.test/a.html")
    assert isinstance(asyncio.run(mw.process_response(request, _response(request, 502))), Request)
    assert slept == []
    assert mw.crawler.stats.get_value("govarchive/retry/retried") == 1


def test_project_settings_replace_the_stock_retry_middleware() -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    enabled = {
        load_object(path) if isinstance(path, str) else path: order
        for path, order in settings.getwithbase("DOWNLOADER_MIDDLEWARES").items()
        if order is not None
    }
    assert enabled[BackoffRetryMiddleware] == 550
    assert RetryMiddleware not in enabled
    assert settings.getfloat("GOVARCHIVE_RETRY_BACKOFF_BASE") == 1.0
    assert settings.getfloat("GOVARCHIVE_RETRY_BACKOFF_MAX") == 30.0


# A real crawl --------------------------------------------------------------------------------


def _page(body: str) -> str:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>{body}</body></html>'


_PARAGRAPH = "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，现将有关事项通知如下。"
_DOCUMENT = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="关于做好信息公开工作的通知"><meta name="PubDate" content="2024-01-05">
<title>关于做好信息公开工作的通知</title></head><body>
<table><tr><td>索引号：000014348/2024-00001</td><td>发布日期：2024-01-05</td></tr></table>
<h1>关于做好信息公开工作的通知</h1><div class="content"><p>{_PARAGRAPH}</p><p>{_PARAGRAPH}</p>
<p>{_PARAGRAPH}</p></div></body></html>"""


class _FlakySite:
    """/flaky/… answers 503 the first time, then 200; /broken/… always 500; /slow/… always 503
    with Retry-After: 1; /ok/… 200."""

    def __init__(self) -> None:
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        self.port = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site.lock:
                    site.hits[self.path].append(time.monotonic())
                    count = len(site.hits[self.path])
                if self.path == "/robots.txt":
                    status, body = 404, ""
                elif self.path == "/":
                    status = 200
                    body = _page(
                        '<ul><li><a href="/flaky/202401/t20240105_1.html">通知</a></li>'
                        '<li><a href="/broken/202401/t20240105_2.html">通知二</a></li>'
                        '<li><a href="/slow/202401/t20240105_3.html">通知三</a></li>'
                        + "".join(
                            f'<li><a href="/ok/202401/t20240106_{n}.html">其他{n}</a></li>'
                            for n in range(5)
                        )
                        + "</ul>"
                    )
                elif self.path.startswith("/flaky/"):
                    status, body = (503, "busy") if count == 1 else (200, _DOCUMENT)
                elif self.path.startswith("/broken/"):
                    status, body = 500, "error"
                elif self.path.startswith("/slow/"):
                    status, body = 503, "come back later"
                elif self.path.startswith("/ok/"):
                    status, body = 200, _DOCUMENT
                else:
                    status, body = 404, "missing"
                self.send_response(status)
                if self.path.startswith("/slow/"):
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body.encode("utf-8"))

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def flaky_site() -> Iterator[_FlakySite]:
    site = _FlakySite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _stats(log: str) -> dict[str, float]:
    dump = log[log.rfind("Dumping Scrapy stats") :]
    return {k: float(v) for k, v in re.findall(r"'([\w/.-]+)': ([\d.]+)[,}]", dump)}


@pytest.mark.e2e
def test_crawl_recovers_after_backoff_and_gives_up_on_500(
    flaky_site: _FlakySite, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls=http://127.0.0.1:{flaky_site.port}/",
        "-s", "ITEM_PIPELINES={}",
        "-s", "GOVARCHIVE_RETRY_BACKOFF_BASE=0.2",
        "-s", "GOVARCHIVE_RETRY_BACKOFF_MAX=1",
        "-s", "RETRY_TIMES=2",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        # One request at a time per host: a retry waiting its backoff must not hold the slot.
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
        "-O", str(out),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    base = f"http://127.0.0.1:{flaky_site.port}"
    assert sorted(item["url"] for item in items) == [
        f"{base}/flaky/202401/t20240105_1.html",
        *(f"{base}/ok/202401/t20240106_{n}.html" for n in range(5)),
    ]

    flaky = flaky_site.hits["/flaky/202401/t20240105_1.html"]
    assert len(flaky) == 2
    # First retry: 0.2 s * uniform(0.5, 1.5) >= 0.1 s.
    assert flaky[1] - flaky[0] >= 0.1
    broken = flaky_site.hits["/broken/202401/t20240105_2.html"]
    assert len(broken) == 3  # RETRY_TIMES + 1
    assert all(b - a >= 0.1 for a, b in itertools.pairwise(broken))

    # Retry-After: 1 (under GOVARCHIVE_RETRY_BACKOFF_MAX=1) is waited for, and while /slow/
    # waits the other pages are fetched: the sleep blocks neither the loop nor the host's slot.
    slow = flaky_site.hits["/slow/202401/t20240105_3.html"]
    assert len(slow) == 3
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(slow))
    ok = [flaky_site.hits[f"/ok/202401/t20240106_{n}.html"][0] for n in range(5)]
    assert max(ok) < slow[1]

    stats = _stats(result.stderr)
    assert stats["govarchive/fetch/failed/http_500"] == 1
    assert stats["govarchive/fetch/failed/http_503"] == 1
    assert stats["govarchive/fetch/failed"] == 2
    # One retry of /flaky/, two each of /broken/ and /slow/.
    assert stats["govarchive/retry/retried"] == 5
    assert stats["govarchive/retry/backoff_seconds"] >= 2.3
    assert stats["retry/max_reached"] == 2
