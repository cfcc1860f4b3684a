"""Hand-written data of the sample site: site constants, columns and every document's metadata.

Bodies live in ``content/reports/`` (the five seed reports) and ``content/documents/`` (invented
documents); this module holds what the pages print around them. Report metadata comes from
what each seed text shows; values a seed does not show are marked ``# invented``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CONTENT_DIR = Path(__file__).parent / "content"

SITE_NAME = "青禾市人民政府"
SITE_HEADING = "青禾市人民政府信息公开"
SITE_ID_CODE = "3301000001"
SPONSOR = "青禾市人民政府办公室"
OPERATOR = "青禾市大数据发展管理局"
ICP = "浙ICP备12345678号-1"
PSB = "浙公网安备 33010202000123号"
PSB_CODE = "33010202000123"
PAGE_SIZE = 5

# Tokens the server replaces with the request's Host (``SiteDomain``) and origin (``Url``).
TOKEN_PREFIX = "__SAMPLE_SITE_"
HOST_TOKEN = TOKEN_PREFIX + "HOST__"
ORIGIN_TOKEN = TOKEN_PREFIX + "ORIGIN__"


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    column_type: str
    # "trs": index.html + index_N.html via createPageHTML; "plain": list_N.html; "single"
    pager: str
    description: str

    @property
    def base(self) -> str:
        return f"/zfxxgk/{self.slug}/"

    @property
    def first_page(self) -> str:
        return self.base + ("list.html" if self.pager == "plain" else "index.html")


COLUMNS: dict[str, Column] = {
    c.slug: c
    for c in (
        Column(
            "zfxxgknb",
            "政府信息公开年报",
            "信息公开",
            "trs",
            "各级行政机关政府信息公开工作年度报告。",
        ),
        Column("tzgg", "通知公告", "通知公告", "plain", "市政府及各部门发布的通知、公告、通告。"),
        Column("tjxx", "统计信息", "统计数据", "single", "统计公报、统计数据发布与解读。"),
    )
}

GUIDE_PATH = "/zfxxgk/zfxxgkzn/"
GUIDE_NAME = "政府信息公开指南"


@dataclass(frozen=True)
class DocSpec:
    """One document page. Strings are as printed on the page (Traditional for ``traditional``)."""

    key: str  # content file stem
    folder: str  # "reports" | "documents"
    column: str
    doc_id: int
    title: str
    published: str  # "YYYY-MM-DD HH:MM": 发布日期 / PubDate
    written: str  # 成文日期 / 发文日期, "YYYY-MM-DD"
    publisher: str  # 发布机构
    source: str  # 来源 (ContentSource)
    index_no: str | None
    doc_no: str | None
    topic: str  # 主题分类
    template: str  # "A" xxgk_table | "B" spaced labels in <li>/<span> | "C" truncated labels
    is_annual_report: bool = False
    report_year: int | None = None
    traditional: bool = False
    encoding: str = "utf-8"  # or "gbk"
    doc_no_empty_text: str = ""  # what the 文号 cell shows when there is none ("" or "无")
    views: int = 0
    attachment: tuple[str, str] | None = None  # (file name in the detail folder, link text)
    # Traditional pages only: Simplified forms (a hand conversion; OpenCC t2s agrees, see tests).
    title_simplified: str | None = None
    publisher_simplified: str | None = None
    source_simplified: str | None = None
    # Hand-picked body sentences (printed form) and their Simplified forms; None = picked
    # automatically from the body text.
    snippets: tuple[str, ...] | None = None
    snippets_simplified: tuple[str, ...] | None = None
    extra_meta: dict[str, str] = field(default_factory=dict)

    @property
    def content_path(self) -> Path:
        return CONTENT_DIR / self.folder / f"{self.key}.txt"

    @property
    def date(self) -> str:
        return self.published[:10]

    @property
    def path(self) -> str:
        ymd = self.date.replace("-", "")
        return f"/zfxxgk/{self.column}/{ymd[:6]}/t{ymd}_{self.doc_id}.html"


DOCUMENTS: tuple[DocSpec, ...] = (
    # ---- 政府信息公开年报 ---------------------------------------------------------------------
    DocSpec(
        key="000_xiuzhou_ajj_2014",
        folder="reports",
        column="zfxxgknb",
        doc_id=1001,
        title="2014年秀洲区安监局信息公开报告",
        published="2015-03-27 15:08",  # seed: 发布日期 2015-03-27 15:08
        written="2015-03-27",  # seed: 生成日期
        publisher="区应急管理局",  # seed: 发布单位 (the site relabelled the bureau later)
        source="秀洲区安监局",  # seed: 来源
        index_no="330411ZF000000/2015-119195",
        doc_no=None,  # seed: 文号 empty
        topic="综合政务/政务公开",
        template="B",
        is_annual_report=True,
        report_year=2014,
        views=123,
        attachment=("P020150327_统计表.pdf", "统计表.pdf"),
        extra_meta={"公开方式": "主动公开"},
    ),
    DocSpec(
        key="001_shaxian_yjglj_2018",
        folder="reports",
        column="zfxxgknb",
        doc_id=1002,
        title="沙县应急管理局2018年政府信息公开工作年度报告",
        published="2019-01-10 15:23",  # seed: 发布时间
        written="2019-01-03",  # invented (the seed's signature date is garbled: 201913)
        publisher="沙县应急管理局",  # seed: 来源
        source="沙县应急管理局",
        index_no="FJSX01-1200-2019-00003",  # invented
        doc_no=None,
        topic="综合政务/政务公开",
        template="A",
        is_annual_report=True,
        report_year=2018,
        views=486,
    ),
    DocSpec(
        key="002_zhangdian_ajj_2009",
        folder="reports",
        column="zfxxgknb",
        doc_id=1003,
        title="2009年度政府信息公开工作报告",
        published="2010-01-29 09:30",  # seed: （2010年1月29日）; time invented
        written="2010-01-29",
        publisher="张店区安监局",  # seed: the line under the title
        source="张店区安监局",
        index_no="004195014/2010-00003",  # invented
        doc_no=None,
        doc_no_empty_text="无",
        topic="综合政务/政务公开",
        template="A",
        is_annual_report=True,
        report_year=2009,
        encoding="gbk",
        views=1024,
    ),
    DocSpec(
        key="003_jinan_2013",
        folder="reports",
        column="zfxxgknb",
        doc_id=1004,
        title="金安区2013年政府信息公开年报",
        published="2014-01-15 00:00",  # seed: 发布时间 2014-01-15 00:00
        written="2014-01-15",  # seed: 发文日期
        publisher="金安区政府办",  # seed: 发布机构
        source="金安区",  # seed: 来源单位 / 信息来源
        index_no="003226443/201401-00001",  # seed: (索引)号
        doc_no=None,  # seed: (文)号 empty
        topic="信息公开年报",  # seed: 信息分类
        template="C",
        is_annual_report=True,
        report_year=2013,
        views=0,  # the seed's 阅读次数 is empty
        extra_meta={"内容分类": "其它", "生成日期": "2014-01-15"},
    ),
    DocSpec(
        key="004_qingyuan_zjj_2011",
        folder="reports",
        column="zfxxgknb",
        doc_id=1005,
        title="清遠市質監局政府政務信息公開2011年年度報告",
        published="2012-03-30 10:15",  # invented (the seed shows no date)
        written="2012-03-28",  # invented
        publisher="清遠市質量技術監督局",  # from the report's own text
        source="清遠市質監局",
        index_no="007032841/2012-00018",  # invented
        doc_no=None,
        topic="綜合政務/政務公開",
        template="B",
        is_annual_report=True,
        report_year=2011,
        traditional=True,
        views=352,
        title_simplified="清远市质监局政府政务信息公开2011年年度报告",
        publisher_simplified="清远市质量技术监督局",
        source_simplified="清远市质监局",
        snippets=(
            "2011年沒有收到請求公開信息的申請。",
            "通過清遠日報、廣播、電視等新聞媒體,及時宣傳報導重大事件、重要政務活動的開展情況。",
            "2011年度暫無其他需要報告的事項。",
        ),
        snippets_simplified=(
            "2011年没有收到请求公开信息的申请。",
            "通过清远日报、广播、电视等新闻媒体,及时宣传报导重大事件、重要政务活动的开展情况。",
            "2011年度暂无其他需要报告的事项。",
        ),
    ),
    DocSpec(  # look-alike: a notice ABOUT annual reports, filed in the annual-report column
        key="nb_2016_nianbao_tongzhi",
        folder="documents",
        column="zfxxgknb",
        doc_id=1006,
        title="关于做好2015年度政府信息公开工作年度报告编制发布工作的通知",
        published="2016-01-12 16:40",
        written="2016-01-11",
        publisher="青禾市人民政府办公室",
        source="市政府办公室",
        index_no="002480001/2016-00004",
        doc_no="青政办函〔2016〕3号",
        topic="综合政务/政务公开",
        template="A",
        views=275,
    ),
    # ---- 通知公告 -----------------------------------------------------------------------------
    DocSpec(
        key="tzgg_2015_anquanshengchanyue",
        folder="documents",
        column="tzgg",
        doc_id=2001,
        title="关于开展2015年“安全生产月”活动的通知",
        published="2015-06-01 09:12",
        written="2015-05-29",
        publisher="青禾市安全生产委员会办公室",
        source="市安监局",
        index_no="002480215/2015-00037",
        doc_no="青安委办〔2015〕9号",
        topic="安全生产监管/安全生产",
        template="A",
        views=158,
    ),
    DocSpec(
        key="tzgg_2015_feiyi_minglu",
        folder="documents",
        column="tzgg",
        doc_id=2002,
        title="关于公布第一批青禾市级非物质文化遗产代表性项目名录的公告",
        published="2015-11-03 10:05",
        written="2015-10-30",
        publisher="青禾市文化广电新闻出版局",
        source="市文广新局",
        index_no="002480307/2015-00112",
        doc_no="青文广〔2015〕58号",
        topic="文化、广电、新闻出版/文化",
        template="B",
        views=96,
    ),
    DocSpec(
        key="tzgg_2016_gongwuyuan_linxuan",
        folder="documents",
        column="tzgg",
        doc_id=2003,
        title="青禾市2016年度市级机关公开遴选公务员公告",
        published="2016-03-22 17:30",
        written="2016-03-22",
        publisher="青禾市人力资源和社会保障局",
        source="市人力社保局",
        index_no="002480126/2016-00045",
        doc_no=None,
        topic="劳动、人事、监察/公务员管理",
        template="A",
        views=2310,
    ),
    DocSpec(
        key="tzgg_2016_zuidi_gongzi",
        folder="documents",
        column="tzgg",
        doc_id=2004,
        title="关于调整青禾市最低工资标准的通知",
        published="2016-08-09 14:20",
        written="2016-08-05",
        publisher="青禾市人力资源和社会保障局",
        source="市人力社保局",
        index_no="002480126/2016-00131",
        doc_no="青人社发〔2016〕41号",
        topic="劳动、人事、监察/劳动工资",
        template="B",
        views=3875,
    ),
    DocSpec(
        key="tzgg_2017_senlin_fanghuo",
        folder="documents",
        column="tzgg",
        doc_id=2005,
        title="青禾市人民政府办公室关于做好2017年春季森林防火工作的通知",
        published="2017-02-14 11:00",
        written="2017-02-13",
        publisher="青禾市人民政府办公室",
        source="市政府办公室",
        index_no="002480001/2017-00019",
        doc_no="青政办发〔2017〕8号",
        topic="农业、林业、水利/林业",
        template="A",
        views=412,
    ),
    DocSpec(
        key="tzgg_2017_ranqi_jiancha",
        folder="documents",
        column="tzgg",
        doc_id=2006,
        title="关于开展城镇燃气安全专项检查的通知",
        published="2017-07-05 08:45",
        written="2017-07-04",
        publisher="青禾市住房和城乡建设局",
        source="市住建局",
        index_no="002480172/2017-00088",
        doc_no="青建〔2017〕76号",
        topic="城乡建设、环境保护/城市建设",
        template="B",
        views=207,
    ),
    DocSpec(
        key="tzgg_2017_jiaotong_guanzhi",
        folder="documents",
        column="tzgg",
        doc_id=2007,
        title="关于2018年元旦春节期间市区部分道路实施交通管制的通告",
        published="2017-12-20 16:00",
        written="2017-12-19",
        publisher="青禾市公安局",
        source="市公安局交警支队",
        index_no="002480098/2017-00203",
        doc_no=None,
        topic="公安、安全、司法/公安",
        template="A",
        views=5120,
    ),
    DocSpec(
        key="tzgg_2018_zhengwu_gongkai_yaodian",
        folder="documents",
        column="tzgg",
        doc_id=2008,
        title="青禾市人民政府办公室关于印发青禾市2018年政务公开工作要点的通知",
        published="2018-04-10 15:10",
        written="2018-04-08",
        publisher="青禾市人民政府办公室",
        source="市政府办公室",
        index_no="002480001/2018-00027",
        doc_no="青政办发〔2018〕15号",
        topic="综合政务/政务公开",
        template="B",
        views=689,
    ),
    DocSpec(
        key="tzgg_2018_laji_fenlei",
        folder="documents",
        column="tzgg",
        doc_id=2009,
        title="关于公开征求《青禾市城市生活垃圾分类管理办法（征求意见稿）》意见的公告",
        published="2018-09-26 09:00",
        written="2018-09-25",
        publisher="青禾市综合行政执法局",
        source="市综合执法局",
        index_no="002480231/2018-00064",
        doc_no=None,
        topic="城乡建设、环境保护/市容环卫",
        template="A",
        views=731,
    ),
    DocSpec(
        key="tzgg_2019_yusuan_gongkai",
        folder="documents",
        column="tzgg",
        doc_id=2010,
        title="青禾市2019年市级财政预算公开说明",
        published="2019-02-28 17:45",
        written="2019-02-27",
        publisher="青禾市财政局",
        source="市财政局",
        index_no="002480102/2019-00015",
        doc_no=None,
        topic="财政、金融、审计/预算决算",
        template="B",
        views=1342,
    ),
    DocSpec(
        key="tzgg_2019_fangzai_jianzai",
        folder="documents",
        column="tzgg",
        doc_id=2011,
        title="关于开展2019年全国防灾减灾日宣传活动的通知",
        published="2019-05-06 10:30",
        written="2019-05-05",
        publisher="青禾市应急管理局",
        source="市应急管理局",
        index_no="002480215/2019-00041",
        doc_no="青应急〔2019〕22号",
        topic="安全生产监管/应急管理",
        template="A",
        views=388,
    ),
    DocSpec(
        key="tzgg_2019_minsheng_shishi",
        folder="documents",
        column="tzgg",
        doc_id=2012,
        title="关于2019年青禾市十大民生实事项目进展情况的公告",
        published="2019-09-03 14:00",
        written="2019-09-02",
        publisher="青禾市人民政府办公室",
        source="市政府办公室",
        index_no="002480001/2019-00103",
        doc_no=None,
        topic="综合政务/政务督查",
        template="B",
        views=954,
    ),
    # ---- 统计信息 -----------------------------------------------------------------------------
    DocSpec(  # look-alike: a yearly statistical bulletin, not an annual report
        key="tjxx_2017_yunxi_tongji_gongbao",
        folder="documents",
        column="tjxx",
        doc_id=3001,
        title="云溪县2016年国民经济和社会发展统计公报",
        published="2017-03-20 09:20",
        written="2017-03-18",
        publisher="云溪县统计局",
        source="云溪县统计局",
        index_no="002481045/2017-00006",
        doc_no=None,
        topic="统计/统计公报",
        template="A",
        views=1677,
    ),
    DocSpec(
        key="tjxx_2018_cpi_shangbannian",
        folder="documents",
        column="tjxx",
        doc_id=3002,
        title="2018年上半年青禾市居民消费价格运行情况",
        published="2018-07-18 10:00",
        written="2018-07-17",
        publisher="青禾市统计局",
        source="市统计局",
        index_no="002480144/2018-00052",
        doc_no=None,
        topic="统计/统计分析",
        template="A",
        views=240,
    ),
)


@dataclass(frozen=True)
class DeadLink:
    """A list item whose detail page does not exist (the server answers 404)."""

    column: str
    doc_id: int
    title: str
    date: str

    @property
    def path(self) -> str:
        ymd = self.date.replace("-", "")
        return f"/zfxxgk/{self.column}/{ymd[:6]}/t{ymd}_{self.doc_id}.html"


DEAD_LINKS: tuple[DeadLink, ...] = (
    DeadLink("tzgg", 2099, "关于举办2018年“政府开放日”活动的通知", "2018-05-16"),
)

# Paths robots.txt disallows, and the links to them that pages carry.
ROBOTS_DISALLOW: tuple[str, ...] = ("/search/", "/admin/")
SEARCH_LINK = "/search/?q=年报"
ADMIN_LINK = "/admin/"
