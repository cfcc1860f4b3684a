"""Simplified → Traditional for the page chrome of the Traditional report page.

A character table, not a converter: it covers exactly the Simplified characters that the
chrome of that page uses (labels, navigation, footer, related-link titles), each mapped to
its usual Traditional form, and only characters that never occur in Traditional text (so not 台, which is both), so the
Traditional body passes through unchanged (the site build checks this). The test suite
checks with OpenCC that t2s of the translated chrome gives the Simplified chrome back and
that no Simplified character is left; extend the table when the chrome gains new characters.
"""

from __future__ import annotations

_PAIRS = (
    "体體关關办辦区區单單发發号號后後国國备備导導开開当當扫掃报報据據数數时時机機"
    "权權来來构構标標欢歡浏瀏监監码碼类類纠糾统統网網览覽计計议議访訪识識请請输輸进進"
    "链鏈错錯键鍵闭閉问問间間页頁题題编編于於"
)

_TABLE = {ord(s): t for s, t in zip(_PAIRS[0::2], _PAIRS[1::2], strict=True)}


def to_traditional(text: str) -> str:
    return text.translate(_TABLE)
