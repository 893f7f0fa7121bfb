"""Counting words the way applicants expect: runs of non-space characters, and CJK characters one each.

Chinese has no spaces between words, so a 500-"word" limit on a Chinese answer counts characters,
as the funders' own forms do.
"""

import re

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_WORD = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")


def count_words(text: str | None) -> int:
    return len(_WORD.findall(text or ""))
