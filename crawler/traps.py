"""Crawler traps: requests that would multiply without end, cut by what they look like.

DEPTH_LIMIT bounds how far a crawl wanders, not how wide: an endless calendar (下一月 → 下一月
→ …), a site search, a relative-link bug that keeps growing the path (``/a/`` → ``/a/a/`` →
…) or session ids that give every page a new URL can fill the page budget at any depth.
TrapMiddleware inspects every request the spider yields and drops (or, for session ids,
rewrites) the ones that are traps:

``session_id``
    ``;jsessionid=…`` path parameters and session query parameters (JSESSIONID, PHPSESSID,
    sessionid, aspsessionid*, and ``sid`` when its value looks like a token) are removed, so
    the dupefilter sees one page. The request is kept, rewritten.
``growing_url``
    URL longer than ``GOVARCHIVE_TRAP_MAX_URL_LENGTH`` characters (percent-decoded), a query
    parameter given twice, more than ``GOVARCHIVE_TRAP_MAX_QUERY_PARAMS`` parameters, or a
    path repeating a run of segments (``/x/x/x/``, ``/a/b/a/b/``).
``search``
    Site search result pages (``/search``, ``search.jsp``, ``/s?``, ``searchword=``, ``q=``…).
``calendar``
    URLs of one host+template (the URL with its numbers replaced by a placeholder) whose only
    varying numbers are date parts (years, months, days, yyyymm, yyyymmdd) and that are not
    shaped like a document (TRS ``t20230511_123.html``, Hanweb ``art_…_….html``…): at most
    ``GOVARCHIVE_TRAP_CALENDAR_LIMIT`` distinct URLs each. Also any date in a calendar-like
    URL before ``GOVARCHIVE_TRAP_CALENDAR_MIN_YEAR`` or more than a year in the future.
``template_cap``
    At most ``GOVARCHIVE_TRAP_TEMPLATE_LIMIT`` distinct URLs of one host+template reached from
    a page of the same template (a page shape that keeps linking to more of itself). Requests
    from pages of another shape do not count: the documents of a big column all share one
    template but are linked from its list pages.

Start requests are never touched. Pagination requests (``meta["pagination"]``) are capped per
column by the spider, so only the session-id, growing-URL and search rules apply to them; the
same goes for non-GET requests (Hanweb jpage POSTs), whose identity is in their body.
Each trap is counted in ``govarchive/traps/<kind>``; the first few of each kind are logged at
INFO, the rest at DEBUG.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

TRAP_KINDS = ("session_id", "growing_url", "calendar", "search", "template_cap")

# Session query parameters (fnmatch patterns, case-insensitive).
DEFAULT_SESSION_PARAMS: tuple[str, ...] = (
    "jsessionid",
    "phpsessid",
    "sessionid",
    "session_id",
    "sessid",
    "aspsessionid*",
    "sid",
)
# Names that are also used for real things (sid = site id, section id): removed only when the
# value looks like a session token, not like a small number.
_AMBIGUOUS_SESSION_PARAMS = frozenset({"sid"})
_SESSION_TOKEN = re.compile(r"^[A-Za-z0-9._~!*-]{16,}$")
# ;jsessionid=… (and its PHP/ASP cousins) as a path parameter, up to the next / ? # or ;
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.IGNORECASE)

# Site search. Path segments (without extension) that name a search page: search, search.jsp,
# jsearchfront, fulltextsearch, advSearch, sousuo …; "research" is not one.
_SEARCH_SEGMENT = re.compile(
    r"^(?:j|full|fulltext|site|adv|advanced|global|quick|simple|all|info|doc|gov|zc)?search"
    r"|^(?:sousuo|jiansuo|quanwenjiansuo|qwjs)$",
    re.IGNORECASE,
)
# Short names that are a search only when a query follows: /s?wd=…, /so?q=…
_SEARCH_SHORT_SEGMENT = frozenset({"s", "so"})
# Query parameters carrying a search term (compared lower-case).
_SEARCH_PARAMS = frozenset(
    {
        "q", "query", "keyword", "keywords", "searchword", "searchkey", "searchtext",
        "searchvalue", "search", "kw", "wd", "sword", "querystring",
    }
)  # fmt: skip

# A path that repeats a run of k segments this many times in a row is growing: /x/x/x/ (k=1,
# three times: /xxgk/xxgk/ exists on real sites) or /a/b/a/b/ (k>=2, twice: a relative link
# resolved against its own directory).
_SEGMENT_REPEATS = {1: 3}
_SEGMENT_RUN_REPEATS = 2

# Numbers of a URL. Long hex ids (UCAP 32-hex names, GUIDs) are one token, not digit runs.
_TOKEN_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}|[0-9a-fA-F]{16,})(?![0-9A-Za-z])|[0-9]+"
)
# Page numbers are not date parts: index_3.html, list_12.shtml, /page/4/, ?page=5.
_PAGE_STEM_BEFORE = re.compile(
    r"(?:^|[/_-])(?:index|default|more|page|[\w-]*list)[_/-]$", re.IGNORECASE
)
_PAGE_PARAMS = frozenset(
    {
        "page", "pageno", "page_no", "pagenum", "pagenumber", "pageindex", "page_index",
        "curpage", "currentpage", "cur_page", "pn", "p", "pg", "pager.offset", "start",
        "offset", "startrecord", "endrecord", "perpage", "pagesize",
    }
)  # fmt: skip
# Query parameters holding date parts, and words that mark a calendar.
_YEAR_PARAMS = frozenset({"y", "year", "yyyy", "nian", "nf"})
_MONTH_PARAMS = frozenset({"m", "month", "mon", "mm", "yue", "yf"})
_DAY_PARAMS = frozenset({"d", "day", "dd", "ri"})
_DATE_PARAMS = frozenset(
    {"date", "rq", "riqi", "ymd", "ym", "dt", "selectdate", "seldate", "curdate", "currentdate"}
)
_CALENDAR_WORD = re.compile(r"(?<![a-z])(?:rili|calendar|cal|riqi|date|rq)(?![a-z])", re.IGNORECASE)

# Detail-page URL shapes of the government CMS families: never calendars, whatever their dates.
_DOCUMENT_URL = (
    re.compile(r"/t\d{8}_\d+(?:_\d+)?\.\w+$", re.IGNORECASE),  # TRS: /202305/t20230511_123.html
    re.compile(r"/art_\d+_\d+(?:\.\w+)?$", re.IGNORECASE),  # Hanweb: /art/2023/10/23/art_1_2.html
    re.compile(r"/\{h\}\.\w+$"),  # UCAP / 集约化: /202305/<32 hex>.shtml
    re.compile(
        r"/(?:content|post|art|article|detail|info|news|doc|c)[_-]?\d+\.\w+$", re.IGNORECASE
    ),
    re.compile(r"/info/\d+/\d+\.\w+$", re.IGNORECASE),  # 博达 VSB: /info/1041/31887.htm
    re.compile(r"[?&](?:doc|article|art|content|info|news|manuscript)_?id=", re.IGNORECASE),
)
# A file name carrying a long id (5+ digits that are no yyyymm/yyyymmdd date): a document.
_LONG_ID_FILE = re.compile(r"(?<![0-9])(\d{5,})(?![0-9])[^/]*\.\w+$")


# Session ids ---------------------------------------------------------------------------------


def _is_session_param(name: str, value: str, patterns: Iterable[str]) -> bool:
    lowered = unquote(name).lower()
    if not any(fnmatchcase(lowered, p.lower()) for p in patterns):
        return False
    if lowered in _AMBIGUOUS_SESSION_PARAMS:
        return bool(_SESSION_TOKEN.match(unquote(value)))
    return True


def strip_session_ids(url: str, patterns: Iterable[str] = DEFAULT_SESSION_PARAMS) -> str:
    """The URL without session ids in its path (;jsessionid=…) and query; the same string when
    it has none. Other parameters keep their order and encoding."""
    patterns = tuple(patterns)
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path)
    query = parts.query
    if query:
        kept = []
        for pair in query.split("&"):
            name, _, value = pair.partition("=")
            if not _is_session_param(name, value, patterns):
                kept.append(pair)
        query = "&".join(kept)
    if path == parts.path and query == parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


# Growing URLs --------------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return [s.split(";", 1)[0] for s in path.split("/") if s]


def repeated_segment_run(path: str) -> tuple[str, ...] | None:
    """The run of path segments repeated back to back (/x/x/x/ -> ('x',)), or None."""
    segments = _segments(path)
    for k in range(1, len(segments) // 2 + 1):
        needed = _SEGMENT_REPEATS.get(k, _SEGMENT_RUN_REPEATS)
        for start in range(len(segments) - k * needed + 1):
            run = segments[start : start + k]
            repeats = 1
            position = start + k
            while segments[position : position + k] == run:
                repeats += 1
                position += k
            if repeats >= needed:
                return tuple(run)
    return None


def growing_url_reason(url: str, max_length: int = 300, max_params: int = 15) -> str | None:
    """Why a URL looks ever-growing (too long, a parameter repeated, too many parameters, a
    repeated run of path segments), or None. A limit of 0 disables that check."""
    decoded = unquote(url)
    if max_length and len(decoded) > max_length:
        return f"{len(decoded)} characters > {max_length}"
    parts = urlsplit(url)
    names = [name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    if max_params and len(names) > max_params:
        return f"{len(names)} query parameters > {max_params}"
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return f"query parameter {name!r} repeated"
        seen.add(name)
    run = repeated_segment_run(unquote(parts.path))
    if run is not None:
        return f"path repeats /{'/'.join(run)}/"
    return None


# Search --------------------------------------------------------------------------------------


def is_search_url(url: str) -> bool:
    """True for a site search (result) page: search paths and search-term parameters."""
    parts = urlsplit(url)
    for segment in _segments(unquote(parts.path)):
        stem = segment.rsplit(".", 1)[0] if "." in segment else segment
        if _SEARCH_SEGMENT.search(stem):
            return True
        if stem.lower() in _SEARCH_SHORT_SEGMENT and parts.query:
            return True
    return any(
        name.lower() in _SEARCH_PARAMS and value.strip()
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )


# Documents and dates -------------------------------------------------------------------------


def _valid_date_number(digits: str) -> bool:
    """True if a bare number reads as a date part: a year, a month/day, yyyymm or yyyymmdd."""
    value = int(digits)
    if len(digits) <= 2:
        return 0 <= value <= 31
    if len(digits) == 4:
        return 1900 <= value <= 2199
    if len(digits) == 6:
        return 1900 <= value // 100 <= 2199 and 1 <= value % 100 <= 12
    if len(digits) == 8:
        return _to_date(value // 10000, value // 100 % 100, value % 100) is not None
    return False


def _year_bearing(digits: str) -> bool:
    return len(digits) in (4, 6, 8) and _valid_date_number(digits)


def is_document_url(url: str) -> bool:
    """True if a URL is shaped like a CMS detail page (TRS, Hanweb, UCAP, www.gov.cn …) or its
    file name carries a long id: such URLs vary by document, not by date."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    template = _TOKEN_RE.sub(lambda m: "{h}" if not m.group().isdigit() else m.group(), path)
    target = template + ("?" + parts.query if parts.query else "")
    if any(pattern.search(target) for pattern in _DOCUMENT_URL):
        return True
    match = _LONG_ID_FILE.search(path)
    return bool(match) and not _valid_date_number(match.group(1))


def _plausible_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2199


def _to_date(year: int, month: int | None, day: int | None) -> dt.date | None:
    try:
        return dt.date(year, month or 1, day or 1)
    except ValueError:
        return None


def _split_date(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of 2024, 2024-05, 2024-05-01, 202405, 20240501, 2024/5/1, 2024年5月."""
    groups = re.findall(r"\d+", value)
    if len(groups) == 1:
        digits = groups[0]
        if len(digits) == 4:
            return int(digits), None, None
        if len(digits) == 6:
            return int(digits[:4]), int(digits[4:]), None
        if len(digits) == 8:
            return int(digits[:4]), int(digits[4:6]), int(digits[6:])
        return None
    if 2 <= len(groups) <= 3 and len(groups[0]) == 4 and all(len(g) <= 2 for g in groups[1:]):
        numbers = [int(g) for g in groups]
        return numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else None
    return None


def url_dates(url: str) -> list[tuple[int, int | None, int | None]]:
    """The dates a URL names: date query parameters (y=2020&m=5, date=2020-05-01) and date path
    segments (/2020/05/, /2020/05/01/, /2020-05/, /202005/, /20200501/)."""
    parts = urlsplit(url)
    dates: list[tuple[int, int | None, int | None]] = []
    year = month = day = None
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        key, value = name.lower(), value.strip()
        if key in _DATE_PARAMS and (parsed := _split_date(value)):
            dates.append(parsed)
        elif value.isdigit():
            if key in _YEAR_PARAMS and len(value) == 4:
                year = int(value)
            elif key in _MONTH_PARAMS and len(value) <= 2:
                month = int(value)
            elif key in _DAY_PARAMS and len(value) <= 2:
                day = int(value)
    if year is not None:
        dates.append((year, month, day))
    # In the path a date must look like one (a year of 1900-2199, a month 1-12): numeric
    # column ids are common there (people.com.cn /GB/43027/166412/ is no December 1664).
    segments = [s.rsplit(".", 1)[0] for s in _segments(unquote(parts.path))]
    for i, segment in enumerate(segments):
        if re.fullmatch(r"\d{4}[-_]\d{1,2}(?:[-_]\d{1,2})?|\d{6}|\d{8}", segment):
            parsed = _split_date(segment)
            if parsed and 1900 <= parsed[0] <= 2199 and parsed[1] and 1 <= parsed[1] <= 12:
                dates.append(parsed)
        elif _plausible_year(segment) and i + 1 < len(segments):
            following = segments[i + 1 : i + 3]
            if re.fullmatch(r"\d{1,2}", following[0]) and 1 <= int(following[0]) <= 12:
                has_day = len(following) > 1 and re.fullmatch(r"\d{1,2}", following[1])
                dates.append(
                    (int(segment), int(following[0]), int(following[1]) if has_day else None)
                )
    return dates


def date_outside_window(
    url: str, min_year: int = 1990, today: dt.date | None = None
) -> tuple[int, int | None, int | None] | None:
    """The first date a URL names that is before ``min_year`` or more than a year after
    ``today``; None when all are plausible (or it names none)."""
    latest = (today or dt.date.today()) + dt.timedelta(days=366)
    for year, month, day in url_dates(url):
        if year < min_year:
            return year, month, day
        date = _to_date(year, month, day)
        if date is not None and date > latest:
            return year, month, day
    return None


# URL shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlShape:
    """A URL's host, its template (numbers replaced by {n}, hex ids by {h}) and its numbers.

    ``dateish[i]`` says whether number i can be a date part where it stands: a bare number
    (not glued to letters: the 2001 of col2001 is an id) that is no page number.
    """

    host: str
    template: str
    numbers: tuple[str, ...]
    dateish: tuple[bool, ...]
    year_bearing: tuple[bool, ...]


def url_shape(url: str) -> UrlShape:
    """The shape of a URL: path and query (percent-decoded) with their numbers templated."""
    parts = urlsplit(url)
    text = unquote(parts.path) + ("?" + unquote(parts.query) if parts.query else "")
    pieces: list[str] = []
    numbers: list[str] = []
    dateish: list[bool] = []
    year_bearing: list[bool] = []
    position = 0
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        before, after = text[: match.start()], text[match.end() : match.end() + 1]
        pieces.append(before[position:])
        position = match.end()
        if not token.isdigit():
            pieces.append("{h}")
            numbers.append(token.lower())
            dateish.append(False)
            year_bearing.append(False)
            continue
        pieces.append("{n}")
        numbers.append(token)
        glued = bool(before[-1:].isascii() and before[-1:].isalpha()) or bool(
            after.isascii() and after.isalpha()
        )
        page_number = (
            bool(_PAGE_STEM_BEFORE.search(before[-30:])) or _query_name(before) in _PAGE_PARAMS
        )
        ok = not glued and not page_number and _valid_date_number(token)
        dateish.append(ok)
        year_bearing.append(ok and _year_bearing(token))
    pieces.append(text[position:])
    return UrlShape(
        host=parts.netloc.lower(),
        template="".join(pieces),
        numbers=tuple(numbers),
        dateish=tuple(dateish),
        year_bearing=tuple(year_bearing),
    )


def _query_name(before: str) -> str:
    """The query parameter name a number directly follows (…&page=), or ''."""
    match = re.search(r"[?&]([^=&?]+)=$", before)
    return match.group(1).lower() if match else ""


def _has_calendar_marker(template: str) -> bool:
    path, _, query = template.partition("?")
    if _CALENDAR_WORD.search(path):
        return True
    names = {pair.partition("=")[0].lower() for pair in query.split("&") if pair}
    date_names = _YEAR_PARAMS | _MONTH_PARAMS | _DAY_PARAMS | _DATE_PARAMS
    return bool(names & date_names) or bool(_CALENDAR_WORD.search(query))


@dataclass
class _TemplateState:
    """What has been seen of one host+template."""

    first: tuple[str, ...]
    varying: set[int] = field(default_factory=set)
    not_dateish: set[int] = field(default_factory=set)
    year_bearing: set[int] = field(default_factory=set)
    # Distinct number tuples admitted (at most the largest cap of them are stored).
    admitted: set[tuple[str, ...]] = field(default_factory=set)
    full: bool = False


class ShapeTracker:
    """Counts the distinct URLs requested per host+template and says which ones to cut."""

    def __init__(self, calendar_limit: int = 24, template_limit: int = 2000) -> None:
        self.calendar_limit = calendar_limit
        self.template_limit = template_limit
        self._store_limit = max(calendar_limit, template_limit)
        self._states: dict[tuple[str, str], _TemplateState] = {}

    def _state(self, shape: UrlShape) -> _TemplateState:
        key = (shape.host, shape.template)
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = _TemplateState(first=shape.numbers)
        for i, number in enumerate(shape.numbers):
            if number != state.first[i]:
                state.varying.add(i)
            if not shape.dateish[i]:
                state.not_dateish.add(i)
            if shape.year_bearing[i]:
                state.year_bearing.add(i)
        return state

    def is_calendar(self, shape: UrlShape) -> bool:
        """True once a template is seen to vary only by date parts, with date evidence (a
        varying year, yyyymm or yyyymmdd, or date parameter names / calendar words)."""
        state = self._states.get((shape.host, shape.template))
        if state is None or not state.varying or state.varying & state.not_dateish:
            return False
        return bool(state.varying & state.year_bearing) or _has_calendar_marker(shape.template)

    def check(self, url: str, *, calendar: bool, template_cap: bool) -> str | None:
        """Record a requested URL; the trap kind it is cut for, or None to let it through.

        ``calendar``: apply the calendar limit (not for pagination, not for document URLs).
        ``template_cap``: apply the generic per-template cap (a page linking its own shape).
        """
        shape = url_shape(url)
        if not shape.numbers:
            return None
        state = self._state(shape)
        if shape.numbers in state.admitted:
            return None
        count = len(state.admitted) if not state.full else self._store_limit
        if (
            calendar
            and self.calendar_limit
            and count >= self.calendar_limit
            and self.is_calendar(shape)
        ):
            return "calendar"
        if template_cap and self.template_limit and count >= self.template_limit:
            return "template_cap"
        if len(state.admitted) < self._store_limit:
            state.admitted.add(shape.numbers)
        else:
            state.full = True
        return None

    def same_template(self, url: str, other: str | None) -> bool:
        if not other:
            return False
        a, b = url_shape(url), url_shape(other)
        return (a.host, a.template) == (b.host, b.template)


# The middleware ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What to do with a request URL: request ``url`` (session ids removed), or drop it for
    ``trap`` (a kind of TRAP_KINDS) because of ``detail``."""

    url: str
    trap: str | None = None
    detail: str = ""
    rewritten: bool = False


class TrapDetector:
    """The trap rules over a stream of request URLs (state: the shapes seen so far)."""

    def __init__(
        self,
        *,
        max_url_length: int = 300,
        max_query_params: int = 15,
        calendar_limit: int = 24,
        calendar_min_year: int = 1990,
        template_limit: int = 2000,
        session_params: Iterable[str] = DEFAULT_SESSION_PARAMS,
        today: dt.date | None = None,
    ) -> None:
        self.max_url_length = max_url_length
        self.max_query_params = max_query_params
        self.calendar_min_year = calendar_min_year
        self.session_params = tuple(session_params)
        self.today = today
        self.shapes = ShapeTracker(calendar_limit, template_limit)

    def inspect(
        self,
        url: str,
        *,
        pagination: bool = False,
        sources: Iterable[str | None] = (),
        shaped: bool = True,
    ) -> Verdict:
        """The verdict on a request for ``url`` linked from ``sources`` (the page it was found
        on, then that page's own source). ``shaped=False`` skips the calendar and template
        rules (a POST: its identity is in the body, not the URL)."""
        clean = strip_session_ids(url, self.session_params)
        rewritten = clean != url
        if is_search_url(clean):
            return Verdict(clean, "search", "site search", rewritten)
        reason = growing_url_reason(clean, self.max_url_length, self.max_query_params)
        if reason:
            return Verdict(clean, "growing_url", reason, rewritten)
        if not shaped:
            return Verdict(clean, rewritten=rewritten)
        if pagination:
            return self._inspect_pagination(clean, rewritten)
        document = is_document_url(clean)
        if not document:
            date = date_outside_window(clean, self.calendar_min_year, self.today)
            if date is not None:
                shown = "-".join(str(part) for part in date if part is not None)
                return Verdict(clean, "calendar", f"date {shown} outside the window", rewritten)
        self_similar = any(self.shapes.same_template(clean, source) for source in sources)
        trap = self.shapes.check(clean, calendar=not document, template_cap=self_similar)
        if trap == "calendar":
            detail = f"more than {self.shapes.calendar_limit} dates of one calendar"
            return Verdict(clean, trap, detail, rewritten)
        if trap == "template_cap":
            detail = f"more than {self.shapes.template_limit} URLs of one shape"
            return Verdict(clean, trap, detail, rewritten)
        return Verdict(clean, rewritten=rewritten)

    def _inspect_pagination(self, clean: str, rewritten: bool) -> Verdict:
        """Pagination is capped per column by the spider, but a calendar can dress its months
        up as columns (``?date=2024-05&page=2``): the calendar rule applies to the column,
        i.e. the URL without its page number."""
        from spiders.pagination import column_key  # the spider's own notion of a column

        column = column_key(clean)
        if is_document_url(column):
            return Verdict(clean, rewritten=rewritten)
        date = date_outside_window(column, self.calendar_min_year, self.today)
        if date is not None:
            shown = "-".join(str(part) for part in date if part is not None)
            return Verdict(clean, "calendar", f"date {shown} outside the window", rewritten)
        if self.shapes.check(column, calendar=True, template_cap=False) == "calendar":
            detail = f"more than {self.shapes.calendar_limit} dated columns of one calendar"
            return Verdict(clean, "calendar", detail, rewritten)
        return Verdict(clean, rewritten=rewritten)


class TrapMiddleware(BaseSpiderMiddleware):
    """Spider middleware applying TrapDetector to every request the spider yields.

    Settings: ``GOVARCHIVE_TRAPS_ENABLED`` (NotConfigured when false),
    ``GOVARCHIVE_TRAP_MAX_URL_LENGTH``, ``GOVARCHIVE_TRAP_MAX_QUERY_PARAMS``,
    ``GOVARCHIVE_TRAP_CALENDAR_LIMIT``, ``GOVARCHIVE_TRAP_CALENDAR_MIN_YEAR``,
    ``GOVARCHIVE_TRAP_TEMPLATE_LIMIT``, ``GOVARCHIVE_TRAP_SESSION_PARAMS``.
    Stats: ``govarchive/traps/<kind>`` for each kind of TRAP_KINDS.
    """

    # Traps of one kind logged at INFO; the rest go to DEBUG.
    log_first = 5

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_TRAPS_ENABLED", True):
            raise NotConfigured("GOVARCHIVE_TRAPS_ENABLED is off")
        super().__init__(crawler)
        self.stats = crawler.stats
        self.detector = TrapDetector(
            max_url_length=settings.getint("GOVARCHIVE_TRAP_MAX_URL_LENGTH", 300),
            max_query_params=settings.getint("GOVARCHIVE_TRAP_MAX_QUERY_PARAMS", 15),
            calendar_limit=settings.getint("GOVARCHIVE_TRAP_CALENDAR_LIMIT", 24),
            calendar_min_year=settings.getint("GOVARCHIVE_TRAP_CALENDAR_MIN_YEAR", 1990),
            template_limit=settings.getint("GOVARCHIVE_TRAP_TEMPLATE_LIMIT", 2000),
            session_params=settings.getlist(
                "GOVARCHIVE_TRAP_SESSION_PARAMS", list(DEFAULT_SESSION_PARAMS)
            ),
        )
        self._logged: dict[str, int] = {}

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if response is None:
            return request  # start requests are never cut
        sources = (response.url, response.meta.get("source_url"))
        verdict = self.detector.inspect(
            request.url,
            pagination=bool(request.meta.get("pagination")),
            sources=sources,
            shaped=request.method == "GET",
        )
        if verdict.rewritten:
            self._count("session_id", request.url, response, f"rewritten to {verdict.url}")
            request = request.replace(url=verdict.url)
        if verdict.trap is not None:
            self._count(verdict.trap, request.url, response, f"dropped: {verdict.detail}")
            return None
        return request

    def _count(self, kind: str, url: str, response: Response, what: str) -> None:
        self.stats.inc_value(f"govarchive/traps/{kind}")
        seen = self._logged[kind] = self._logged.get(kind, 0) + 1
        level = logging.INFO if seen <= self.log_first else logging.DEBUG
        logger.log(level, "Trap (%s): %s (linked from %s) %s", kind, url, response.url, what)
