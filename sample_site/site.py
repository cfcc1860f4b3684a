"""The whole sample site, built once in memory: path → (status, content type, body bytes).

Also the ground truth each page was generated from (``SiteModel``), which
``sample_site.manifest`` exposes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sample_site import assets, pages
from sample_site.data import (
    ADMIN_LINK,
    COLUMNS,
    DEAD_LINKS,
    DOCUMENTS,
    GUIDE_PATH,
    PAGE_SIZE,
    ROBOTS_DISALLOW,
    SEARCH_LINK,
    SITE_NAME,
    TOKEN_PREFIX,
    Column,
    DocSpec,
)
from sample_site.pages import Block, ListItem, Paragraph
from sample_site.trad import to_traditional

HTML_UTF8 = "text/html; charset=utf-8"
HTML_GBK = "text/html; charset=GBK"


@dataclass(frozen=True)
class Resource:
    status: int
    content_type: str
    body: bytes

    @property
    def templated(self) -> bool:
        """True when the body carries Host tokens the server fills in per request."""
        return TOKEN_PREFIX.encode() in self.body


@dataclass(frozen=True)
class BuiltDoc:
    spec: DocSpec
    column: Column
    blocks: tuple[Block, ...]
    content_type: str
    listed_on: tuple[str, ...]  # list pages (file form) that link the document
    snippets: tuple[str, ...]  # as printed
    snippets_simplified: tuple[str, ...]
    chrome: tuple[str, ...]  # as printed
    chrome_simplified: tuple[str, ...]
    attachments: tuple[tuple[str, str], ...]  # (path, link text)


@dataclass(frozen=True)
class SiteModel:
    resources: dict[str, Resource]
    docs: tuple[BuiltDoc, ...]
    listing_paths: tuple[str, ...]
    aliases: dict[str, str]  # directory URL → the file it serves
    asset_paths: tuple[str, ...]


# ---- helpers --------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。！？]+[。！？]")


def pick_snippets(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """Three whole sentences from the body paragraphs: early, middle and late."""
    sentences: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            for s in _SENTENCE.findall(block.text):
                s = s.strip()
                if 12 <= len(s) <= 90 and not re.search(r"\s", s) and s not in sentences:
                    sentences.append(s)
    if len(sentences) < 3:
        raise ValueError(f"fewer than three usable sentences: {sentences}")
    return (sentences[0], sentences[len(sentences) // 2], sentences[-1])


def list_pages_of(column: Column, items: list[ListItem]) -> list[tuple[str, list[ListItem]]]:
    chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
    out = []
    for n, chunk in enumerate(chunks):
        if column.pager == "trs":
            name = "index.html" if n == 0 else f"index_{n}.html"
        elif column.pager == "plain":
            name = "list.html" if n == 0 else f"list_{n + 1}.html"
        else:
            if n:
                raise ValueError(f"{column.slug} is a single-page column")
            name = "index.html"
        out.append((column.base + name, chunk))
    return out


def html_resource(text: str, encoding: str = "utf-8") -> Resource:
    if encoding == "gbk":
        return Resource(200, HTML_GBK, text.encode("gbk"))
    return Resource(200, HTML_UTF8, text.encode("utf-8"))


# ---- the build ------------------------------------------------------------------------------


@cache
def model() -> SiteModel:
    loaded: list[tuple[DocSpec, tuple[Block, ...]]] = []
    for spec in DOCUMENTS:
        title, blocks = pages.parse_body(spec.content_path.read_text(encoding="utf-8"))
        if title != spec.title:
            raise ValueError(f"{spec.key}: content title {title!r} != data title {spec.title!r}")
        loaded.append((spec, blocks))
    paths = [spec.path for spec, _ in loaded] + [d.path for d in DEAD_LINKS]
    if len(set(paths)) != len(paths):
        raise ValueError("two documents share a path")

    # Column lists, newest first; dead links sit among the real items.
    column_items: dict[str, list[ListItem]] = {slug: [] for slug in COLUMNS}
    for spec, _ in loaded:
        column_items[spec.column].append(ListItem(spec.path, spec.title, spec.date))
    for dead in DEAD_LINKS:
        column_items[dead.column].append(ListItem(dead.path, dead.title, dead.date))
    for items in column_items.values():
        items.sort(key=lambda it: (it.date, it.path), reverse=True)

    resources: dict[str, Resource] = {}
    aliases: dict[str, str] = {}
    listing: list[str] = []
    listed_on: dict[str, list[str]] = {}

    for slug, column in COLUMNS.items():
        items = column_items[slug]
        list_pages = list_pages_of(column, items)
        for n, (path, chunk) in enumerate(list_pages):
            if column.pager == "trs":
                pager = pages.trs_pager(len(list_pages), n)
            elif column.pager == "plain":
                pager = pages.plain_pager(path, column, len(list_pages), n + 1, len(items))
            else:
                pager = ""
            html = pages.list_page(path, column, chunk, pager=pager, total=len(items))
            resources[path] = html_resource(html)
            listing.append(path)
            for it in chunk:
                listed_on.setdefault(it.path, []).append(path)
        aliases[column.base] = list_pages[0][0]

    all_items = [it for items in column_items.values() for it in items]
    real = {spec.path for spec, _ in loaded}
    latest = sorted((it for it in all_items if it.path in real), key=lambda it: it.date)[::-1][:5]
    counts = {slug: len(items) for slug, items in column_items.items()}
    resources["/index.html"] = html_resource(pages.home_page("/index.html", latest, counts))
    aliases["/"] = "/index.html"
    listing[:0] = ["/index.html"]
    for it in latest:
        listed_on.setdefault(it.path, []).append("/index.html")

    resources[GUIDE_PATH + "index.html"] = html_resource(
        pages.guide_page(GUIDE_PATH + "index.html")
    )
    aliases[GUIDE_PATH] = GUIDE_PATH + "index.html"
    listing.append(GUIDE_PATH + "index.html")

    for prefix, render in (("/search/", pages.search_page), ("/admin/", pages.admin_page)):
        resources[prefix + "index.html"] = html_resource(render(prefix + "index.html"))
        aliases[prefix] = prefix + "index.html"

    # Detail pages. Related links never point at a document listed only on a later TRS page,
    # so those stay reachable through the createPageHTML pager alone.
    script_only = {
        p for p, on in listed_on.items() if all(re.search(r"/index_\d+\.html$", x) for x in on)
    }
    docs: list[BuiltDoc] = []
    for spec, blocks in loaded:
        column = COLUMNS[spec.column]
        siblings = [it for it in column_items[spec.column] if it.path in real]
        me = next(i for i, it in enumerate(siblings) if it.path == spec.path)
        related = sorted(
            (it for i, it in enumerate(siblings) if i != me and it.path not in script_only),
            key=lambda it: abs(siblings.index(it) - me),
        )[:3]
        charset = "gbk" if spec.encoding == "gbk" else "utf-8"
        ctx = pages.DetailContext(spec, column, tuple(related), charset)
        html = pages.detail_page(ctx)
        body = pages.body_html(blocks, spec.template)
        chrome = pages.chrome_strings(spec, column)
        if spec.traditional:
            for printed in (spec.title, spec.publisher, spec.source, spec.topic, body):
                if to_traditional(printed) != printed:
                    raise ValueError(f"{spec.key}: Traditional text changed by the chrome map")
            html = to_traditional(html)
            chrome_printed = [to_traditional(s) for s in chrome]
        else:
            chrome_printed = chrome
        html = html.replace(pages.BODY_TOKEN, body)
        resource = html_resource(html, spec.encoding)
        resources[spec.path] = resource

        attachments = []
        if spec.attachment:
            name, label = spec.attachment
            att_path = spec.path.rsplit("/", 1)[0] + "/" + name
            lines = ["Sample site attachment", name.split("_")[0], spec.date]
            resources[att_path] = Resource(200, "application/pdf", assets.tiny_pdf(lines))
            attachments.append((att_path, label))

        if spec.snippets:
            snippets = spec.snippets
            simplified = spec.snippets_simplified or spec.snippets
        else:
            snippets = simplified = pick_snippets(blocks)
        docs.append(
            BuiltDoc(
                spec=spec,
                column=column,
                blocks=blocks,
                content_type=resource.content_type,
                listed_on=tuple(listed_on.get(spec.path, ())),
                snippets=tuple(snippets),
                snippets_simplified=tuple(simplified),
                chrome=tuple(chrome_printed),
                chrome_simplified=tuple(chrome),
                attachments=tuple(attachments),
            )
        )

    # Static files.
    assets_map = {
        "/robots.txt": Resource(
            200, "text/plain; charset=utf-8", pages.robots_txt(SITE_NAME, ROBOTS_DISALLOW).encode()
        ),
        "/css/style.css": Resource(200, "text/css; charset=utf-8", pages.STYLE_SHEET.encode()),
        "/images/logo.png": Resource(200, "image/png", assets.disc_png(64)),
        "/images/ga.png": Resource(200, "image/png", assets.disc_png(20)),
        "/images/qrcode.png": Resource(200, "image/png", assets.qr_like_png()),
    }
    resources.update(assets_map)

    listing_all = list(listing)
    for alias, target in aliases.items():
        if target in listing and alias not in listing_all:
            listing_all.append(alias)

    for path in (SEARCH_LINK, ADMIN_LINK):
        if not any(path.startswith(prefix) for prefix in ROBOTS_DISALLOW):
            raise ValueError(f"{path} is not disallowed by robots.txt")

    return SiteModel(
        resources=resources,
        docs=tuple(docs),
        listing_paths=tuple(listing_all),
        aliases=aliases,
        asset_paths=(*assets_map, *(p for d in docs for p, _ in d.attachments)),
    )


def not_found() -> Resource:
    return Resource(404, HTML_UTF8, pages.not_found_page().encode("utf-8"))
