"""A generated 政府信息公开 directory on 127.0.0.1, of any size, for crawl benchmarks.

    from bench.site import GeneratedSite, start_site

    with GeneratedSite(5000, page_kb=30, seed=0) as site:   # serves at site.base_url
        ...
    server, base_url = start_site(5000)                      # the same, then server.stop()

``python -m bench.site --documents 5000`` serves one from the command line (it prints the base
URL on its first line, then serves until interrupted or stdin closes with ``--stdin-stop``).

The site has a directory home linking its columns, columns of list pages with 20 title + date
rows each, and exactly ``documents`` document pages. Half of the columns page the TRS way
(``createPageHTML(pageCount, currentIndex, "index", "html")``, ``index_N.html``, documents
``YYYYMM/tYYYYMMDD_ID.html``), the other half with a plain 首页/上一页/numbers/下一页/尾页 bar
(``list_N.html``, documents ``content_ID.html``). Document pages carry realistic government
chrome: gov ``<meta>`` tags, 当前位置 breadcrumb, the 索引号/发布机构/文号/发布日期 table,
【字体：大 中 小】, 打印本页/关闭窗口, share and related links, a footer with ICP and 公安备案;
their body is deterministic pseudo-text built from the sentences of ``../shared/seeds/*.txt``
(or a built-in list when the seeds are absent) and padded so a page weighs about ``page_kb``.

Nothing is stored: every page is rendered from its path on request, so 20,000 documents cost
no more memory than 1,000. ``SiteLayout`` is the same site without a server (paths, pages),
and ``document_page(n, page_kb)`` renders one document page of any size.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

__all__ = ["GeneratedSite", "SiteLayout", "document_page", "sentence_pool", "start_site"]

ROWS_PER_PAGE = 20
# Each column keeps well under GOVARCHIVE_MAX_LIST_PAGES (500) list pages.
MAX_PAGES_PER_COLUMN = 400
MIN_COLUMNS = 6
SITE_NAME = "示例市人民政府"
SPONSOR = "示例市人民政府办公室"
ICP = "示ICP备05012345号-1"
PSB = "示公网安备 33010202000123号"
SITE_CODE = "3301000001"
FIRST_ID = 100000
NEWEST = date(2024, 12, 27)
SPAN_DAYS = 4800  # documents are spread over about 13 years before NEWEST

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# (slug, name) of the columns; more than these repeat with a number.
_COLUMN_NAMES = [
    ("tzgg", "通知公告"),
    ("gzdt", "工作动态"),
    ("zcwj", "政策文件"),
    ("ghjh", "规划计划"),
    ("czxx", "财政信息"),
    ("rsxx", "人事信息"),
    ("zfhy", "政府会议"),
    ("jytabl", "建议提案办理"),
    ("tjxx", "统计信息"),
    ("yjgl", "应急管理"),
    ("xzzf", "行政执法"),
    ("zdxm", "重点项目"),
]
_AGENCIES = [
    "示例市人民政府办公室",
    "示例市发展和改革委员会",
    "示例市财政局",
    "示例市教育局",
    "示例市应急管理局",
    "示例市自然资源和规划局",
    "示例市生态环境局",
    "示例市住房和城乡建设局",
    "示例市交通运输局",
    "示例市卫生健康委员会",
]
_ABBREV = [
    "示政办",
    "示发改",
    "示财",
    "示教",
    "示应急",
    "示自然资规",
    "示环",
    "示建",
    "示交",
    "示卫健",
]
_TOPICS = ["综合政务", "国民经济管理", "财政", "教育", "安全生产监管", "城乡建设", "环境保护"]
_SUBJECTS = [
    "做好政府信息公开工作",
    "进一步加强安全生产监督管理",
    "印发年度重点工作任务分解方案",
    "开展营商环境专项整治行动",
    "调整城乡居民基本医疗保险筹资标准",
    "做好冬春季森林防火工作",
    "公布行政许可事项清单",
    "加快推进数字政府建设",
    "组织开展防汛抢险应急演练",
    "下达财政专项资金预算",
    "规范政府投资项目管理",
    "推进农村人居环境整治提升",
    "做好高校毕业生就业创业工作",
    "公开征求意见",
    "实施城市更新行动",
    "加强生态环境保护督察整改",
]
_GENRES = ["通知", "公告", "通告", "意见", "实施方案", "批复", "决定", "公示"]
# Used when ../shared/seeds is absent: plain government prose, one clause per entry.
_BUILTIN_SENTENCES = [
    "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，现将有关事项通知如下",
    "各地各部门要切实提高思想认识，加强组织领导，明确责任分工，确保各项工作任务落到实处",
    "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开",
    "围绕群众关切的重点领域，及时准确发布权威信息，主动回应社会关切",
    "严格落实公开属性源头认定机制，对拟公开的政府信息依法依规进行保密审查",
    "进一步规范依申请公开办理流程，按照法定时限答复申请人，提升答复质量",
    "加强政府网站和政务新媒体管理，及时更新信息，确保内容准确、链接有效",
    "强化政策解读，做到政策性文件与解读材料同步组织、同步审签、同步部署",
    "全年共主动公开政府信息一千余条，其中规范性文件二十余件",
    "完善重大行政决策公众参与机制，广泛听取社会公众和利益相关方意见",
    "推进基层政务公开标准化规范化建设，编制完善基层政务公开事项目录",
    "加大财政预决算公开力度，细化公开内容，除涉密信息外全部向社会公开",
    "做好安全生产领域信息公开，及时公布行政处罚、事故调查处理等信息",
    "各单位要于每月底前报送工作进展情况，遇有重大问题及时报告",
    "本通知自印发之日起施行，此前有关规定与本通知不一致的，以本通知为准",
    "加强督促检查，将政务公开工作纳入年度绩效考核，确保取得实效",
    "积极推进政务服务事项网上办理，进一步压缩办理时限，减少申请材料",
    "健全完善政务舆情回应机制，对涉及本地区本部门的重要舆情及时作出回应",
    "统筹推进疫情防控和经济社会发展，切实保障人民群众生命安全和身体健康",
    "深入开展安全生产大检查，全面排查治理各类安全隐患，坚决遏制重特大事故发生",
]
# Seed sentences that read as page chrome or metadata are left out of the bodies.
_CHROME_WORDS = re.compile(
    r"索引号|发布机构|发布单位|发布日期|生成日期|文号|来源|当前位置|浏览次数|字体|打印|关闭|"
    r"ICP|备案|版权|主办|承办|年度报告|年报|http|www\.|[:：|\t]"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def sentence_pool() -> tuple[str, ...]:
    """The sentences body text is built from: the seeds' prose clauses, else the built-ins."""
    found: set[str] = set()
    if SEEDS.is_dir():
        for path in sorted(SEEDS.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for part in re.split(r"[。！？；\n]", text):
                part = re.sub(r"\s+", "", part).strip("，、,.")
                cjk = len(_CJK.findall(part))
                prose = cjk >= 12 and len(part) <= 160 and cjk >= 0.7 * len(part)
                if prose and not _CHROME_WORDS.search(part):
                    found.add(part)
    pool = sorted(found) if len(found) >= 40 else sorted(_BUILTIN_SENTENCES)
    return tuple(pool)


def _rng(*key: object) -> random.Random:
    return random.Random(zlib.crc32(repr(key).encode()))


def _body_paragraphs(rng: random.Random, min_bytes: int) -> str:
    """Paragraph HTML of at least ``min_bytes`` UTF-8 bytes (at least two paragraphs)."""
    pool = sentence_pool()
    numerals = "一二三四五六七八九十"
    out: list[str] = []
    size = 0
    n = 0
    while size < min_bytes or n < 2:
        if n % 6 == 2:
            heading = f"{numerals[(n // 6) % 10]}、{rng.choice(pool)[:14]}"
            para = f'<p style="text-indent:2em;"><strong>{heading}</strong></p>'
        else:
            sentences = [rng.choice(pool) for _ in range(rng.randint(2, 6))]
            para = f'<p style="text-indent:2em;">{"。".join(sentences)}。</p>'
        out.append(para)
        size += len(para.encode()) + 1
        n += 1
    return "\n".join(out)


@dataclass(frozen=True)
class Column:
    number: int
    slug: str
    name: str
    style: str  # "trs" or "plain"
    documents: int

    @property
    def base(self) -> str:
        return f"/xxgk/{self.slug}/"

    @property
    def pages(self) -> int:
        return max(1, -(-self.documents // ROWS_PER_PAGE))

    @property
    def entry(self) -> str:
        """The path the home links: the column's first list page."""
        return self.base if self.style == "trs" else self.base + "list.html"

    def list_path(self, index: int) -> str:
        """Path of the list page ``index`` (0-based)."""
        if self.style == "trs":
            return self.base + ("index.html" if index == 0 else f"index_{index}.html")
        return self.base + ("list.html" if index == 0 else f"list_{index + 1}.html")


@dataclass(frozen=True)
class Doc:
    number: int  # 0 … documents-1
    column: Column
    position: int  # 0 = newest of its column
    published: date
    path: str

    @property
    def doc_id(self) -> int:
        return FIRST_ID + self.number


class SiteLayout:
    """The site's structure and pages, without a server."""

    def __init__(self, documents: int, *, page_kb: int = 30, seed: int = 0) -> None:
        if documents < 1:
            raise ValueError("a site needs at least one document")
        self.documents = documents
        self.page_kb = page_kb
        self.seed = seed
        count = max(MIN_COLUMNS, -(-documents // (ROWS_PER_PAGE * MAX_PAGES_PER_COLUMN)))
        count = min(count, documents)
        columns = []
        for c in range(count):
            slug, name = _COLUMN_NAMES[c % len(_COLUMN_NAMES)]
            if c >= len(_COLUMN_NAMES):
                slug, name = (
                    f"{slug}{c // len(_COLUMN_NAMES) + 1}",
                    f"{name}{c // len(_COLUMN_NAMES) + 1}",
                )
            docs = (documents - c + count - 1) // count
            columns.append(Column(c, slug, name, "trs" if c % 2 == 0 else "plain", docs))
        self.columns = tuple(columns)
        self._by_slug = {column.slug: column for column in self.columns}

    # --- structure -------------------------------------------------------------------------

    def doc(self, number: int) -> Doc:
        column = self.columns[number % len(self.columns)]
        position = number // len(self.columns)
        published = NEWEST - timedelta(days=(position * SPAN_DAYS) // max(1, column.documents))
        doc_id = FIRST_ID + number
        if column.style == "trs":
            stamp = published.strftime("%Y%m%d")
            path = f"{column.base}{stamp[:6]}/t{stamp}_{doc_id}.html"
        else:
            path = f"{column.base}content_{doc_id}.html"
        return Doc(number, column, position, published, path)

    def doc_at(self, column: Column, position: int) -> Doc:
        return self.doc(position * len(self.columns) + column.number)

    def document_paths(self) -> Iterator[str]:
        """Every document's path, in document-number order."""
        for number in range(self.documents):
            yield self.doc(number).path

    def list_paths(self) -> Iterator[str]:
        """Every list page's path (the TRS columns' first page as its directory URL)."""
        for column in self.columns:
            for index in range(column.pages):
                yield column.entry if index == 0 else column.list_path(index)

    _TRS_DOC = re.compile(r"^/xxgk/([a-z0-9]+)/\d{6}/t\d{8}_(\d+)\.html$")
    _PLAIN_DOC = re.compile(r"^/xxgk/([a-z0-9]+)/content_(\d+)\.html$")
    _LIST = re.compile(r"^/xxgk/([a-z0-9]+)/(?:(index|list)(?:_(\d+))?\.html)?$")

    def render(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request path (query ignored)."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        html = "text/html; charset=utf-8"
        if path in ("/", "/index.html"):
            return 200, html, self.home_page().encode()
        if path == "/robots.txt":
            robots = "User-agent: *\nDisallow: /search/\nDisallow: /admin/\n"
            return 200, "text/plain; charset=utf-8", robots.encode()
        for pattern in (self._TRS_DOC, self._PLAIN_DOC):
            match = pattern.match(path)
            if match:
                number = int(match.group(2)) - FIRST_ID
                if 0 <= number < self.documents and self.doc(number).path == path:
                    return 200, html, self.document_page(number).encode()
                return self._not_found()
        match = self._LIST.match(path)
        if match and match.group(1) in self._by_slug:
            column = self._by_slug[match.group(1)]
            kind, number = match.group(2), match.group(3)
            if kind is None:
                index = 0 if column.style == "trs" else -1
            elif kind == "index" and column.style == "trs":
                index = int(number) if number else 0
                if number == "0":
                    index = -1
            elif kind == "list" and column.style == "plain":
                index = int(number) - 1 if number else 0
                if number in ("0", "1"):
                    index = -1
            else:
                index = -1
            if 0 <= index < column.pages:
                return 200, html, self.list_page(column, index).encode()
        return self._not_found()

    def _not_found(self) -> tuple[int, str, bytes]:
        body = "<html><head><title>404</title></head><body>404 页面不存在</body></html>"
        return 404, "text/html; charset=utf-8", body.encode()

    # --- pages -----------------------------------------------------------------------------

    def _nav(self) -> str:
        items = "".join(
            f'<li><a href="{c.entry}">{c.name}</a></li>' for c in self.columns[: MIN_COLUMNS * 2]
        )
        return f'<div class="nav"><ul><li><a href="/">首页</a></li>{items}</ul></div>'

    def _page(self, title: str, main: str, head_extra: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{head_extra}<link rel="stylesheet" type="text/css" href="/css/style.css">
<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>
{_HEAD_SCRIPT}
</head>
<body>
<div class="topbar"><div class="w1200"><span class="welcome">欢迎访问{SITE_NAME}门户网站！</span>
<span class="toplinks"><a href="https://www.gov.cn/" target="_blank">中国政府网</a> |
<a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a> |
<a href="javascript:void(0)" onclick="setHome()">设为首页</a> | <a href="javascript:void(0)">无障碍浏览</a></span>
</div></div>
<div class="header"><div class="w1200"><a class="logo" href="/"><img src="/images/logo.png" alt="{SITE_NAME}"></a>
<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键字">
<button type="submit">搜索</button></form></div></div>
{self._nav()}
{main}
<div class="footer"><div class="w1200">
<p><a href="/">网站首页</a> | <a href="javascript:void(0)">网站地图</a> | <a href="javascript:void(0)">联系我们</a> | <a href="/admin/">后台管理</a></p>
<p>主办单位：{SPONSOR}&nbsp;&nbsp;承办单位：示例市大数据发展管理局</p>
<p>版权所有：{SITE_NAME}&nbsp;&nbsp;网站标识码：{SITE_CODE}</p>
<p><a href="https://beian.miit.gov.cn/" target="_blank">{ICP}</a>&nbsp;&nbsp;
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33010202000123" target="_blank">
<img src="/images/ga.png" alt="">{PSB}</a></p>
<p>建议使用1024×768以上分辨率浏览本网站</p>
<div class="jiucuo"><a href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteId.action?siteCode={SITE_CODE}" target="_blank"><img src="/images/jiucuo.png" alt="政府网站找错"></a></div>
</div></div>
</body>
</html>
"""

    def home_page(self) -> str:
        columns = "\n".join(
            f'<li><a href="{c.entry}">{c.name}</a><span>（{c.documents}条）</span></li>'
            for c in self.columns
        )
        latest = "\n".join(
            f'<li><a href="{doc.path}" target="_blank">{escape(self._title(doc))}</a>'
            f'<span class="date">{doc.published.isoformat()}</span></li>'
            for doc in map(self.doc, range(min(10, self.documents)))
        )
        main = f"""<div class="main w1200">
<div class="position">当前位置：<a href="/">首页</a> &gt; <span>政府信息公开</span></div>
<div class="xxgk-title"><h2>政府信息公开目录</h2></div>
<div class="xxgk-columns"><ul class="menu">
{columns}
</ul></div>
<div class="latest"><div class="latest-title">最新公开</div><ul class="list">
{latest}
</ul></div>
</div>"""
        head = f'<meta name="SiteName" content="{SITE_NAME}">\n'
        return self._page(f"政府信息公开_{SITE_NAME}", main, head)

    def _title(self, doc: Doc) -> str:
        rng = _rng(self.seed, "title", doc.number)
        agency = rng.randrange(len(_AGENCIES))
        subject = rng.choice(_SUBJECTS)
        genre = rng.choice(_GENRES)
        return f"{_AGENCIES[agency]}关于{subject}的{genre}（第{doc.doc_id}号）"

    def list_page(self, column: Column, index: int) -> str:
        first = index * ROWS_PER_PAGE
        rows = []
        here = column.list_path(index)
        for position in range(first, min(first + ROWS_PER_PAGE, column.documents)):
            doc = self.doc_at(column, position)
            title = self._title(doc)
            href = "." + doc.path[len(here[: here.rfind("/")]) :]
            short = title if len(title) <= 30 else title[:29] + "…"
            rows.append(
                f'<li><a href="{href}" title="{escape(title)}" target="_blank">{escape(short)}</a>'
                f'<span class="date">{doc.published.isoformat()}</span></li>'
            )
        if column.style == "trs":
            pager = (
                '<script type="text/javascript">'
                f'createPageHTML({column.pages}, {index}, "index", "html");</script>'
            )
            head_extra = _TRS_PAGER_SCRIPT + "\n"
        else:
            pager = _plain_pager(column, index)
            head_extra = ""
        head_extra = (
            f'<meta name="SiteName" content="{SITE_NAME}">\n'
            f'<meta name="ColumnName" content="{column.name}">\n'
            '<meta name="ColumnType" content="信息公开">\n' + head_extra
        )
        side = "".join(
            f'<li{" class=on" if c is column else ""}><a href="{c.entry}">{c.name}</a></li>'
            for c in self.columns[: MIN_COLUMNS * 2]
        )
        items = "\n".join(rows)
        main = f"""<div class="main w1200 clearfix">
<div class="sidebar"><div class="side-title">政府信息公开</div><ul class="side-nav">{side}</ul></div>
<div class="content">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/">政府信息公开</a> &gt; <span>{column.name}</span></div>
<div class="column-title"><h2>{column.name}</h2></div>
<ul class="list">
{items}
</ul>
<div class="pager" id="pager">{pager}</div>
</div>
</div>"""
        return self._page(f"{column.name}_{SITE_NAME}", main, head_extra)

    def document_page(self, number: int, page_kb: int | None = None) -> str:
        """Document ``number``'s page, padded with body text to about ``page_kb`` KiB."""
        doc = self.doc(number)
        target = (self.page_kb if page_kb is None else page_kb) * 1024
        rng = _rng(self.seed, "doc", number)
        title = self._title(doc)
        agency = _AGENCIES.index(title[: title.index("关于")])
        pub = doc.published.isoformat()
        written = (doc.published - timedelta(days=rng.randint(0, 6))).isoformat()
        index_no = f"{SITE_CODE}{agency:02d}/{doc.published.year}-{doc.doc_id % 100000:05d}"
        doc_no = f"{_ABBREV[agency]}〔{doc.published.year}〕{rng.randint(1, 199)}号"
        topic = rng.choice(_TOPICS)
        column = doc.column
        related = []
        for step in (1, 2, 3, 4, 5):
            other = (doc.position + step) % column.documents
            if other != doc.position:
                rdoc = self.doc_at(column, other)
                related.append(
                    f'<li><a href="{rdoc.path}" target="_blank">{escape(self._title(rdoc))}</a>'
                    f"<span>{rdoc.published.isoformat()}</span></li>"
                )
        head_extra = "".join(
            f'<meta name="{name}" content="{escape(value)}">\n'
            for name, value in (
                ("SiteName", SITE_NAME),
                ("SiteDomain", "www.example.gov.cn"),
                ("SiteIDCode", SITE_CODE),
                ("ColumnName", column.name),
                ("ColumnType", "信息公开"),
                ("ArticleTitle", title),
                ("PubDate", f"{pub} 09:{rng.randint(0, 59):02d}"),
                ("ContentSource", _AGENCIES[agency]),
                ("Url", f"http://www.example.gov.cn{doc.path}"),
            )
        )

        def row(l1: str, v1: str, l2: str, v2: str) -> str:
            return (
                f'<tr><td class="td_lable">{l1}</td><td class="td_content">{escape(v1)}</td>'
                f'<td class="td_lable">{l2}</td><td class="td_content">{escape(v2)}</td></tr>'
            )

        table = "\n".join(
            [
                row("索引号：", index_no, "发布机构：", _AGENCIES[agency]),
                row("文号：", doc_no, "成文日期：", written),
                row("发布日期：", pub, "主题分类：", topic),
                row("有效性：", "有效", "公开方式：", "主动公开"),
                (
                    f'<tr><td class="td_lable">名称：</td><td class="td_content" colspan="3">'
                    f"{escape(title)}</td></tr>"
                ),
            ]
        )
        views = rng.randint(30, 9000)
        main = f"""<div class="main w1200">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/">政府信息公开</a> &gt; <a href="{column.entry}">{column.name}</a></div>
<div class="xxgk_top"><table class="xxgk_table" cellspacing="0" cellpadding="0" width="100%"><tbody>
{table}
</tbody></table></div>
<div class="article">
<h1 class="article-title">{escape(title)}</h1>
<div class="article-info">发布时间：{pub}&nbsp;&nbsp;来源：{_AGENCIES[agency]}&nbsp;&nbsp;浏览次数：<span id="hits">{views}</span>&nbsp;&nbsp;【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
<div class="article-content" id="zoom"><div class="TRS_Editor"><style type="text/css">
.TRS_Editor P{{margin-top:0;margin-bottom:12px;line-height:1.8;font-family:宋体;font-size:12pt;}}
</style>
<!--BODY-->
<p style="text-align:right;">{_AGENCIES[agency]}</p>
<p style="text-align:right;">{doc.published.year}年{doc.published.month}月{doc.published.day}日</p>
</div></div>
<div class="article-tools clearfix"><div class="share">分享到：<a href="javascript:void(0)" class="bds_weixin" title="分享到微信">微信</a> <a href="javascript:void(0)" class="bds_tsina" title="分享到新浪微博">微博</a> <a href="javascript:void(0)" class="bds_qzone" title="分享到QQ空间">QQ空间</a></div>
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div></div>
<div class="qrcode"><img src="/images/qrcode.png" alt="二维码" width="100" height="100"><p>扫一扫在手机打开当前页</p></div>
<div class="related"><div class="related-title">相关链接</div><ul>{"".join(related)}</ul></div>
</div>
</div>"""
        shell = self._page(f"{title}_{SITE_NAME}", main, head_extra)
        body = _body_paragraphs(rng, target - len(shell.encode()))
        return shell.replace("<!--BODY-->", body, 1)


def _plain_pager(column: Column, index: int) -> str:
    """首页 上一页 [numbers around the current page] 下一页 尾页, as relative links."""

    def href(i: int) -> str:
        path = column.list_path(i)
        return "./" + path[path.rfind("/") + 1 :]

    last = column.pages - 1
    parts = [
        f"共{column.documents}条&nbsp;每页{ROWS_PER_PAGE}条&nbsp;页次：{index + 1}/{column.pages}&nbsp;",
        f'<a href="{href(0)}">首页</a>',
        f'<a href="{href(index - 1)}">上一页</a>'
        if index > 0
        else '<span class="disabled">上一页</span>',
    ]
    for i in range(max(0, index - 4), min(last, index + 4) + 1):
        parts.append(
            f'<span class="current">{i + 1}</span>'
            if i == index
            else f'<a href="{href(i)}">{i + 1}</a>'
        )
    parts.append(
        f'<a href="{href(index + 1)}">下一页</a>'
        if index < last
        else '<span class="disabled">下一页</span>'
    )
    parts.append(f'<a href="{href(last)}">尾页</a>')
    return " ".join(parts)


_HEAD_SCRIPT = """<script type="text/javascript">
function doZoom(size){var el=document.getElementById("zoom");if(!el){return;}
el.style.fontSize=size+"px";var ps=el.getElementsByTagName("p");
for(var i=0;i<ps.length;i++){ps[i].style.fontSize=size+"px";}}
function addFavorite(){try{window.external.addFavorite(location.href,document.title);}
catch(e){alert("请使用Ctrl+D进行添加");}}
function setHome(){alert("请在浏览器设置中将本站设为首页");}
var _hmt = _hmt || [];
(function(){var hm=document.createElement("script");hm.src="/js/stat.js?v=20240101";
var s=document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm,s);})();
</script>"""

# The classic TRS WCM pager: the page links exist only as document.write strings.
_TRS_PAGER_SCRIPT = r"""<script type="text/javascript">
//TRS分页函数: createPageHTML(总页数, 当前页序号(从0开始), 文件名前缀, 扩展名)
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){ return; }
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0){
		document.write("<span class=\"disabled\">首页</span> <span class=\"disabled\">上一页</span> ");
	}else{
		document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">首页</a> ");
		var sPrev = (nCurrIndex == 1) ? _sPageName+"."+_sPageExt : _sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt;
		document.write("<a href=\""+sPrev+"\">上一页</a> ");
	}
	if(nCurrIndex == _nPageCount-1){
		document.write("<span class=\"disabled\">下一页</span> <span class=\"disabled\">尾页</span>");
	}else{
		document.write("<a href=\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\">下一页</a> ");
		document.write("<a href=\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\">尾页</a>");
	}
}
</script>"""


def document_page(number: int = 0, page_kb: int = 30, *, seed: int = 0) -> str:
    """One document page of about ``page_kb`` KiB (10 … 2048 and beyond), no server needed."""
    return SiteLayout(max(number + 1, 1), page_kb=page_kb, seed=seed).document_page(number)


# --- the server --------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    layout: SiteLayout
    requests_served: int = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        status, kind, body = self.server.layout.render(self.path)
        self.server.requests_served += 1
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        status, kind, body = self.server.layout.render(self.path)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class GeneratedSite:
    """The generated site served on 127.0.0.1 at a free port, in daemon threads."""

    def __init__(self, documents: int, *, page_kb: int = 30, seed: int = 0) -> None:
        self.layout = SiteLayout(documents, page_kb=page_kb, seed=seed)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def documents(self) -> int:
        return self.layout.documents

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the site is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``: the directory home, the crawl's start URL."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def requests_served(self) -> int:
        return self._server.requests_served if self._server else 0

    def document_urls(self) -> Iterator[str]:
        base = self.base_url.rstrip("/")
        return (base + path for path in self.layout.document_paths())

    def start(self) -> str:
        if self._server is None:
            server = _Server(("127.0.0.1", 0), _Handler)
            server.layout = self.layout
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, name="bench-site", daemon=True
            )
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_site(documents: int, *, page_kb: int = 30, seed: int = 0) -> tuple[GeneratedSite, str]:
    """Start a generated site; (the site, whose ``stop()`` ends it, and its base URL)."""
    site = GeneratedSite(documents, page_kb=page_kb, seed=seed)
    return site, site.start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.site", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--page-kb", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stdin-stop", action="store_true", help="stop when standard input closes")
    args = parser.parse_args(argv)
    site, base = start_site(args.documents, page_kb=args.page_kb, seed=args.seed)
    print(base, flush=True)
    try:
        if args.stdin_stop:
            sys.stdin.read()
        else:
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
