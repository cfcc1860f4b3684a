"""Text strategies for the property tests: any text (surrogates excluded, as everywhere
decoded text is), and text built from the pieces government pages are made of, so that
the parsers' deeper paths are reached, not only their first "no match"."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters the code treats specially: every kind of space and line break, zero-width
# characters, full-width letters and digits, CJK, Chinese numerals and date characters,
# punctuation of labels and values, control characters.
SPECIAL = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\xad\u1680\u2000\u2005\u200a\u200b\u200c\u200d"
    "\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\ufffd\x00\x07\x1b\x7f"
    "０１２９ＡＺａｚＯ．，：；（）【】《》“”、。！？"
    "〇○零一二两三四五六七八九十百千万亿年月日号时分秒"
    "0123456789-/.:：|｜丨,;〔〕［］[]()"
    "索引号发布机构文号成文日期来源标题名称主题分类无暂"
    "政府信息公开通知工作报告"
)

any_text = st.text(max_size=300)
special_text = st.text(alphabet=SPECIAL, max_size=200)

# Pieces of dates and metadata lines, glued with random separators.
PIECES = (
    "2015", "2024", "1949", "2100", "2101", "1899", "20150327", "03", "3", "27", "31", "13",
    "0", "00", "29", "30", "02", "2", "年", "月", "日", "号", "-", "/", ".", " ", "\u3000",
    "二〇一四", "二○一二", "一", "二", "十", "二十", "三十一", "十二", "零", "十五",
    "15:08", "23:59:59", "T", "：", ":", "索引号", "发布日期", "发布机构", "文号", "来源",
    "成文日期", "标题", "号", "称", "〔2014〕1号", "第3号", "无", "——", "|", "（责任编辑：",
    "）", "示例市人民政府", "11330000/2024-00001", "浏览次数", "字号", "大 中 小",
)  # fmt: skip
pieced_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet=SPECIAL, max_size=3)), max_size=20
).map("".join)

texts = st.one_of(any_text, special_text, pieced_text)
