"""The site registry: spiders/sites/*.yaml load and validate, become spiders, and crawl."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.test import get_crawler

from spiders.disclosure import DisclosureSpider, host_matches, scope_key
from spiders.registry import (
    CMS_FAMILIES,
    PAGINATION_DIALECTS,
    SITES_DIR,
    Hints,
    Region,
    RegistryError,
    load_registry,
    load_site,
)
from spiders.sites import SITES_DIR_ENV, create_spiders, sites_dir
from tests.helpers import corpus_pages, require_corpus

PROJECT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(SITES_DIR.glob("*.yaml"))
# The real sites of ../shared/corpus that are disclosure directories (河北政府采购网 is not one:
# it is a procurement notice board, see docs/adding-a-site.md).
CORPUS_SITES = {
    "fj_pingtan",
    "hb_handan",
    "jx_wanzai",
    "jx_yichun",
    "zj_lishui",
    "zj_fgw",
    "sx_shanxi",
    "cn_nfra",
}

MINIMAL = """\
slug: {slug}
agency: 示例市人民政府
region:
  province: 示例省
start_urls:
  - http://www.example.gov.cn/xxgk/
"""


def _env(**extra: str) -> dict[str, str]:
    """The test process's environment for a scrapy subprocess, registry folder unset."""
    env = {k: v for k, v in os.environ.items() if k != SITES_DIR_ENV}
    env.update(extra)
    return env


def _scrapy(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _project_spider_loader() -> SpiderLoader:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return SpiderLoader.from_settings(settings)


# The shipped registry ----------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_site_loads_and_validates(path: Path) -> None:
    config = load_site(path)
    assert config.slug == path.stem
    assert config.path == path
    assert config.start_urls
    assert all(urlsplit(url).scheme in {"http", "https"} for url in config.start_urls)
    assert config.cms in {*CMS_FAMILIES, None}
    assert config.hints.pagination in {*PAGINATION_DIALECTS, None}
    # Every start URL says where it came from (a comment in the file).
    assert "#" in path.read_text(encoding="utf-8")


def test_registry_holds_the_corpus_sites() -> None:
    registry = load_registry()
    assert set(registry) == {path.stem for path in SHIPPED}
    assert set(registry) >= CORPUS_SITES
    pingtan = registry["fj_pingtan"]
    assert pingtan.start_urls == (
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/",
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/",
    )
    assert (pingtan.cms, pingtan.hints.pagination) == ("trs", "js_api")
    assert registry["hb_handan"].start_urls == ("http://hdzfxxgk.hd.gov.cn/",)
    assert registry["hb_handan"].hints.pagination == "trs_createpagehtml"
    assert registry["zj_fgw"].hints.pagination == "hanweb_jpage"


@pytest.mark.skipif(bool(os.environ.get(SITES_DIR_ENV)), reason=f"{SITES_DIR_ENV} is set")
def test_every_site_is_a_spider_of_the_project() -> None:
    loader = _project_spider_loader()
    registry = load_registry()
    assert {"disclosure", *registry} <= set(loader.list())
    assert loader.load("disclosure") is DisclosureSpider
    for slug, config in registry.items():
        cls = loader.load(slug)
        assert issubclass(cls, DisclosureSpider)
        assert cls.__module__ == "spiders.sites"
        assert cls.__name__ == config.spider_class_name
        assert cls.site == config
        assert cls.default_start_urls == config.start_urls
        assert cls.allowed_host_patterns == config.allowed_hosts


@pytest.mark.skipif(bool(os.environ.get(SITES_DIR_ENV)), reason=f"{SITES_DIR_ENV} is set")
@pytest.mark.parametrize("slug", sorted(CORPUS_SITES))
def test_site_spider_starts_without_arguments_and_keeps_its_scope(slug: str) -> None:
    cls = _project_spider_loader().load(slug)
    spider = cls.from_crawler(get_crawler(cls))
    config = cls.site
    assert spider.name == slug
    assert spider.start_urls == list(config.start_urls)
    for url in config.start_urls:
        assert spider.in_scope(url)
        assert spider.in_scope(urlsplit(url)._replace(path="/other/page.html").geturl())
    assert not spider.in_scope("http://www.not-this-site.gov.cn/xxgk/")
    for pattern in config.allowed_hosts:
        assert spider.in_scope(f"http://{pattern.replace('*', 'sub')}/x.html")


@pytest.mark.skipif(bool(os.environ.get(SITES_DIR_ENV)), reason=f"{SITES_DIR_ENV} is set")
def test_start_urls_argument_overrides_the_registry() -> None:
    cls = _project_spider_loader().load("zj_fgw")
    spider = cls.from_crawler(
        get_crawler(cls), start_urls="http://127.0.0.1:8000/a/,http://127.0.0.1:8000/b/"
    )
    assert spider.start_urls == ["http://127.0.0.1:8000/a/", "http://127.0.0.1:8000/b/"]
    assert spider.in_scope("http://127.0.0.1:8000/c.html")
    assert not spider.in_scope("http://fgw.zj.gov.cn/")  # only the given start URLs' hosts
    assert spider.in_scope("http://www.zjdpc.gov.cn/x.html")  # the site's allowed_hosts stay


def test_scrapy_list_names_the_generic_spider_and_every_site() -> None:
    result = _scrapy("list", env=_env())
    assert result.returncode == 0, result.stderr[-3000:]
    names = result.stdout.split()
    assert {"disclosure", *(path.stem for path in SHIPPED)} <= set(names)


@pytest.mark.corpus
def test_selectors_match_the_corpus_pages_of_their_site() -> None:
    """list_links gives a listing's gold detail links; body holds a document's gold snippets."""
    require_corpus()
    checked = 0
    for config in load_registry().values():
        hosts = {scope_key(url) for url in config.start_urls}
        for page in corpus_pages():
            in_site = page.url and (
                scope_key(page.url) in hosts or host_matches(page.url, list(config.allowed_hosts))
            )
            if not in_site:
                continue
            response = page.response()
            selectors = config.selectors
            if page.page_type == "listing" and selectors.list_links:
                hrefs = response.css(selectors.list_links).xpath("@href").getall()
                assert hrefs == page.gold["detail_links"], (config.slug, page.slug)
                checked += 1
            elif page.page_type in {"document", "annual_report"} and selectors.body:
                nodes = response.css(selectors.body)
                assert nodes, (config.slug, page.slug, selectors.body)
                text = re.sub(r"[ \t\r\n\f]+", " ", "".join(nodes[0].css("::text").getall()))
                for snippet in page.gold["must_include"]:
                    assert snippet in text, (config.slug, page.slug, snippet)
                checked += 1
    assert checked >= 20


# Invalid site files --------------------------------------------------------------------------


def _invalid(name: str, text: str, *fragments: str) -> pytest.param:
    return pytest.param(name, text, fragments, id=name)


INVALID = [
    _invalid(
        "unknown_key",
        MINIMAL.format(slug="unknown_key") + "start_url: http://x.gov.cn/\n",
        "unknown key 'start_url'",
        "allowed: slug, agency, region, start_urls",
    ),
    _invalid(
        "unknown_nested_key",
        MINIMAL.format(slug="unknown_nested_key").replace(
            "province: 示例省", "province: 示例省\n  ctiy: 示例市"
        ),
        "region: unknown key 'ctiy'",
    ),
    _invalid(
        "unknown_hint",
        MINIMAL.format(slug="unknown_hint") + "hints:\n  paging: js_api\n",
        "hints: unknown key 'paging'",
    ),
    _invalid(
        "missing_start_urls",
        "slug: missing_start_urls\nagency: 示例\nregion: {province: 示例省}\n",
        "missing required key(s): start_urls",
    ),
    _invalid(
        "empty_start_urls",
        "slug: empty_start_urls\nagency: 示例\nregion: {province: 示例省}\nstart_urls: []\n",
        "start_urls: needs at least 1 item",
    ),
    _invalid(
        "non_http_url",
        MINIMAL.format(slug="non_http_url").replace("http://www", "ftp://www"),
        "start_urls[0]: 'ftp://www.example.gov.cn/xxgk/' is not an http(s) URL",
    ),
    _invalid(
        "url_without_host",
        MINIMAL.format(slug="url_without_host").replace("http://www.example.gov.cn", "http://"),
        "start_urls[0]",
        "no host",
    ),
    _invalid(
        "duplicate_start_url",
        MINIMAL.format(slug="duplicate_start_url") + "  - http://www.example.gov.cn/xxgk/\n",
        "start_urls: duplicate item(s) http://www.example.gov.cn/xxgk/",
    ),
    _invalid("Bad-Slug", MINIMAL.format(slug="Bad-Slug"), "slug: 'Bad-Slug' is not a valid slug"),
    _invalid("disclosure", MINIMAL.format(slug="disclosure"), "'disclosure' is reserved"),
    _invalid(
        "slug_mismatch",
        MINIMAL.format(slug="fj_pingtan"),
        "slug: 'fj_pingtan' must equal the file name's stem 'slug_mismatch'",
    ),
    _invalid(
        "bad_selector",
        MINIMAL.format(slug="bad_selector") + "selectors:\n  list_links: 'ul.list a[href'\n",
        "selectors.list_links: invalid CSS selector 'ul.list a[href'",
    ),
    _invalid(
        "unsupported_selector",
        MINIMAL.format(slug="unsupported_selector") + "selectors:\n  body: 'div:foo'\n",
        "selectors.body: invalid CSS selector",
    ),
    _invalid(
        "wrong_cms",
        MINIMAL.format(slug="wrong_cms") + "cms: wordpress\n",
        "cms: 'wordpress' is not one of trs, hanweb, ucap, jiyue, unknown",
    ),
    _invalid(
        "wrong_pagination",
        MINIMAL.format(slug="wrong_pagination") + "hints:\n  pagination: infinite_scroll\n",
        "hints.pagination: 'infinite_scroll' is not one of trs_createpagehtml",
    ),
    _invalid(
        "yaml_boolean_cms",
        MINIMAL.format(slug="yaml_boolean_cms") + "cms: no\n",
        "cms: expected a string, got bool False (quote it in the YAML)",
    ),
    _invalid(
        "agency_not_a_string",
        MINIMAL.format(slug="agency_not_a_string").replace("示例市人民政府", "[a, b]"),
        "agency: expected a string, got list",
    ),
    _invalid(
        "start_urls_not_a_list",
        "slug: start_urls_not_a_list\nagency: 示例\nregion: {province: 示例省}\n"
        "start_urls: http://www.example.gov.cn/\n",
        "start_urls: expected a list, got str",
    ),
    _invalid(
        "region_not_a_mapping",
        MINIMAL.format(slug="region_not_a_mapping").replace(
            "region:\n  province: 示例省", "region: 示例省"
        ),
        "region: expected a mapping, got str",
    ),
    _invalid(
        "empty_value",
        MINIMAL.format(slug="empty_value") + "notes:\n",
        "notes: expected a string, got null",
    ),
    _invalid(
        "host_pattern_with_scheme",
        MINIMAL.format(slug="host_pattern_with_scheme") + "allowed_hosts: ['http://x.gov.cn/']\n",
        "allowed_hosts[0]: 'http://x.gov.cn/' is not a host pattern",
    ),
    _invalid(
        "host_pattern_everything",
        MINIMAL.format(slug="host_pattern_everything") + "allowed_hosts: ['*']\n",
        "allowed_hosts[0]: '*' would put every host in scope",
    ),
    _invalid(
        "key_given_twice",
        MINIMAL.format(slug="key_given_twice") + "start_urls:\n  - http://other.gov.cn/\n",
        "key given twice: start_urls (line 7)",
    ),
    _invalid("not_yaml", "slug: [unclosed\n", "not valid YAML"),
    _invalid("empty_file", "", "the file is empty"),
    _invalid("top_level_list", "- a\n- b\n", "expected a mapping, got list"),
]


@pytest.mark.parametrize(("stem", "text", "fragments"), INVALID)
def test_invalid_site_is_rejected_with_file_and_reason(
    tmp_path: Path, stem: str, text: str, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_site(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert caught.value.path == path
    for fragment in fragments:
        assert fragment in message


def test_valid_minimal_and_full_site(tmp_path: Path) -> None:
    (tmp_path / "minimal.yaml").write_text(MINIMAL.format(slug="minimal"), encoding="utf-8")
    (tmp_path / "full.yaml").write_text(
        MINIMAL.format(slug="full")
        + "allowed_hosts: ['*.Example.gov.cn', 'old.example.gov.cn:8080']\n"
        + "cms: hanweb\nhints:\n  pagination: hanweb_jpage\n  notes: jpage\n"
        + "selectors:\n  list_links: 'div.list li > a'\n  body: '#zoom'\n"
        + "notes: a note\n",
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("not a site", encoding="utf-8")
    registry = load_registry(tmp_path)
    assert set(registry) == {"minimal", "full"}
    minimal, full = registry["minimal"], registry["full"]
    assert (minimal.cms, minimal.allowed_hosts, minimal.hints.pagination) == (None, (), None)
    assert minimal.region == Region(province="示例省")
    assert full.allowed_hosts == ("*.example.gov.cn", "old.example.gov.cn:8080")
    assert (full.cms, full.hints, full.selectors.body) == (
        "hanweb",
        Hints("hanweb_jpage", "jpage"),
        "#zoom",
    )
    assert full.spider_class_name == "FullSpider"


def test_registry_reports_every_invalid_file(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(MINIMAL.format(slug="good"), encoding="utf-8")
    (tmp_path / "bad_one.yaml").write_text(MINIMAL.format(slug="bad_one") + "x: 1\n", "utf-8")
    (tmp_path / "bad_two.yml").write_text(MINIMAL.format(slug="bad_two"), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    message = str(caught.value)
    assert "2 site files are invalid" in message
    assert f"{tmp_path / 'bad_one.yaml'}: unknown key 'x'" in message
    assert f"{tmp_path / 'bad_two.yml'}: site files end in .yaml" in message


def test_missing_registry_folder(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="registry folder not found"):
        load_registry(tmp_path / "nowhere")


def test_spider_class_names_must_not_collide(tmp_path: Path) -> None:
    for slug in ("fj_x", "fj__x"):
        (tmp_path / f"{slug}.yaml").write_text(MINIMAL.format(slug=slug), encoding="utf-8")
    with pytest.raises(RegistryError, match="spider class name FjXSpider is taken"):
        create_spiders(load_registry(tmp_path))


def test_sites_dir_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv(SITES_DIR_ENV, raising=False)
    assert sites_dir() == SITES_DIR
    monkeypatch.setenv(SITES_DIR_ENV, str(tmp_path))
    assert sites_dir() == tmp_path


def test_invalid_registry_makes_scrapy_fail_loudly(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(MINIMAL.format(slug="good"), encoding="utf-8")
    bad = tmp_path / "broken_site.yaml"
    bad.write_text(MINIMAL.format(slug="broken_site") + "cms: drupal\n", encoding="utf-8")
    for args in (("list",), ("crawl", "good")):
        result = _scrapy(*args, env=_env(**{SITES_DIR_ENV: str(tmp_path)}))
        assert result.returncode != 0
        assert "good" not in result.stdout.split()
        assert f"RegistryError: {bad}: cms: 'drupal' is not one of" in result.stderr


# A registry site crawled end to end -------------------------------------------------------

_PARAGRAPH = (
    "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，"
    "现将有关事项通知如下。各单位要高度重视，认真组织实施，确保各项工作落到实处。"
)


def _document(title: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-01-05">
<meta name="ColumnName" content="通知公告"><title>{title}</title></head><body>
<div class="nav"><a href="/xxgk/">政府信息公开</a></div>
<table class="meta"><tr><td>索引号：000014348/2024-00001</td><td>发布机构：回环市人民政府</td></tr>
<tr><td>文号：回政〔2024〕1号</td><td>发布日期：2024-01-05</td></tr></table>
<h1>{title}</h1><div class="article_content"><p>{_PARAGRAPH}</p><p>{_PARAGRAPH}</p>
<p>{_PARAGRAPH}</p></div></body></html>"""


def _list(rows: list[tuple[str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>2024-01-05</span></li>'
        for href, title in rows
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ColumnName" content="政府信息公开"><title>政府信息公开 - 回环市人民政府</title></head>
<body><h2>政府信息公开</h2><ul class="list">{items}</ul>
<div class="footer"><a href="http://www.elsewhere.invalid/">上级政府</a></div></body></html>"""


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[int, dict[str, str], list[tuple[str, str]]]]:
    """A tiny directory on 127.0.0.1: its port, its pages, and (Host, path) of each request."""
    pages: dict[str, str] = {}
    requests: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append((self.headers.get("Host", ""), self.path))
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "<html><body>404</body></html>").encode("utf-8"))

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    pages["/xxgk/"] = _list(
        [
            ("./202401/t20240105_1.html", "回环市关于第一件事的通知"),
            ("./202401/t20240105_2.html", "回环市关于第二件事的通知"),
            # Another host name of the same server: in scope only through allowed_hosts.
            (f"http://localhost:{port}/xxgk/202401/t20240105_3.html", "回环市关于第三件事的通知"),
        ]
    )
    for n, title in enumerate(["第一件事", "第二件事", "第三件事"], start=1):
        pages[f"/xxgk/202401/t20240105_{n}.html"] = _document(f"回环市关于{title}的通知")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port, pages, requests
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.e2e
def test_registry_site_crawls_with_no_arguments(loopback, tmp_path: Path) -> None:
    port, _, requests = loopback
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "lo_loopback.yaml").write_text(
        f"""\
slug: lo_loopback
agency: 回环市人民政府
region: {{province: 回环省, city: 回环市}}
start_urls:
  - http://127.0.0.1:{port}/xxgk/
allowed_hosts:
  - localhost
cms: trs
hints: {{pagination: next_link}}
selectors: {{list_links: ul.list a, body: .article_content}}
""",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    env = _env(**{SITES_DIR_ENV: str(sites)})
    listed = _scrapy("list", env=env)
    assert listed.returncode == 0, listed.stderr[-3000:]
    names = set(listed.stdout.split())
    # The temporary registry replaces the shipped one.
    assert {"disclosure", "lo_loopback"} <= names
    assert not names & {path.stem for path in SHIPPED}
    result = _scrapy(
        "crawl", "lo_loopback",
        "-s", "ITEM_PIPELINES={}",
        "-s", "AUTOTHROTTLE_START_DELAY=0.01",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-O", str(out),
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    assert sorted(item["url"] for item in items) == [
        f"http://127.0.0.1:{port}/xxgk/202401/t20240105_1.html",
        f"http://127.0.0.1:{port}/xxgk/202401/t20240105_2.html",
        f"http://localhost:{port}/xxgk/202401/t20240105_3.html",
    ]
    assert all(item["source_url"] == f"http://127.0.0.1:{port}/xxgk/" for item in items)
    offsite = re.search(r"'govarchive/links/offsite': (\d+)", result.stderr)
    assert offsite, "the link to www.elsewhere.invalid was not counted as off-site"
    assert int(offsite.group(1)) >= 1
    assert {host for host, _ in requests} == {f"127.0.0.1:{port}", f"localhost:{port}"}


def test_the_documented_example_is_a_valid_site(tmp_path: Path) -> None:
    doc = (PROJECT / "docs" / "adding-a-site.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.DOTALL)
    assert example
    path = tmp_path / "fj_pingtan.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    config = load_site(path)
    assert config.start_urls == load_registry()["fj_pingtan"].start_urls
