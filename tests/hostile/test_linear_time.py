"""Hostile markup must cost linear time: each of these inputs used to take from seconds to
minutes (quadratic regexes and re-reads) and so to stall the crawl, whose callbacks run on the
reactor thread. The bounds are generous (a loaded CI machine), the old times far beyond them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import pytest
from parsel import Selector

from extraction.title import _SEPARATORS, title_segments
from spiders.jpage import JpageError, js_variable, parse_datastore, parse_jpage_configs
from spiders.links import cdata_records
from spiders.pagination import _PAGE_ORDINAL_TEXT


def _seconds(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    with contextlib.suppress(JpageError):
        call()
    return time.perf_counter() - started


def _page(script: str) -> Selector:
    return Selector(text=f"<html><body><script>{script}</script></body></html>")


@pytest.mark.parametrize(
    ("name", "call"),
    [
        # 2000 unterminated widget calls: each read to the end of the script (34 s).
        (
            "jpage calls",
            lambda: parse_jpage_configs(
                _page("$('#1').jpage({ajaxParam: {a: 1, b: [" * 2000), "http://x.gov.cn/"
            ),
        ),
        # A variable assigned 5000 times, never closed: every assignment read to the end.
        ("assignments", lambda: js_variable("param_1", "var param_1 = {col: '" * 5000)),
        # A cut-off dataproxy answer: 4000 records opened, none closed (16 s).
        ("records", lambda: parse_datastore("<datastore>" + "<record><![CDATA[<li>x</li>" * 4000)),
        ("record tags", lambda: cdata_records("<record " * 20000)),
        ("doctypes", lambda: parse_datastore("<!DOCTYPE x " * 20000)),
        ("nextgroups", lambda: parse_datastore("<datastore><nextgroup>" * 10000)),
        # A <title> padded with 20,000 spaces (28 s to extract the page).
        ("title", lambda: title_segments(" " * 20000 + "标题 - 站点")),
        ("title controls", lambda: title_segments("\x1c" * 20000 + "标题")),
        # A pager link whose text is "[" and a run of spaces (0.45 s for 5000; 4x a doubling).
        ("pager text", lambda: _PAGE_ORDINAL_TEXT.match("[" + " " * 20000 + "x")),
    ],
)
def test_hostile_input_is_read_in_linear_time(name: str, call: Callable[[], Any]) -> None:
    assert _seconds(call) < 3, name


def test_cdata_records_reads_what_the_regex_read() -> None:
    text = (
        "<datastore><record><![CDATA[<li>a</li>]]></record>"
        '<RECORD id="2">\n<![CDATA[<li>b]]>c</li>]]>\n</RECORD>'
        "<record>no cdata</record><record><![CDATA[<li>cut off"
    )
    assert cdata_records(text) == ["<li>a</li>", "<li>b]]>c</li>"]


def test_title_separators_split_as_before() -> None:
    """The separator pattern that takes spaces only from the start of their run splits every
    title as the plain leading \\s* did."""
    import random
    import re

    old = re.compile(r"\s*(?:_|\||｜|丨|--|——|—|::|\s-\s|\s–\s)\s*|(?<=[^\d\s])-(?=[^\d\s])")
    alphabet = " _|｜丨-—–:a1中\u3000\t\n\x1c"
    rng = random.Random(20240101)
    for _ in range(20000):
        title = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        assert _SEPARATORS.split(title) == old.split(title), repr(title)


@pytest.mark.parametrize(
    "text", ["第3页", "[3页]", "3 页", "第 12 页", "[ 第 2 页 ]", "[第\u30005頁]"]
)
def test_page_ordinals_still_match(text: str) -> None:
    assert _PAGE_ORDINAL_TEXT.match(text)


def test_jpage_still_reads_its_widgets() -> None:
    """The bounds leave real pages alone: a widget after nine broken calls is read."""
    broken = "$('#9').jpage({ajaxParam: 1});" * 9
    widget = (
        "$('#5678').jpage({proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: 2, "
        "totalRecord: 6, ajaxParam: {columnid: 200, unitid: 5678}});"
    )
    (config,) = parse_jpage_configs(_page(broken + widget), "http://x.gov.cn/col/")
    assert (config.total_record, config.per_page, config.params["columnid"]) == (6, 2, "200")
