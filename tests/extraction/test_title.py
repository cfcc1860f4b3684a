"""extraction.title: despacing, <title> segments and the order of title evidence."""

from __future__ import annotations

from typing import Any

import pytest

from extraction.html import parse_html
from extraction.title import (
    despace,
    heading_candidates,
    pick_title,
    title_from_text,
    title_segments,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("财 政 司 司 长", "财政司司长"),
        ("调整2007\u3000年末", "调整2007年末"),
        ("2013 年 政府信息公开 年报", "2013年政府信息公开年报"),
        ("《条例》 第五十条", "《条例》第五十条"),
        ("  关于印发\n某某办法  ", "关于印发某某办法"),
        ("Annual Report 2013", "Annual Report 2013"),  # Latin words keep their spaces
        ("关于 Open Data 的通知", "关于 Open Data 的通知"),
    ],
)
def test_despace(text: str, expected: str) -> None:
    assert despace(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("文章标题_栏目名_站点名", ["文章标题", "栏目名", "站点名"]),
        ("A - B", ["A", "B"]),
        ("A – B", ["A", "B"]),
        ("邯郸市人民政府-政府信息公开指南", ["邯郸市人民政府", "政府信息公开指南"]),
        ("标题|站点", ["标题", "站点"]),
        ("标题｜站点", ["标题", "站点"]),
        ("标题 丨 站点", ["标题", "站点"]),
        ("标题--站点", ["标题", "站点"]),
        ("标题——站点", ["标题", "站点"]),
        ("标题::站点", ["标题", "站点"]),
        ("  关于\u3000印发_站点 ", ["关于 印发", "站点"]),
        ("", []),
    ],
)
def test_title_segments(title: str, expected: list[str]) -> None:
    assert title_segments(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "1-10月德清县规模以上工业经济运行情况",  # a hyphen between digits is a range
        "2013-2014年度报告",
        "Covid-19 防控报告",
    ],
)
def test_title_segments_does_not_split_ranges(title: str) -> None:
    assert title_segments(title) == [title]


def test_heading_candidates_skip_link_headings_and_despace() -> None:
    root = parse_html(
        "<html><head><title>x</title></head><body>"
        '<h2><a href="/">首页</a></h2>'
        '<div class="title">关于 印发 某某办法的通知</div>'
        "<h3>关于印发某某办法的<br>通知</h3>"
        "<p>正文不是标题。</p></body></html>"
    )
    found = [(element.tag, text) for element, text in heading_candidates(root)]
    assert found == [("div", "关于印发某某办法的通知"), ("h3", "关于印发某某办法的通知")]


SITE = "某某市人民政府"
DOC = "关于印发某某办法的通知"


def pick(**kwargs: Any) -> str | None:
    evidence: dict[str, Any] = {
        "article_title": None,
        "block_title": None,
        "html_title": None,
        "headings": [],
        "not_titles": [SITE],
        "body_heading": None,
    }
    evidence.update(kwargs)
    return pick_title(**evidence)


def test_article_title_wins() -> None:
    assert (
        pick(
            article_title="ArticleTitle 标题",
            block_title="印刷的标题字段",
            html_title=f"{DOC}_{SITE}",
            headings=[(None, DOC)],
            body_heading=DOC,
        )
        == "ArticleTitle 标题"
    )


def test_block_title_when_no_article_title() -> None:
    assert pick(block_title="印刷的 标题 字段", html_title=f"{DOC}_{SITE}") == "印刷的标题字段"


def test_article_title_equal_to_site_name_is_skipped() -> None:
    assert pick(article_title=SITE, block_title="印刷的标题字段") == "印刷的标题字段"


def test_heading_matching_a_title_segment() -> None:
    # the heading is the clean version of the <title> segment (which carries a suffix here)
    assert (
        pick(
            html_title=f"{DOC}（2015年修订）_通知公告_{SITE}",
            headings=[(None, SITE), (None, "通知公告"), (None, DOC)],
        )
        == DOC
    )


def test_site_name_heading_is_not_chosen() -> None:
    assert pick(html_title=f"{DOC}_{SITE}", headings=[(None, SITE)]) == DOC


def test_longest_segment_without_headings() -> None:
    assert pick(html_title=f"通知公告_{DOC}_{SITE}") == DOC


def test_single_segment_site_wide_title_is_overridden_by_body_heading() -> None:
    assert (
        pick(
            html_title="某某市政府门户网站", not_titles=[], body_heading="关于 印发 某某办法的通知"
        )
        == DOC
    )


def test_single_segment_title_without_body_heading() -> None:
    assert pick(html_title=DOC) == DOC


def test_column_name_is_the_last_resort() -> None:
    # every segment is excluded: the last one (the column) may be the page's own title
    assert pick(html_title=f"{SITE}_通知公告", not_titles=[SITE, "通知公告"]) == "通知公告"


def test_no_evidence() -> None:
    assert pick() is None


def test_site_name_is_never_the_title() -> None:
    assert pick(html_title=SITE, headings=[(None, SITE)]) is None


# --- a file's printed title ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "淮安市人民政府\n2024 年政府信息公开工作年度报告\n本报告由…编制。",
            "淮安市人民政府2024年政府信息公开工作年度报告",
        ),
        (
            "某县人民政府关于印发某某办法的通知\n各乡镇人民政府：",
            "某县人民政府关于印发某某办法的通知",
        ),
        ("某县2023年部门预算（草案）\n一、部门职责", "某县2023年部门预算（草案）"),
        # No genre within the opening lines: no guess.
        ("一、总体情况\n2023年，我县认真贯彻落实《条例》。", None),
        ("| 序号 | 单位 |\n| 1 | 县政府 |", None),
        ("", None),
    ],
)
def test_title_from_text(text: str, title: str | None) -> None:
    assert title_from_text(text) == title
