"""extraction.reports.region: the reporting body and its administrative division."""

from __future__ import annotations

import pytest

from extraction.reports.region import (
    NATIONAL,
    Region,
    agency_from,
    compiling_body,
    resolve_region,
)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("嘉兴市秀洲区安监局",), Region("浙江省", "嘉兴市", "秀洲区", "330411")),
        (("秀洲区安监局",), Region("浙江省", "嘉兴市", "秀洲区", "330411")),
        (("嘉兴秀洲",), Region("浙江省", "嘉兴市", "秀洲区", "330411")),
        # 沙县 became 沙县区 in 2021: the old name still resolves.
        (("沙县应急管理局",), Region("福建省", "三明市", "沙县区", "350405")),
        (("张店区安监局",), Region("山东省", "淄博市", "张店区", "370303")),
        (("金安区",), Region("安徽省", "六安市", "金安区", "341502")),
        (("清远市质监局",), Region("广东省", "清远市", None, "441800")),
        (("清遠市質監局",), Region("广东省", "清远市", None, "441800")),  # Traditional
        (("平潭综合实验区",), Region("福建省", "福州市", "平潭县", "350128")),
        (("平潭综合实验区党工委管委会",), Region("福建省", "福州市", "平潭县", "350128")),
        (("邯郸市教育局",), Region("河北省", "邯郸市", None, "130400")),
        (("宜春市统计局",), Region("江西省", "宜春市", None, "360900")),
        (("山西省人民政府",), Region("山西省", None, None, "140000")),
        (("北京市朝阳区",), Region("北京市", "北京市", "朝阳区", "110105")),
        (("济南市中区",), Region("山东省", "济南市", "市中区", "370103")),  # shared 市
        (("长乐市",), Region("福建省", "福州市", "长乐区", "350112")),  # 市 → 区 in 2017
        (("襄樊市",), Region("湖北省", "襄阳市", None, "420600")),  # renamed 2010
        (("恩施州",), Region("湖北省", "恩施土家族苗族自治州", None, "422800")),
        (("东莞市",), Region("广东省", "东莞市", None, "441900")),  # no county level
        (("济源市",), Region("河南省", None, "济源市", "419001")),  # under the province
        (("国家税务总局福建省税务局",), Region("福建省", None, None, "350000")),
        (("中国人民银行福州中心支行",), Region("福建省", "福州市", None, "350100")),
    ],
)
def test_resolves(names: tuple[str, ...], expected: Region) -> None:
    assert resolve_region(*names) == expected


def test_agency_first_then_publisher_then_site() -> None:
    assert resolve_region("万载县统计局", "宜春市人民政府") == Region(
        "江西省", "宜春市", "万载县", "360922"
    )
    assert resolve_region(None, "区安监局", "张店区人民政府").county == "张店区"
    assert resolve_region("区安监局", None, "宜春市人民政府").city == "宜春市"


def test_ambiguous_names_are_not_guessed() -> None:
    # 鼓楼区: 南京, 徐州 (江苏), 福州 (福建), 开封 (河南); 朝阳区: 北京, 长春.
    assert resolve_region("鼓楼区") is None
    assert resolve_region("鼓楼区教育局") is None
    assert resolve_region("朝阳区") is None
    # …unless a parent is named, in the same name or in another input.
    assert resolve_region("福州市鼓楼区") == Region("福建省", "福州市", "鼓楼区", "350102")
    assert resolve_region("鼓楼区教育局", "福州市人民政府") == Region(
        "福建省", "福州市", "鼓楼区", "350102"
    )
    assert resolve_region("鼓楼区", None, "江苏省人民政府") == Region(
        "江苏省", None, None, "320000"
    )
    assert resolve_region("鼓楼区", "南京市") == Region("江苏省", "南京市", "鼓楼区", "320106")
    # An unsettled agency does not fall through to an unrelated site's place.
    assert resolve_region("鼓楼区教育局", None, "宜春市人民政府") is None


def test_common_words_are_not_places() -> None:
    assert resolve_region("沙县公安局").county == "沙县区"  # not 公安县
    assert resolve_region("城东街道办事处") is None  # not 西宁 城东区
    assert resolve_region("中山路街道") is None
    assert resolve_region("港口管理局") is None
    assert resolve_region("宁波市江北区") == Region("浙江省", "宁波市", "江北区", "330205")


@pytest.mark.parametrize("name", ["国家金融监督管理总局", "财政部", "海关总署", "国务院办公厅"])
def test_national_bodies(name: str) -> None:
    region = resolve_region(name)
    assert region == NATIONAL
    assert region.province is None
    assert region.code is None
    assert region.level == "national"


@pytest.mark.parametrize("names", [("garbage",), ("关于印发的通知",), ("",), (None,), ()])
def test_garbage(names: tuple) -> None:
    assert resolve_region(*names) is None


def test_region_level_and_dict() -> None:
    region = resolve_region("清远市质监局")
    assert region.level == "city"
    assert region.as_dict() == {
        "province": "广东省",
        "city": "清远市",
        "county": None,
        "code": "441800",
    }


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("平潭综合实验区2024年度政府信息公开工作年度报告", "平潭综合实验区"),
        ("沙县应急管理局2018年政府信息公开工作年度报告", "沙县应急管理局"),
        ("清远市质监局政府政务信息公开2011年年度报告", "清远市质监局"),
        ("清遠市質監局政府政務信息公開2011年年度報告", "清远市质监局"),
        ("金安区2013年政府信息公开年报", "金安区"),
        ("宜春市统计局关于2019年政府信息公开工作年度报告", "宜春市统计局"),
        ("某某县人民政府政府信息公开工作年度报告", "某某县人民政府"),
        ("某某县人民政府信息公开年度报告", "某某县人民政府"),
        ("某某局二〇一四年政府信息公开工作年度报告", "某某局"),
        ("国家金融监督管理总局2023年政府信息公开工作年度报告", "国家金融监督管理总局"),
    ],
)
def test_agency_from_title(title: str, agency: str) -> None:
    assert agency_from(title, "某某门户网站", "") == agency


def test_agency_from_text_head_then_publisher() -> None:
    title = "2009年度政府信息公开工作报告"
    head = "张店区安监局\n2009年度政府信息公开工作报告\n根据《中华人民共和国政府信息公开条例》……"
    assert agency_from(title, "淄博市人民政府", head) == "张店区安监局"
    assert agency_from(title, "张店区安监局", "一、概述\n根据《条例》，现将……") == "张店区安监局"
    assert agency_from(title, "发布机构：张店区安监局") == "张店区安监局"
    # A portal's name only when nothing else names the body, and without 网站.
    assert agency_from(title, "宜春市人民政府门户网站") == "宜春市人民政府"
    assert agency_from(title, "本网", "") is None
    assert agency_from(None, None, "") is None


def test_special_areas() -> None:
    assert resolve_region("雄安新区管理委员会") == Region("河北省", None, None, "130000")
    assert resolve_region("南京江北新区") == Region("江苏省", "南京市", None, "320100")
    assert resolve_region("两江新区").province == "重庆市"


def test_agency_after_a_leading_year_and_its_region() -> None:
    # The issue's own example: 2014年秀洲区安监局信息公开报告 (publisher 区应急管理局).
    agency = agency_from("2014年秀洲区安监局信息公开报告", "区应急管理局")
    assert agency == "秀洲区安监局"
    region = resolve_region(agency, "区应急管理局")
    assert (region.province, region.city, region.county, region.code) == (
        "浙江省",
        "嘉兴市",
        "秀洲区",
        "330411",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            (
                "淮安市人民政府\n2024 年政府信息公开工作年度报告\n本报告由淮安市人民政府办公室根据"
                "《中华人民共和国政府信息公开条例》（国令第 711 号）规定编制。"
            ),
            "淮安市人民政府办公室",
        ),
        (
            "本报告是由嘉兴市秀洲区安全生产监督管理局依照《条例》要求编制的。",
            "嘉兴市秀洲区安全生产监督管理局",
        ),
        ("本年度报告由 平潭县人民政府办公室 按照省政府办公厅的要求编制。", "平潭县人民政府办公室"),
        ("本報告由清遠市質量技術監督局根據《條例》編制。", "清远市质量技术监督局"),
        ("本报告由区政府办公室负责编制。", "区政府办公室"),
    ],
)
def test_compiling_body_from_the_opening_sentence(text: str, expected: str | None) -> None:
    assert compiling_body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # 由…组成 lists the report's parts: no body
        "本报告由概述、主动公开政府信息情况、政府信息依申请公开办理情况等部分组成。",
        # no organ word at the end of the name
        "本报告由我们根据条例编制。",
        # the sentence is not at the head of the report
        "一、总体情况\n" + "公开工作稳步推进。" * 80 + "本报告由某某县人民政府办公室根据条例编制。",
        "",
        "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
    ],
)
def test_no_compiling_body(text: str) -> None:
    assert compiling_body(text) is None
