"""A loopback HTTP server that answers fixed bytes per path (pages and files), for end-to-end
crawls that download attachments."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


@dataclass
class FileSite:
    """Loopback server: path (percent-decoded, query included) -> answer; what was asked."""

    answers: dict[str, tuple[int, str, bytes, dict[str, str]]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    no_length: set[str] = field(default_factory=set)  # answered without Content-Length
    # path -> ETag: sent with the answer; a matching If-None-Match gets 304 Not Modified
    etags: dict[str, str] = field(default_factory=dict)
    conditional: list[str] = field(default_factory=list)  # paths asked with If-None-Match
    delays: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page(self, path: str, html: str) -> None:
        self.answers[path] = (200, "text/html; charset=utf-8", html.encode(), {})

    def file(self, path: str, body: bytes, kind: str = "application/pdf", **headers: str) -> None:
        self.answers[path] = (200, kind, body, headers)


def serve_files(site: FileSite) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start serving ``site`` on a free 127.0.0.1 port (set on the site)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = unquote(self.path)
            site.requests.append(path)
            if path in site.delays:
                time.sleep(site.delays[path])
            status, kind, body, headers = site.answers.get(
                path, (404, "text/html; charset=utf-8", "<html>404 页面不存在</html>".encode(), {})
            )
            etag = site.etags.get(path) if status == 200 else None
            if self.headers.get("If-None-Match"):
                site.conditional.append(path)
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            if etag:
                headers = {**headers, "ETag": etag}
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            if path not in site.no_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
