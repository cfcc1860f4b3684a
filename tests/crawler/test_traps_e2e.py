"""End to end: a loopback site full of crawler traps, crawled in a subprocess.

The depth limit is set far out of reach (DEPTH_LIMIT=50): the traps must be stopped by
TrapMiddleware, while every document is still yielded.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
CALENDAR_LIMIT = 4
TEMPLATE_LIMIT = 10

_PARAGRAPH = "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，现将有关事项通知如下。"

# Documents: TRS and Hanweb detail pages whose URLs carry dates (and, for Hanweb, ids small
# enough to read as days). More of each than the calendar limit.
TRS_DOCS = [f"/xxgk/tzgg/2024{m:02d}/t2024{m:02d}{m + 2:02d}_{m}.html" for m in range(1, 7)]
HANWEB_DOCS = [f"/art/2024/1/{d}/art_12_{d}.html" for d in range(1, 7)]
DOCUMENTS = TRS_DOCS + HANWEB_DOCS
SESSION_VARIANT = TRS_DOCS[0] + ";jsessionid=ABC123"


def _column(title: str, links: list[tuple[str, str]]) -> str:
    """A column/navigation page (gov column meta, no article meta): its links are followed."""
    items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府"><meta name="ColumnName" content="{title}">
<title>{title}</title></head><body><h2>{title}</h2><ul class="list">{items}</ul>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div></body></html>"""


def _detail(title: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-01-05">
<meta name="ColumnName" content="通知公告"><title>{title}</title></head><body>
<table><tr><td>索引号：000014348/2024-00001</td><td>发布日期：2024-01-05</td></tr></table>
<h1>{title}</h1><div class="content"><p>{_PARAGRAPH}</p><p>{_PARAGRAPH}</p>
<p>{_PARAGRAPH}</p></div>
<div class="related"><a href="/">首页</a></div></body></html>"""


def _month(year: int, month: int) -> tuple[int, int]:
    year, index = divmod(year * 12 + month - 1, 12)
    return year, index + 1


def _page(path: str) -> str | None:
    """The page at a path (None: 404). Calendars, tags and /a/ chains never end."""
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if parts.path == "/":
        return _column(
            "政府信息公开",
            [
                ("/xxgk/", "通知公告"),
                ("/cal/?y=2024&m=1", "活动日历"),
                ("/a/", "专题"),
                ("/tag/0/", "标签"),
                ("/search.jsp?searchword=%E6%94%BF%E5%BA%9C", "站内搜索"),
            ],
        )
    if parts.path == "/xxgk/":
        links = [(doc, f"关于做好信息公开工作的第{n}号通知") for n, doc in enumerate(DOCUMENTS)]
        links.append((SESSION_VARIANT, "关于做好信息公开工作的第0号通知（会话）"))
        links.append(("/search.jsp?searchword=%E9%80%9A%E7%9F%A5", "搜索"))
        return _column("通知公告", links)
    if parts.path in DOCUMENTS:
        return _detail(f"关于做好信息公开工作的通知{DOCUMENTS.index(parts.path)}")
    if parts.path == "/cal/" and {"y", "m"} <= query.keys():
        year, month = int(query["y"]), int(query["m"])
        before, after = _month(year, month - 1), _month(year, month + 1)
        return _column(
            f"活动日历 {year}年{month}月",
            [
                (f"/cal/?y={before[0]}&m={before[1]}", "上一月"),
                (f"/cal/?y={after[0]}&m={after[1]}", "下一月"),
                (f"/cal/day?y={year}&m={month}&d=1", f"{month}月1日活动"),
            ],
        )
    if parts.path == "/cal/day":
        return _column("当日活动", [(f"/cal/?y={query['y']}&m={query['m']}", "返回本月")])
    if re.fullmatch(r"(?:/a)+/", parts.path):
        return _column("专题", [("a/", "子专题")])
    if match := re.fullmatch(r"/tag/(\d+)/", parts.path):
        n = int(match.group(1))
        return _column("标签", [(f"/tag/{n + 1}/", "下一个标签"), (f"/tag/{n + 2}/", "再下一个")])
    if parts.path.startswith("/search"):
        return _column("搜索结果", [(f"/search.jsp?searchword=x&p={n}", str(n)) for n in range(5)])
    return None


class _Site:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.port = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                # A Java server ignores the ;jsessionid path parameter.
                path = re.sub(r";jsessionid=[^?/]*", "", self.path)
                body = None if path == "/robots.txt" else _page(path)
                self.send_response(404 if body is None else 200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "<html><body>404</body></html>").encode("utf-8"))

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def site() -> Iterator[_Site]:
    site = _Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _stats(log: str) -> dict[str, int]:
    dump = log[log.rfind("Dumping Scrapy stats") :]
    return {key: int(value) for key, value in re.findall(r"'([\w/.-]+)': (\d+)[,}]", dump)}


@pytest.fixture(scope="module")
def crawl(site: _Site, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict]:
    out = tmp_path_factory.mktemp("traps") / "out.jsonl"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls=http://127.0.0.1:{site.port}/",
        "-s", "ITEM_PIPELINES={}",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        # Far out of reach: the traps must be stopped by detection, not by depth.
        "-s", "DEPTH_LIMIT=50",
        # A safety net so that a broken detector fails the test instead of hanging it.
        "-s", "CLOSESPIDER_PAGECOUNT=400",
        "-s", f"GOVARCHIVE_TRAP_CALENDAR_LIMIT={CALENDAR_LIMIT}",
        "-s", f"GOVARCHIVE_TRAP_TEMPLATE_LIMIT={TEMPLATE_LIMIT}",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
        "-O", str(out),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    return items, _stats(result.stderr)


def test_every_document_is_yielded_once(site: _Site, crawl) -> None:
    items, stats = crawl
    base = f"http://127.0.0.1:{site.port}"
    urls = [item["url"] for item in items]
    assert sorted(urls) == sorted(base + doc for doc in DOCUMENTS)
    assert stats["govarchive/pages/document"] == len(DOCUMENTS)
    # Dated document URLs are no calendar: each was requested exactly once.
    for doc in DOCUMENTS:
        assert site.requests.count(doc) == 1, doc


def test_calendar_is_cut_by_its_limit_not_by_depth(site: _Site, crawl) -> None:
    _, stats = crawl
    months = [p for p in site.requests if p.startswith("/cal/?")]
    days = [p for p in site.requests if p.startswith("/cal/day")]
    assert 2 <= len(months) <= CALENDAR_LIMIT + 1
    assert 1 <= len(days) <= CALENDAR_LIMIT + 1
    assert stats["govarchive/traps/calendar"] >= 1
    assert stats.get("depth/request_ignored_count", 0) == 0
    assert stats.get("closespider_pagecount", 0) == 0
    assert stats["request_depth_max"] < 20


def test_search_session_ids_growing_urls_and_template_cap(site: _Site, crawl) -> None:
    _, stats = crawl
    assert not any("search" in p for p in site.requests)
    assert stats["govarchive/traps/search"] >= 2
    # The session-id variant was rewritten to the plain URL: one fetch in all.
    assert not any("jsessionid" in p for p in site.requests)
    assert stats["govarchive/traps/session_id"] == 1
    # /a/ and /a/a/ are fetched; /a/a/a/ is a growing URL.
    assert [p for p in site.requests if p.startswith("/a/")] == ["/a/", "/a/a/"]
    assert stats["govarchive/traps/growing_url"] == 1
    # Tag pages that keep linking more tag pages stop at the template limit.
    tags = [p for p in site.requests if p.startswith("/tag/")]
    assert TEMPLATE_LIMIT - 1 <= len(tags) <= TEMPLATE_LIMIT
    assert stats["govarchive/traps/template_cap"] >= 1
