"""The site registry: one YAML file per disclosure directory, validated when it is loaded.

    spiders/sites/<slug>.yaml  --load_site-->  SiteConfig
    spiders/sites/             --load_registry-->  {slug: SiteConfig}

A site file (every key is checked; anything unknown, missing or of the wrong type is a
RegistryError naming the file and the key)::

    slug: fj_pingtan                  # required; ^[a-z][a-z0-9_]*$ and equal to the file stem
    agency: 平潭综合实验区党工委管委会    # required; the body whose directory this is
    region:                           # required
      province: 福建省                 #   required
      city: 平潭综合实验区              #   optional
      county: 平潭县                   #   optional
    start_urls:                       # required; http(s), at least one
      - https://www.pingtan.gov.cn/zwgk/zfxxgk/
    allowed_hosts: ["*.pingtan.gov.cn"]  # optional fnmatch host[:port] patterns beyond the
                                      #   start URLs' own hosts (always in scope)
    cms: trs                          # optional; one of CMS_FAMILIES
    hints:                            # optional dialect hints (documentation: not read by the crawl)
      pagination: js_api              #   one of PAGINATION_DIALECTS
      notes: free text
    selectors:                        # optional CSS, compiled on load, used in the crawl
      list_links: "ul.list a[href]"   #   the document links of a list page (the spider)
      body: ".article_content"        #   the body of a document page (the extraction)
    notes: free text                  # optional

Files are read with ``yaml.safe_load``. The registry never guesses: a broken file stops
`scrapy list` / `scrapy crawl` instead of silently dropping the site (spiders/sites.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from cssselect import SelectorError
from parsel import css2xpath

# Closed vocabularies ------------------------------------------------------------------------
# CMS family of the directory: TRS 拓尔思 WCM, Hanweb 大汉 JCMS, UCAP 开普云, a provincial
# 集约化 (shared) platform, or unknown.
CMS_FAMILIES = ("trs", "hanweb", "ucap", "jiyue", "unknown")
# How a column's later list pages are reached:
#   trs_createpagehtml  TRS inline pager script (createPageHTML(...) or var countPage=…):
#                       index.html, index_1.html … generated from the page count
#   hanweb_jpage        Hanweb jpage pager fed by /module/web/jpage/dataproxy.jsp
#   next_link           an ordinary 下一页 link chain
#   query_string        ?page=N style list URLs
#   js_api              pages only come from a JS/JSON API (no static link to page 2)
PAGINATION_DIALECTS = (
    "trs_createpagehtml",
    "hanweb_jpage",
    "next_link",
    "query_string",
    "js_api",
)

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
# Names that are not free: the generic spider's.
RESERVED_SLUGS = frozenset({"disclosure"})
SITES_DIR = Path(__file__).resolve().parent / "sites"
SUFFIX = ".yaml"


class RegistryError(ValueError):
    """A site file (or the registry folder) is invalid: ``<path>: <reason>``.

    A ValueError, never an ImportError/SyntaxError: Scrapy's SpiderLoader would turn those into
    a mere warning under SPIDER_LOADER_WARN_ONLY, and a broken registry must stop the run.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class _Invalid(Exception):
    """A validation failure inside one file; load_site adds the path."""


@dataclass(frozen=True)
class Region:
    province: str
    city: str | None = None
    county: str | None = None


@dataclass(frozen=True)
class Hints:
    """Dialect hints: how the site's lists paginate, what to watch for."""

    pagination: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Selectors:
    """A site's own CSS selectors, each compiled when the file is loaded: ``list_links`` in
    the spider (DisclosureSpider._selected_rows), ``body`` in the extraction
    (pipelines/extract.py → extract_document(body_selector=…))."""

    list_links: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    """One registry site, as validated from ``spiders/sites/<slug>.yaml``."""

    slug: str
    agency: str
    region: Region
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...] = ()
    cms: str | None = None
    hints: Hints = field(default_factory=Hints)
    selectors: Selectors = field(default_factory=Selectors)
    notes: str | None = None
    # The file it came from (not part of the configuration's identity).
    path: Path | None = field(default=None, compare=False)

    @property
    def spider_class_name(self) -> str:
        """CamelCase slug + Spider: fj_pingtan -> FjPingtanSpider."""
        return "".join(part.capitalize() for part in self.slug.split("_")) + "Spider"


# Value checks: each takes (value, key) and returns the clean value or raises _Invalid ----------


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _text(value: object, key: str) -> str:
    if not isinstance(value, str):
        hint = " (quote it in the YAML)" if isinstance(value, bool | int | float) else ""
        raise _Invalid(f"{key}: expected a string, got {_type_name(value)} {value!r}{hint}")
    if not value.strip():
        raise _Invalid(f"{key}: must not be empty")
    return value.strip()


def _choice(choices: tuple[str, ...]) -> Callable[[object, str], str]:
    def check(value: object, key: str) -> str:
        text = _text(value, key)
        if text not in choices:
            raise _Invalid(f"{key}: {text!r} is not one of {', '.join(choices)}")
        return text

    return check


def _slug(value: object, key: str) -> str:
    text = _text(value, key)
    if not SLUG.fullmatch(text):
        raise _Invalid(
            f"{key}: {text!r} is not a valid slug (^[a-z][a-z0-9_]*$, e.g. fj_pingtan: "
            "<province>_<place>[_<agency>] in pinyin)"
        )
    if text in RESERVED_SLUGS:
        raise _Invalid(f"{key}: {text!r} is reserved (the generic spider's name)")
    return text


def _http_url(value: object, key: str) -> str:
    text = _text(value, key)
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"}:
        raise _Invalid(f"{key}: {text!r} is not an http(s) URL")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise _Invalid(f"{key}: {text!r} has an invalid port ({exc})") from None
    if not parts.hostname or any(ch.isspace() for ch in text):
        raise _Invalid(f"{key}: {text!r} is not a valid URL (no host, or whitespace)")
    return text


def _host_pattern(value: object, key: str) -> str:
    text = _text(value, key).lower()
    if "/" in text or any(ch.isspace() for ch in text):
        raise _Invalid(
            f"{key}: {text!r} is not a host pattern (give host[:port] like *.pingtan.gov.cn, "
            "no scheme or path)"
        )
    if not text.strip("*?.:[]!"):
        raise _Invalid(f"{key}: {text!r} would put every host in scope")
    return text


def _css(value: object, key: str) -> str:
    text = _text(value, key)
    try:
        css2xpath(text)
    except SelectorError as exc:
        raise _Invalid(f"{key}: invalid CSS selector {text!r}: {exc}") from None
    return text


def _list_of(
    check: Callable[[object, str], str], *, min_items: int = 0
) -> Callable[[object, str], tuple[str, ...]]:
    def check_list(value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _Invalid(f"{key}: expected a list, got {_type_name(value)} {value!r}")
        if len(value) < min_items:
            raise _Invalid(f"{key}: needs at least {min_items} item(s)")
        items = tuple(check(item, f"{key}[{i}]") for i, item in enumerate(value))
        duplicates = sorted({item for item in items if items.count(item) > 1})
        if duplicates:
            raise _Invalid(f"{key}: duplicate item(s) {', '.join(duplicates)}")
        return items

    return check_list


def _fields(
    data: object,
    where: str,
    required: Mapping[str, Callable[[object, str], Any]],
    optional: Mapping[str, Callable[[object, str], Any]],
) -> dict[str, Any]:
    """Check one mapping: unknown keys, missing keys, then every value. Returns clean values."""
    label = f"{where}: " if where else ""
    if not isinstance(data, dict):
        raise _Invalid(f"{label}expected a mapping, got {_type_name(data)} {data!r}")
    allowed = [*required, *optional]
    for key in data:
        if key not in allowed:
            raise _Invalid(f"{label}unknown key {key!r} (allowed: {', '.join(allowed)})")
    missing = [key for key in required if key not in data]
    if missing:
        raise _Invalid(f"{label}missing required key(s): {', '.join(missing)}")
    prefix = f"{where}." if where else ""
    checks = {**required, **optional}
    return {key: checks[key](value, prefix + key) for key, value in data.items()}


def _region(value: object, key: str) -> Region:
    return Region(**_fields(value, key, {"province": _text}, {"city": _text, "county": _text}))


def _hints(value: object, key: str) -> Hints:
    return Hints(
        **_fields(value, key, {}, {"pagination": _choice(PAGINATION_DIALECTS), "notes": _text})
    )


def _selectors(value: object, key: str) -> Selectors:
    return Selectors(**_fields(value, key, {}, {"list_links": _css, "body": _css}))


_REQUIRED: dict[str, Callable[[object, str], Any]] = {
    "slug": _slug,
    "agency": _text,
    "region": _region,
    "start_urls": _list_of(_http_url, min_items=1),
}
_OPTIONAL: dict[str, Callable[[object, str], Any]] = {
    "allowed_hosts": _list_of(_host_pattern),
    "cms": _choice(CMS_FAMILIES),
    "hints": _hints,
    "selectors": _selectors,
    "notes": _text,
}


def _duplicate_key(node: yaml.Node | None) -> str | None:
    """The first key given twice in one mapping (yaml.safe_load would keep the last silently)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                return f"{key} (line {key_node.start_mark.line + 1})"
            seen.add(key)
            found = _duplicate_key(value_node)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = _duplicate_key(item)
            if found:
                return found
    return None


def parse_site(data: object, stem: str) -> SiteConfig:
    """Validate the parsed YAML of one site file whose stem is ``stem``; raises _Invalid."""
    if data is None:
        raise _Invalid("the file is empty")
    values = _fields(data, "", _REQUIRED, _OPTIONAL)
    if values["slug"] != stem:
        raise _Invalid(
            f"slug: {values['slug']!r} must equal the file name's stem {stem!r} "
            f"(rename the file to {values['slug']}{SUFFIX} or fix the slug)"
        )
    return SiteConfig(**values)


def load_site(path: Path | str) -> SiteConfig:
    """Read and validate one ``<slug>.yaml``; any problem is a RegistryError naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(path, f"cannot read the file ({exc})") from None
    try:
        duplicate = _duplicate_key(yaml.compose(text, Loader=yaml.SafeLoader))
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RegistryError(path, f"not valid YAML: {exc}") from None
    try:
        if duplicate:
            raise _Invalid(f"key given twice: {duplicate}")
        config = parse_site(data, path.stem)
    except _Invalid as exc:
        raise RegistryError(path, str(exc)) from None
    return replace(config, path=path)


def load_registry(folder: Path | str | None = None) -> dict[str, SiteConfig]:
    """Every ``*.yaml`` site of the folder (default spiders/sites/), by slug.

    All files are checked before anything is returned: one invalid file raises its
    RegistryError; several raise one RegistryError on the folder listing each. Hidden files are
    skipped; a ``.yml`` file is an error (it would otherwise be ignored without a word).
    """
    folder = Path(folder) if folder is not None else SITES_DIR
    if not folder.is_dir():
        raise RegistryError(folder, "registry folder not found")
    sites: dict[str, SiteConfig] = {}
    errors: list[RegistryError] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix == ".yml":
            errors.append(RegistryError(path, f"site files end in {SUFFIX}, not .yml"))
            continue
        if path.suffix != SUFFIX:
            continue
        try:
            config = load_site(path)
        except RegistryError as exc:
            errors.append(exc)
            continue
        sites[config.slug] = config
    if len(errors) == 1:
        raise errors[0]
    if errors:
        listing = "\n".join(f"  {error}" for error in errors)
        raise RegistryError(folder, f"{len(errors)} site files are invalid:\n{listing}")
    return sites
