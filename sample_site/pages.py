"""HTML templates of the sample site: shared chrome, home, list pages and three detail variants.

Every link a page writes is relative to that page (TRS/Hanweb style), except the robots-blocked
search and admin links, which are root-relative as on many real sites. Detail pages come in
three variants so extraction is exercised: "A" (TRS 信息公开 table ``xxgk_table``), "B"
(Hanweb-like ``<li>``/``<span>`` labels with inner spaces, Chinese dates) and "C" (an old table
layout whose labels are truncated: ``号：`` for 索引号/文号, ``称：`` for 名称).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sample_site.data import (
    ADMIN_LINK,
    COLUMNS,
    GUIDE_NAME,
    GUIDE_PATH,
    HOST_TOKEN,
    ICP,
    OPERATOR,
    ORIGIN_TOKEN,
    PSB,
    PSB_CODE,
    SEARCH_LINK,
    SITE_HEADING,
    SITE_ID_CODE,
    SITE_NAME,
    SPONSOR,
    Column,
    DocSpec,
)

JIUCUO_URL = (
    f"https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteId.action?siteCode={SITE_ID_CODE}"
)
BODY_TOKEN = "<!--SAMPLE-SITE-BODY-->"


def rel(from_path: str, to: str) -> str:
    """Relative URL from the page at ``from_path`` to the site path ``to``, "./"-prefixed."""
    from_dir = from_path[: from_path.rfind("/") + 1]
    target_dir, _, name = to.rpartition("/")
    up = posixpath.relpath(target_dir + "/", from_dir)
    prefix = "./" if up == "." else up + "/"
    if not prefix.startswith("."):
        prefix = "./" + prefix
    return prefix + name


def a(href: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_")}="{escape(v)}"' for k, v in attrs.items())
    return f'<a href="{escape(href)}"{extra}>{escape(text)}</a>'


# ---- body blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # first row is the header


Block = Paragraph | Table


def parse_body(text: str) -> tuple[str, tuple[Block, ...]]:
    """Title and blocks of a content file (see content/reports/README.md for the format)."""
    lines = text.splitlines()
    title = lines[0].strip()
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] | None = None
    for raw in lines[1:]:
        line = raw.strip()
        if line == "[table]":
            rows = []
        elif line == "[/table]":
            assert rows is not None
            blocks.append(Table(tuple(rows)))
            rows = None
        elif rows is not None:
            rows.append(tuple(cell.strip() for cell in line.split("|")))
        elif line:
            blocks.append(Paragraph(line))
    assert rows is None, "unclosed [table]"
    return title, tuple(blocks)


def body_html(blocks: Sequence[Block], template: str) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Table):
            head, *rows = block.rows
            cells = "".join(f"<th>{escape(c)}</th>" for c in head)
            trs = [f"<tr>{cells}</tr>"]
            for row in rows:
                tds = "".join(f"<td>{escape(c) if c else '&nbsp;'}</td>" for c in row)
                trs.append(f"<tr>{tds}</tr>")
            table_rows = "\n".join(trs)
            out.append(
                '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="4" '
                f'width="100%">\n<tbody>\n{table_rows}\n</tbody>\n</table>'
            )
        elif template == "A":
            out.append(f'<p style="text-indent:2em;">{escape(block.text)}</p>')
        elif template == "C":
            out.append(f'<p align="left">\u3000\u3000{escape(block.text)}</p>')
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return "\n".join(out)


# ---- shared chrome ----------------------------------------------------------------------------

STYLE_SHEET = """\
body{margin:0;font:14px/1.6 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f4f6f9}
a{color:#1a4d8f;text-decoration:none}a:hover{color:#c00}
.w1200{width:1200px;margin:0 auto}.clearfix:after{content:"";display:block;clear:both}
.topbar{background:#eef2f7;height:32px;line-height:32px;font-size:12px}.toplinks{float:right}
.header{background:#1a4d8f;color:#fff;height:110px}.site-name{font-size:32px;line-height:110px}
.header form{float:right;margin-top:-70px}.nav{background:#0f3a70}
.nav ul{margin:0 auto;padding:0;width:1200px;list-style:none}
.nav li{display:inline-block}.nav a{color:#fff;display:block;padding:0 28px;line-height:44px}
.position,.crumbs{padding:10px 0;color:#666}.sidebar{float:left;width:240px}
.content{float:right;width:930px;background:#fff;padding:20px}
.list{list-style:none;padding:0}.list li{border-bottom:1px dashed #ddd;line-height:40px}
.list .date{float:right;color:#999}.pager{text-align:center;padding:20px 0}
.pager a,.pager span{margin:0 4px}.pager .current{color:#c00;font-weight:bold}
.xxgk_table{width:100%;border-collapse:collapse}.xxgk_table td{border:1px solid #d7e0ea;padding:6px}
.td_lable{background:#f0f5fa;width:12%;text-align:right}
.article,.detail-box{background:#fff;padding:30px}.article-title,#title{text-align:center}
.article-info,.detail-info{text-align:center;color:#888;border-bottom:1px solid #ddd}
.article-content{font-size:16px;line-height:2;padding:20px 0}
.article-content table{border-collapse:collapse;margin:10px auto}
.xxgk-info{list-style:none;display:flex;flex-wrap:wrap;padding:10px;background:#f7f9fc}
.xxgk-info li{width:50%}.qrcode,.detail-ewm{text-align:center;color:#999}
.footer{background:#1a4d8f;color:#dfe7f2;text-align:center;padding:20px 0;margin-top:30px}
.footer a{color:#fff}
"""

HEAD_SCRIPT = """\
<script type="text/javascript">
function doZoom(size){var el=document.getElementById("zoom");if(!el){return;}
el.style.fontSize=size+"px";var ps=el.getElementsByTagName("p");
for(var i=0;i<ps.length;i++){ps[i].style.fontSize=size+"px";}}
function addFavorite(){try{window.external.addFavorite(location.href,document.title);}
catch(e){alert("请使用Ctrl+D进行添加");}}
</script>"""

# The classic TRS WCM pager: the page links exist only as document.write strings.
TRS_PAGER_SCRIPT = r"""<script type="text/javascript">
//TRS分页函数: createPageHTML(总页数, 当前页序号(从0开始), 文件名前缀, 扩展名)
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){
		return;
	}
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0){
		document.write("<span class=\"disabled\">首页</span> <span class=\"disabled\">上一页</span> ");
	}else{
		document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">首页</a> ");
		var sPrev = (nCurrIndex == 1) ? _sPageName+"."+_sPageExt : _sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt;
		document.write("<a href=\""+sPrev+"\">上一页</a> ");
	}
	for(var i=0; i<_nPageCount; i++){
		var sHref = (i == 0) ? _sPageName+"."+_sPageExt : _sPageName+"_"+i+"."+_sPageExt;
		if(i == nCurrIndex){
			document.write("<span class=\"current\">"+(i+1)+"</span> ");
		}else{
			document.write("<a href=\""+sHref+"\">"+(i+1)+"</a> ");
		}
	}
	if(nCurrIndex == _nPageCount-1){
		document.write("<span class=\"disabled\">下一页</span> <span class=\"disabled\">尾页</span>");
	}else{
		document.write("<a href=\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\">下一页</a> ");
		document.write("<a href=\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\">尾页</a>");
	}
	document.write(" 共"+_nPageCount+"页");
}
</script>"""


def nav_items(path: str) -> list[tuple[str, str]]:
    items = [(rel(path, c.base), c.name) for c in COLUMNS.values()]
    return [*items, (rel(path, GUIDE_PATH), GUIDE_NAME)]


def header(path: str) -> str:
    nav = "".join(f"<li>{a(href, name)}</li>" for href, name in nav_items(path))
    return f"""\
<div class="topbar"><div class="w1200">
<span class="welcome">欢迎访问{SITE_HEADING}网站！</span>
<span class="toplinks">{a("https://www.gov.cn/", "中国政府网", target="_blank")} | \
<a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a> | \
{a(rel(path, GUIDE_PATH), "网站导航")}</span>
</div></div>
<div class="header"><div class="w1200">
<a class="logo" href="{rel(path, "/")}"><img src="{rel(path, "/images/logo.png")}" \
alt="{SITE_NAME}" width="64" height="64"></a>
<div class="site-name">{SITE_HEADING}</div>
<form class="search" action="{rel(path, "/search/")}" method="get">\
<input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form>
</div></div>
<div class="nav"><ul><li>{a(rel(path, "/"), "首页")}</li>{nav}</ul></div>"""


def footer(path: str) -> str:
    return f"""\
<div class="footer"><div class="w1200">
<p>{a(rel(path, GUIDE_PATH), GUIDE_NAME)} | {a(rel(path, "/index.html"), "网站首页")} | \
{a(ADMIN_LINK, "后台管理")}</p>
<p>主办单位：{SPONSOR}&nbsp;&nbsp;承办单位：{OPERATOR}</p>
<p>版权所有：{SITE_NAME}&nbsp;&nbsp;网站标识码：{SITE_ID_CODE}</p>
<p>{a("https://beian.miit.gov.cn/", ICP, target="_blank")}&nbsp;&nbsp;\
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={PSB_CODE}" \
target="_blank"><img src="{rel(path, "/images/ga.png")}" alt="">{PSB}</a></p>
<p>建议使用1024×768以上分辨率浏览本网站</p>
</div></div>"""


def breadcrumb(path: str, column: Column, *, link_last: bool) -> str:
    last = a(rel(path, column.base), column.name) if link_last else f"<span>{column.name}</span>"
    return (
        f"当前位置：{a(rel(path, '/'), '首页')} &gt; "
        f"{a(rel(path, '/index.html'), '政府信息公开')} &gt; {last}"
    )


def breadcrumb_text(column: Column) -> str:
    return f"当前位置：首页 > 政府信息公开 > {column.name}"


def page(
    path: str,
    title: str,
    main: str,
    *,
    charset: str = "utf-8",
    head_extra: str = "",
    body_class: str = "",
) -> str:
    if charset == "utf-8":
        charset_meta = '<meta charset="utf-8">'
    else:
        charset_meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f"""\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset_meta}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
{head_extra}<link rel="stylesheet" type="text/css" href="{rel(path, "/css/style.css")}">
{HEAD_SCRIPT}
</head>
<body class="{body_class}">
{header(path)}
{main}
{footer(path)}
</body>
</html>
"""


# ---- list pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListItem:
    path: str
    title: str  # as printed
    date: str  # YYYY-MM-DD


def short_title(title: str, limit: int = 26) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def list_items_html(path: str, items: Sequence[ListItem]) -> str:
    lis = [
        f"<li>{a(rel(path, it.path), short_title(it.title), title=it.title, target='_blank')}"
        f'<span class="date">{it.date}</span></li>'
        for it in items
    ]
    return '<ul class="list">\n' + "\n".join(lis) + "\n</ul>"


def sidebar(path: str, current: str | None) -> str:
    lis = []
    for href, name in nav_items(path):
        cls = ' class="on"' if name == current else ""
        lis.append(f"<li{cls}>{a(href, name)}</li>")
    return (
        '<div class="sidebar"><div class="side-title">政府信息公开</div>\n'
        '<ul class="side-nav">' + "".join(lis) + "</ul></div>"
    )


def trs_pager(page_count: int, index: int) -> str:
    return f'<script type="text/javascript">createPageHTML({page_count}, {index}, "index", "html");</script>'


def plain_pager(path: str, column: Column, page_count: int, number: int, total: int) -> str:
    def href(n: int) -> str:
        return rel(path, column.base + ("list.html" if n == 1 else f"list_{n}.html"))

    parts = [f"共{total}条&nbsp;每页5条&nbsp;页次：{number}/{page_count}&nbsp;", a(href(1), "首页")]
    parts.append(
        a(href(number - 1), "上一页") if number > 1 else '<span class="disabled">上一页</span>'
    )
    for n in range(1, page_count + 1):
        parts.append(a(href(n), str(n), class_="current") if n == number else a(href(n), str(n)))
    parts.append(
        a(href(number + 1), "下一页")
        if number < page_count
        else '<span class="disabled">下一页</span>'
    )
    parts.append(a(href(page_count), "尾页"))
    return " ".join(parts)


def list_page(
    path: str,
    column: Column,
    items: Sequence[ListItem],
    *,
    pager: str,
    total: int,
) -> str:
    main = f"""\
<div class="main w1200 clearfix">
{sidebar(path, column.name)}
<div class="content">
<div class="position">{breadcrumb(path, column, link_last=False)}</div>
<div class="column-title"><h2>{column.name}</h2><p class="desc">{column.description}共{total}条信息。</p></div>
{list_items_html(path, items)}
<div class="pager" id="pager">{pager}</div>
</div>
</div>"""
    head_extra = (
        f'<meta name="SiteName" content="{SITE_NAME}">\n'
        f'<meta name="ColumnName" content="{column.name}">\n'
        f'<meta name="ColumnType" content="{column.column_type}">\n'
    )
    if column.pager == "trs":
        head_extra += TRS_PAGER_SCRIPT + "\n"
    return page(path, f"{column.name}_{SITE_NAME}", main, head_extra=head_extra)


# ---- home, guide and the robots-blocked pages -------------------------------------------------


def home_page(path: str, latest: Sequence[ListItem], column_counts: dict[str, int]) -> str:
    catalog = "".join(
        f'<li>{a(rel(path, c.base), c.name)}<span class="count">（{column_counts[c.slug]}）</span></li>'
        for c in COLUMNS.values()
    )
    main = f"""\
<div class="main w1200 clearfix">
<div class="home-left">
<div class="box catalog"><div class="box-title"><h2>政府信息公开目录</h2></div>
<ul>{catalog}</ul></div>
<div class="box guide"><div class="box-title"><h2>{GUIDE_NAME}</h2></div>
<p>为方便公民、法人和其他组织获取政府信息，本网站编制了{a(rel(path, GUIDE_PATH), GUIDE_NAME)}，\
说明政府信息的分类、编排体系、获取方式和依申请公开的办理程序。</p></div>
</div>
<div class="home-right">
<div class="box latest"><div class="box-title"><h2>最新信息</h2>\
{a(rel(path, COLUMNS["tzgg"].base), "更多>>", class_="more")}</div>
{list_items_html(path, latest)}
</div>
<div class="box nb-search"><div class="box-title"><h2>年报检索</h2></div>
<p>{a(SEARCH_LINK, "检索历年政府信息公开工作年度报告")}（共{column_counts["zfxxgknb"]}条）</p>
<p>{a(rel(path, COLUMNS["zfxxgknb"].base), "进入政府信息公开年报栏目")}</p></div>
</div>
</div>"""
    head_extra = (
        f'<meta name="SiteName" content="{SITE_NAME}">\n'
        f'<meta name="SiteDomain" content="{HOST_TOKEN}">\n'
        f'<meta name="SiteIDCode" content="{SITE_ID_CODE}">\n'
    )
    return page(
        path, f"政府信息公开目录_{SITE_NAME}", main, head_extra=head_extra, body_class="home"
    )


GUIDE_PARAGRAPHS = (
    (
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
        "需要获得政府信息公开服务的公民、法人和其他组织，建议阅读本指南。"
    ),
    (
        "一、主动公开。主动公开的政府信息通过本网站政府信息公开目录发布，"
        "目录按照政府信息公开年报、通知公告、统计信息等栏目编排。"
    ),
    (
        "二、依申请公开。公民、法人或者其他组织可以通过信函、当面或者网络等方式提出政府信息公开申请，"
        "行政机关收到申请后，能够当场答复的当场予以答复，不能当场答复的自收到申请之日起20个工作日内予以答复。"
    ),
    (
        "三、受理机构。市人民政府办公室政务公开科，办公时间为工作日上午8:30至12:00，下午14:30至17:30，"
        "联系电话：87056789。"
    ),
    (
        "四、监督方式。公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，"
        "可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。"
    ),
)


def guide_page(path: str) -> str:
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in GUIDE_PARAGRAPHS)
    links = " | ".join(a(rel(path, c.base), c.name) for c in COLUMNS.values())
    main = f"""\
<div class="main w1200 clearfix">
{sidebar(path, GUIDE_NAME)}
<div class="content">
<div class="position">当前位置：{a(rel(path, "/"), "首页")} &gt; \
{a(rel(path, "/index.html"), "政府信息公开")} &gt; <span>{GUIDE_NAME}</span></div>
<h2 class="guide-title">{SITE_NAME}{GUIDE_NAME}</h2>
<div class="guide-body">
{paras}
<p>信息公开目录：{links}</p>
</div>
</div>
</div>"""
    return page(path, f"{GUIDE_NAME}_{SITE_NAME}", main)


def search_page(path: str) -> str:
    main = """\
<div class="main w1200"><div class="content">
<h2>站内检索</h2>
<p>检索服务仅供人工查询使用，请勿使用自动程序访问本页面。</p>
<p>请输入关键字后点击“搜索”按钮。</p>
</div></div>"""
    return page(path, f"站内检索_{SITE_NAME}", main)


def admin_page(path: str) -> str:
    main = """\
<div class="main w1200"><div class="content">
<h2>网站内容管理系统</h2>
<form action="login.do" method="post"><p>用户名：<input name="u"></p>
<p>密码：<input name="p" type="password"></p><p><button type="submit">登录</button></p></form>
</div></div>"""
    return page(path, f"后台管理_{SITE_NAME}", main)


def not_found_page() -> str:
    return f"""\
<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>404 页面不存在_{SITE_NAME}</title></head>
<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p>
<p><a href="/">返回首页</a></p></body>
</html>
"""


def robots_txt(site_name: str, disallow: Sequence[str]) -> str:
    rules = "".join(f"Disallow: {prefix}\n" for prefix in disallow)
    return f"# robots.txt for {site_name}\nUser-agent: *\n{rules}"


# ---- detail pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DetailContext:
    """What a detail template needs besides the document itself (all strings as printed)."""

    doc: DocSpec
    column: Column
    related: tuple[ListItem, ...]
    charset: str  # the charset the page declares


def chinese_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def gov_meta(ctx: DetailContext) -> str:
    doc = ctx.doc
    tags = {
        "SiteName": SITE_NAME,
        "SiteDomain": HOST_TOKEN,
        "SiteIDCode": SITE_ID_CODE,
        "ColumnName": ctx.column.name,
        "ColumnType": ctx.column.column_type,
        "ArticleTitle": doc.title,
        "PubDate": doc.published,
        "ContentSource": doc.source,
        "Url": ORIGIN_TOKEN + doc.path,
    }
    return "".join(f'<meta name="{k}" content="{escape(v)}">\n' for k, v in tags.items())


def font_switch() -> str:
    return (
        '【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(14)">小</a>】'
    )


def share_links() -> str:
    return (
        '分享到：<a href="javascript:void(0)" class="bds_weixin" title="分享到微信">微信</a> '
        '<a href="javascript:void(0)" class="bds_tsina" title="分享到新浪微博">微博</a> '
        '<a href="javascript:void(0)" class="bds_qzone" title="分享到QQ空间">QQ空间</a>'
    )


def related_block(ctx: DetailContext, path: str, *, cls: str, title_cls: str) -> str:
    lis = "".join(
        f"<li>{a(rel(path, it.path), it.title, target='_blank')}<span>{it.date}</span></li>"
        for it in ctx.related
    )
    return f'<div class="{cls}"><div class="{title_cls}">相关链接</div><ul>{lis}</ul></div>'


def attachment_html(ctx: DetailContext) -> str:
    if ctx.doc.attachment is None:
        return ""
    name, label = ctx.doc.attachment
    return f'\n<p class="attachment">附件：{a("./" + name, label)}</p>'


def info_line(doc: DocSpec, views_html: str) -> str:
    return (
        f"发布时间：{doc.published}&nbsp;&nbsp;来源：{escape(doc.source)}&nbsp;&nbsp;"
        f"浏览次数：{views_html}"
    )


def detail_a(ctx: DetailContext) -> str:
    """TRS 信息公开 detail: label/value table ``xxgk_table``, body in a TRS_Editor div."""
    doc, path = ctx.doc, ctx.doc.path

    def row(l1: str, v1: str, l2: str, v2: str) -> str:
        return (
            f'<tr>\n<td class="td_lable">{l1}</td>\n<td class="td_content">{escape(v1)}</td>\n'
            f'<td class="td_lable">{l2}</td>\n<td class="td_content">{escape(v2)}</td>\n</tr>'
        )

    table = "\n".join(
        [
            row("索引号：", doc.index_no or "", "发布机构：", doc.publisher),
            row("文号：", doc.doc_no or doc.doc_no_empty_text, "成文日期：", doc.written),
            row("发布日期：", doc.date, "主题分类：", doc.topic),
            row("有效性：", "有效", "公开方式：", "主动公开"),
            (
                f'<tr>\n<td class="td_lable">名称：</td>\n<td class="td_content" colspan="3">'
                f"{escape(doc.title)}</td>\n</tr>"
            ),
        ]
    )
    main = f"""\
<div class="main w1200">
<div class="position">{breadcrumb(path, ctx.column, link_last=True)}</div>
<div class="xxgk_top">
<table class="xxgk_table" cellspacing="0" cellpadding="0" width="100%">
<tbody>
{table}
</tbody>
</table>
</div>
<div class="article">
<h1 class="article-title">{escape(doc.title)}</h1>
<div class="article-info">{info_line(doc, f'<span id="hits">{doc.views}</span>')}&nbsp;&nbsp;{font_switch()}</div>
<div class="article-content" id="zoom"><div class="TRS_Editor"><style type="text/css">
.TRS_Editor P{{margin-top:0;margin-bottom:12px;line-height:1.8;font-family:宋体;font-size:12pt;}}
</style>
{BODY_TOKEN}{attachment_html(ctx)}
</div></div>
<div class="article-tools clearfix"><div class="share">{share_links()}</div>
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div></div>
<div class="qrcode"><img src="{rel(path, "/images/qrcode.png")}" alt="二维码" width="100" height="100">\
<p>扫一扫在手机打开当前页</p></div>
<div class="jiucuo">{a(JIUCUO_URL, "我要纠错", target="_blank")}</div>
{related_block(ctx, path, cls="related", title_cls="related-title")}
</div>
</div>"""
    return main


def detail_b(ctx: DetailContext) -> str:
    """Hanweb-like detail: ``<li><span>`` labels with inner spaces, Chinese dates."""
    doc, path = ctx.doc, ctx.doc.path

    def li(label: str, value: str) -> str:
        return f'<li><span class="lab">{label}</span><span class="val">{escape(value)}</span></li>'

    items = [
        li("索 引 号：", doc.index_no or ""),
        li("主题分类：", doc.topic),
        li("发布机构：", doc.publisher),
        li("发布日期：", chinese_date(doc.date)),
        li("文\u3000\u3000号：", doc.doc_no or doc.doc_no_empty_text),
        li("成文日期：", chinese_date(doc.written)),
        li("有 效 性：", "有效"),
    ]
    items += [li(f"{k}：", v) for k, v in doc.extra_meta.items()]
    meta = "\n".join(items)
    main = f"""\
<div class="container w1200">
<div class="crumbs">{breadcrumb(path, ctx.column, link_last=True)}</div>
<div class="detail-box">
<ul class="xxgk-info clearfix">
{meta}
</ul>
<div class="detail-title"><h1 id="title">{escape(doc.title)}</h1></div>
<div class="detail-info">{info_line(doc, f'<span id="views">{doc.views}</span>')}</div>
<div class="detail-font">{font_switch()} {a(JIUCUO_URL, "我要纠错", target="_blank", class_="jc")}</div>
<div class="article-content" id="zoom">
{BODY_TOKEN}{attachment_html(ctx)}
</div>
<div class="detail-share"><div class="bdsharebuttonbox">{share_links()}</div></div>
<div class="detail-ewm"><img src="{rel(path, "/images/qrcode.png")}" alt="" width="90" height="90"> \
<span>扫一扫在手机打开当前页</span></div>
<div class="detail-btn"><a href="javascript:window.print()">【打印本页】</a> \
<a href="javascript:window.close()">【关闭窗口】</a></div>
{related_block(ctx, path, cls="xglj", title_cls="xglj-title")}
</div>
</div>"""
    return main


def detail_c(ctx: DetailContext) -> str:
    """Old table layout; labels truncated as the seed 003 page shows them (``号：``, ``称：``)."""
    doc, path = ctx.doc, ctx.doc.path
    extra = doc.extra_meta

    def cell(label: str, value: str, colspan: int = 1) -> str:
        span = f' colspan="{colspan}"' if colspan > 1 else ""
        return f'<td width="50%"{span}><b>{label}</b>{escape(value)}</td>'

    rows = [
        (cell("号：", doc.index_no or ""), cell("信息分类：", doc.topic)),
        (cell("内容分类：", extra.get("内容分类", "")), cell("发文日期：", doc.written)),
        (cell("发布机构：", doc.publisher), cell("生成日期：", extra.get("生成日期", doc.date))),
        (cell("来源单位：", doc.source), cell("", "")),
        (cell("生效时间：", ""), cell("废止时间：", "")),
        (cell("称：", doc.title, colspan=2),),
        (cell("号：", doc.doc_no or doc.doc_no_empty_text), cell("词：", "")),
    ]
    table = "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    views = str(doc.views) if doc.views else ""
    main = f"""\
<table class="wzxq" width="1200" align="center" cellspacing="0" cellpadding="0">
<tr><td class="position">{breadcrumb(path, ctx.column, link_last=True)}</td></tr>
<tr><td>
<table class="xxgk_info" width="100%" border="0" cellspacing="1" cellpadding="3">
{table}
</table>
</td></tr>
<tr><td class="wzbt" align="center"><h1>{escape(doc.title)}</h1></td></tr>
<tr><td class="wzxx" align="center">发布时间：{doc.published}&nbsp;&nbsp;信息来源：{escape(doc.source)}\
&nbsp;&nbsp;阅读次数：<span id="hits">{views}</span>&nbsp;&nbsp;{a(JIUCUO_URL, "我要纠错", target="_blank")}\
&nbsp;&nbsp;<a href="javascript:window.print()">打印</a>&nbsp;&nbsp;{font_switch()}</td></tr>
<tr><td>
<div class="article-content" id="zoom">
{BODY_TOKEN}{attachment_html(ctx)}
</div>
</td></tr>
<tr><td align="right">{share_links()}&nbsp;&nbsp;<a href="javascript:window.print()">打印本页</a>\
&nbsp;&nbsp;<a href="javascript:window.close()">关闭窗口</a></td></tr>
<tr><td align="center"><img src="{rel(path, "/images/qrcode.png")}" alt="" width="90" height="90">\
<br>扫一扫在手机打开当前页</td></tr>
<tr><td>{related_block(ctx, path, cls="xgwz", title_cls="xgwz-title")}</td></tr>
</table>"""
    return main


DETAIL_TEMPLATES = {"A": detail_a, "B": detail_b, "C": detail_c}


def detail_page(ctx: DetailContext) -> str:
    """The full page, with ``BODY_TOKEN`` where the body HTML goes."""
    doc = ctx.doc
    head_extra = gov_meta(ctx)
    if doc.template == "A":
        head_extra += '<meta name="Description" content="' + escape(doc.title) + '">\n'
    main = DETAIL_TEMPLATES[doc.template](ctx)
    title = f"{doc.title}_{ctx.column.name}_{SITE_NAME}"
    return page(
        doc.path, title, main, charset=ctx.charset, head_extra=head_extra, body_class="detail"
    )


def metadata_line(doc: DocSpec) -> str | None:
    """One metadata label + value exactly as its visible text reads (variants B and C)."""
    if doc.template == "B":
        return f"索 引 号：{doc.index_no}"
    if doc.template == "C":
        return f"号：{doc.index_no}"
    return None


def chrome_strings(doc: DocSpec, column: Column) -> list[str]:
    """Visible page-chrome strings of a detail page (Simplified), none of them body text."""
    out = [
        breadcrumb_text(column),
        "打印本页",
        "关闭窗口",
        "扫一扫在手机打开当前页",
        "分享到：微信 微博 QQ空间",
        "【字体：大 中 小】",
        "我要纠错",
        "相关链接",
        ICP,
        PSB,
        f"网站标识码：{SITE_ID_CODE}",
        f"主办单位：{SPONSOR}",
    ]
    if doc.index_no:
        out.append(doc.index_no)
    line = metadata_line(doc)
    if line:
        out.append(line)
    return out
