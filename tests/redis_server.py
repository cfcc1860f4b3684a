"""A Redis server for the tests of distributed crawling (crawler.distributed).

``GOVARCHIVE_TEST_REDIS_URL`` names one (``.ci/run`` starts it); otherwise a private
``redis-server`` is started on a free loopback port, without persistence, if the binary is on
PATH; otherwise the tests skip, saying why. Every test keeps its keys apart with its own
``GOVARCHIVE_REDIS_PREFIX``, so one server serves them all.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ENV = "GOVARCHIVE_TEST_REDIS_URL"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ping(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis URL for the tests (see the module docstring); skips when none can be had."""
    url = os.environ.get(ENV)
    if url:
        if not _ping(url):
            pytest.fail(f"{ENV}={url} does not answer PING")
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            f"distributed crawling needs Redis: set {ENV} or put redis-server on PATH "
            "(Debian: apt-get install redis-server)"
        )
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="govarchive-redis-") as folder:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            deadline = time.monotonic() + 10
            while not _ping(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def unique_prefix() -> str:
    """A key prefix no other test uses."""
    return f"govarchive-test-{uuid.uuid4().hex[:12]}"


def delete_prefix(url: str, prefix: str) -> None:
    """Remove every key under ``prefix`` (a shared server stays clean)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    finally:
        client.close()
