"""English names of administrative divisions for English mode (issue 14): the proper name
in Hanyu Pinyin — the romanisation China and the UN use for place names — and the
generic part in English: 贵阳市 → "Guiyang City", 花溪区 → "Huaxi District",
新疆维吾尔自治区 → "Xinjiang Weiwu'er Autonomous Region". GB/T 2260 carries no English
names, so they are derived (pypinyin, as for type-ahead, ADR 0015); a few provinces keep
their established English form. Cached: a name is romanised once per process."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin

#: Generic parts of division names, longest first, and their English.
_GENERIC = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("林区", "Forest District"),
    ("新区", "New Area"),
    ("地区", "Prefecture"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
)

#: Established English forms that plain pinyin would get wrong or that people do not use.
_ESTABLISHED = {
    "陕西": "Shaanxi",
    "内蒙古": "Inner Mongolia",
    "香港": "Hong Kong",
    "澳门": "Macao",
}


#: The 55 minority nationalities as they appear in the names of autonomous divisions
#: (a fact list: 中华人民共和国民族名称), with the English forms in official use where
#: pinyin differs; the others are romanised.
_NATIONALITIES = (  # noqa: SIM905 - 55 names read better as one text
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_NATIONALITY_EN = {
    "蒙古": "Mongol", "藏": "Tibetan", "维吾尔": "Uygur", "朝鲜": "Korean",
    "布依": "Bouyei", "柯尔克孜": "Kirgiz", "鄂伦春": "Oroqen", "鄂温克": "Ewenki",
    "达斡尔": "Daur", "锡伯": "Xibe", "俄罗斯": "Russian", "乌孜别克": "Uzbek",
}  # fmt: skip


def _peel_nationalities(proper: str) -> tuple[str, list[str]]:
    """ "黔东南苗族侗族" → ("黔东南", ["苗族", "侗族"]) as written; the place keeps at least
    two characters (内蒙古 and 西藏 are places, not 内 + 蒙古)."""
    groups: list[str] = []
    while True:
        for nationality in sorted(_NATIONALITIES, key=len, reverse=True):
            written = next(
                (w for w in (nationality + "族", nationality) if proper.endswith(w)), None
            )
            if written and len(proper) - len(written) >= 2:
                groups.insert(0, written)
                proper = proper[: -len(written)]
                break
        else:
            return proper, groups


def _word(syllables: list[str]) -> str:
    """Syllables as one capitalised word, with the apostrophe before a syllable that
    starts with a, o or e ("Xi'an", "Weiwu'er")."""
    word = ""
    for i, syllable in enumerate(syllables):
        if i and syllable[:1] in "aoe":
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=8192)
def division_name_en(name: str) -> str:
    """ "贵阳市" → "Guiyang City"; a name without a known generic part is romanised whole.
    The whole name is read at once, so pypinyin's phrase dictionary picks the reading of
    place names (长阳 Changyang, 三都 Sandu), then cut into its parts."""
    if not name or any(not ("\u4e00" <= ch <= "\u9fff") for ch in name):
        return name  # not plain Chinese characters: shown as written
    syllables = lazy_pinyin(name)
    if len(syllables) != len(name):
        return name

    def part(text: str, at: int) -> str:
        return _ESTABLISHED.get(text) or _word(syllables[at : at + len(text)])

    for suffix, english in _GENERIC:
        if name.endswith(suffix) and len(name) > len(suffix):
            proper = name[: -len(suffix)]
            groups: list[str] = []
            if suffix.startswith("自治"):
                proper, groups = _peel_nationalities(proper)
            words, at = [part(proper, 0)], len(proper)
            peoples = []
            for written in groups:
                bare = written.removesuffix("族")
                peoples.append(_NATIONALITY_EN.get(bare) or _word(syllables[at : at + len(bare)]))
                at += len(written)
            if peoples:
                words.append(" and ".join(peoples))
            return " ".join([*words, english])
    return part(name, 0)
