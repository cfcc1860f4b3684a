"""A loopback disclosure site mixing the CMS families a real directory crawl meets.

- ``/trs/``: a TRS column paged only by ``createPageHTML(3, 0, "index", "html")`` (no static
  link to index_1/index_2), one of its documents split over three pages (t…_1.html, t…_2.html);
- ``/hanweb/col/col100/``: a Hanweb column whose page holds 5 records inline (jpage datastore)
  and serves the other 7 by ``POST /module/web/jpage/dataproxy.jsp?startrecord=…``;
- ``/notice/``: plain 下一页 pagination over three pages, with a page that answers 503 once and
  then 200, and a dead link (404);
- traps: ``/internal/`` (robots.txt Disallow), an endless calendar ``/calendar/?y=&m=``, a site
  search link, and a link to another host (``localhost``) that must never be requested.

``MixedSite.documents`` is the ground truth: the path and title of every document.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROBOTS = "User-agent: *\nDisallow: /internal/\n"


def _page(title: str, body: str, *, head: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_混合测试站</title>
{head}</head><body><div class="header"><a href="/">首页</a> <a href="/trs/">政策文件</a>
<a href="/hanweb/col/col100/index.html">通知公告</a> <a href="/notice/list.html">工作动态</a></div>
{body}
<div class="footer">主办单位：测试市人民政府办公室 版权所有 浙ICP备00000000号</div></body></html>""".encode()


def _detail(title: str, date: str, number: int, extra: str = "", pager: str = "") -> bytes:
    head = f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">'
    body = f"""<div class="crumb">当前位置：<a href="/">首页</a> &gt; 文件</div>
<table class="xxgk"><tr><td>索引号：</td><td>TEST-{number:04d}</td><td>发布日期：</td><td>{date}</td></tr>
<tr><td>发布机构：</td><td>测试市人民政府办公室</td><td>文号：</td><td>测政〔2024〕{number}号</td></tr></table>
<h1>{title}</h1>
<div id="zoom"><p>这是第{number}号文件的正文，文件内容涉及政府信息公开的有关事项，请各单位认真执行。</p>{extra}</div>
{pager}<div>【打印本页】【关闭窗口】</div>"""
    return _page(title, body, head=head)


def _list(title: str, rows: list[tuple[str, str, str]], pager: str = "") -> bytes:
    items = "".join(
        f'<li><a href="{href}" title="{text}">{text}</a><span>{date}</span></li>'
        for href, text, date in rows
    )
    return _page(title, f'<h2>{title}</h2><ul class="list">{items}</ul>{pager}')


@dataclass
class MixedSite:
    """Pages, ground truth and the log of every request the server saw."""

    documents: dict[str, str] = field(default_factory=dict)  # path -> title
    multipage: dict[str, list[str]] = field(default_factory=dict)  # first page -> part paths
    pages: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, host, path?query)
    posts: list[dict[str, list[str]]] = field(default_factory=list)
    flaky_path: str = "/notice/202403/t20240315_3009.html"
    dead_path: str = "/notice/202403/t20240320_3999.html"
    jpage_records: list[str] = field(default_factory=list)
    _flaky_served: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_document(self, path: str, title: str, date: str, number: int, **kwargs: str) -> None:
        self.documents[path] = title
        self.pages[path] = _detail(title, date, number, **kwargs)

    def build(self) -> None:
        home = """<h2>政府信息公开目录</h2><ul class="nav">
<li><a href="/trs/">政策文件</a></li><li><a href="/hanweb/col/col100/index.html">通知公告</a></li>
<li><a href="/notice/list.html">工作动态</a></li><li><a href="/internal/staff.html">内部资料</a></li>
<li><a href="/calendar/?y=2024&amp;m=1">活动日历</a></li><li><a href="/search/?q=年报">站内搜索</a></li>
<li><a href="http://localhost:{port}/elsewhere.html">外部链接</a></li></ul>"""
        self.pages["/"] = _page("政府信息公开", home)
        self.pages["/internal/staff.html"] = _detail("内部人员名单", "2024-01-02", 9000)
        self._build_trs()
        self._build_hanweb()
        self._build_notice()

    def _build_trs(self) -> None:
        pager = '<div class="page"><script>createPageHTML(3, {i}, "index", "html");</script></div>'
        number = 1000
        for page in range(3):
            rows = []
            for k in range(4):
                number += 1
                path = f"/trs/2024{page + 1:02d}/t2024{page + 1:02d}{k + 10:02d}_{number}.html"
                title = f"测试市政策文件第{number}号"
                rows.append((path, title, f"2024-{page + 1:02d}-{k + 10:02d}"))
                if number == 1002:  # a document in three parts
                    parts = [path.replace(".html", f"_{n}.html") for n in (1, 2)]
                    stem = path.rsplit("/", 1)[1].removesuffix(".html")
                    doc_pager = f'<script>createPageHTML(3, {{i}}, "{stem}", "html");</script>'
                    self.add_document(path, title, rows[-1][2], number, pager=doc_pager.format(i=0))
                    for index, part in enumerate(parts, 1):
                        self.pages[part] = _detail(
                            title,
                            rows[-1][2],
                            number,
                            extra=f"<p>这是多页文件的第{index + 1}页，内容继续。</p>",
                            pager=doc_pager.format(i=index),
                        )
                    self.multipage[path] = parts
                else:
                    self.add_document(path, title, rows[-1][2], number)
            name = "index.html" if page == 0 else f"index_{page}.html"
            self.pages[f"/trs/{name}"] = _list("政策文件", rows, pager.format(i=page))
        self.pages["/trs/"] = self.pages["/trs/index.html"]

    def _build_hanweb(self) -> None:
        for number in range(2001, 2013):
            path = f"/art/2024/3/{number - 2000}/art_100_{number}.html"
            title = f"测试市通知公告第{number}号"
            self.add_document(path, title, f"2024-03-{number - 2000:02d}", number)
            self.jpage_records.append(
                f'<li><a href="{path}" title="{title}">{title}</a><span>2024-03-{number - 2000:02d}</span></li>'
            )
        inline = "".join(f"<record><![CDATA[{r}]]></record>" for r in self.jpage_records[:5])
        body = f"""<h2>通知公告</h2><div id="4321"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=100&unitid=4321&webname=测试&permissiontype=0"></a>]]></nextgroup>
<recordset>{inline}</recordset></datastore></script></div>
<script src="/module/web/jpage/jpage.js"></script>
<script>$(function(){{ $('#4321').jpage({{ dataStore: $('#4321 script'), proxyUrl: '/module/web/jpage/dataproxy.jsp',
perPage: 5, totalRecord: 12, groupSize: 1, barPosition: 'bottom',
ajaxParam: {{col: 1, appid: 1, webid: 1, path: '/', columnid: 100, sourceContentType: 1, unitid: 4321, webname: '测试', permissiontype: 0}} }}); }});</script>"""
        self.pages["/hanweb/col/col100/index.html"] = _page("通知公告", body)

    def _build_notice(self) -> None:
        number = 3000
        for page in range(1, 4):
            rows = []
            for _ in range(3):
                number += 1
                path = f"/notice/202403/t202403{number - 3000:02d}_{number}.html"
                if number == 3009:
                    path = self.flaky_path
                title = f"测试市工作动态第{number}号"
                rows.append((path, title, f"2024-03-{number - 3000:02d}"))
                self.add_document(path, title, rows[-1][2], number)
            if page == 3:
                rows.append((self.dead_path, "测试市工作动态（已删除）", "2024-03-20"))
            links = []
            if page > 1:
                links.append(
                    f'<a href="{"list.html" if page == 2 else f"list_{page - 1}.html"}">上一页</a>'
                )
            if page < 3:
                links.append(f'<a href="list_{page + 1}.html">下一页</a>')
            name = "list.html" if page == 1 else f"list_{page}.html"
            self.pages[f"/notice/{name}"] = _list(
                "工作动态", rows, f'<div class="pager">{" ".join(links)}</div>'
            )

    # --- serving ----------------------------------------------------------------------------

    def respond(self, method: str, host: str, target: str, body: bytes) -> tuple[int, str, bytes]:
        with self._lock:
            self.requests.append((method, host, target))
        parts = urlsplit(target)
        path = parts.path
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS.encode()
        if path == "/module/web/jpage/dataproxy.jsp" and method == "POST":
            return self._dataproxy(parts.query, body)
        if path == "/calendar/":
            query = parse_qs(parts.query)
            year, month = int(query["y"][0]), int(query["m"][0])
            after = (year + (month == 12), month % 12 + 1)
            before = (year - (month == 1), (month - 2) % 12 + 1)
            html = f"""<h2>活动日历 {year}年{month}月</h2><p>
<a href="/calendar/?y={before[0]}&amp;m={before[1]}">上个月</a> <a href="/calendar/?y={after[0]}&amp;m={after[1]}">下个月</a>
<a href="/calendar/day?y={year}&amp;m={month}&amp;d=1">{month}月1日活动</a></p>"""
            return 200, "text/html; charset=utf-8", _page("活动日历", html)
        if path == "/calendar/day":
            query = parse_qs(parts.query)
            year, month, day = (int(query[k][0]) for k in ("y", "m", "d"))
            html = f"""<h2>{year}年{month}月{day}日活动</h2><p>
<a href="/calendar/day?y={year}&amp;m={month}&amp;d={day - 1 or 28}">前一天</a>
<a href="/calendar/day?y={year}&amp;m={month}&amp;d={day % 28 + 1}">后一天</a>
<a href="/calendar/?y={year}&amp;m={month}">返回月历</a></p>"""
            return 200, "text/html; charset=utf-8", _page("当日活动", html)
        if path == self.flaky_path:
            with self._lock:
                self._flaky_served += 1
                first = self._flaky_served == 1
            if first:
                return 503, "text/html", b"<html><body>Service Unavailable</body></html>"
        if path in self.pages:
            content = self.pages[path].replace(b"{port}", host.rsplit(":", 1)[-1].encode())
            return 200, "text/html; charset=utf-8", content
        return 404, "text/html; charset=utf-8", b"<html><body>404</body></html>"

    def _dataproxy(self, query: str, body: bytes) -> tuple[int, str, bytes]:
        args = parse_qs(query)
        form = parse_qs(body.decode("utf-8"))
        with self._lock:
            self.posts.append({**args, **form})
        start, end = int(args["startrecord"][0]), int(args["endrecord"][0])
        chosen = self.jpage_records[start - 1 : end]
        records = "".join(f"<record><![CDATA[{r}]]></record>" for r in chosen)
        xml = f'<?xml version="1.0" encoding="utf-8"?><datastore><totalrecord>{len(self.jpage_records)}</totalrecord><recordset>{records}</recordset></datastore>'
        return 200, "text/xml; charset=utf-8", xml.encode()


def start(site: MixedSite) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``site`` on 127.0.0.1 (ephemeral port) in a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, content_type, content = site.respond(
                method, self.headers.get("Host", ""), self.path, body
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
