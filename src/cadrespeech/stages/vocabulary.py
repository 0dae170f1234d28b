"""Word lists that more than one rule reads, each written once, and the way every list is joined.

A rule module composes its patterns from these; a list used by one rule only stays
beside that rule. ``alt`` refuses an empty or repeated alternative, so a list cannot
hold 关闭本页 twice or an empty word that would match everywhere.
"""

from __future__ import annotations


def alt(*alternatives: str) -> str:
    """Regex alternatives joined with ``|``; an empty or repeated one is an error.

    >>> alt("讲话", "講話")
    '讲话|講話'
    >>> alt("打印", "关闭", "打印")
    Traceback (most recent call last):
    ValueError: repeated alternative(s): 打印
    """
    if any(not alternative for alternative in alternatives):
        raise ValueError("an empty alternative matches everywhere")
    seen: set[str] = set()
    repeated = [a for a in alternatives if a in seen or seen.add(a)]
    if repeated:
        raise ValueError(f"repeated alternative(s): {', '.join(repeated)}")
    return "|".join(alternatives)


# Wire services and papers whose datelines, credits and "本报讯" leads mark a news report
# (clean_rules drops their credits and datelines; genre takes a dateline for news).
NEWS_AGENCIES = alt("新华社", "中新社", "中新网", "人民网", "央视网", "央广网", "本报", "本网", "新华网", "光明网", "中国新闻网")

# What a speaker gives, in simplified and traditional characters: the words every
# speech-title list starts from (clean_rules, genre).
SPOKEN_WORDS = ("讲话", "講話", "发言", "發言", "演讲", "演講", "演说", "演說", "致辞", "致辭")
SPOKEN = alt(*SPOKEN_WORDS)
