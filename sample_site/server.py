"""Serve the sample disclosure site on 127.0.0.1 from memory (stdlib only).

From Python::

    server, base_url = start_server()      # port 0: an ephemeral port
    ...                                    # base_url == "http://127.0.0.1:PORT/"
    server.stop()                          # or use the server as a context manager

From the shell: ``python -m sample_site.server [--port N] [--verbose]`` prints exactly one
line, the base URL, then serves until interrupted or terminated.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from sample_site.data import HOST_TOKEN, ORIGIN_TOKEN
from sample_site.site import Resource, model, not_found

HOST = "127.0.0.1"
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,255}$")


def resolve(raw_path: str) -> tuple[Resource, str | None]:
    """The resource for a request path (query ignored) and, for a 301, its Location."""
    site = model()
    parts = urlsplit(raw_path)
    path = unquote(parts.path, encoding="utf-8", errors="replace") or "/"
    if path in site.resources:
        return site.resources[path], None
    if path in site.aliases:
        return site.resources[site.aliases[path]], None
    if not path.endswith("/") and path + "/" in site.aliases:
        location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
        return Resource(301, "text/html; charset=utf-8", b""), location
    return not_found(), None


class SampleSiteHandler(BaseHTTPRequestHandler):
    server_version = "TRS-WCM/7.1"
    server: SampleSiteServer

    def version_string(self) -> str:
        return self.server_version

    def _respond(self, *, send_body: bool) -> None:
        self.server.requested.append(self.path)
        resource, location = resolve(self.path)
        body = resource.body
        if resource.templated:
            host = self.headers.get("Host") or f"{HOST}:{self.server.server_address[1]}"
            if not _SAFE_HOST.match(host):
                host = f"{HOST}:{self.server.server_address[1]}"
            body = body.replace(ORIGIN_TOKEN.encode(), f"http://{host}".encode())
            body = body.replace(HOST_TOKEN.encode(), host.encode())
        self.send_response(resource.status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class SampleSiteServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer on 127.0.0.1 serving the prebuilt site."""

    daemon_threads = True

    def __init__(self, port: int = 0, *, verbose: bool = False) -> None:
        self.verbose = verbose
        # Every request path in arrival order (list.append is atomic under the GIL): lets
        # tests check what a crawler fetched and, above all, what it did not.
        self.requested: list[str] = []
        self._thread: threading.Thread | None = None
        model()  # build the site before the first request
        super().__init__((HOST, port), SampleSiteHandler)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL."""
        self._thread = threading.Thread(
            target=self.serve_forever,
            name="sample-site",
            kwargs={"poll_interval": 0.1},
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving (if started), close the socket and join the thread."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(port: int = 0, *, verbose: bool = False) -> tuple[SampleSiteServer, str]:
    """Start the site in a daemon thread; returns the server (``.stop()`` it) and base URL."""
    server = SampleSiteServer(port, verbose=verbose)
    return server, server.start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_site.server",
        description="Serve the sample disclosure site on 127.0.0.1 and print its base URL.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: any free port)")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)

    server = SampleSiteServer(args.port, verbose=args.verbose)

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    print(server.base_url, flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
