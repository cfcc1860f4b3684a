"""Attachment discovery (extraction.attachments) on small pages and on real corpus pages."""

from __future__ import annotations

import base64
import json

import pytest

from extraction.attachments import (
    attachment_extension,
    file_name,
    find_attachments,
    frame_sources,
    inline_scripts,
    is_attachment_url,
    viewer_target,
)
from extraction.body import dechromed_copy
from extraction.html import parse_html
from spiders import links
from tests.helpers import CORPUS

BASE = "http://www.example.gov.cn/xxgk/tzgg/202401/t20240105_1.html"
DIR = "http://www.example.gov.cn/xxgk/tzgg/202401/"


def found(body: str, *scripts: str, frames: list[str] | None = None) -> list[dict[str, str]]:
    root = parse_html(f"<html><body>{body}</body></html>")
    return find_attachments(root, BASE, list(scripts), frames)


def urls(body: str, *scripts: str) -> list[str]:
    return [entry["url"] for entry in found(body, *scripts)]


# Links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ext", ["pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z", "PDF"]
)
def test_plain_links_by_extension(ext: str) -> None:
    assert found(f'<a href="./P020240105123.{ext}">附件</a>') == [
        {"url": f"{DIR}P020240105123.{ext}", "name": "附件"}
    ]


def test_pages_images_and_schemes_are_not_attachments() -> None:
    body = """<a href="t20240105_2.html">下一篇</a><a href="/images/a.jpg">图</a>
    <a href="mailto:a@b.gov.cn">a.pdf</a><a href="javascript:void(0)">b.pdf</a>
    <a href="#top">c.pdf</a><a href="/download/index.html">下载中心</a>
    <a href="data:application/pdf;base64,JVBERi0=">d.pdf</a>"""
    assert found(body) == []


@pytest.mark.parametrize(
    ("href", "name"),
    [
        ("/module/download/downfile.jsp?classid=0&filename=2310231017.pdf", "2310231017.pdf"),
        ("/servlet/DownloadServlet?fileName=%E9%99%84%E4%BB%B6.docx&id=3", "附件.docx"),
        ("/attach/download.do?id=12&name=实施方案.docx", "实施方案.docx"),
        ("/download.jsp?id=77", "download.jsp"),
        ("/getFile.do?file=/2023/10/a.xlsx", "a.xlsx"),
    ],
)
def test_download_servlets_keep_their_url_and_name_the_file(href: str, name: str) -> None:
    (entry,) = found(f'<a href="{href}"></a>')
    assert entry["url"] == "http://www.example.gov.cn" + href
    assert entry["name"] == name


def test_names_link_text_then_title_then_decoded_file_name() -> None:
    body = """<a href="/f/a.pdf">  附件1：实施
    方案 </a><a href="/f/b.pdf" title="附件2：名单"><img src="/pdf.png"></a>
    <a href="/f/%E9%99%84%E4%BB%B6%E4%B8%89.xlsx"></a><a href="/f/附件四.doc"></a>
    <a href="/f/%B8%BD%BC%FE5.pdf"></a>"""
    assert [e["name"] for e in found(body)] == [
        "附件1：实施 方案",
        "附件2：名单",
        "附件三.xlsx",
        "附件四.doc",
        "附件5.pdf",  # GBK percent-encoding
    ]


def test_one_entry_per_url_in_page_order() -> None:
    body = """<a href="/f/b.pdf">乙</a>
    <a href="./../202401/../202401/a.pdf#page=2">甲</a>
    <a href="http://WWW.example.gov.cn:80/f/b.pdf">乙（再次）</a>
    <a href="/f/附件.pdf">丙</a><a href="/f/%E9%99%84%E4%BB%B6.pdf">丙（编码）</a>
    <a href="http://www.example.gov.cn/xxgk/tzgg/202401/a.pdf">甲（绝对）</a>"""
    assert found(body) == [
        {"url": "http://www.example.gov.cn/f/b.pdf", "name": "乙"},
        {"url": f"{DIR}a.pdf", "name": "甲"},
        {"url": "http://www.example.gov.cn/f/附件.pdf", "name": "丙"},
    ]


def test_template_placeholders_are_not_links() -> None:
    body = """<a href="{{el.url}}">{{el.title}}</a><a href="el.url">x</a>
    <a href="${file.url}">y.pdf</a><a href="/up/{{ item.id }}.pdf">z</a>
    <a ms-attr-href="el.fileUrl">附件</a><a href="data.xls">数据</a>"""
    assert urls(body) == [f"{DIR}data.xls"]  # a file named data.xls is no model expression


def test_base_href_resolves_links() -> None:
    root = parse_html('<html><head><base href="http://files.example.gov.cn/up/"></head>'
                      '<body><a href="a.pdf">附件</a></body></html>')  # fmt: skip
    assert find_attachments(root, BASE)[0]["url"] == "http://files.example.gov.cn/up/a.pdf"


def test_no_base_url_keeps_relative_links() -> None:
    root = parse_html('<html><body><a href="/f/a.pdf">附件</a></body></html>')
    assert find_attachments(root, None) == [{"url": "/f/a.pdf", "name": "附件"}]


# Viewers, frames, embeds -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "target"),
    [
        ("/generic/web/viewer.html?file=/up/a.pdf", "http://www.example.gov.cn/up/a.pdf"),
        ("/pdfjs/web/viewer.html?file=%2Fup%2Fb.pdf", "http://www.example.gov.cn/up/b.pdf"),
        (
            "/pdfjs/web/viewer.html?file=http%3A%2F%2Ffiles.example.gov.cn%2Fc.pdf",
            "http://files.example.gov.cn/c.pdf",
        ),
        (  # doubly encoded
            "/js/pdfjs/web/viewer.html?file=http%253A%252F%252Ffiles.example.gov.cn%252Fd.pdf",
            "http://files.example.gov.cn/d.pdf",
        ),
        ("/generic2/web/viewer.html?file=e.pdf", "http://www.example.gov.cn/generic2/web/e.pdf"),
        ("/jump.jsp?url=http://files.example.gov.cn/f.docx", "http://files.example.gov.cn/f.docx"),
    ],
)
def test_viewer_shows_its_file(src: str, target: str) -> None:
    assert viewer_target("http://www.example.gov.cn" + src) == target
    assert urls(f'<iframe src="{src}"></iframe>') == [target]
    assert urls(f'<a href="{src}">在线预览</a>') == [target]


def test_kkfileview_preview_with_base64_url() -> None:
    encoded = base64.b64encode(b"http://files.example.gov.cn/g.pdf").decode()
    src = f"/onlinePreview?url={encoded}"
    assert urls(f'<a href="{src}">预览</a>') == ["http://files.example.gov.cn/g.pdf"]


def test_viewer_placeholders_and_plain_frames_are_ignored() -> None:
    body = """<iframe ms-attr-src="/generic2/web/viewer.html?file={{qzbFile}}"></iframe>
    <iframe src="/generic2/web/viewer.html?file={{qzbFile}}"></iframe>
    <iframe src="https://i-tianqi.example.cn?c=code&id=26"></iframe>
    <iframe src="../module/visitcount/visit.jsp?type=3"></iframe>"""
    assert found(body) == []


def test_embed_and_object() -> None:
    body = """<embed src="/up/a.pdf" type="application/pdf" title="方案全文">
    <object data="/up/b.pdf" type="application/pdf"></object>"""
    assert found(body) == [
        {"url": "http://www.example.gov.cn/up/a.pdf", "name": "方案全文"},
        {"url": "http://www.example.gov.cn/up/b.pdf", "name": "b.pdf"},
    ]


def test_frame_urls_from_the_original_page() -> None:
    entries = found("<p>正文</p>", frames=["/pdfjs/web/viewer.html?file=/up/h.pdf", "/x.html"])
    assert entries == [{"url": "http://www.example.gov.cn/up/h.pdf", "name": "h.pdf"}]


# Scripts -------------------------------------------------------------------------------------

TRS_SCRIPT = """
  videoLinks: [ //传入视频数组，仅显示一篇
    'http://www.example.gov.cn/xxgk/tzgg/202401/P020240105333320483418.pdf',
    ''
  ],
  var apps = [
     {name:"关于印发实施方案的通知.pdf（原件）",url:"http://www.example.gov.cn/xxgk/tzgg/202401/P020240105333320483418.pdf"},
     {name:"附件2.xlsx",url:"http://www.example.gov.cn/xxgk/tzgg/202401/P020240105333320483419.xlsx"}
  ];
  for (var i = 0; i < apps.length; i++) {
    if (apps[i].url.indexOf("pdf") > -1) { qzbFile = apps[i].url.replace("http:", "https:"); }
    $("#file_ul_fj li:nth-of-type("+(i+1)+") a").attr("title",apps[i].name)
  }
"""


def test_trs_script_arrays() -> None:
    assert found("<p>正文</p>", TRS_SCRIPT) == [
        {"url": f"{DIR}P020240105333320483418.pdf", "name": "关于印发实施方案的通知.pdf（原件）"},
        {"url": f"{DIR}P020240105333320483419.xlsx", "name": "附件2.xlsx"},
    ]


def test_visible_link_and_script_array_are_one_entry_named_by_the_link() -> None:
    body = '<a href="./P020240105333320483418.pdf">实施方案（原件）</a>'
    assert found(body, TRS_SCRIPT)[0] == {
        "url": f"{DIR}P020240105333320483418.pdf",
        "name": "实施方案（原件）",
    }


def test_script_name_replaces_a_url_derived_name() -> None:
    body = '<a href="./P020240105333320483418.pdf"></a>'
    assert found(body, TRS_SCRIPT)[0]["name"] == "关于印发实施方案的通知.pdf（原件）"


def test_script_forms() -> None:
    script = r"""
    var fileList = [{url:'/up/2024/a.docx', name:'附件一'}, {'name': '附件二', 'url': '/up/b.pdf'}];
    var data = {"files":[{"fileName":"附件三.xlsx","filePath":"http:\/\/files.example.gov.cn\/c.xlsx"}]};
    var one = "P020240105123456789012.ofd";
    var label = "附件1.pdf";  // a name, not a link
    var tpl = '<li><a href="' + item.url + '">' + item.name + '.pdf</a></li>';
    var vue = "{{file.url}}/x.pdf";
    var link = "/module/download/downfile.jsp?classid=0&filename=" + id + ".pdf";
    var built = base + "/up/2024/e.pdf";
    document.write('<a href="/up/d.rar">附件四</a>');
    """
    assert found("", script) == [
        {"url": "http://www.example.gov.cn/up/2024/a.docx", "name": "附件一"},
        {"url": "http://www.example.gov.cn/up/b.pdf", "name": "附件二"},
        {"url": "http://files.example.gov.cn/c.xlsx", "name": "附件三.xlsx"},
        {"url": f"{DIR}P020240105123456789012.ofd", "name": "P020240105123456789012.ofd"},
        {"url": "http://www.example.gov.cn/up/d.rar", "name": "附件四"},
    ]


def test_scripts_left_in_the_tree_and_handlers() -> None:
    body = """<script>var f = ["/up/s.pdf"];</script>
    <a href="javascript:downloadFile('/up/t.docx')">下载附件</a>
    <span onclick="window.open('/up/u.xls')">附件表</span>
    <script src="/js/jquery.js"></script>"""
    assert found(body) == [
        {"url": "http://www.example.gov.cn/up/s.pdf", "name": "s.pdf"},
        {"url": "http://www.example.gov.cn/up/t.docx", "name": "下载附件"},
        {"url": "http://www.example.gov.cn/up/u.xls", "name": "附件表"},
    ]


def test_inline_scripts_and_frame_sources_read_the_page() -> None:
    root = parse_html("""<html><head><script src="/a.js"></script><script>var a = 1;</script>
    </head><body><iframe src="/v.html?file=a.pdf"></iframe><object data="/b.pdf"></object>
    <iframe></iframe></body></html>""")
    assert inline_scripts(root) == ["var a = 1;"]
    assert frame_sources(root) == ["/v.html?file=a.pdf", "/b.pdf"]


# URL tests shared with the spider ------------------------------------------------------------


def test_links_module_shares_the_attachment_test() -> None:
    assert links.is_attachment_url is is_attachment_url


@pytest.mark.parametrize(
    ("url", "extension"),
    [
        ("http://x.gov.cn/a/b.PDF", "pdf"),
        ("http://x.gov.cn/a/b.pdf;jsessionid=AB12", "pdf"),
        ("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=x.docx", "docx"),
        ("http://x.gov.cn/v.html?file=http%3A%2F%2Fy.gov.cn%2Fa.xlsx%3Ft%3D1", "xlsx"),
        ("http://x.gov.cn/servlet/DownloadServlet?id=12", None),
        ("http://x.gov.cn/a/b.html", None),
    ],
)
def test_attachment_extension(url: str, extension: str | None) -> None:
    assert attachment_extension(url) == extension


def test_file_name() -> None:
    assert file_name("http://x.gov.cn/f/%E9%99%84%E4%BB%B6.pdf") == "附件.pdf"
    assert file_name("http://x.gov.cn/downfile.jsp?classid=0&filename=%E6%8A%A5.pdf") == "报.pdf"
    assert file_name("http://x.gov.cn/dl.do?file=/2023/10/a.xlsx") == "a.xlsx"


# Real pages ----------------------------------------------------------------------------------


def _corpus(slug: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Attachments of a corpus page: from the de-chromed tree alone, and as extraction finds
    them (plus the page's scripts and frames)."""
    path = CORPUS / "pages" / f"{slug}.html"
    if not path.is_file():
        pytest.skip(f"corpus page {slug} not found at {path}")
    info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    root = parse_html(path.read_bytes().decode("utf-8"))
    tree = dechromed_copy(root)
    return (
        find_attachments(tree, info["url"]),
        find_attachments(tree, info["url"], inline_scripts(root), frame_sources(root)),
    )


@pytest.mark.corpus
def test_corpus_pingtan_link_and_js_arrays_are_one_pdf() -> None:
    tree_only, full = _corpus("fj_pingtan_czj_gfxwj_79760_detail")
    expected = [
        {
            "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqczj/fdzdgknr/"
            "hzgfxwj/202308/P020231214333320483418.pdf",
            "name": "平潭综合实验区管委会办公室关于停止执行部分财税优惠政策文件的通知.pdf（原件）",
        }
    ]
    assert tree_only == full == expected


@pytest.mark.corpus
def test_corpus_pingtan_report_viewer_placeholder_is_no_attachment() -> None:
    # The viewer iframe's src is a {{qzbFile}} placeholder and apps/apps1 are empty.
    assert _corpus("fj_pingtan_nb2024_detail") == ([], [])


@pytest.mark.corpus
def test_corpus_lishui_servlet_link_named_by_its_text() -> None:
    _, full = _corpus("zj_lishui_zfwj_detail_with_pdf")
    assert full == [
        {
            "url": "http://www.lishui.gov.cn/module/download/downfile.jsp?classid=0&filename="
            "be5f1a4be0294db7abf660dd336b3fa5.pdf",
            "name": "丽水市人民政府关于下达2023年市区符合政府安排工作条件退役士兵和退出消防员"
            "安置任务的通知 (1).pdf",
        }
    ]
