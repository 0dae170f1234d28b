"""Is a document a speech? Named rules that say what else it is, and why.

Pages that are not speeches (letters, resolutions, notices, laws, news reports about
a meeting, wiki stubs, minutes with several speakers) are kept but flagged, so a
user can filter them out. The first rule that fires decides; each carries a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .structure_rules import ADDRESS_THEN_TEXT, OPENING_ADDRESS
from .textclass import HAN
from .vocabulary import NEWS_AGENCIES, SPOKEN, SPOKEN_WORDS, alt

Evidence = Callable[[str, str], str | None]  # (title, text) -> reason, or None


@dataclass(frozen=True, slots=True)
class GenreRule:
    """A sign of what a document is; the first rule that fires decides.

    ``genre`` is the genre it gives, or, with ``genre_by_title``, the fallback when no
    word of the title names a finer one (报告 for a speech, 通知 for a document).
    """

    name: str
    genre: str
    is_speech: bool
    evidence: Evidence
    examples: tuple[tuple[str, str], ...]  # (title, text) it fires on
    keeps: tuple[tuple[str, str], ...]  # (title, text) it does not fire on
    genre_by_title: tuple[tuple[tuple[str, ...], str], ...] = ()


def _title_ends(pattern: str) -> Evidence:
    # A headline may add 全文 (…的一封信全文); the document is still what the word says.
    regex = re.compile(rf"(?:{pattern})(?:全文|原文)?[）)」》]?$")

    def evidence(title: str, _text: str) -> str | None:
        found = regex.search(title)
        return f"title ends with {found.group()}" if found else None

    return evidence


def _text_has(pattern: str, what: str, within: int | None = None, count: int = 1) -> Evidence:
    regex = re.compile(pattern, re.M)

    def evidence(_title: str, text: str) -> str | None:
        found = regex.findall(text[:within] if within else text)
        return f"{what} ({len(found)}×)" if len(found) >= count else None

    return evidence


def _title_has(pattern: str, what: str) -> Evidence:
    regex = re.compile(pattern)

    def evidence(title: str, _text: str) -> str | None:
        found = regex.search(title)
        return f"{what}: {found.group()}" if found else None

    return evidence


def _reported_speech(_title: str, text: str) -> str | None:
    """A report about what someone said: reporting verbs outnumber the speaker's own 我."""
    if _ADDRESSED.search(text):
        return None
    reporting = len(_REPORTING.findall(text))
    first_person = len(_FIRST_PERSON.findall(text))
    if reporting >= REPORTING_MIN and reporting * 2 > first_person:
        return f"{reporting} reporting verbs against {first_person} first-person words"
    return None


def _narrative(_title: str, text: str) -> str | None:
    """Fiction: quoted paragraphs between paragraphs of third-person narration (他说…),
    not one speaker addressing listeners; a chapter number makes it certain."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    quoted = sum(1 for p in paragraphs if p[0] in "“「")
    narrated = sum(1 for p in paragraphs if p[0] not in "“「" and _THIRD_PERSON.search(p))
    tags = len(_DIALOGUE_TAG.findall(text))
    chapter = _CHAPTER.search(text[:300])
    share = min(quoted, narrated) / len(paragraphs) if paragraphs else 0.0
    dialogue = quoted >= DIALOGUE_MIN and narrated >= DIALOGUE_MIN and (chapter or share >= NARRATIVE_SHARE)
    if dialogue or (tags >= DIALOGUE_MIN and chapter):
        return f"{quoted} quoted and {narrated} narrated paragraphs, {tags} dialogue tags"
    return None


NARRATIVE_SHARE = 0.2
_THIRD_PERSON = re.compile(rf"[他她](?:们|們)?|[{HAN}]{{2,3}}(?:走|看|想|笑|低下|抬起|点了点|站起)")
REPORTING_MIN = 4
# A text that turns to its listeners is a speech, however often it quotes others.
_ADDRESSED = re.compile(r"^(?:同志们|同志們|各位|尊敬的|亲爱的|親愛的)|谢谢大家|謝謝大家", re.M)
_REPORTING = re.compile(rf"(?:[{HAN}]{{2,4}})(?:表示|指出|強調|强调|認為|认为|宣布|透露|坦言|直言|稱|称|說|说)[，,：:「“]")
_FIRST_PERSON = re.compile(r"我们|我們|咱们|我")
DIALOGUE_MIN = 4
_DIALOGUE_TAG = re.compile(r"[”」][^。\n]{0,6}?(?:说|說|道|问|問|喊|笑道)[。，,：:]|(?:说|說|道)[：:][“「]")
_CHAPTER = re.compile(r"第[一二三四五六七八九十百零〇\d]+[章回节節]")


def _opens_with_address(_title: str, text: str) -> str | None:
    """The text begins by turning to its listeners (各位市民：, 尊敬的…：): whatever a
    news site's headline says about it, the page gives the speech itself (a letter's
    salutation is caught first, by its formulae)."""
    for line in [line.strip() for line in text.split("\n") if line.strip()][:OPENING_LINES]:
        if OPENING_ADDRESS.fullmatch(line) or ADDRESS_THEN_TEXT.match(line):
            return f"opens with the address {line[:20]}"
    return None


OPENING_LINES = 1


def _short_stub(_title: str, text: str) -> str | None:
    body = re.sub(r"\s", "", text)
    if len(body) < STUB_CHARS and re.search(r"可以指|可能指|可指|消歧义|多义词|是指[：:]", body):
        return f"a {len(body)}-character disambiguation stub"
    return None


def _several_speakers(_title: str, text: str) -> str | None:
    speakers = re.findall(rf"^([{HAN}]{{2,4}})(?:同志)?[：:](?=\S)", text, re.M)
    distinct = set(speakers) - ADDRESS_WORDS
    if len(distinct) >= 2 and len(speakers) >= 3:
        return f"turns by {len(distinct)} speakers ({'、'.join(sorted(distinct)[:3])}…)"
    return None


STUB_CHARS = 300
ADDRESS_WORDS = {"同志们", "各位", "大家", "朋友们", "代表们"}
SPEECH_TITLE = alt(
    *SPOKEN_WORDS,
    *("讲话稿", "致詞", "贺词", "賀詞", "发言稿", "發言稿", "演讲稿", "演講稿", "演辞", "演辭", "讲话提纲", "主持词"),
    *("工作报告", "政府工作报告", "报告", "報告", "讲话纪要", "动员讲话", "总结讲话", "党课", "黨課", "讲稿", "講稿"),
)
NOT_SPEECH_TITLE = (
    r"决议|決議|决定|決定|通知|通告|公告|公报|公報|意见|办法|条例|规定|规则|细则|方案|回信|贺信|贺电|唁电|慰问电|慰问信|复信|的信|"
    r"一封信|公开信|公開信|倡议书|倡議書|命令|批复|函"
)
# A headline that reports on a speech or digests it rather than giving it.
DIGEST_TITLE = r"摘登|摘編|摘编|极简版|極簡版|要点|要點|精要|速览|速覽|一图读懂|图解|圖解|金句"
# A reader's reflections on a speech or a study: 学习心得, 读后感, 感悟.
REFLECTION_TITLE = r"心得|学习体会|學習體會|的体会|的體會|体会$|體會$|体会文章|讀後感|读后感|观后感|觀後感|感悟|学习笔记|學習筆記"
NEWS_HEADLINE = (
    rf"(?:{SPOKEN})(?:全文)?[\s\u3000]+\S|^[{HAN}·]{{2,8}}[：:](?!.*(?:讲话|講話|致辞|致辭)$)"
    r"|(?:发表|發表)[^，。]{0,12}(?:讲话|講話|致辞|致辭|演讲|演講)$|[刊登載载][^，。]{0,20}(?:讲话|講話)(?:全文)?"
)

# The finer genre of a speech, from a word of its title; a speech rule gives 讲话 otherwise.
SPEECH_GENRES = (
    (("致辞", "致辭", "贺词", "賀詞"), "致辞"),
    (("报告", "報告"), "报告"),
    (("纪要", "紀要"), "讲话纪要"),
    (("发言", "發言"), "发言"),
    (("主持词", "主持詞"), "主持词"),
)

GENRE_RULES: tuple[GenreRule, ...] = (
    GenreRule(
        "disambiguation",
        "消歧义页",
        False,
        _short_stub,
        examples=(("論聯合政府", "論聯合政府可以指：\n一篇文章\n一次會議"),),
        keeps=(("", "同志们：\n今天开会，主要是指出问题。"),),
    ),
    GenreRule(
        "document_title",
        "公文",
        False,
        _title_ends(NOT_SPEECH_TITLE),
        examples=(("某某县人民代表大会关于政府工作报告的决议", ""), ("关于做好防汛工作的通知", ""), ("致全体党员的一封信全文", "")),
        keeps=(("在全县防汛工作会议上的讲话", ""),),
        genre_by_title=(
            (("回信", "贺信", "的信", "一封信", "公开信", "公開信", "倡议书", "复信", "慰问信", "贺电", "唁电", "慰问电"), "书信"),
            (("决议", "决定"), "决议"),
            (("通知", "通告", "公告"), "通知"),
            (("公报", "公報"), "公报"),
            (("条例", "办法", "规定", "规则", "细则"), "法规"),
        ),
    ),
    GenreRule(
        "passed_by_meeting",
        "决议",
        False,
        _text_has(r"[（(][^（）()\n]{0,60}(?:会议|委员会)(?:审议)?通过[）)]", "adopted by a meeting", within=400),
        examples=(("", "（2023年1月15日某县第十届人民代表大会第二次会议通过）\n会议听取了报告。"),),
        keeps=(("", "同志们：\n今天召开会议。"),),
    ),
    GenreRule(
        "law_articles",
        "法规",
        False,
        _text_has(r"^第[一二三四五六七八九十百零〇\d]+条[\s　]", "numbered articles 第…条", count=3),
        examples=(("", "第一条 为了规范管理。\n第二条 本办法适用于全县。\n第三条 由县政府负责。"),),
        keeps=(("", "第一，要提高认识。\n第二，要狠抓落实。"),),
    ),
    GenreRule(
        "letter",
        "书信",
        False,
        _text_has(r"来信收悉|来信已收到|此致|敬礼！?$|你们的来信|您的来信", "letter formulae", within=3000),
        examples=(("", "张某同志：\n你好！来信收悉。"),),
        keeps=(("", "同志们：\n今天我们收到了群众的意见。"),),
    ),
    GenreRule(
        "reflection_title",
        "心得体会",
        False,
        _title_has(REFLECTION_TITLE, "a reader's reflections"),
        examples=(("学习县委全会讲话精神心得体会", ""), ("读后感：做群众的贴心人", "")),
        keeps=(("在全县大会上的讲话", ""),),
    ),
    GenreRule(
        "opens_with_address",
        "讲话",
        True,
        _opens_with_address,
        examples=(("某某宣布撤回草案\u3000强调要对话", "各位市民：\n今天，我想和大家谈谈。"), ("", "尊敬的各位来宾：今天是个好日子。")),
        keeps=(("", "本报讯 昨天，全县召开会议。\n各位代表：\n会议要求。"), ("", "张三：我先说。\n李四：我补充。")),
        genre_by_title=SPEECH_GENRES,
    ),
    GenreRule(
        "digest_title",
        "摘要",
        False,
        _title_has(DIGEST_TITLE, "a digest's headline"),
        examples=(("县委全会报告极简版来了", ""), ("县长讲话摘登", "")),
        keeps=(("在全县大会上的讲话", ""), ("在市政府全体会议上的讲话", "")),
    ),
    GenreRule(
        "news_headline",
        "新闻",
        False,
        _title_has(NEWS_HEADLINE, "a news headline about a speech"),
        examples=(("县长致辞\u3000强调安全发展", ""), ("王某：要培育长期稳定的市场", ""), ("县委书记在大会上发表讲话", "")),
        keeps=(("在全县大会上的讲话", ""), ("政府工作报告", ""), ("走向远方——在毕业典礼上的讲话", "")),
    ),
    GenreRule(
        "speech_title",
        "讲话",
        True,
        _title_ends(SPEECH_TITLE),
        examples=(("在全县工作会议上的讲话", ""), ("政府工作报告", "")),
        keeps=(("关于政府工作报告的决议", ""),),
        genre_by_title=SPEECH_GENRES,
    ),
    GenreRule(
        "news_report",
        "新闻",
        False,
        _text_has(
            rf"^(?:[（(]?(?:{NEWS_AGENCIES})[^，。\n]{{0,24}}(?:电|讯|消息)[）)]?|本报讯|本网讯|[（(]记者\s*[{HAN}]{{2,4}}[^）)\n]{{0,20}}[）)])",
            "a news dateline",
            within=200,
        ),
        examples=(("", "本报讯（记者 王某）昨天，全县召开会议。"), ("", "央广网北京2月13日消息 据报道，会议召开。")),
        keeps=(("", "同志们：\n新华社的报道大家都看了。"),),
    ),
    GenreRule(
        "narrative",
        "小说",
        False,
        _narrative,
        examples=(("", "第三章 春雷\n“同志们，”他说，“要干。”\n”她问：“行吗？”\n“行。”他说。\n“好。”她笑道。\n“走。”他说。"),),
        keeps=(("", "同志们：\n我讲三点。\n一、要干。"),),
    ),
    GenreRule(
        "reported_speech",
        "新闻",
        False,
        _reported_speech,
        examples=(("", "县长表示，要抓好落实。书记指出，要加强领导。主任强调，要守住底线。局长认为，要创新方式。"),),
        keeps=(("", "同志们：\n我们要抓落实。我认为，我们要加强领导。我们要守住底线。有人说，难。我们要干。"),),
    ),
    GenreRule(
        "minutes",
        "纪要",
        False,
        _several_speakers,
        examples=(("", "张三：我先说。\n李四：我补充。\n张三：好的。"),),
        keeps=(("", "同志们：\n今天开会。\n各位：请坐。"),),
    ),
    GenreRule(
        "spoken_address",
        "讲话",
        True,
        _text_has(
            r"同志们|同志們|各位代表|各位委员|各位委員|各位来宾|各位來賓|女士们、先生们|女士們、先生們|谢谢大家|謝謝大家|多謝各位|"
            r"我讲[几两三四五]点|讲几点意见|我代表",
            "spoken address",
        ),
        examples=(("", "同志们：\n今天开会。"),),
        keeps=(("", "据了解，该县今年投入资金三千万元。"),),
        genre_by_title=SPEECH_GENRES,
    ),
    GenreRule(
        "first_person",
        "讲话",
        True,
        _text_has(r"我认为|我想|我希望|我觉得|我们要|大家要|你们要|希望大家|我讲|我再讲|我说", "the speaker talking to listeners", count=3),
        examples=(("", "我认为这件事很重要。我希望大家重视。我们要抓落实。"),),
        keeps=(("", "据了解，该县今年投入资金三千万元，我们看到了变化。"),),
        genre_by_title=SPEECH_GENRES,
    ),
)

# With no rule firing there is no sign of a speaker addressing an audience.
FALLBACK = (False, "文章", "no sign of a speech: no speech title, address or spoken formula")


def classify(title: str | None, text: str) -> tuple[bool, str, str]:
    """(is_speech, genre, reason) for a document.

    >>> classify("在全县工作会议上的讲话", "今天开会。")
    (True, '讲话', 'speech_title: title ends with 讲话')
    >>> classify(None, "本报讯（记者 王某）昨天，全县召开会议。")[:2]
    (False, '新闻')
    """
    for rule in GENRE_RULES:
        reason = rule.evidence(title or "", text)
        if reason:
            return rule.is_speech, _genre_by_title(title or "", rule), f"{rule.name}: {reason}"
    return FALLBACK


def _genre_by_title(title: str, rule: GenreRule) -> str:
    for words, genre in rule.genre_by_title:
        if any(word in title for word in words):
            return genre
    return rule.genre
