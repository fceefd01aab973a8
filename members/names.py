"""Pinyin keys of a member's name, so a roster can be searched and sorted in SQL.

A secretary on a phone types ``zhangsan`` or ``zs`` faster than 张三; the keys
are stored beside the name and kept current whenever a member is saved.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

# Surnames read differently from the same character in a word (单 dān → Shàn).
_SURNAMES = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "尉": "yu",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "召": "shao",
    "重": "chong",
    "秘": "bi",
    "种": "chong",
    "万": "wan",
    "沈": "shen",
    "长": "zhang",
    "郇": "huan",
    "员": "yun",
}

# The Member columns that hold them.
NAME_KEY_FIELDS = ("name_pinyin", "name_initials")

_NOT_LETTERS = re.compile(r"[^a-z0-9]")


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, no spaces: 张三 → ("zhangsan", "zs")."""
    name = (name or "").strip()
    if not name:
        return "", ""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: chars.lower().split(), v_to_u=False)
    if name[0] in _SURNAMES and syllables:
        syllables[0] = _SURNAMES[name[0]]
    syllables = [_NOT_LETTERS.sub("", s.lower()) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def search_key(text: str) -> str:
    """What a typed query is compared with: lower case letters and digits only."""
    return _NOT_LETTERS.sub("", (text or "").lower())
