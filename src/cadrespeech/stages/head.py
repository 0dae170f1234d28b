"""The head decision: which head line is the speech's title, and who spoke when.

A head is the run of short lines before a speech's body: the title (maybe repeated,
split over lines or followed by a ——subtitle), a date, a speaker, and whatever a site
put there (column labels, headlines, study-material tags). Every line and every pair
that can form a title is a candidate; ``head_rules.TITLE_RULES`` score them, agreement
with what the page says about itself (``PageMeta``: ``<title>``, og:title, front
matter) and repetition on the page add to that, and the best wins. The winner's
evidence is kept, so a reader can see why a title was chosen.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from ..records import Edit, PageMeta
from .edits import clean_offset
from .head_rules import (
    HAN_WIDE,
    LEAD_LINE,
    OFFICES,
    ORIGINAL_TITLE,
    PERSON_THEN_OCCASION,
    QUOTED_TITLE,
    SPEAKER_RULES,
    SPEECH_WORDS,
    SUBTITLE_LINE,
    TITLE_CONTINUATION,
    TITLE_CONTINUES,
    TITLE_RULES,
    TITLED_AS,
    is_person_name,
)
from .structure_rules import DATE_LINE, GLUED_TITLE, OCCASION, SPEECH_MARKER, TABLE_OF_CONTENTS, chinese_number
from .textclass import HAN

NEWS_WEIGHT = next(rule.weight for rule in TITLE_RULES if rule.name == "news_headline")
# Title rules that speak for a candidate: a headline with one of these is a title too.
POSITIVE_RULES = frozenset(rule.name for rule in TITLE_RULES if rule.weight > 0)
# Rules that speak against a speech's title but name a collection well (…讲话稿（精选3篇）).
COLLECTION_NAMES = frozenset({"site_label"})
# Speaker rules whose lines carry more than a name, and may be titles as well.
HEADLINE_SPEAKERS = frozenset({"name_then_occasion", "office_name_headline", "name_before_quote"})
# A line whose part after the dash describes the text (——某某对外政策演说全文) is not its title.
DESCRIBED = -3.0
# A lead that says the speech was titled so (题为《…》的讲话) names it outright: it beats
# a formal 在…上的讲话 line, which is then only a description of the occasion.
TITLED = 7.0
# The title a reposting site says the text first had (原标题：…).
ORIGINAL = 2.0
# Weight of agreement with the page's own <title>, og:title or front-matter title: less
# than a speech word, since a news site's <title> is its headline, not the speech's title.
META_AGREES = 1.5
# Weight of a candidate that the page shows more than once.
REPEATED = 1.0
# A small preference for candidates near the top, so equals keep reading order.
POSITION = 0.05
MIN_AGREEMENT_CHARS = 5
# A title broken over lines (or a main title over the two lines above its ——subtitle)
# is preferred to any of its pieces.
JOINED_PIECES = 0.5
MAX_TITLE_CHARS = 90

# Any written date: 2021年3月1日, 二〇二一年三月一日, 2021.3.1, 2021-03-01, 2021/3/1.
ANY_DATE = re.compile(
    r"(?P<year>\d{4}|[〇零一二三四五六七八九]{4})\s*(?:年\s*(?P<month>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"(?:\s*(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号])?"
    r"|[.\-/](?P<m2>\d{1,2})[.\-/](?P<d2>\d{1,2})(?!\d))"
)
# A line that is only a date, maybe bracketed and with a weekday or a place after it.
DATE_ONLY = re.compile(rf"[（(]?\s*{ANY_DATE.pattern}\s*(?:[（(]?星期.[）)]?)?\s*[）)]?\s*[{HAN}]{{0,6}}")


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    lines: tuple[int, ...]  # head line indices it is made of
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Head:
    title: str | None
    title_reason: str
    subtitle: str | None
    date: str | None
    date_text: str | None
    speaker: str | None
    occasion: str | None
    speaker_in_headline: bool = False  # the speaker was read from a headline, not a name line
    title_is_headline: bool = False  # the only title is a news headline (…强调…, 发表…讲话)
    report_title: str | None = None  # the title when the page is a report: news headlines not held against
    title_line: int | None = None  # the head line where the title begins


def valid_date(year: int | None, month: int | None, day: int | None) -> str | None:
    """ISO date for a real calendar day, else None (2021-02-31 is not one)."""
    if not (year and month and day) or not 1800 <= year <= 2200:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


# A year of the Republic of China era (民國110年 is 2021), as Taiwan pages write it.
ROC_YEAR = re.compile(r"(?:中華民國|中华民国|民國|民国)\s*(\d{2,3})(?=\s*年)")


def _western_years(text: str) -> str:
    return ROC_YEAR.sub(lambda m: str(int(m.group(1)) + 1911), text)


def read_date(text: str) -> tuple[str | None, str | None]:
    """(ISO date, None) for a whole day; (None, the words) for a month or an impossible day.

    >>> read_date("（二〇二一年三月一日）"), read_date("2021年3月"), read_date("2021年2月31日")
    (('2021-03-01', None), (None, '2021年3月'), (None, '2021年2月31日'))
    >>> read_date("中華民國110年4月2日")
    ('2021-04-02', None)
    """
    found = ANY_DATE.search(_western_years(text))
    if not found:
        return None, None
    year = chinese_number(found.group("year"))
    month_text = found.group("month") or found.group("m2")
    day_text = found.group("day") or found.group("d2")
    month = chinese_number(month_text) if month_text else None
    day = chinese_number(day_text) if day_text else None
    iso = valid_date(year, month, day)
    return (iso, None) if iso else (None, found.group().strip())


def fold(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text))


SPEECH_END = re.compile(rf"(?:{SPEECH_WORDS})[）)」》]?$")
# A title that is a formal occasion on its own: 在…上的讲话.
FORMAL = re.compile(rf"[在於于].{{2,80}}?上的(?:{SPEECH_WORDS})$")
# A short note a release puts after its title: …致辭（只有中文）.
TRAILING_NOTE = re.compile(rf"((?:{SPEECH_WORDS}))\s*[（(](?![^（）()]*篇)[^（）()\d]{{1,8}}[）)]$")
# A formal title scores at least this (formal_occasion); below it, the page's <title> may name the speech.
FORMAL_SCORE = 4.0
# What separates a <title>'s parts: 标题_栏目_站点, 标题 | 站点, 标题 - 站点.
TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|--)\s*")
# A lead that is a title followed by 全文如下.
TITLE_IN_LEAD = re.compile(rf"(?P<title>[^，。：:\n]{{4,120}}?(?:{SPEECH_WORDS}))的?(?:全文|原文)(?:如下)?[：:。]?")
# The day a lead gives, which a title taken from it leaves out: 今日（九月四日）.
LEAD_DAY_WORDS = re.compile(r"(?:今日|今天|昨日|昨天|日前)\s*(?:[（(][^（）()]{1,12}[）)])?")
# A title wrapped whole in book-title marks: 〈共同的未来〉.
WRAPPED = re.compile(r"[〈《「『](?P<inner>[^〈《「『〉》」』]{2,80})[〉》」』]")
# A site's column tag before a title: 【讲话】在…上的讲话.
LEADING_TAG = re.compile(r"^[【\[〖][^】\]〗]{1,6}[】\]〗]\s*(?=\S{4})")
SPACED_OUT = re.compile(rf"(?<=[{HAN}])[ \u3000](?=[{HAN}](?:[ \u3000]|$|[^{HAN}]))")


def clean_title(text: str) -> str:
    """A title as a reader writes it: one —— before its occasion, letters not spaced out.

    >>> clean_title("走 向 远 方 —在毕业典礼上的讲话")
    '走向远方——在毕业典礼上的讲话'
    """
    text = re.sub(r"\s*(?:[—－―]{1,2}|──)\s*(?=[在於于])", "——", text.strip()).replace("──", "——")
    text = TRAILING_NOTE.sub(r"\1", text)
    text = LEADING_TAG.sub("", text)
    wrapped = WRAPPED.fullmatch(text)
    if wrapped:
        text = wrapped.group("inner")
    letters = re.split(r"[ \u3000]+", text)
    if len(letters) >= 2 and all(len(letter) == 1 for letter in letters):
        text = "".join(letters)  # 结　　论
    elif len(SPACED_OUT.findall(text)) >= 2:
        text = SPACED_OUT.sub("", text)
    text = re.sub(r"[ \u3000]{2,}", " ", text)
    return text.strip("\u3000 ")


def speaker_of(line: str, only_name: bool = False) -> str | None:
    """The name a head line gives; with ``only_name``, only from a line that says nothing else
    (not from a headline such as 县委书记某某：… or 某某在…上的讲话, which may be a title too)."""
    text = line.strip()
    if len(text) > MAX_TITLE_CHARS:
        return None
    for rule in SPEAKER_RULES:
        if only_name and rule.name in HEADLINE_SPEAKERS:
            continue
        found = rule.pattern.fullmatch(text)
        if found and is_person_name(found.group("name")):
            return _bare_name(found.group("name"))
    return None


# A headline that gives the speaker, then the title: 某某：做新时代有担当的青年干部.
NAME_COLON = re.compile(rf"(?P<name>[{HAN_WIDE}]{{2,4}})[：:](?P<title>[^：:]{{4,60}})")
# What separates the fields of a byline: 市长　某某|2023.10.18|来源：….
FIELD_SEPARATOR = re.compile(r"\s*[|｜]\s*")
# A cover block's date field: 日　期：二〇二三年二月十六日.
DATE_FIELD = re.compile(r"(?:日\s*期|时\s*间|時\s*間)\s*[：:]\s*(?P<date>.{6,40})")


# An office glued after a transliterated name: 埃米利奥·巴尔德斯·罗亚大使.
OFFICE_AFTER = re.compile(rf"(?P<name>.*[·•・‧][{HAN}]+?)(?:{OFFICES})$")


def _bare_name(name: str) -> str:
    """A name without the spaces it was set with, nor an office glued after a transliterated name."""
    bare = re.sub(r"[ \u3000\xa0]", "", name)
    glued = OFFICE_AFTER.fullmatch(bare)
    return glued.group("name") if glued else bare


def is_date_line(text: str) -> bool:
    return bool(DATE_ONLY.fullmatch(_western_years(text.strip())))


def _rule_score(title: str, collection: bool = False, skip: frozenset[str] = frozenset()) -> tuple[float, list[str]]:
    score, evidence = 0.0, []
    for rule in TITLE_RULES:
        if (collection and rule.name in COLLECTION_NAMES) or rule.name in skip:
            continue
        if rule.pattern.search(title):
            score += rule.weight
            evidence.append(rule.name)
    return score, evidence


def _candidates(lines: list[str], meta: PageMeta, collection: bool = False) -> list[Candidate]:
    pieces: list[tuple[str, tuple[int, ...], tuple[str, ...]]] = []
    plain: dict[int, str] = {}  # head lines that may be a title or part of one
    joined: dict[int, tuple[str, tuple[int, ...]]] = {}  # a title broken over lines, by its last line
    for index, line in enumerate(lines):
        text = line.strip()
        marked = SPEECH_MARKER.fullmatch(text)
        if marked and marked.group("rest").strip():  # 篇一：title, where the page holds only one
            pieces.append((marked.group("rest").strip(), (index,), ("speech_marker",)))
            continue
        titled = TITLED_AS.search(text)
        if titled:  # a lead of any length may say what the speech is titled
            pieces.append((titled.group("title"), (index,), ("titled_in_lead",)))
        if not text or len(text) > MAX_TITLE_CHARS or TABLE_OF_CONTENTS.fullmatch(text):
            continue
        if is_date_line(text) or DATE_FIELD.fullmatch(text) or speaker_of(text, only_name=True):
            continue
        named = NAME_COLON.fullmatch(text)
        if named and is_person_name(named.group("name")):  # 某某：做新时代有担当的青年干部
            pieces.append((named.group("title"), (index,), ("title_after_speaker",)))
        subtitle = SUBTITLE_LINE.fullmatch(text)
        if subtitle:
            body = subtitle.group("body").strip()
            main = plain.get(index - 1)
            # ——某某在…上的讲话 is a byline, and ——在…会议上 a venue: neither is part of the title.
            if main and not speaker_of(body) and SPEECH_END.search(body):
                pieces.append((f"{main}——{body}", (index - 1, index), ("main_and_subtitle",)))
                upper = plain.get(index - 2)
                if upper and _title_halves(upper, main):
                    pieces.append((f"{upper}  {main}——{body}", (index - 2, index - 1, index), ("main_and_subtitle", "main_over_two_lines")))
            continue
        original = ORIGINAL_TITLE.fullmatch(text)
        if original:
            pieces.append((original.group("title"), (index,), ("original_title",)))
            continue
        if LEAD_LINE.search(text):  # a lead names the title but is not one
            quoted = QUOTED_TITLE.search(text)
            if quoted:
                pieces.append((quoted.group("title"), (index,), ("quoted_in_lead",)))
            continue
        plain[index] = text
        main, dash, rest = re.sub("──", "——", text).partition("——")
        described = bool(dash and main and _byline_subtitle(rest))
        if described:
            # 主标题——某某在…的演说全文: the part after the dash is a byline, not the title.
            pieces.append((main, (index,), ("byline_after_dash",)))
        pieces.append((text, (index,), ("description_after_dash",) if described else ()))
        # Only a piece that is no title by itself is continued (not 讲话稿 + 在…上的讲话).
        if index - 1 in plain and _continues(plain[index - 1], text) and not _rule_score(plain[index - 1])[1] and not FORMAL.match(text):
            begun = joined.get(index - 1, (plain[index - 1], (index - 1,)))
            joined[index] = (begun[0] + text, (*begun[1], index))
            pieces.append((*joined[index], ("split_over_lines",)))
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        previous = plain.get(index - 1)
        closes_title = is_date_line(following) or speaker_of(following, only_name=True)
        if previous and index - 1 not in joined and _title_halves(previous, text) and closes_title:
            pieces.append((f"{previous}  {text}", (index - 1, index), ("title_over_two_lines",)))
        quoted = QUOTED_TITLE.search(text)
        if quoted and quoted.group("title") != text:
            pieces.append((quoted.group("title"), (index,), ("quoted_in_headline",)))
        headline = PERSON_THEN_OCCASION.fullmatch(text)
        if headline and is_person_name(headline.group("name")):
            pieces.append((headline.group("title"), (index,), ("speaker_before_occasion",)))
    folded_lines = [fold(line) for line in lines]
    lead_lines = [fold(line) for line in lines if LEAD_LINE.search(line)]
    meta_titles = [fold(t) for t in (meta.title, meta.headline) if t]
    candidates = []
    for text, used, given in pieces:
        title = clean_title(text)
        score, fired = _rule_score(title, collection)
        evidence = [*given, *fired]
        if {"main_over_two_lines", "split_over_lines", "title_over_two_lines"} & set(given):
            score += JOINED_PIECES
        if "original_title" in given:
            score += ORIGINAL
        if "titled_in_lead" in given:
            score += TITLED
        if "byline_after_dash" in given:
            score += JOINED_PIECES
        if "description_after_dash" in given:
            score += DESCRIBED
        folded = fold(title)
        if len(folded) >= MIN_AGREEMENT_CHARS and any(folded in m or (m in folded and len(m) >= MIN_AGREEMENT_CHARS) for m in meta_titles):
            score += META_AGREES
            evidence.append("agrees_with_page_title")
        if sum(folded == other for other in folded_lines) >= 2 or any(folded in lead for lead in lead_lines):
            score += REPEATED
            evidence.append("repeated_on_page")
        # Among equals, the formal title nearest the speech wins; a plain line, the first.
        score += POSITION * used[0] * (1 if score > 0 else -1) if used else 0.0
        candidates.append(Candidate(title, used, score, tuple(evidence)))
    return candidates


# An organisation that sends a letter or telegram, on the line above its 致… title.
SENDER_END = re.compile(
    r"(?:委|委员会|委員會|政府|办公室|辦公室|局|厅|廳|部|院|公司|集团|集團|大学|大學|学校|學校|协会|協會|联合会|聯合會)$"
)
def _byline_subtitle(text: str) -> bool:
    """A subtitle that names its speaker or says what the text is (某某在…上的讲话, …对华政策演说全文中译)."""
    described = re.search(rf"(?:{SPEECH_WORDS})(?:全文|原文|中譯|中译|摘要|節錄|节录)", text)
    return any(is_person_name(text[:size]) for size in (2, 3, 4)) or bool(speaker_of(text)) or bool(described)


# Each half of a title set over two lines is a phrase of its own, not a column label.
MIN_HALF_CHARS = 6


def _title_halves(upper: str, lower: str) -> bool:
    """Two plain lines that together make one title: both long enough, neither a title by itself,
    neither repeating the other, and the upper no headline (某某：…)."""
    repeats = fold(lower) in fold(upper) or fold(upper) in fold(lower)
    plain = not _rule_score(upper)[1] and not _rule_score(lower)[1] and not re.search(r"[：:]", upper)
    return min(len(upper), len(lower)) >= MIN_HALF_CHARS and plain and not repeats


def _continues(previous: str, line: str) -> bool:
    """Whether a head line finishes the title the previous line began."""
    if line == previous or previous.endswith(("：", ":")):  # a field label (名称：) is not a title's start
        return False
    sender = SENDER_END.search(previous) and line.startswith(("致", "給", "给"))  # 某某市委　某某市政府 / 致…的贺电
    return bool(TITLE_CONTINUES.search(previous) or TITLE_CONTINUATION.fullmatch(line) or sender)


def expand_glued(lines: list[str]) -> list[str]:
    """A title glued to its date and speaker (…的讲话（2020年2月3日）某某) read as three head lines."""
    expanded = []
    for line in lines:
        glued = GLUED_TITLE.fullmatch(line.strip())
        if glued and len(line) <= MAX_TITLE_CHARS + 40:
            expanded += [glued.group("title"), f"（{glued.group('date')}）", *([glued.group("name")] if glued.group("name") else [])]
        else:
            expanded.append(line)
    return expanded


def decide_head(
    lines: list[str],
    meta: PageMeta | None = None,
    given_title: str | None = None,
    collection: bool = False,
    leads: tuple[str, ...] = (),
) -> Head:
    """Title, subtitle, date and speaker from a speech's head lines.

    >>> head = decide_head(["领导讲话精选", "提振精神", "——在全县大会上的讲话", "王某某", "（2021年3月1日）"])
    >>> head.title, head.speaker, head.date
    ('提振精神——在全县大会上的讲话', '王某某', '2021-03-01')
    """
    meta = meta or PageMeta()
    lines = expand_glued(lines)
    candidates = _candidates(lines, meta, collection)
    if meta.title and not any(c.score >= FORMAL_SCORE for c in candidates):
        # A page whose head shows only a column name (领导讲话) names its speech in <title>.
        own = clean_title(TITLE_SEPARATOR.split(meta.title)[0])
        score, fired = _rule_score(own)
        if score >= FORMAL_SCORE:
            candidates.append(Candidate(own, (), score + META_AGREES, ("page_title_only", *fired)))
    for lead in leads:
        titled = TITLED_AS.search(lead)
        if titled:
            title = clean_title(titled.group("title"))
            score, fired = _rule_score(title)
            candidates.append(Candidate(title, (), score + TITLED, ("titled_in_lead", *fired)))
        # 關於《…》的說明全文如下： names the text it introduces.
        named = TITLE_IN_LEAD.fullmatch(lead.strip())
        if named:
            # …今日（九月四日）向全港市民發表講話的全文： names the speech without its day.
            title = clean_title(LEAD_DAY_WORDS.sub("", named.group("title")))
            # The lead says outright that the text below is the speech it names (…發表講話的全文：),
            # so reporting words in that name are no sign of a news headline.
            score, fired = _rule_score(title, skip=frozenset({"news_headline"}))
            candidates.append(Candidate(title, (), score + JOINED_PIECES, ("title_in_lead", *fired)))
    if given_title:
        candidates.append(Candidate(clean_title(given_title), (), 5.0, ("speech_marker",)))
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0] if ranked else None
    # A news report is named by its headline: the same choice with that rule's weight undone.
    # (某某：quote is a report's whole headline, not a speech title after its speaker).
    as_report = [c for c in candidates if "title_after_speaker" not in c.evidence]
    report = max(as_report, key=lambda c: c.score - NEWS_WEIGHT * ("news_headline" in c.evidence), default=None)
    used: set[int] = set(best.lines) if best else set()
    reason = ""
    if best:
        reason = f"{'+'.join(best.evidence) or 'first_line'} ({best.score:.2f})"
        if len(ranked) > 1:
            reason += f" over {ranked[1].text[:30]!r} ({ranked[1].score:.2f})"
    subtitle = date = date_text = speaker = None
    for index, line in enumerate(lines):
        text = line.strip()
        if index in used:
            continue
        fields = FIELD_SEPARATOR.split(text)
        if len(fields) > 1:
            # A byline of fields (市长　某某|2023.10.18|来源：…): each field read on its own.
            speaker = speaker or next((n for n in map(speaker_of, fields) if n), None)
            date = date or next((read_date(f)[0] for f in fields if is_date_line(f)), None)
            continue
        name = speaker_of(text)
        speaker = speaker or name
        bracketed_date = text.startswith(("（", "(")) and DATE_LINE.search(text)
        if is_date_line(text) or bracketed_date or name:
            found, words = read_date(text)
            date, date_text = date or found, date_text or (None if name else words)
            if bracketed_date and not name and not is_date_line(text) and subtitle is None:
                subtitle = text.strip("（）()")  # （2023年1月15日…会议通过）
            continue
        dashed = SUBTITLE_LINE.fullmatch(text)
        if dashed:
            subtitle = subtitle or dashed.group("body").strip()
            date = date or read_date(dashed.group("body"))[0]
            continue
        labelled = DATE_FIELD.fullmatch(text)
        if labelled:
            found, words = read_date(labelled.group("date"))
            date, date_text = date or found, date_text or words
    occasion = None
    for text in [t for t in (best.text if best else None, subtitle) if t]:
        found = OCCASION.search(text.strip())
        if found:
            occasion = occasion or found.group("occasion")
            name = found.group("speaker")
            if speaker is None and name and is_person_name(name):
                speaker = name
    if best and "main_and_subtitle" in best.evidence:
        subtitle = best.text.split("——", 1)[1]
    return Head(
        title=best.text if best else None,
        title_reason=reason,
        subtitle=subtitle,
        date=date,
        date_text=None if date else date_text,
        speaker=speaker or _speaker_in_headline([*leads, *lines]),
        speaker_in_headline=speaker is None,
        title_is_headline=bool(best) and "news_headline" in best.evidence and not POSITIVE_RULES & set(best.evidence),
        report_title=report.text if report else None,
        title_line=best.lines[0] if best and best.lines else None,
        occasion=occasion,
    )


OFFICE_THEN_NAME = re.compile(rf"(?:{OFFICES})(?P<name>[{HAN_WIDE}]{{2,4}})")
# The byline a site prints (作者：王某), which the article_info rule removes from the text.
_BYLINE = re.compile(r"(?:作者|作\s*者|撰文|文)\s*[：:]\s*(?P<name>[^\s：:，,|｜/（）()]{2,12})")


def byline_in_removals(edits: tuple[Edit, ...]) -> str | None:
    """The author a page's own byline names, read from what cleaning removed as article info."""
    for edit in edits:
        if edit.rule == "article_info":
            found = _BYLINE.search(edit.before)
            if found and is_person_name(found.group("name")):
                return re.sub(r"[ \u3000\xa0]", "", found.group("name"))
    return None


# A reporter's lead that says when the speech was given: 今日（三月五日）…致辞, 昨天…讲话.
LEAD_DAY = re.compile(
    r"(?P<relative>今日|今天|昨日|昨天)?\s*[（(]?\s*(?:(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?"
)
_LEAD_SPEECH = re.compile(rf"{SPEECH_WORDS}|發表|发表|致詞")
_DAYS_BACK = {"今日": 0, "今天": 0, "昨日": 1, "昨天": 1}


def date_in_lead(leads: tuple[str, ...], published: str | None) -> str | None:
    """The speech's day from a lead that dates it against the page's publication date.

    >>> date_in_lead(("署长今日（三月五日）在开幕礼上致辞，全文如下：",), "2021-03-05")
    '2021-03-05'
    >>> date_in_lead(("县长昨天在大会上发表讲话。",), "2021-03-05")
    '2021-03-04'
    """
    if not published:
        return None
    issued = datetime.date.fromisoformat(published)
    for lead in leads:
        if not _LEAD_SPEECH.search(lead):
            continue
        for found in LEAD_DAY.finditer(lead):
            if found.group("month"):
                month, day = chinese_number(found.group("month")), chinese_number(found.group("day"))
                year = issued.year - 1 if month and month > issued.month else issued.year
                return valid_date(year, month, day)
            if found.group("relative"):
                return (issued - datetime.timedelta(days=_DAYS_BACK[found.group("relative")])).isoformat()
    return None


LEAD_RULES = frozenset({"full_text_lead", "wire_dateline_lead", "editor_note"})


def leads_in_removals(edits: tuple[Edit, ...]) -> tuple[tuple[int, str], ...]:
    """A reporter's lead and notes that cleaning removed, with where they stood in the clean
    text: the ones above a speech may say what it is called, who gave it and when."""
    return tuple((clean_offset(edits, edit.start), edit.before) for edit in edits if edit.rule in LEAD_RULES)


def release_date_in_removals(edits: tuple[Edit, ...]) -> str | None:
    """The date line that closes a press release (2021年3月5日（星期五）): the page's own date."""
    for edit in edits:
        if edit.rule == "release_tail" and is_date_line(edit.before):
            return read_date(edit.before)[0]
    return None


def _speaker_in_headline(lines: list[str]) -> str | None:
    """A headline that names its speaker: 某某校长在…上的讲话, or an office and a name
    inside it (…校长某某寄语毕业生：…), or a name before a quote (…　某某：…)."""
    for line in lines:
        headline = PERSON_THEN_OCCASION.fullmatch(line.strip()) or speaker_of(line)
        if isinstance(headline, str):
            return headline
        if headline and is_person_name(headline.group("name")):
            return _bare_name(headline.group("name"))
    for line in lines:
        for found in OFFICE_THEN_NAME.finditer(line):
            name = _name_at(line, found.start("name"))
            if name:
                return name
    return None


# What follows a name in running text: 王某在…, 王某今日…, 王某表示.
NAME_BOUNDARY = re.compile(r"[在於于今昨向對对说說表指強强出發发主宣稱称，,。：:、（(\s]|同志|先生|女士")


def _name_at(text: str, start: int) -> str | None:
    """The name that starts at ``start``: the one a boundary word follows, else the longest (蕭維鈞寄語 -> 蕭維鈞)."""
    names = [size for size in (2, 3, 4) if is_person_name(text[start : start + size])]
    bounded = [size for size in names if NAME_BOUNDARY.match(text, start + size)]
    size = max(bounded or names, default=0)
    return text[start : start + size] if size else None
