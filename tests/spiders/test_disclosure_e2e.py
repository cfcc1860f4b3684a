"""End to end: `scrapy crawl disclosure` against a small loopback directory, in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from crawler.items import DisclosureDocument

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]


def _list_page(column: str, rows: list[tuple[str, str, str]], pager: str) -> str:
    """A column page: gov column meta, title+date rows, a pager."""
    items = "\n".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>'
        for href, title, date in rows
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府"><meta name="ColumnName" content="{column}">
<title>{column} - 示例市人民政府</title><link rel="stylesheet" href="/css/main.css"></head>
<body><div class="nav"><a href="/">首页</a> <a href="/xxgk/tzgg/">通知公告</a>
<a href="/xxgk/gzdt/list.html">工作动态</a></div>
<h2>{column}</h2><ul class="list">{items}</ul>
<div class="page">{pager}</div>
<div class="footer">主办：示例市人民政府办公室 <a href="mailto:web@example.gov.cn">联系我们</a></div>
</body></html>"""


def _trs_pager(count: int, current: int) -> str:
    return f'<script type="text/javascript">createPageHTML({count}, {current}, "index", "html");</script>'


def _detail(title: str, *, gov_meta: bool, related: str = "") -> str:
    """A document page; with or without the gov article meta tags."""
    meta = (
        f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-01-05">'
        if gov_meta
        else ""
    )
    paragraph = "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，现将有关事项通知如下。"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">{meta}
<meta name="ColumnName" content="通知公告"><title>{title}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/tzgg/">通知公告</a></div>
<table class="meta"><tr><td>索引号：000014348/2024-00001</td><td>发布机构：示例市人民政府办公室</td></tr>
<tr><td>文号：示政办〔2024〕1号</td><td>发布日期：2024-01-05</td></tr></table>
<h1>{title}</h1><div class="content">
<p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p>
<p>附件：<a href="/files/notice.pdf">实施方案.pdf</a></p></div>
<div class="related">相关链接：{related}</div>
<div class="tools"><a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></div>
</body></html>"""


def _site(port: int, offsite_port: int) -> tuple[dict[str, str], dict[str, str]]:
    """The pages of the loopback directory by path, and each document's list page path."""
    trs_rows = {
        page: [
            (
                f"./2024{page + 1:02d}/t2024{page + 1:02d}05_{page}{i}.html",
                f"通知公告第{page}页第{i}条",
                f"2024-0{page + 1}-05",
            )
            for i in range(2)
        ]
        for page in range(3)
    }
    site = {
        "/robots.txt": "User-agent: *\nDisallow: /private/\n",
        "/": f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府"><meta name="ColumnName" content="政府信息公开">
<title>政府信息公开 - 示例市人民政府</title><link rel="stylesheet" href="/css/main.css">
<script src="/js/jquery.js"></script></head><body>
<ul class="menu"><li><a href="/xxgk/tzgg/">通知公告</a></li><li><a href="/xxgk/gzdt/list.html">工作动态</a></li>
<li><a href="/private/secret.html">内部资料</a></li><li><a href="/xxgk/missing.html">已删除栏目</a></li>
<li><a href="http://127.0.0.1:{offsite_port}/elsewhere.html">上级政府</a></li>
<li><a href="http://localhost:{port}/xxgk/tzgg/">同站异名</a></li>
<li><a href="/files/guide.pdf">政府信息公开指南.pdf</a></li>
<li><a href="#top">返回顶部</a></li><li><a href="javascript:void(0)">搜索</a></li>
<li><a href="{{{{el.url}}}}">{{{{el.title}}}}</a></li></ul>
<img src="/images/banner.jpg"></body></html>""",
        "/xxgk/tzgg/": _list_page("通知公告", trs_rows[0], _trs_pager(3, 0)),
        "/xxgk/tzgg/index_1.html": _list_page("通知公告", trs_rows[1], _trs_pager(3, 1)),
        "/xxgk/tzgg/index_2.html": _list_page("通知公告", trs_rows[2], _trs_pager(3, 2)),
        "/private/secret.html": _detail("内部资料", gov_meta=True),
    }
    documents: dict[str, str] = {}
    for page, rows in trs_rows.items():
        for href, title, _ in rows:
            related = (
                '<a href="/xxgk/tzgg/202312/t20231201_999.html">往期通知</a>' if page == 0 else ""
            )
            site["/xxgk/tzgg/" + href[2:]] = _detail(title, gov_meta=True, related=related)
            documents["/xxgk/tzgg/" + href[2:]] = "/xxgk/tzgg/" + (
                f"index_{page}.html" if page else ""
            )
    # 工作动态: a 下一页 chain of three pages; detail pages carry no gov meta.
    names = ["list.html", "list_2.html", "list_3.html"]
    for n, name in enumerate(names):
        rows = [(f"content_{n}{i}.html", f"工作动态第{n}页第{i}条", "2024-02-01") for i in range(2)]
        pager = "<span>共3页</span>"
        if n + 1 < len(names):
            pager += f' <a href="{names[n + 1]}">下一页</a>'
        site[f"/xxgk/gzdt/{name}"] = _list_page("工作动态", rows, pager)
        for href, title, _ in rows:
            site[f"/xxgk/gzdt/{href}"] = _detail(title, gov_meta=False)
            documents[f"/xxgk/gzdt/{href}"] = f"/xxgk/gzdt/{name}"
    return site, documents


@dataclass(frozen=True)
class PostRequest:
    """A POST the loopback server received: path, query and form fields, headers."""

    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


# (request) -> (status, content type, body) for POSTs; None answers 404.
PostHandler = Callable[[PostRequest], tuple[int, str, str] | None]


@dataclass
class LoopbackSite:
    """A running loopback server: its pages and what was asked of it."""

    pages: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)  # document path -> list page path
    requests: list[tuple[str, str]] = field(default_factory=list)  # (Host header, path)
    port: int = 0
    post_handler: PostHandler | None = None
    posts: list[PostRequest] = field(default_factory=list)
    # Paths answered with this status instead of their page (e.g. 404 for a lost part).
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _serve(site: LoopbackSite) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            site.requests.append((self.headers.get("Host", ""), self.path))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            parts = urlsplit(self.path)
            post = PostRequest(
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                form=dict(parse_qsl(body, keep_blank_values=True)),
                headers={key.lower(): value for key, value in self.headers.items()},
            )
            site.posts.append(post)
            answer = site.post_handler(post) if site.post_handler else None
            status, kind, text = answer or (404, "text/html; charset=utf-8", "404")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(text.encode("utf-8"))

        def do_GET(self) -> None:
            site.requests.append((self.headers.get("Host", ""), self.path))
            body = site.pages.get(self.path)
            if body is None or self.path in site.statuses:
                self.send_response(site.statuses.get(self.path, 404))
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write("<html><body>404 页面不存在</body></html>".encode())
                return
            self.send_response(200)
            kind = "text/plain" if self.path.endswith(".txt") else "text/html"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode("utf-8"))

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def stop_servers(servers: list[tuple[ThreadingHTTPServer, threading.Thread]]) -> None:
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[LoopbackSite, LoopbackSite]]:
    """The directory site and an off-site host beside it."""
    main, offsite = LoopbackSite(), LoopbackSite()
    servers = [_serve(main), _serve(offsite)]
    offsite.pages = {"/elsewhere.html": "<html><body>elsewhere</body></html>"}
    main.pages, main.documents = _site(main.port, offsite.port)
    yield main, offsite
    stop_servers(servers)


def _stats(log: str) -> dict[str, int]:
    """The integer govarchive/… and other counters of the final stats dump."""
    dump = log[log.rfind("Dumping Scrapy stats") :]
    return {key: int(value) for key, value in re.findall(r"'([\w/.-]+)': (\d+)[,}]", dump)}


def run_crawl(
    start_url: str, out_dir: Path, *settings: str, depth_limit: int = 2
) -> tuple[list[dict], dict[str, int], str]:
    """`scrapy crawl disclosure` from one start URL in a subprocess, without pipelines: its
    items (internal fields included), its final stats and its log."""
    out = out_dir / "out.jsonl"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={start_url}",
        "-s", "ITEM_PIPELINES={}",
        "-s", "AUTOTHROTTLE_START_DELAY=0.01",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", f"DEPTH_LIMIT={depth_limit}",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
        # The feed of a crawl holds the record's fields only; these tests look at the
        # working ones too (bytes excepted: not JSON).
        "-s", "FEED_EXPORT_FIELDS=" + ",".join(
            f.name for f in fields(DisclosureDocument) if f.name != "file_body"
        ),
        *[arg for setting in settings for arg in ("-s", setting)],
        "-O", str(out),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    return items, _stats(result.stderr), result.stderr


@pytest.fixture(scope="module")
def crawl(
    sites: tuple[LoopbackSite, LoopbackSite], tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict], dict[str, int]]:
    """Run the spider over the loopback directory once; its items and its final stats."""
    main, _ = sites
    # Column pages sit at depth 1 and documents at 2: pagination must not add levels.
    items, stats, _ = run_crawl(f"{main.base}/", tmp_path_factory.mktemp("crawl"))
    return items, stats


def test_every_document_yielded_once_with_its_list_page(sites, crawl) -> None:
    main, _ = sites
    items, _ = crawl
    urls = [item["url"] for item in items]
    assert sorted(urls) == sorted(main.base + path for path in main.documents)
    assert len(urls) == len(set(urls)) == 12
    # source_url is the list page each document was linked from.
    for item in items:
        assert item["source_url"] == main.base + main.documents[item["url"][len(main.base) :]]


def test_documents_are_leaves_and_lists_are_not_items(sites, crawl) -> None:
    main, _ = sites
    items, stats = crawl
    assert not any(
        item["url"].endswith(("/", "list.html", "list_2.html", "list_3.html")) for item in items
    )
    assert not any("/index_" in item["url"] for item in items)
    paths = [path for _, path in main.requests]
    # Linked only from a document page: documents are not followed.
    assert "/xxgk/tzgg/202312/t20231201_999.html" not in paths
    # TRS pager pages were generated (no static link points at them) and 下一页 was followed
    # to the end although DEPTH_LIMIT=2.
    for page in ("/xxgk/tzgg/index_1.html", "/xxgk/tzgg/index_2.html", "/xxgk/gzdt/list_3.html"):
        assert paths.count(page) == 1, page
    assert stats["govarchive/pages/document"] == 12
    assert stats["govarchive/pages/listing"] == 7  # home + 3 TRS pages + 3 list pages
    assert stats.get("depth/request_ignored_count", 0) == 0


def test_scope_robots_and_failures(sites, crawl) -> None:
    main, offsite = sites
    _, stats = crawl
    paths = [path for _, path in main.requests]
    assert not any(path.startswith("/private/") for path in paths)
    assert stats["robotstxt/forbidden"] == 1
    assert offsite.requests == []
    assert all(host == f"127.0.0.1:{main.port}" for host, _ in main.requests)
    assert stats["govarchive/links/offsite"] >= 2
    # Attachments, assets, anchors, javascript: and template links are never requested.
    assert not any(p.endswith((".pdf", ".css", ".js", ".jpg")) or "el.url" in p for p in paths)
    assert paths.count("/xxgk/missing.html") == 1
    assert stats["govarchive/fetch/failed/http_404"] == 1
    assert stats["govarchive/fetch/failed"] == 1
