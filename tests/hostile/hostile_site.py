"""A hostile disclosure directory on a loopback server: normal documents beside every kind of
answer a broken or malicious government server gives.

One ThreadingHTTPServer (127.0.0.1, a free port) serves:

* ``/xxgk/tzgg/`` — 通知公告, the start: a list whose rows link normal documents and the
  hostile pages (``HOSTILE``: truncated markup, a body cut short on the wire, 0 bytes, binary
  bytes typed text/html, GBK bytes labelled UTF-8, 50 MB with and without Content-Length, a
  gzip bomb and a gzip "balloon" over DOWNLOAD_WARNSIZE, a DOM 10,000 levels deep, two
  redirect loops, a server that drips one byte a second, connection resets before and during
  the answer); its navigation links the other two columns;
* ``/xxgk/hanweb/`` — a Hanweb jpage column: two records inline, two more from one dataproxy
  group and a billion-laughs entity bomb from the other;
* ``/xxgk/gzdt/`` — 工作动态, a column in a 5xx storm: its documents answer 503, its second
  page 500 (the list page itself answers).

Every request is recorded (``HostileSite.requests``). ``stop()`` ends the dripping and resetting
handlers as well as the server, so nothing outlives the test.
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PARAGRAPH = (
    "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，"
    "现将有关事项通知如下，请各单位认真贯彻落实。"
)
BIG_PAGE_BYTES = 50 * 1024 * 1024  # the "50 MB page"
BOMB_BYTES = 1024 * 1024 * 1024  # what the gzip bomb inflates to (1 GiB of spaces)
BALLOON_BYTES = 9 * 1024 * 1024  # a gzip page inflating past DOWNLOAD_WARNSIZE (8 MiB)
DEEP_LEVELS = 10_000
DRIP_BYTES = 200  # the drip page's Content-Length: 200 s at a byte a second


def article(title: str) -> str:
    """A notice's paragraphs, distinct from any other document's."""
    return (
        f"<p>为做好{title}相关工作，根据《中华人民共和国政府信息公开条例》，现将有关事项通知如下。</p>"
        "<p>一、提高认识。各单位要充分认识政府信息公开工作的重要意义，切实加强组织领导。</p>"
        "<p>二、明确责任。各单位主要负责人为第一责任人，分管负责人具体抓落实。</p>"
        "<p>三、加强监督。市政府办公室将定期通报各单位工作进展情况。</p>"
    )


def detail(title: str, date: str, body: str = "", *, charset: str = "utf-8") -> str:
    """A document page: gov article meta, the printed metadata block, a body."""
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">
<meta name="ColumnName" content="通知公告"><title>{title}_示例市人民政府</title></head><body>
<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/tzgg/">通知公告</a></div>
<table class="meta"><tr><td>索引号：000014348/2024-00001</td><td>发布机构：示例市人民政府办公室</td></tr>
<tr><td>发布日期：{date}</td></tr></table>
<h1>{title}</h1><div class="content">{body or article(title)}</div>
<div class="tools"><a href="javascript:window.print()">打印</a></div>
</body></html>"""


def list_page(column: str, rows: list[tuple[str, str, str]], extra: str = "") -> str:
    """A column page: title+date rows."""
    items = "\n".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>'
        for href, title, date in rows
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府"><meta name="ColumnName" content="{column}">
<title>{column} - 示例市人民政府</title></head>
<body><div class="nav"><a href="/xxgk/tzgg/">通知公告</a>
<a href="/xxgk/hanweb/">政策文件</a> <a href="/xxgk/gzdt/">工作动态</a></div>
<h2>{column}</h2><ul class="list">{items}</ul>{extra}
<div class="footer">主办：示例市人民政府办公室</div></body></html>"""


# --- the hostile documents ------------------------------------------------------------------
# path -> (list title, what it is). Paths are rows of 通知公告 unless noted.
HOSTILE = {
    "/xxgk/tzgg/202401/t20240110_truncated.html": "截断的页面",
    "/xxgk/tzgg/202401/t20240111_cut.html": "传输中断的页面",
    "/xxgk/tzgg/202401/t20240112_empty.html": "空白页面",
    "/xxgk/tzgg/202401/t20240113_binary.html": "二进制页面",
    "/xxgk/tzgg/202401/t20240114_gbk.html": "字符集错误的页面",
    "/xxgk/tzgg/202401/t20240115_huge.html": "超大页面",
    "/xxgk/tzgg/202401/t20240116_huge_declared.html": "声明超大的页面",
    "/xxgk/tzgg/202401/t20240117_bomb.html": "压缩炸弹",
    "/xxgk/tzgg/202401/t20240118_deep.html": "深层嵌套的页面",
    "/xxgk/tzgg/202401/t20240119_loop.html": "重定向循环",
    "/xxgk/tzgg/202401/t20240120_endless.html": "无尽重定向",
    "/xxgk/tzgg/202401/t20240121_drip.html": "滴流服务器",
    "/xxgk/tzgg/202401/t20240122_reset.html": "连接重置",
    "/xxgk/tzgg/202401/t20240123_reset_mid.html": "传输中重置",
    "/xxgk/tzgg/202401/t20240124_balloon.html": "压缩膨胀的页面",
}
HOSTILE_PATH = {value: key for key, value in HOSTILE.items()}

# Normal documents: path -> title. Those of 通知公告 and of the jpage column.
NORMAL = {
    f"/xxgk/tzgg/202401/t2024010{i}_{i}.html": f"关于做好第{i}批政府信息公开工作的通知"
    for i in range(1, 5)
}
JPAGE_DOCS = {f"/art/2024/2/{i}/art_200_{i}.html": f"示例市政策文件第{i}号" for i in range(1, 5)}
JPAGE_BOMB_DOCS = {f"/art/2024/2/{i}/art_200_{i}.html": f"示例市政策文件第{i}号" for i in (5, 6)}
STORM_DOCS = {f"/xxgk/gzdt/202402/t2024020{i}_{i}.html": f"工作动态第{i}条" for i in range(1, 4)}
STORM_PAGE = "/xxgk/gzdt/index_1.html"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
GBK_TEXT = "本页按国标码编写，服务器却声明为UTF-8编码。"
DEEP_TEXT = "深层嵌套之下的正文仍然应当被完整地归档保存。"
DEEP_TAIL = "嵌套结束之后的段落同样不能丢失。"

BILLION_LAUGHS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE datastore [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<datastore><totalrecord>6</totalrecord><recordset>
<record><![CDATA[<li><a href="{href5}">&lol9;</a></li>]]></record>
<record>&lol9;</record>
<record><![CDATA[<li><a href="{href6}">第6号</a></li>]]></record>
</recordset></datastore>"""


def jpage_record(path: str, title: str) -> str:
    return f'<li><a href="{path}" title="{title}">{title}</a><span>2024-02-01</span></li>'


def jpage_column() -> str:
    """A Hanweb column: records 1-2 inline, 3-4 and 5-6 from the dataproxy (perPage 2,
    groupSize 1)."""
    docs = list(JPAGE_DOCS.items())
    inline = "".join(f"<record><![CDATA[{jpage_record(p, t)}]]></record>" for p, t in docs[:2])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府"><meta name="ColumnName" content="政策文件">
<title>政策文件 - 示例市人民政府</title></head><body>
<div class="nav"><a href="/xxgk/tzgg/">通知公告</a></div><h2>政策文件</h2>
<div id="5678"><script type="text/xml"><datastore><recordset>{inline}</recordset></datastore></script></div>
<script src="/module/web/jpage/jpage.js"></script>
<script>$(function(){{ $('#5678').jpage({{ dataStore: $('#5678 script'), proxyUrl: '{DATAPROXY}',
perPage: 2, totalRecord: 6, groupSize: 1, barPosition: 'bottom',
ajaxParam: {{col: 1, appid: 1, webid: 1, path: '/', columnid: 200, unitid: 5678, webname: '示例', permissiontype: 0}} }}); }});</script>
</body></html>"""


def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """``size`` bytes of spaces as a valid gzip stream about a thousandth of the size: one
    deflated MiB, flushed to a byte boundary, repeated (built in well under a second)."""
    block = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    count = size // len(block)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + chunk * count + end + struct.pack("<II", crc, (count * len(block)) & 0xFFFFFFFF)


def deep_page(levels: int = DEEP_LEVELS) -> str:
    title = "深层嵌套的页面"
    nest = "<div>" * levels + f"<p>{DEEP_TEXT}</p>" + "</div>" * levels
    return detail(title, "2024-01-18", f"{article(title)}{nest}<p>{DEEP_TAIL}</p>")


def balloon_page() -> bytes:
    """A gzip page that inflates to ``BALLOON_BYTES`` (a comment of spaces): over
    DOWNLOAD_WARNSIZE, under DOWNLOAD_MAXSIZE, a document all the same."""
    padding = "<!--" + " " * BALLOON_BYTES + "-->"
    html = detail("压缩膨胀的页面", "2024-01-24", article("压缩膨胀的页面") + padding)
    return gzip.compress(html.encode(), compresslevel=6, mtime=0)


def truncated_page() -> str:
    """A document whose markup stops mid-element (the file on the server is cut)."""
    page = detail("截断的页面", "2024-01-10")
    return page[: page.index("市政府办公室将定期通报")]


def binary_body() -> bytes:
    rng = random.Random(20240113)
    return bytes(rng.randrange(256) for _ in range(64 * 1024))


# --- the server -----------------------------------------------------------------------------

Route = Callable[["_Handler"], None]


@dataclass
class HostileSite:
    """The routes of the directory, what was asked, and the means to stop everything."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, target)
    stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, path: str) -> int:
        """How many times a path (query ignored) was requested."""
        return sum(1 for _, target in self.requests if urlsplit(target).path == path)

    def start(self) -> None:
        site = self

        class Handler(_Handler):
            hostile = site

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    hostile: HostileSite
    protocol_version = "HTTP/1.1"

    def _dispatch(self, method: str) -> None:
        with self.hostile._lock:
            self.hostile.requests.append((method, self.path))
        path = urlsplit(self.path).path
        route = self.hostile.routes.get(path)
        try:
            if route is None:
                self.answer(404, "<html><body>404 页面不存在</body></html>")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler gave up on this answer: fine

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.form = parse_qs(self.rfile.read(length).decode("utf-8")) if length else {}
        self._dispatch("POST")

    def answer(
        self,
        status: int,
        body: str | bytes,
        content_type: str = "text/html; charset=utf-8",
        *,
        length: int | None = None,
        **headers: str,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)
        if length is not None and length != len(data):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def _page(html: str) -> Route:
    return lambda handler: handler.answer(200, html)


def _status(status: int) -> Route:
    return lambda handler: handler.answer(
        status, f"<html><body><h1>{status}</h1>Service Unavailable</body></html>"
    )


def _redirect(target: Callable[[str], str]) -> Route:
    def route(handler: _Handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", target(handler.path))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def _endless(path: str) -> str:
    query = parse_qs(urlsplit(path).query)
    hop = int(query.get("hop", ["0"])[0]) + 1
    return f"{urlsplit(path).path}?hop={hop}"


def _cut(handler: _Handler) -> None:
    """A page whose Content-Length promises more than the server sends before closing."""
    page = detail("传输中断的页面", "2024-01-11").encode()
    handler.answer(200, page[: len(page) // 2], length=len(page))


def _streamed_huge(handler: _Handler) -> None:
    """50 MB of page with no Content-Length (the connection's close ends it)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    chunk = (f"<p>{PARAGRAPH}</p>\n" * 400).encode()
    handler.wfile.write(b"<html><head><title>huge</title></head><body>")
    sent = 0
    while sent < BIG_PAGE_BYTES and not handler.hostile.stopping.is_set():
        handler.wfile.write(chunk)
        sent += len(chunk)


def _declared_huge(handler: _Handler) -> None:
    """A 50 MB Content-Length: the crawler must refuse it from the header alone."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(BIG_PAGE_BYTES))
    handler.end_headers()
    handler.close_connection = True
    chunk = b" " * 65536
    sent = 0
    while sent < BIG_PAGE_BYTES and not handler.hostile.stopping.is_set():
        handler.wfile.write(chunk)
        sent += len(chunk)


def _drip(handler: _Handler) -> None:
    """Headers at once, then one byte a second."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(DRIP_BYTES))
    handler.end_headers()
    handler.close_connection = True
    for _ in range(DRIP_BYTES):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        if handler.hostile.stopping.wait(1.0):
            return


def _reset(handler: _Handler) -> None:
    """Close with RST (SO_LINGER 0) before any answer."""
    handler.close_connection = True
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


def _reset_mid(handler: _Handler) -> None:
    """Headers and half the page, then RST."""
    page = detail("传输中重置", "2024-01-23").encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(page)))
    handler.end_headers()
    handler.wfile.write(page[: len(page) // 2])
    handler.wfile.flush()
    _reset(handler)


def _dataproxy(handler: _Handler) -> None:
    query = parse_qs(urlsplit(handler.path).query)
    start = int(query.get("startrecord", ["0"])[0])
    if start >= 5:
        (href5, href6) = JPAGE_BOMB_DOCS
        xml = BILLION_LAUGHS.replace("{href5}", href5).replace("{href6}", href6)
        handler.answer(200, xml, "text/xml; charset=utf-8")
        return
    docs = list(JPAGE_DOCS.items())[start - 1 : start + 1]
    records = "".join(f"<record><![CDATA[{jpage_record(p, t)}]]></record>" for p, t in docs)
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><datastore><totalrecord>6</totalrecord>'
        f"<recordset>{records}</recordset></datastore>"
    )
    handler.answer(200, xml, "text/xml; charset=utf-8")


def build_site() -> HostileSite:
    """The routes of the hostile directory (not started)."""
    site = HostileSite()
    routes = site.routes
    routes["/robots.txt"] = lambda h: h.answer(200, "User-agent: *\nDisallow:\n", "text/plain")
    rows = [(p, t, f"2024-01-0{p[-6]}") for p, t in NORMAL.items()]
    rows += [(p, t, "2024-01-" + p.split("_")[0][-2:]) for p, t in HOSTILE.items()]
    routes["/xxgk/tzgg/"] = _page(list_page("通知公告", rows))
    for path, title in NORMAL.items():
        routes[path] = _page(detail(title, "2024-01-0" + path[-6]))

    hostile = HOSTILE_PATH
    routes[hostile["截断的页面"]] = _page(truncated_page())
    routes[hostile["传输中断的页面"]] = _cut
    routes[hostile["空白页面"]] = lambda h: h.answer(200, b"")
    binary = binary_body()
    routes[hostile["二进制页面"]] = lambda h: h.answer(200, binary)
    gbk = detail(
        "字符集错误的页面", "2024-01-14", f"<p>{GBK_TEXT}</p>{article('字符集')}", charset="gbk"
    )
    gbk_bytes = gbk.encode("gbk")
    routes[hostile["字符集错误的页面"]] = lambda h: h.answer(200, gbk_bytes)
    routes[hostile["超大页面"]] = _streamed_huge
    routes[hostile["声明超大的页面"]] = _declared_huge
    bomb = gzip_bomb()
    routes[hostile["压缩炸弹"]] = lambda h: h.answer(
        200, bomb, Content_Encoding="gzip", Vary="Accept-Encoding"
    )
    routes[hostile["深层嵌套的页面"]] = _page(deep_page())
    loop_a = hostile["重定向循环"]
    loop_b = loop_a.replace(".html", "_b.html")
    routes[loop_a] = _redirect(lambda _: loop_b)
    routes[loop_b] = _redirect(lambda _: loop_a)
    routes[hostile["无尽重定向"]] = _redirect(_endless)
    routes[hostile["滴流服务器"]] = _drip
    routes[hostile["连接重置"]] = _reset
    routes[hostile["传输中重置"]] = _reset_mid
    balloon = balloon_page()
    routes[hostile["压缩膨胀的页面"]] = lambda h: h.answer(200, balloon, Content_Encoding="gzip")

    routes["/xxgk/hanweb/"] = _page(jpage_column())
    routes[DATAPROXY] = _dataproxy
    for path, title in {**JPAGE_DOCS, **JPAGE_BOMB_DOCS}.items():
        routes[path] = _page(detail(title, "2024-02-01"))

    storm_rows = [(p, t, "2024-02-0" + p[-6]) for p, t in STORM_DOCS.items()]
    routes["/xxgk/gzdt/"] = _page(
        list_page(
            "工作动态", storm_rows, '<div class="page"><a href="index_1.html">下一页</a></div>'
        )
    )
    for path in STORM_DOCS:
        routes[path] = _status(503)
    routes[STORM_PAGE] = _status(500)
    return site
