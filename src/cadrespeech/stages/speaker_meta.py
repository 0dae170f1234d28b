"""Who gave a speech, at what level, where, and at what kind of occasion: metadata read from its head.

A speech's head says more than its title: the speaker line names an office
(县委副书记、县长　某某), the ——subtitle names the occasion (在全县安全生产工作会议上),
an editor's lead or the site's name tells the place. ``enrich_speaker`` reads only
those: the title, the occasion, the speaker's name, the opening address, the lines
above the body and the site's name, never the body, where 县长 and 全市 are mentioned
rather than stated.

Four fields come out, each set by a named rule of a table below (the rule and where it
read go into ``SpeakerMeta.rules``, so the release can say why a value is there):

- ``speaker_office``: the post standing next to the speaker's name, as written, with
  the organisation before it dropped (桐川县人民政府县长 -> 县长) but a party committee's
  level kept, as the title itself keeps it (县委书记, 镇党委书记). When the line lists
  several posts, the last one, the one next to the name (县委副书记、县长 -> 县长).
  A former post (前…, 原…) is not the speaker's office.
- ``admin_level``: the level of the body the speech belongs to: the office's, when the
  office has one (县长 -> 县); else the scope words of the speaker line, the occasion,
  the title, the head, the opening and the site, in that order (全市 -> 市; 中学 -> 学校).
- ``region``: "省/市" of the first place ``cpca`` recognises in the speaker line, the
  occasion, the title, the head or the site; none for a central-level speech.
- ``occasion_type``: the kind of occasion the title or the occasion names
  (在全县安全生产工作会议上的讲话 -> 工作会议); 其他 when an occasion is named but is
  none of the kinds; none when the head names no occasion.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from typing import Any

from ..records import Speech
from .head_rules import SPEECH_WORDS
from .textclass import HAN, SCRIPT_PAIRS
from .vocabulary import alt

ADMIN_LEVELS = ("中央", "省", "市", "县", "乡镇", "企业", "学校", "其他")
OCCASION_TYPES = (
    *("工作会议", "座谈会", "表彰大会", "开学典礼", "毕业典礼", "党课", "报告会", "动员大会", "推进会", "开幕式", "闭幕式"),
    *("全体会议", "代表大会", "常委会会议", "培训班", "调度会", "民主生活会", "学习会", "纪念大会", "仪式", "新年致辞", "其他"),
)
# Where a rule read, in the order the fields consult them.
SOURCES = ("office", "occasion", "title", "head", "opening", "site")


@dataclass(frozen=True, slots=True)
class SpeakerMeta:
    """What a speech's head says about its speaker and occasion; a field the head does not state is None.

    ``rules`` maps each field that is set to ``rule@source``: the rule that set it and
    where it read (``county_head@office``, ``whole_jurisdiction@occasion``).
    """

    speaker_office: str | None = None
    admin_level: str | None = None
    region: str | None = None
    occasion_type: str | None = None
    rules: dict[str, str] = field(default_factory=dict, hash=False)


# Traditional characters of offices, scopes and occasions, folded to simplified before
# any rule reads (縣長 -> 县长, 畢業典禮 -> 毕业典礼); one character for one, so offsets hold.
# The pairs script detection knows (textclass) and those the rules need besides.
_MORE_SCRIPT_PAIRS = (
    "记記 县縣 镇鎮 乡鄉 总總 处處 厅廳 党黨 协協 属屬 级級 纪紀 "
    "监監 团團 办辦 联聯 专專 财財 领領 师師 医醫 卫衛 湾灣 闭閉 礼禮 仪儀 词詞 辞辭 讲講 话話 报報 "
    "调調 谈談 训訓 讨討 扬揚 奖獎 颁頒 届屆 庆慶 启啟 签簽 坛壇 贺賀 献獻 课課 职職 毕畢 范範 "
    "陕陝 辽遼 宁寧 龙龍 贵貴 云雲 苏蘇 台臺 内內"
).split()
FOLD = str.maketrans({traditional: simplified for simplified, traditional in (*SCRIPT_PAIRS, *_MORE_SCRIPT_PAIRS)})


def fold(text: str) -> str:
    """Traditional forms of the words the rules read, in simplified script; same length.

    >>> fold("國立大學校長")
    '国立大学校长'
    """
    return text.translate(FOLD)


# ---------------------------------------------------------------------------------------
# Offices
# ---------------------------------------------------------------------------------------

# Words an office ends with. Longer words first where one ends another (秘书长 before 书记).
OFFICE_WORDS = (
    *("秘书长", "书记", "常委", "省长", "市长", "州长", "盟长", "县长", "区长", "旗长", "镇长", "乡长"),
    *("委员长", "总理", "国务委员", "主席", "部长", "厅长", "局长", "处长", "科长", "司长", "署长", "主任"),
    *("校长", "院长", "检察长", "董事长", "总经理", "总裁", "会长", "理事长", "社长", "所长", "行政长官", "特首"),
    *("大使", "总领事", "领事", "国务卿"),
)
_OFFICE_WORD = alt(*OFFICE_WORDS)
# Characters of an organisation's name: Han characters that are not the function words
# of a sentence (一是…的, 在…上, 代表…向), so a chain does not start inside a lead's sentence.
_ORG = rf"(?:(?!{alt(*'的是在了为给们对把被向从将并由到讲说请作及', '出席', '主持', '代表')})[{HAN}])"
# One post (县财政局局长) or several joined by 、 (县委副书记、县长).
OFFICE_CHAIN = rf"{_ORG}{{0,16}}?(?:{_OFFICE_WORD})(?:、{_ORG}{{0,16}}?(?:{_OFFICE_WORD}))*"
_SPACE = r"[ \u3000\xa0\t]"


@dataclass(frozen=True, slots=True)
class OfficeContext:
    """Where a speaker's office is written: before their name, after it, or before what they gave.

    ``pattern`` is searched in a head line (``side`` "before": in the text before the
    name; "after": in the text after it; "above": in the whole line above a line that
    starts with the name; "line": in the whole line, wherever the name is) and puts the
    office in group ``office``. Examples are (text, speaker, office as found); for
    "above", a line break separates the line above from the name's line.
    """

    name: str
    side: str
    pattern: re.Pattern[str]
    examples: tuple[tuple[str, str | None, str], ...]
    counter_examples: tuple[tuple[str, str | None], ...]


OFFICE_CONTEXTS: tuple[OfficeContext, ...] = (
    OfficeContext(
        "office_before_name",
        "before",
        re.compile(rf"(?P<office>{OFFICE_CHAIN})(?:同志)?[\s\u3000]*(?:[:：]\s*)?$"),
        examples=(
            ("县委副书记、县长　卢正清", "卢正清", "县委副书记、县长"),
            ("江澜省文化和旅游厅厅长　韩素琴", "韩素琴", "江澜省文化和旅游厅厅长"),
            ("县委书记沈砚舟：让雁岭成为企业落户的首选地", "沈砚舟", "县委书记"),
            ("报告人：集团公司党委书记、董事长　闵某某", "闵某某", "集团公司党委书记、董事长"),
        ),
        counter_examples=(("——在全县大会上的讲话\n王某某", "王某某"), ("作者：王某某", "王某某")),
    ),
    OfficeContext(
        # The office on a line of its own above the name's line: 县委副书记、县长 / 某某.
        "office_line_above_name",
        "above",
        re.compile(rf"^(?P<office>{OFFICE_CHAIN})[\s\u3000]*$"),
        examples=(("县委副书记、县长\n阿迪力·吐某某", "阿迪力·吐某某", "县委副书记、县长"), ("国务院总理\n李某某", "李某某", "国务院总理")),
        counter_examples=(("——在全县大会上的讲话\n王某某", "王某某"), ("县长在全县大会上讲话\n王某某", "王某某")),
    ),
    OfficeContext(
        "office_after_name",
        "after",
        re.compile(rf"^(?:同志)?(?P<office>{_ORG}{{0,8}}?(?:{_OFFICE_WORD}))(?:同志)?(?=[在于於的：:，,《“\s]|$)"),
        examples=(
            ("现摘录欧阳某某副市长在全市教育工作会议上的讲话", "欧阳某某", "副市长"),
            ("陈某某局长《在全市教育工作会议上的讲话》", "陈某某", "局长"),
            ("开学典礼｜许某某校长：做一个追光的人", "许某某", "校长"),
        ),
        counter_examples=(("王某某在全市大会上的讲话", "王某某"), ("王某某同志在全县大会上讲话时指出，要抓落实。", "王某某")),
    ),
    OfficeContext(
        # A headline without the name: 县委书记在全县…上的讲话, 海滨事务署署长在…开幕礼致辞.
        "office_then_occasion",
        "line",
        re.compile(rf"(?:^|[！!｜|：:　\s】])(?P<office>{OFFICE_CHAIN})(?:同志)?[在于於](?![职任])"),
        examples=(
            ("重磅！县委书记在全县作风建设大会上的讲话全文来了", None, "县委书记"),
            ("海滨事务署署长在银湾海滨长廊开幕礼致辞", None, "海滨事务署署长"),
        ),
        counter_examples=(("在全县作风建设大会上的讲话", None), ("县长在任期间要抓落实", None)),
    ),
    OfficeContext(
        # A headline that ends with the office and what it gave: …表扬大会县长致词.
        "office_then_speech_word",
        "line",
        re.compile(rf"(?P<office>{OFFICE_CHAIN})(?:致词|致辞|讲话|演讲|发言|寄语|贺词)(?:全文)?$"),
        examples=(("毕业典礼校长致词", None, "毕业典礼校长"), ("111年度绩优村里长表扬大会县长致词", None, "年度绩优村里长表扬大会县长")),
        counter_examples=(("在全县表彰大会上的讲话", None), ("县长致词后，大会闭幕。", None)),
    ),
    OfficeContext(
        # An editor's note on who the author is: 本文系作者在…上的讲话。作者系中共某某市委书记。
        "author_is_office",
        "line",
        re.compile(rf"(?:作者|讲话人|报告人)(?:系|是|为|现任)(?P<office>{OFFICE_CHAIN})"),
        examples=(("本文系作者在读书班开班式上的讲话。作者系中共某某市委书记。", None, "中共某某市委书记"),),
        counter_examples=(("作者系本报记者。", None), ("作者：王某某", None)),
    ),
)
# A post the speaker no longer held when speaking.
FORMER = re.compile(r"^(?:前|原|曾任)")  # 时任 (then serving as) is the office the speech was given in


@dataclass(frozen=True, slots=True)
class OfficeRule:
    """How the last post of an office chain is written in the column, and the level it implies.

    ``pattern`` is searched at the end of the post (it ends with ``$``); group ``office``
    is the column's value. ``level`` is None when the post is held at every level (局长).
    """

    name: str
    pattern: re.Pattern[str]
    level: str | None
    examples: tuple[tuple[str, str], ...]  # (post as written, office)
    counter_examples: tuple[str, ...]
    regional: bool = True  # False: the post belongs to no one place (a central or foreign post), so no region is read


def _post(words: str, qualifiers: str = "(?:常务|执行|第一)?副?") -> re.Pattern[str]:
    return re.compile(rf"(?P<office>{qualifiers}(?:{words}))$")


OFFICE_RULES: tuple[OfficeRule, ...] = (
    OfficeRule(
        "provincial_party_committee",
        re.compile(r"(?<!团)(?P<office>(?:省委|自治区党委)(?:常务)?(?:副书记|书记|常委))$"),
        "省",
        examples=(("中共某某省委书记", "省委书记"), ("省委常委", "省委常委"), ("自治区党委副书记", "自治区党委副书记")),
        counter_examples=("市委书记", "省纪委书记"),
    ),
    OfficeRule(
        "city_party_committee",
        re.compile(r"(?<!团)(?P<office>(?:市委|州委|地委|盟委)(?:常务)?(?:副书记|书记|常委))$"),
        "市",
        examples=(("市委书记", "市委书记"), ("中共某某市委副书记", "市委副书记"), ("州委书记", "州委书记")),
        counter_examples=("县委书记", "市纪委书记"),
    ),
    OfficeRule(
        # 区 is a county-level district in almost every city, so 区委 is a county's committee.
        "county_party_committee",
        re.compile(r"(?<!团)(?P<office>(?:县委|区委|旗委)(?:常务)?(?:副书记|书记|常委))$"),
        "县",
        examples=(("中共某某县委书记", "县委书记"), ("区委副书记", "区委副书记"), ("县委常委", "县委常委")),
        counter_examples=("镇党委书记", "县纪委书记"),
    ),
    OfficeRule(
        "township_party_committee",
        re.compile(r"(?P<office>(?:镇|乡|街道)党(?:工)?委(?:副书记|书记))$"),
        "乡镇",
        examples=(("镇党委书记", "镇党委书记"), ("街道党工委书记", "街道党工委书记"), ("某某乡党委副书记", "乡党委副书记")),
        counter_examples=("党委书记", "县委书记"),
    ),
    OfficeRule(
        "general_secretary",
        re.compile(r"(?P<office>总书记)$"),
        "中央",
        examples=(("中共中央总书记", "总书记"),),
        counter_examples=("书记", "党委书记"),
        regional=False,
    ),
    OfficeRule(
        # A party organ's secretary in a bureau, company, school or village: no level of its own.
        "organ_party_secretary",
        re.compile(r"(?P<office>(?:政法委|纪委|纪工委|监委|党委|党组|党工委|工委|党总支|党支部|总支|支部)(?:副书记|书记))$"),
        None,
        examples=(("市国资委党委书记", "党委书记"), ("市委副书记、政法委书记", "政法委书记"), ("村党支部书记", "党支部书记")),
        counter_examples=("县委书记", "书记员"),
    ),
    OfficeRule(
        "secretary",
        _post("副书记|书记"),
        None,
        examples=(("书记", "书记"), ("第一书记", "第一书记")),
        counter_examples=("书记员", "秘书长"),
    ),
    OfficeRule(
        "state_council",
        _post("总理|国务委员"),
        "中央",
        examples=(("国务院总理", "总理"), ("国务院副总理", "副总理")),
        counter_examples=("总经理", "总理事长"),
        regional=False,
    ),
    OfficeRule(
        "npc_chairman",
        _post("委员长"),
        "中央",
        examples=(("全国人民代表大会常务委员会副委员长", "副委员长"),),
        counter_examples=("委员", "主任委员"),
        regional=False,
    ),
    OfficeRule(
        "governor",
        _post("省长"),
        "省",
        examples=(("省委副书记、省长", "省长"), ("常务副省长", "常务副省长")),
        counter_examples=("省委书记",),
    ),
    OfficeRule(
        "mayor",
        _post("市长|州长|盟长"),
        "市",
        examples=(("某某市人民政府副市长", "副市长"), ("市长", "市长"), ("自治州州长", "州长")),
        counter_examples=("市委书记", "县长"),
    ),
    OfficeRule(
        "county_head",
        _post("县长|区长|旗长"),
        "县",
        examples=(("桐川县人民政府县长", "县长"), ("区委副书记、区长", "区长"), ("常务副县长", "常务副县长")),
        counter_examples=("镇长", "县委书记"),
    ),
    OfficeRule(
        "township_head", _post("镇长|乡长"), "乡镇", examples=(("镇长", "镇长"), ("某某乡乡长", "乡长")), counter_examples=("县长",)
    ),
    # A 厅 is a department of a province's government.
    OfficeRule(
        "provincial_department_head", _post("厅长"), "省", examples=(("省农业农村厅党组书记、厅长", "厅长"),), counter_examples=("局长",)
    ),
    OfficeRule(
        "principal", _post("校长"), "学校", examples=(("国立某某大学校长", "校长"), ("副校长", "副校长")), counter_examples=("院长",)
    ),
    OfficeRule(
        "enterprise_head",
        _post("董事长|总经理|总裁"),
        "企业",
        examples=(("集团公司党委书记、董事长", "董事长"), ("全球执行副总裁", "执行副总裁"), ("总经理", "总经理")),
        counter_examples=("总理", "理事长"),
    ),
    # Only a special administrative region has a 行政长官; it ranks with a province.
    OfficeRule("chief_executive", _post("行政长官|特首", ""), "省", examples=(("行政长官", "行政长官"),), counter_examples=("长官",)),
    OfficeRule(
        "foreign_minister",
        _post("国务卿", ""),
        "其他",
        examples=(("美国国务卿", "国务卿"),),
        counter_examples=("国务委员",),
        regional=False,
    ),
    OfficeRule(
        # Posts held at every level: the level comes from the organisation or the occasion.
        "post",
        _post("秘书长|常委|主席|部长|局长|处长|科长|司长|署长|主任|院长|检察长|会长|理事长|社长|所长|大使|总领事|领事"),
        None,
        examples=(("县财政局局长", "局长"), ("县人大常委会主任", "主任"), ("市委常委、宣传部部长", "部长"), ("驻华大使", "大使")),
        counter_examples=("主任务", "局长期"),
    ),
)


def normalise_office(chain: str) -> tuple[str, OfficeRule] | None:
    """The office of a chain of posts as the column writes it, and the rule that wrote it.

    >>> [normalise_office(c)[0] for c in ("县委副书记、县长", "中共某某县委书记", "市国资委党委书记")]
    ['县长', '县委书记', '党委书记']
    """
    last = fold(chain).split("、")[-1]
    for rule in OFFICE_RULES:
        found = rule.pattern.search(last)
        if found:
            return found.group("office"), rule
    return None


# ---------------------------------------------------------------------------------------
# Administrative level
# ---------------------------------------------------------------------------------------

# What each administrative unit's word makes the level. 区 is a county-level district in
# almost every city; 地区 and 专区 were prefectures, a city's level.
UNIT_LEVELS = {
    **dict.fromkeys(("省", "自治区", "特别行政区"), "省"),
    **dict.fromkeys(("市", "州", "自治州", "地区", "专区", "盟", "地"), "市"),
    **dict.fromkeys(("县", "区", "旗"), "县"),
    **dict.fromkeys(("镇", "乡", "街道"), "乡镇"),
}
# Words where 市, 区, 县 or 省 do not name a unit: 城市, 社区, 园区, 节省.
_NOT_A_UNIT_BEFORE = "(?<![城都超上股楼门社园景山小片辖校库老牧林禁港新营学各节反自])"
_NOT_A_UNIT_AFTER = "(?![长场域内外间级])"
_NOT_A_PLACE_AFTER = "(?![长场域内外间级村])"  # 乡村 leads no name


@dataclass(frozen=True, slots=True)
class LevelRule:
    """A scope word that says the speech's level.

    ``level`` is the level it gives; None means the ``unit`` group's word decides
    (``UNIT_LEVELS``). In a text several rules may match: the lowest ``tier`` wins, then
    the earliest match. A scope word (全县, 县委) outranks an organisation's kind (中学,
    集团), which outranks the place leading a name (栎川市第二中学 is a school).
    """

    name: str
    level: str | None
    tier: int
    pattern: re.Pattern[str]
    reads: frozenset[str]
    examples: tuple[tuple[str, str], ...]  # (text, level)
    counter_examples: tuple[str, ...]
    regional: bool = True  # False: a central or foreign body's speech belongs to no one place, so no region is read


_ALL_BUT_OPENING = frozenset(SOURCES) - {"opening"}

LEVEL_RULES: tuple[LevelRule, ...] = (
    LevelRule(
        "central_scope",
        "中央",
        1,
        re.compile(r"全国|党中央|中共中央|中央(?!空调|公园|大街|大道|商务区)|国务院|中华人民共和国|国家主席|中央军委"),
        _ALL_BUT_OPENING,
        examples=(("在第十四届全国人民代表大会第一次会议上", "中央"), ("中华人民共和国主席", "中央"), ("在中央政治局常委会会议上", "中央")),
        counter_examples=("在全县中心工作推进会上", "在国家级开发区建设大会上"),
        regional=False,
    ),
    LevelRule(
        "whole_jurisdiction",
        None,
        1,
        re.compile(rf"(?<![安健完齐周保])全(?P<unit>省|市|州|县|区|旗|镇|乡){_NOT_A_UNIT_AFTER}"),
        _ALL_BUT_OPENING,
        examples=(
            ("在全县安全生产工作会议上", "县"),
            ("在全区教育工作大会上", "县"),
            ("全镇防汛工作部署会", "乡镇"),
            ("全省经济工作会议", "省"),
        ),
        counter_examples=("要完善安全区域管理", "健全市场体系", "全市场覆盖"),
    ),
    LevelRule(
        "government_organ",
        None,
        1,
        re.compile(
            rf"{_NOT_A_UNIT_BEFORE}(?P<unit>自治区|特别行政区|自治州|省|市|州|地|县|区|旗|镇|乡|街道)"
            r"(?:党?委|党工委|人民政府|政府|人大|政协|纪委|监委|人民代表大会|行署)"
        ),
        _ALL_BUT_OPENING,
        examples=(("在市政府八届五次全体会议上", "市"), ("县委十四届五次全会", "县"), ("镇党委书记", "乡镇"), ("瀾灣特别行政区政府", "省")),
        counter_examples=("社区党委书记", "园区党工委", "各地委员"),
    ),
    LevelRule(
        "village",
        "乡镇",
        2,
        # A village governs itself under its township: the nearest level.
        re.compile(r"村党支部|村党委|村党总支|村委会|村民委员会|村民代表大会|村民大会"),
        _ALL_BUT_OPENING,
        examples=(("村党支部书记", "乡镇"), ("在柳塘村2024年村民代表大会上", "乡镇")),
        counter_examples=("村“两委”干部培训班", "乡村振兴推进会"),
    ),
    LevelRule(
        "school",
        "学校",
        2,
        re.compile(
            r"学校|中学|小学|高中|大学(?!生)|学院|幼儿园|附中|职校|校党委|(?<![一二三四五六七八九十第])[一二三四五六七八九十]中(?![心央国华学全])"
            r"|开学典礼|毕业典礼|教代会|新生|\d{4}级|届(?:高|初)[一二三]|学年|同学"
        ),
        _ALL_BUT_OPENING,
        examples=(("在绍兴一中八届三次教代会上", "学校"), ("栎川市第二中学", "学校"), ("在2022级新生开学典礼上", "学校")),
        counter_examples=("十八届三中全会", "大学生村官座谈会", "在全县教育工作会议上"),
    ),
    LevelRule(
        "enterprise",
        "企业",
        2,
        re.compile(r"集团|公司|企业(?!家)|股份|(?<![工])厂(?!长|区|房)"),
        _ALL_BUT_OPENING,
        examples=(("在集团公司2022年年中工作会议上", "企业"), ("岚江能源集团有限公司", "企业")),
        counter_examples=("民营企业家座谈会", "厂长负责制"),
    ),
    LevelRule(
        "hospital",
        "其他",
        2,
        re.compile(r"医院|卫生院"),
        _ALL_BUT_OPENING,
        examples=(("栖梧市人民医院", "其他"),),
        counter_examples=("医疗卫生工作会议",),
    ),
    LevelRule(
        "association",
        "其他",
        2,
        re.compile(r"协会|商会|公会|同乡会|联合会|基金会|研究会|促进会|总会|工商联|红十字会"),
        _ALL_BUT_OPENING,
        examples=(("香港某某同乡总会会长", "其他"), ("大律师公会主席", "其他")),
        counter_examples=("市总工会第九次代表大会", "学会学习"),
    ),
    LevelRule(
        "foreign_mission",
        "其他",
        2,
        re.compile(r"驻华|大使馆|领事馆"),
        _ALL_BUT_OPENING,
        examples=(("某某共和国驻华大使", "其他"),),
        counter_examples=("中国驻某某大使", "驻村工作队"),
        regional=False,
    ),
    LevelRule(
        "addresses_students",
        "学校",
        2,
        re.compile(r"同学们|同学：|同学:|亲爱的同学"),
        frozenset({"opening"}),
        examples=(("亲爱的同学们：", "学校"), ("老师们、同学们：", "学校")),
        counter_examples=("同志们：", "各位代表："),
    ),
    LevelRule(
        "leading_place_name",
        None,
        3,
        re.compile(
            rf"^(?:在|于)?(?:中共|中国共产党|政协)?{_ORG}{{0,5}}?{_NOT_A_UNIT_BEFORE}"
            rf"(?P<unit>自治区|特别行政区|自治州|地区(?=第|委)|专区|省|市|县|区|旗|镇|乡|街道){_NOT_A_PLACE_AFTER}"
        ),
        _ALL_BUT_OPENING,
        examples=(
            ("在鹤汀县2021年农村工作会议上", "县"),
            ("在梧岭市数字经济发展大会上", "市"),
            ("中共栎川地区第一次代表大会", "市"),
            ("县财政局局长", "县"),
            ("在中国共产党某某县第十五次代表大会上", "县"),
        ),
        counter_examples=("在城市更新大会上", "在市场部全体正职大会上", "县域经济发展大会", "在乡村振兴推进会上"),
    ),
)


def level_in(text: str, source: str) -> tuple[str, LevelRule] | None:
    """The level one text gives by the level rules that read it, and the rule that gave it.

    >>> [level_in(t, "occasion")[0] for t in ("在全县学习贯彻党中央精神大会上", "栎川市第二中学")]
    ['县', '学校']
    """
    best: tuple[int, int, str, LevelRule] | None = None
    for rule in LEVEL_RULES:
        if source not in rule.reads:
            continue
        found = rule.pattern.search(text)
        if not found:
            continue
        level = rule.level or UNIT_LEVELS[found.group("unit")]
        key = (rule.tier, found.start())
        if best is None or key < best[:2]:
            best = (*key, level, rule)
    return (best[2], best[3]) if best else None


# ---------------------------------------------------------------------------------------
# Occasion
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OccasionRule:
    """A kind of occasion; the first rule of the table that matches decides."""

    name: str
    occasion_type: str
    pattern: re.Pattern[str]
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


_N = "[一二三四五六七八九十百零〇\\d]"

OCCASION_RULES: tuple[OccasionRule, ...] = (
    OccasionRule(
        "school_opening",
        "开学典礼",
        re.compile(r"开学典礼|开学仪式|开学式"),
        ("在2023—2024学年第一学期开学典礼上",),
        ("开学第一周安全检查",),
    ),
    OccasionRule(
        "graduation",
        "毕业典礼",
        re.compile(r"毕业典礼|毕业礼|毕业仪式|学位授予(?:仪式|典礼)"),
        ("在2020届高三学生毕业典礼上", "港湾科大毕业礼"),
        ("毕业生就业工作会议",),
    ),
    OccasionRule(
        "opening_ceremony",
        "开幕式",
        re.compile(r"开幕(?:式|会|大会|礼|典礼|词)"),
        ("在2023江澜茶文化旅游博览会开幕式上", "开　幕　词".replace("\u3000", ""), "在银湾海滨长廊开幕礼致辞"),
        ("博览会今日开幕",),
    ),
    OccasionRule(
        "closing_ceremony",
        "闭幕式",
        re.compile(r"闭幕(?:式|会|大会|词)"),
        ("在某某省第十三届人民代表大会第五次会议闭幕会上",),
        ("大会胜利闭幕",),
    ),
    OccasionRule(
        "award_meeting",
        "表彰大会",
        re.compile(r"表彰(?:大会|会议|会)|表扬大会|颁奖(?:典礼|大会|仪式|晚会)|总结表彰"),
        ("在全区教师节表彰会上", "111年度绩优村里长表扬大会", "大赛总决赛暨颁奖典礼"),
        ("表彰决定", "受到表彰的同志"),
    ),
    OccasionRule(
        "party_lecture",
        "党课",
        re.compile(r"党课|思政(?:第一)?课"),
        ("在全县专题党课上", "在2023级新生“思政第一课”上"),
        ("党的建设课题",),
    ),
    OccasionRule(
        "lecture_meeting",
        "报告会",
        re.compile(r"报告会|宣讲会"),
        ("在全市形势报告会上", "在党的二十大精神宣讲会上"),
        ("政府工作报告", "述职报告"),
    ),
    OccasionRule(
        "mobilisation",
        "动员大会",
        re.compile(r"动员(?:大会|会议|部署会|会)|誓师(?:大会|会)"),
        ("在全区作风专项整治动员会上", "高三百日誓师大会"),
        ("广泛动员群众参与",),
    ),
    OccasionRule(
        "promotion_meeting",
        "推进会",
        re.compile(r"推进(?:大会|会议|会)"),
        ("在全县优化营商环境推进大会上", "重点项目建设推进会"),
        ("持续推进改革",),
    ),
    OccasionRule("dispatch_meeting", "调度会", re.compile(r"调度(?:会议|会)"), ("在全县一季度经济运行调度会议上",), ("统筹调度资源",)),
    OccasionRule(
        "symposium", "座谈会", re.compile(r"座谈会|恳谈会"), ("在全国基层治理工作座谈会上", "八九民运与香港角色座谈会"), ("座谈交流",)
    ),
    OccasionRule(
        "training_class",
        "培训班",
        re.compile(r"培训班|研讨班|训练班|轮训班|进修班|读书班|学习班|专题班|培训会"),
        ("在全市领导干部党史学习教育专题研讨班上", "农业社会计训练班结业会"),
        ("加强干部培训",),
    ),
    OccasionRule(
        # Before 代表大会: a congress's standing committee meets without the congress.
        "standing_committee",
        "常委会会议",
        re.compile(r"常委会|常务委员会"),
        ("在中央政治局常委会会议研究应对疫情工作时", "某某县第十七届人民代表大会常务委员会第三十四次会议"),
        ("县委常委、宣传部部长",),
    ),
    OccasionRule(
        "plenary",
        "全体会议",
        re.compile(r"全体(?:（扩大）|\(扩大\)|扩大)?会议|[次届中]全会|全委(?:扩大)?会"),
        ("在市政府八届五次全体会议上", "在县委十四届五次全会上", "县委十五届六次全体（扩大）会议"),
        ("全体同志", "安全会议"),
    ),
    OccasionRule(
        "congress",
        "代表大会",
        re.compile(r"代表大会|代表会议|党代会|人代会|职代会|教代会|团代会|妇代会"),
        ("第十三届全国人民代表大会第四次会议", "在绍兴一中八届三次教代会上", "在某某市第一届各界人民代表会议上"),
        ("人大代表视察",),
    ),
    OccasionRule(
        "democratic_life", "民主生活会", re.compile(r"民主生活会|组织生活会"), ("2021年度民主生活会个人对照检查材料",), ("民主生活",)
    ),
    OccasionRule(
        "study_session", "学习会", re.compile(r"中心组(?:专题)?学习|集体学习|学习会"), ("在县委理论学习中心组学习会上",), ("学习贯彻",)
    ),
    OccasionRule(
        "commemoration",
        "纪念大会",
        re.compile(r"(?:纪念|庆祝)[^，。；！？\n]{0,30}?(?:大会|会)(?<!招待会)|庆典"),
        ("在2023年国际护士节庆祝大会上", "在纪念中国共产党成立100周年大会上", "公司成立20周年庆典"),
        ("庆祝中国共产党成立", "纪念品", "庆祝某某国独立75周年招待会"),
    ),
    OccasionRule(
        "ceremony",
        "仪式",
        re.compile(r"仪式|典礼|成人礼|开班式|开营式|结业式|揭牌|奠基"),
        ("在全区重点项目集中开工仪式上", "在某某一中2023届高三18岁成人礼上", "法律年度开启典礼演辞"),
        ("礼仪培训", "典型引路"),
    ),
    OccasionRule(
        "new_year_address",
        "新年致辞",
        re.compile(r"(?:新年|新春|元旦|春节)(?:贺词|致辞|献词|讲话|寄语)|团拜会"),
        ("二〇二一年新年贺词", "在二〇二四年春节团拜会上"),
        ("新年伊始召开的会议",),
    ),
    OccasionRule(
        "work_meeting",
        "工作会议",
        re.compile(r"工作(?:会议|大会|例会|会)|部署(?:会议|会)|扩大会议|分析会|讲评会|观摩会|现场会|交流会|汇报会|务虚会|联席会议|例会"),
        ("在全县安全生产工作会议上", "全镇防汛备汛工作部署会", "在集团公司2022年年中工作会议上"),
        ("政府工作报告", "工作汇报材料"),
    ),
    OccasionRule(
        # A meeting a jurisdiction or an organisation holds as a whole: 全县三级干部大会,
        # 梧岭市数字经济发展大会, 公司2023年安全生产大会.
        "jurisdiction_meeting",
        "工作会议",
        re.compile(
            rf"(?:全(?:国|省|市|州|县|区|旗|镇|乡|系统|行业|校|院|公司|集团)|{_ORG}{{2,6}}?(?:省|市|县|区|镇|乡)(?:{_N}|年)*)"
            r"[^，。；！？\n]{0,30}?(?:大会|会议)"
        ),
        ("在2024年全县三级干部大会上", "在全市优化营商环境大会上", "在梧岭市数字经济发展大会上"),
        ("在第三届青年创新创业大赛上", "2023青岚市招商引资推介会"),
    ),
)
OTHER_OCCASION = "named_occasion"
OCCASION_SOURCES = frozenset({"occasion", "title", "head"})  # what an occasion is read from
# The rule that lifts a city-level reading to a province's for a municipality (cpca names it as a province: 北京市).
MUNICIPALITY = "municipality"
# An occasion is named though none of the kinds fit: 在…上的讲话, a forum, a press conference.
OCCASION_NAMED = re.compile(
    rf"[在于於][^，。！？\n]{{2,80}}?(?:上|时|期间)的?(?:{SPEECH_WORDS}|主旨演讲|讲稿)"
    r"|论坛|峰会|招待会|记者会|发布会|推介会|洽谈会|博览会|晚会|年会|酒会|报到会|恳谈"
)
# Words that make the part before 暨 a meeting of its own (…工作大会暨教师节表彰会).
_MEETING_NOUN = re.compile(r"会|典礼|仪式|式|班|课|礼")


def occasion_in(text: str) -> OccasionRule | None:
    """The kind of occasion one text names; the part before 暨, when it is a meeting of its own, first.

    >>> [occasion_in(t).occasion_type for t in ("全区教育工作大会暨教师节表彰会", "全县冬春农田水利基本建设暨植树造林动员大会")]
    ['工作会议', '动员大会']
    """
    head, joined, _ = text.partition("暨")
    parts = (head, text) if joined and _MEETING_NOUN.search(head) else (text,)
    for part in parts:
        for rule in OCCASION_RULES:
            if rule.pattern.search(part):
                return rule
    return None


# ---------------------------------------------------------------------------------------
# Region
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceRule:
    """When a place ``cpca`` finds in a text is taken as the speech's region.

    A full name counts where it stands as a name of its own (not 岚县 inside 梓岚县).
    ``cpca`` also finds short names inside ordinary words and topics (长治久安, 中山大学,
    八九民运与香港角色), so a short name counts only before an organ (``short_name_before``)
    or, with ``short_name_leading``, where it leads the text (香港某某总会会长, 在第三届澳门…论坛上).
    A county counts only when no other county bears its name (西湖区 is in two cities).
    """

    name: str
    rank: int  # what cpca found: 0 a province, 1 a city, 2 a county
    short_name_before: re.Pattern[str] | None  # matched right after the short name; None: only the full name counts
    short_name_leading: bool
    examples: tuple[tuple[str, str], ...]  # (text, region)
    counter_examples: tuple[str, ...]


_ORGAN_AFTER_NAME = r"(?:省委|省政府|市委|市政府|委|政府|人大|政协|特区|特别行政区)"
PLACE_RULES: tuple[PlaceRule, ...] = (
    PlaceRule(
        "province",
        0,
        re.compile(_ORGAN_AFTER_NAME),
        True,
        examples=(("浙江省委书记", "浙江省"), ("香港某某同乡总会会长", "香港特别行政区"), ("在第三届澳門文化遗产论坛上", "澳门特别行政区")),
        counter_examples=("在全省经济工作会议上", "八九民运与香港角色座谈会", "（2023年6月12日，北京）"),
    ),
    PlaceRule(
        "city",
        1,
        re.compile(rf"{_ORGAN_AFTER_NAME}|[一二三四五六七八九十]中(?![心央国华学全])"),
        False,
        examples=(
            ("绍兴市第一中学", "浙江省/绍兴市"),
            ("在绍兴一中八届三次教代会上", "浙江省/绍兴市"),
            ("巴彦淖尔市人民政府", "内蒙古自治区/巴彦淖尔市"),
        ),
        counter_examples=("要长治久安", "在中山大学开学典礼上"),
    ),
    PlaceRule(
        "county",
        2,
        None,
        False,
        examples=(("诸暨市公安局副大队长", "浙江省/绍兴市"), ("中共岚县县委书记", "山西省/吕梁市")),
        counter_examples=("西湖区委书记", "在朝阳区工作会议上", "梓岚县人民政府"),
    ),
)
# What cpca puts in its city column for a municipality's or a province's own counties.
_NOT_A_CITY = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# What may stand right before a place's name: a larger place (浙江省绍兴市), or a word that is no name's part.
_BEFORE_A_NAME = frozenset("省市州盟区县旗在于和与及、是共国驻")
# What may lead a text before a leading short name: 在, 中共, 第三届, 2023.
_LEADING = re.compile(rf"^(?:在|于|中共|第{_N}+届|\d{{2,4}}年?)*")


@lru_cache(maxsize=1)
def _cpca():
    import cpca

    return cpca


def _place_record(text: str) -> Mapping[str, Any]:
    """cpca's record of the places in ``text``: 省, 市, 区 and their positions (省_pos, ...; -1 where none).

    ``transform`` hands the record back as a one-row pandas frame, and importing pandas
    for it cost every process that processed a page: a rebuild of 1,833 real pages after
    1% of them changed took 4.66 to 4.72 s without it, 4.81 to 4.89 s with it. The record
    is read from the function ``transform`` builds its rows with, where this cpca has it;
    a test holds the two to the same values.
    """
    cpca = _cpca()
    one_record = getattr(cpca, "_get_one_addr", None)
    if one_record is None:
        return dict(cpca.transform([text], pos_sensitive=True).iloc[0])
    return one_record(text, True, {})


@lru_cache(maxsize=1)
def _shared_county_names() -> frozenset[str] | None:
    """County names borne by more than one county in cpca's table (西湖区, 朝阳区); None if the table cannot be read."""
    table = getattr(_cpca(), "ad_2_addr_dict", None)
    if table is None:
        return None
    counts = Counter(info.name for info in table.values() if getattr(info, "rank", None) == 2)
    return frozenset(name for name, count in counts.items() if count > 1)


def _stands(text: str, position: int, name: str, rule: PlaceRule) -> bool:
    """Whether the place cpca found at ``position`` stands there as ``rule`` allows."""
    leading = _LEADING.match(text).end() == position
    if not leading and position > 0 and re.match(f"[{HAN}]", text[position - 1]) and text[position - 1] not in _BEFORE_A_NAME:
        return False  # inside a longer name: 岚县 in 梓岚县
    if text.startswith(name, position):
        return rule.rank != 2 or name not in (_shared_county_names() or {name})
    if rule.short_name_before is None:
        return False
    shared = 0
    while shared < len(name) and position + shared < len(text) and text[position + shared] == name[shared]:
        shared += 1
    if rule.short_name_before.match(text, position + shared):
        return True
    return rule.short_name_leading and leading


def _value(cell: Any) -> str | None:
    return cell if isinstance(cell, str) and cell else None


@lru_cache(maxsize=4096)
def region_in(text: str) -> tuple[str, PlaceRule] | None:
    """The region ("省/市" or "省") of the place cpca finds in a text, and the rule that took it.

    >>> region_in("绍兴市第一中学")[0], region_in("要长治久安")
    ('浙江省/绍兴市', None)
    """
    folded = fold(text)
    row = _place_record(folded)
    province, city = _value(row["省"]), _value(row["市"])
    city = None if city in _NOT_A_CITY or city == province else city
    found = {0: (province, int(row["省_pos"])), 1: (city, int(row["市_pos"])), 2: (_value(row["区"]), int(row["区_pos"]))}
    if province is None:
        return None
    # The most precise place that stands as a rule allows: the city, else the province, else a county.
    for rank in (1, 0, 2):
        name, position = found[rank]
        if name is not None and position >= 0 and _stands(folded, position, name, PLACE_RULES[rank]):
            return (f"{province}/{city}" if city and rank != 0 else province), PLACE_RULES[rank]
    return None


# ---------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------


def _name_pattern(speaker: str) -> re.Pattern[str]:
    """The speaker's name as a page may set it: spaced out (盛 阅 春), in traditional script."""
    bare = re.sub(r"\s", "", fold(speaker))
    return re.compile(f"{_SPACE}*".join(map(re.escape, bare)))


@dataclass(frozen=True, slots=True)
class _OfficeFound:
    office: str
    rule: OfficeRule
    context: OfficeContext
    around: str  # the text that names the office's organisation: the speaker line before the name, or the chain


def _pieces(context: OfficeContext, lines: tuple[str, ...], index: int, name: re.Pattern[str] | None) -> list[str]:
    """The parts of line ``index`` that ``context`` reads (lines in page order, folded)."""
    text = lines[index]
    if context.side == "line":
        return [text]
    if name is None:
        return []
    if context.side == "above":
        starts_with_name = name.match(text.lstrip(" \u3000"))
        return [lines[index - 1]] if index > 0 and starts_with_name else []
    return [text[: m.start()] if context.side == "before" else text[m.end() :] for m in name.finditer(text)]


def offices_in(
    context: OfficeContext, lines: tuple[str, ...], speaker: str | None, nearest_first: bool = False
) -> Iterator[tuple[str, str]]:
    """(office chain as written, the text naming its organisation) for each place ``context`` finds one in ``lines``.

    ``lines`` are in page order; with ``nearest_first`` they are read from the last up.
    A post the speaker no longer holds (前…, 原…) is passed over.

    >>> next(offices_in(OFFICE_CONTEXTS[0], ("在全县大会上的讲话", "县委副书记、县长　王某"), "王某"))
    ('县委副书记、县长', '县委副书记、县长　')
    """
    name = _name_pattern(speaker) if speaker and len(re.sub(r"\s", "", speaker)) >= 2 else None
    folded = tuple(fold(line) for line in lines)
    for index in range(len(folded) - 1, -1, -1) if nearest_first else range(len(folded)):
        for piece in _pieces(context, folded, index, name):
            found = context.pattern.search(piece)
            if found and not FORMER.match(found.group("office")):
                yield found.group("office"), piece if context.side in {"before", "above"} else found.group("office")


def _office(head_lines: tuple[str, ...], title: str | None, closing_lines: tuple[str, ...], speaker: str | None) -> _OfficeFound | None:
    """The speaker's office, by the first context that finds one: in the head from the line nearest
    the body up, then in the title, then in a signature among the closing lines."""
    for context in OFFICE_CONTEXTS:
        found = chain(
            offices_in(context, head_lines, speaker, nearest_first=True),
            offices_in(context, (title,) if title else (), speaker),
            # The closing is body text: only a signature, the name with its office, counts.
            offices_in(context, closing_lines, speaker) if context.side in {"before", "above"} else (),
        )
        for written, around in found:
            office = normalise_office(written)
            if office:
                return _OfficeFound(office[0], office[1], context, around)
    return None


def _dash_parts(text: str) -> list[str]:
    """A title's pieces, each read on its own: the one naming the occasion (——在…上的讲话) first,
    then the main title, a slogan whose words (奋力谱写全省…新篇章) say less about the speech."""
    parts = [part.strip() for part in re.split(r"[—－―─]{1,2}|--", text) if part.strip()]
    return sorted(parts, key=lambda part: not (part[0] in "在于於" or OCCASION_NAMED.search(part)))


def enrich_speaker(
    title: str | None,
    speaker: str | None,
    occasion: str | None,
    opening: str | None,
    site: str | None = None,
    head_lines: tuple[str, ...] = (),
    closing_lines: tuple[str, ...] = (),
) -> SpeakerMeta:
    """A speech's office, level, region and occasion type, read from its head, never its body.

    ``head_lines`` are the lines above the speech's body (the speaker line, a ——subtitle,
    an editor's lead), nearest the body last; ``site`` is the site's own name;
    ``closing_lines`` are the speech's last lines, where a signature may give the
    office (中共某某县委书记　某某), read for the office only.

    >>> meta = enrich_speaker("在全县安全生产工作会议上的讲话", "王某", "全县安全生产工作会议", "同志们：",
    ...                       head_lines=("在全县安全生产工作会议上的讲话", "县委副书记、县长　王某"))
    >>> meta.speaker_office, meta.admin_level, meta.occasion_type, meta.rules["admin_level"]
    ('县长', '县', '工作会议', 'county_head@office')
    """
    office = _office(head_lines, title, closing_lines, speaker)
    texts = _texts(office, title, occasion, opening, site, head_lines)
    level = _admin_level(office, texts)
    # A central or foreign body's speech belongs to no one place, whatever site carries it.
    region = _region(texts) if level is None or level[2] else None
    if level and region and level[0] == "市" and "/" not in region[0] and region[0].endswith("市"):
        # 北京市, 上海市, 天津市, 重庆市 rank with provinces: their 市委 is a province's committee.
        level = ("省", f"{MUNICIPALITY}@{region[1].split('@')[1]}", True)
    kind = _occasion_type(texts)
    found = {
        "speaker_office": (office.office, f"{office.rule.name}@{office.context.name}") if office else None,
        "admin_level": level[:2] if level else None,
        "region": region,
        "occasion_type": kind,
    }
    rules = {name: value[1] for name, value in found.items() if value}
    return SpeakerMeta(*(value[0] if value else None for value in found.values()), rules=rules)


def _texts(
    office: _OfficeFound | None, title: str | None, occasion: str | None, opening: str | None, site: str | None, head_lines: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(source, text) in the order the fields consult them, folded and with spacing removed (开　幕　词)."""
    texts = [("office", office.around)] if office else []
    texts += [("occasion", occasion)] if occasion else []
    texts += [("title", part) for part in _dash_parts(title or "")]
    texts += [("head", part) for line in reversed(head_lines) for part in _dash_parts(line)]
    texts += [("opening", opening)] if opening else []
    texts += [("site", site)] if site else []
    return [(source, re.sub(r"[\s\u3000\xa0]+", "", fold(text))) for source, text in texts]


def _admin_level(office: _OfficeFound | None, texts: list[tuple[str, str]]) -> tuple[str, str, bool] | None:
    """(level, rule@source, whether a region is read): the office's level, else the first text's that gives one."""
    if office and office.rule.level:
        return office.rule.level, f"{office.rule.name}@office", office.rule.regional
    for source, text in texts:
        level = level_in(text, source)
        if level:
            return level[0], f"{level[1].name}@{source}", level[1].regional
    return None


def _region(texts: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(region, rule@source) of the first text, the opening aside, where a place stands."""
    for source, text in texts:
        place = region_in(text) if source != "opening" else None
        if place:
            return place[0], f"{place[1].name}@{source}"
    return None


def _occasion_type(texts: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(type, rule@source): the first text that names an occasion decides; one that names none of the kinds gives 其他."""
    for source, text in texts:
        if source not in OCCASION_SOURCES:
            continue
        kind = occasion_in(text)
        if kind:
            return kind.occasion_type, f"{kind.name}@{source}"
        if source == "occasion" or OCCASION_NAMED.search(text):
            return "其他", f"{OTHER_OCCASION}@{source}"
    return None


def speaker_meta_fields(meta: SpeakerMeta) -> dict[str, Any]:
    """The release's columns for one speech: the four fields, and which rule set each as sorted "field=rule@source".

    >>> speaker_meta_fields(SpeakerMeta("县长", "县", None, "工作会议", {"speaker_office": "county_head@office_before_name"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'speaker_office': '县长', 'admin_level': '县', 'region': None, 'occasion_type': '工作会议',
     'enrichment_rules': ['speaker_office=county_head@office_before_name']}
    """
    return {
        "speaker_office": meta.speaker_office,
        "admin_level": meta.admin_level,
        "region": meta.region,
        "occasion_type": meta.occasion_type,
        "enrichment_rules": sorted(f"{name}={rule}" for name, rule in meta.rules.items()),
    }


# A signature stands among a speech's last lines (中共某某县委书记　某某).
CLOSING_LINES = 3


def enrich_speeches(page_text: str, speeches: tuple[Speech, ...], leads: tuple[str, ...], site: str | None) -> tuple[Speech, ...]:
    """The page's speeches with their office, level, region and occasion type; a document that is not a speech gets none.

    Each speech's head is the clean page text between the speech before it and its own
    body; the first speech's head also has the reporter's leads that cleaning removed.
    """
    enriched, previous_end = [], 0
    for index, speech in enumerate(speeches):
        head = head_lines_between(page_text, previous_end, speech.offset)
        previous_end = speech.offset + len(speech.text)
        if not speech.is_speech:
            enriched.append(speech)
            continue
        lines = (*leads, *head) if index == 0 else head
        closing = tuple(line.strip() for line in speech.text.split("\n")[-CLOSING_LINES:] if line.strip())
        fields = speaker_meta_fields(enrich_speaker(speech.title, speech.speaker, speech.occasion, speech.opening, site, lines, closing))
        enriched.append(replace(speech, **{**fields, "enrichment_rules": tuple(fields["enrichment_rules"])}))
    return tuple(enriched)


def head_lines_between(page_text: str, start: int, end: int) -> tuple[str, ...]:
    """The non-empty lines of the clean page text between two offsets: a speech's head lines,
    from the end of the speech before it (or the page's start) to where its text begins.

    >>> head_lines_between("在全县大会上的讲话\\n县长　王某\\n\\n同志们：", 0, 16)
    ('在全县大会上的讲话', '县长　王某')
    """
    return tuple(line.strip() for line in page_text[start:end].split("\n") if line.strip())
