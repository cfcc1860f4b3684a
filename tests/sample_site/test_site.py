"""The sample site served on loopback: links, pagers, encodings, robots.txt and its manifest."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest

from sample_site import manifest
from sample_site.server import SampleSiteServer, start_server

ROOT = Path(__file__).resolve().parents[2]
DOCS = manifest.documents()
TRS_CALL = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"(\w+)",\s*"(\w+)"\)')


# ---- helpers ----------------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]


def fetch(url: str, headers: dict[str, str] | None = None) -> Fetched:
    parts = urlsplit(url)
    safe_url = parts._replace(
        path=quote(parts.path, safe="/%"), query=quote(parts.query, safe="=&%")
    ).geturl()
    request = urllib.request.Request(safe_url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Fetched(
                response.status,
                response.headers.get("Content-Type", ""),
                response.read(),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        with error:
            return Fetched(error.code, error.headers.get("Content-Type", ""), error.read(), {})


class PageParser(HTMLParser):
    """Links, visible text (scripts/styles skipped) and the text of the body div#zoom."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.resources: list[str] = []
        self._text: list[str] = []
        self._zoom: list[str] = []
        self._chrome: list[str] = []
        self._skip = 0
        self._zoom_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"] or "")
        if tag in ("img", "script") and attr.get("src"):
            self.resources.append(attr["src"] or "")
        if tag == "link" and attr.get("href"):
            self.resources.append(attr["href"] or "")
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "div":
            if self._zoom_depth:
                self._zoom_depth += 1
            elif attr.get("id") == "zoom":
                self._zoom_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "div" and self._zoom_depth:
            self._zoom_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        (self._zoom if self._zoom_depth else self._chrome).append(data)

    @staticmethod
    def _norm(parts: list[str]) -> str:
        return re.sub(r"[ \t\r\n\f]+", " ", "".join(parts))

    @property
    def text(self) -> str:
        return self._norm(self._text)

    @property
    def body_text(self) -> str:
        return self._norm(self._zoom)

    @property
    def chrome_text(self) -> str:
        return self._norm(self._chrome)


def charset_of(content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    return match.group(1).lower() if match else "utf-8"


@dataclass
class Page:
    path: str
    fetched: Fetched
    html: str
    parsed: PageParser = field(repr=False)


@cache
def parse(body: bytes, charset: str) -> PageParser:
    parser = PageParser()
    parser.feed(body.decode(charset))
    parser.close()
    return parser


class Site:
    """Fetches and caches pages of one running server."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.netloc = urlsplit(base_url).netloc
        self._cache: dict[str, Fetched] = {}

    def url(self, path: str) -> str:
        return urljoin(self.base, path)

    def get(self, path: str) -> Fetched:
        if path not in self._cache:
            self._cache[path] = fetch(self.url(path))
        return self._cache[path]

    def page(self, path: str) -> Page:
        fetched = self.get(path)
        charset = charset_of(fetched.content_type)
        html = fetched.body.decode(charset)
        return Page(path, fetched, html, parse(fetched.body, charset))

    def internal_path(self, page_path: str, href: str) -> str | None:
        """The site path (with query) an href points to, or None for other sites/javascript."""
        absolute = urljoin(self.url(page_path), href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != self.netloc:
            return None
        return unquote(parts.path) + (f"?{unquote(parts.query)}" if parts.query else "")

    def crawl(self, *, obey_robots: bool, expand_trs: bool) -> dict[str, int]:
        """Breadth-first over <a href> from "/": path → status of every page reached."""
        robots = RobotFileParser()
        robots.parse(self.get("/robots.txt").body.decode().splitlines())
        seen: dict[str, int] = {}
        queue = ["/"]
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            if obey_robots and not robots.can_fetch("*", self.url(quote(path, safe="/?=&"))):
                continue
            fetched = self.get(path)
            seen[path] = fetched.status
            if fetched.status != 200 or not fetched.content_type.startswith("text/html"):
                continue
            page = self.page(path)
            hrefs = list(page.parsed.links)
            if expand_trs:
                for count, _, prefix, ext in TRS_CALL.findall(page.html):
                    hrefs += [f"{prefix}.{ext}"] + [
                        f"{prefix}_{i}.{ext}" for i in range(1, int(count))
                    ]
            for href in hrefs:
                target = self.internal_path(path, href)
                if target is not None and target not in seen:
                    queue.append(target)
        return seen


@pytest.fixture(scope="module")
def server() -> Iterator[SampleSiteServer]:
    srv, _ = start_server(0)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def site(server: SampleSiteServer) -> Site:
    return Site(server.base_url)


def html_paths() -> list[str]:
    return [d["path"] for d in DOCS] + manifest.listing_paths()


# ---- robots.txt and plain serving -------------------------------------------------------------


def test_robots_txt(site: Site) -> None:
    fetched = site.get("/robots.txt")
    assert fetched.status == 200
    assert fetched.content_type.startswith("text/plain")
    lines = fetched.body.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /search/" in lines
    robots = RobotFileParser()
    robots.parse(lines)
    for link in manifest.disallowed_paths():
        assert not robots.can_fetch("*", site.url(quote(link, safe="/?=&")))
    for path in [d["path"] for d in DOCS] + manifest.listing_paths():
        assert robots.can_fetch("*", site.url(path)), path


def test_home_links_the_search_page_and_it_is_served(site: Site) -> None:
    home = site.page("/")
    assert "/search/?q=年报" in home.parsed.links
    assert site.get("/search/?q=年报").status == 200


@pytest.mark.parametrize("doc", DOCS, ids=[d["path"].rsplit("/", 1)[1] for d in DOCS])
def test_document_served_with_declared_content_type(site: Site, doc: dict) -> None:
    fetched = site.get(doc["path"])
    assert fetched.status == 200
    assert fetched.content_type == doc["content_type"]
    assert charset_of(fetched.content_type) == doc["encoding"]


def test_every_internal_link_resolves(site: Site) -> None:
    dead = set(manifest.dead_links())
    disallowed = set(manifest.disallowed_paths())
    found_dead: set[str] = set()
    found_disallowed: set[str] = set()
    checked = 0
    for path in [*html_paths(), "/search/", "/admin/"]:
        page = site.page(path)
        assert page.fetched.status == 200, path
        for href in page.parsed.links + page.parsed.resources:
            target = site.internal_path(path, href)
            if target is None:
                continue
            if target in disallowed:
                found_disallowed.add(target)
                continue
            status = site.get(target).status
            checked += 1
            if target in dead:
                found_dead.add(target)
                assert status == 404, target
            else:
                assert status == 200, f"{path} links {href} → {status}"
    assert found_dead == dead
    assert found_disallowed == disallowed
    assert checked > 500


def test_robot_obeying_crawl_reaches_every_document_once(site: Site) -> None:
    reached = site.crawl(obey_robots=True, expand_trs=True)
    doc_paths = {d["path"] for d in DOCS}
    assert {p for p, s in reached.items() if s == 200 and p in doc_paths} == doc_paths
    assert not any(p.startswith(("/search/", "/admin/")) for p in reached)
    pages = {p for p, s in reached.items() if s == 200}
    assert pages - doc_paths <= set(manifest.listing_paths()) | set(manifest.asset_paths())
    assert {p for p, s in reached.items() if s == 404} == set(manifest.dead_links())
    # Several documents are linked from two list pages (a column and the home page).
    assert sum(len(d["listed_on"]) > 1 for d in DOCS) >= 3


def test_trs_pager_is_script_only(site: Site) -> None:
    """Without parsing createPageHTML the second page of the annual-report column is lost."""
    reached = site.crawl(obey_robots=True, expand_trs=False)
    assert "/zfxxgk/zfxxgknb/index_1.html" not in reached
    missed = {d["path"] for d in DOCS} - set(reached)
    assert missed == {
        d["path"] for d in DOCS if d["listed_on"] == ["/zfxxgk/zfxxgknb/index_1.html"]
    }
    assert missed  # the GBK report is only on index_1.html


def test_trs_pages_exist_exactly_as_create_page_html_implies(site: Site) -> None:
    first = site.page("/zfxxgk/zfxxgknb/index.html")
    assert site.page("/zfxxgk/zfxxgknb/").html == first.html
    assert "function createPageHTML(" in first.html
    ((count, current, prefix, ext),) = TRS_CALL.findall(first.html)
    assert (int(count), int(current), prefix, ext) == (2, 0, "index", "html")
    for i in range(1, int(count)):
        later = site.page(f"/zfxxgk/zfxxgknb/{prefix}_{i}.{ext}")
        assert later.fetched.status == 200
        assert TRS_CALL.findall(later.html) == [(count, str(i), prefix, ext)]
    assert site.get(f"/zfxxgk/zfxxgknb/{prefix}_{count}.{ext}").status == 404
    for path in html_paths():
        page = site.page(path)
        targets = {site.internal_path(path, h) for h in page.parsed.links}
        assert "/zfxxgk/zfxxgknb/index_1.html" not in targets, path


def test_plain_pager_links(site: Site) -> None:
    first = site.page("/zfxxgk/tzgg/list.html")
    hrefs = first.parsed.links
    for href in ("./list_2.html", "./list_3.html"):
        assert href in hrefs
    text = first.parsed.text
    for word in ("首页", "上一页", "下一页", "尾页"):
        assert word in text
    last = site.page("/zfxxgk/tzgg/list_3.html")
    assert "./list_2.html" in last.parsed.links  # 上一页
    assert site.get("/zfxxgk/tzgg/list_4.html").status == 404
    assert site.page("/zfxxgk/tzgg/").html == first.html


# ---- encodings --------------------------------------------------------------------------------


def test_gbk_page_is_really_gbk(site: Site) -> None:
    (doc,) = [d for d in DOCS if d["encoding"] == "gbk"]
    fetched = site.get(doc["path"])
    assert fetched.content_type == "text/html; charset=GBK"
    with pytest.raises(UnicodeDecodeError):
        fetched.body.decode("utf-8")
    html = fetched.body.decode("gbk")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gbk">' in html
    assert doc["title"] in html
    others = [d for d in DOCS if d["encoding"] == "utf-8"]
    assert len(others) == len(DOCS) - 1
    for d in others:
        assert '<meta charset="utf-8">' in site.page(d["path"]).html


# ---- the manifest agrees with the pages -------------------------------------------------------


def test_manifest_shape() -> None:
    assert len(DOCS) == 20
    paths = [d["path"] for d in DOCS]
    assert len(set(paths)) == len(paths)
    assert not set(manifest.dead_links()) & set(paths)
    reports = manifest.annual_reports()
    assert sorted(d["report_year"] for d in reports) == [2009, 2011, 2013, 2014, 2018]
    assert all(d["report_year"] is None for d in DOCS if not d["is_annual_report"])
    titles = {d["title"]: d for d in DOCS}
    lookalike = titles["关于做好2015年度政府信息公开工作年度报告编制发布工作的通知"]
    assert lookalike["column_path"] == "/zfxxgk/zfxxgknb/"
    assert not lookalike["is_annual_report"]
    assert any("统计公报" in t and not d["is_annual_report"] for t, d in titles.items())
    assert sum(d["traditional"] for d in DOCS) == 1
    assert {d["template"] for d in DOCS} == {"A", "B", "C"}
    for d in DOCS:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["published_at"])
        assert d["listed_on"], d["path"]
        assert len(d["body_snippets"]) == 3


@pytest.mark.parametrize("doc", DOCS, ids=[d["path"].rsplit("/", 1)[1] for d in DOCS])
def test_manifest_strings_appear_on_the_page(site: Site, doc: dict) -> None:
    page = site.page(doc["path"])
    html = page.html
    assert f"<title>{doc['title_original']}_" in html
    assert f'<meta name="ArticleTitle" content="{doc["title_original"]}">' in html
    assert f'<meta name="PubDate" content="{doc["published_time"]}">' in html
    assert doc["publisher_original"] in html
    assert doc["published_at"] in page.parsed.text
    if doc["index_no"]:
        assert doc["index_no"] in page.parsed.text
    if doc["doc_no"]:
        assert doc["doc_no"] in page.parsed.text
    body = page.parsed.body_text
    for snippet in doc["body_snippets_original"]:
        assert snippet in body
    for snippet in doc["chrome_snippets_original"]:
        assert snippet in page.parsed.text, snippet
        assert snippet not in body, snippet
    for attachment in doc["attachments"]:
        assert "./" + attachment["path"].rsplit("/", 1)[1] in page.parsed.links
        fetched = site.get(attachment["path"])
        assert fetched.content_type == "application/pdf"
        assert fetched.body.startswith(b"%PDF-")
        assert fetched.body.rstrip().endswith(b"%%EOF")


def test_url_meta_uses_the_request_host(site: Site) -> None:
    doc = DOCS[0]
    fetched = fetch(site.url(doc["path"]), headers={"Host": "www.example.gov.cn:8080"})
    html = fetched.body.decode("utf-8")
    assert f'<meta name="Url" content="http://www.example.gov.cn:8080{doc["path"]}">' in html
    own = site.page(doc["path"]).html
    assert f'<meta name="Url" content="{site.base.rstrip("/")}{doc["path"]}">' in own


def test_traditional_page_round_trips_through_opencc(site: Site) -> None:
    opencc = pytest.importorskip("opencc")
    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    (doc,) = [d for d in DOCS if d["traditional"]]
    assert t2s.convert(doc["title_original"]) == doc["title"]
    assert t2s.convert(doc["publisher_original"]) == doc["publisher"]
    for printed, simplified in zip(
        doc["body_snippets_original"] + doc["chrome_snippets_original"],
        doc["body_snippets"] + doc["chrome_snippets"],
        strict=True,
    ):
        assert t2s.convert(printed) == simplified
    page = site.page(doc["path"])
    assert "當前位置" in page.parsed.text
    leftover = {c for c in page.parsed.chrome_text if s2t.convert(c) != c} - {"台"}
    assert not leftover, f"Simplified characters left in the Traditional page: {leftover}"


# ---- server behaviour -------------------------------------------------------------------------


def test_unknown_paths_and_directories(site: Site) -> None:
    missing = site.get("/no/such/page.html")
    assert missing.status == 404
    assert missing.content_type.startswith("text/html")
    assert "404" in missing.body.decode()
    redirected = fetch(site.url("/zfxxgk/tjxx"))  # urllib follows the 301
    assert redirected.status == 200
    assert redirected.body == site.get("/zfxxgk/tjxx/index.html").body


def test_server_start_stop_is_clean() -> None:
    with SampleSiteServer(0) as srv:
        url = srv.start()
        assert fetch(url + "robots.txt").status == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "robots.txt", timeout=2)


def test_cli_prints_the_url_line() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "sample_site.server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\n", line), line
            assert fetch(line.strip() + "zfxxgk/zfxxgknb/").status == 200
        finally:
            proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert out == ""
    assert err == ""  # no per-request log lines
