"""jieba's POS tags as Universal POS tags, for the CoNLL-U export and the card."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# ---------------------------------------------------------------------------
# jieba's tags as Universal POS tags
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagMapping:
    """One jieba tag: the class it names and the UPOS it becomes, with the reason where the choice is not obvious."""

    tag: str
    names: str
    upos: str
    why: str = ""


# jieba's tags are ICTCLAS's: its dictionary uses most of them, its HMM for unknown
# words has a few more states (in, jn, ln, qe, ...), and its paddle mode adds w, xc,
# nw, PER, LOC, ORG and TIME. A dictionary tag belongs to the word, not to its use in
# the sentence, so a word keeps its own class (vn stays VERB, ad stays ADJ).
_SAME_WORD = "jieba's dictionary gives a word one tag whatever its use; the word's own class is kept"
JIEBA_TAGS: tuple[TagMapping, ...] = (
    TagMapping("n", "common noun (干部)", "NOUN"),
    TagMapping("ng", "noun morpheme", "NOUN"),
    TagMapping("nr", "person name (沈砚舟)", "PROPN"),
    TagMapping("nrfg", "person name (jieba's dictionary)", "PROPN"),
    TagMapping("nrt", "person name, often transliterated (jieba's dictionary)", "PROPN"),
    TagMapping("ns", "place name (江澜)", "PROPN"),
    TagMapping("nt", "organisation name", "PROPN"),
    TagMapping("nz", "other proper name (两学一做)", "PROPN"),
    TagMapping("nw", "title of a work (paddle mode)", "PROPN"),
    TagMapping("PER", "person name (paddle mode)", "PROPN"),
    TagMapping("LOC", "place name (paddle mode)", "PROPN"),
    TagMapping("ORG", "organisation name (paddle mode)", "PROPN"),
    TagMapping("TIME", "time expression (paddle mode)", "NOUN"),
    TagMapping("j", "abbreviation (党建, 人大)", "NOUN", "mostly bodies and programmes; jieba does not tell proper from common"),
    TagMapping("jn", "abbreviation used as a noun (HMM state)", "NOUN"),
    TagMapping("in", "idiom used as a noun (HMM state)", "NOUN"),
    TagMapping("ln", "fixed expression used as a noun (HMM state)", "NOUN"),
    TagMapping("s", "place word (当地)", "NOUN"),
    TagMapping("t", "time word (今年)", "NOUN"),
    TagMapping("tg", "time morpheme", "NOUN"),
    TagMapping(
        "f",
        "localizer (上, 中, 以上)",
        "ADP",
        "after a noun phrase (在工作中) a localizer is a postposition in UD's Chinese treebanks; "
        "a direction word on its own (周边) is then ADP too",
    ),
    TagMapping("v", "verb (加强)", "VERB"),
    TagMapping("vd", "verb used as an adverb (持续)", "VERB", _SAME_WORD),
    TagMapping("vn", "verb used as a noun (工作)", "VERB", _SAME_WORD),
    TagMapping("vg", "verb morpheme", "VERB"),
    TagMapping("vi", "intransitive verb (等同于)", "VERB"),
    TagMapping("vq", "verb with a complement (去过)", "VERB"),
    TagMapping("a", "adjective (优良)", "ADJ"),
    TagMapping("ad", "adjective used as an adverb (积极)", "ADJ", _SAME_WORD),
    TagMapping("an", "adjective used as a noun (困难)", "ADJ", _SAME_WORD),
    TagMapping("ag", "adjective morpheme", "ADJ"),
    TagMapping("b", "non-predicate adjective (主要, 县级)", "ADJ"),
    TagMapping("bg", "non-predicate adjective morpheme", "ADJ"),
    TagMapping("z", "descriptive word (绿油油)", "ADJ"),
    TagMapping("d", "adverb (进一步)", "ADV"),
    TagMapping("df", "adverb (不要)", "ADV"),
    TagMapping("dg", "adverb morpheme", "ADV"),
    TagMapping("m", "numeral (三, 2021)", "NUM"),
    TagMapping("mq", "numeral with classifier (一季度)", "NUM", "one token holds numeral and classifier; UD would split it"),
    TagMapping("mg", "numeral morpheme", "NUM"),
    TagMapping("q", "classifier (个, 件)", "NOUN", "UD's Chinese treebanks tag classifiers NOUN (relation clf)"),
    TagMapping("qe", "classifier (HMM state)", "NOUN"),
    TagMapping("qg", "classifier morpheme", "NOUN"),
    TagMapping("r", "pronoun (其)", "PRON"),
    TagMapping("rr", "personal pronoun (我们)", "PRON"),
    TagMapping("rz", "demonstrative (这)", "PRON", "before a noun UD has DET; the dictionary tag cannot tell"),
    TagMapping("rg", "pronoun morpheme", "PRON"),
    TagMapping("p", "preposition (在, 对)", "ADP"),
    TagMapping("c", "conjunction (和, 因为)", "CCONJ", "subordinators (因为, 如果) are SCONJ in UD; jieba's c does not set them apart"),
    TagMapping("u", "particle (等, 所)", "PART"),
    TagMapping("uj", "structural particle 的", "PART"),
    TagMapping("ud", "structural particle 得", "PART"),
    TagMapping("uv", "structural particle 地", "PART"),
    TagMapping("ul", "aspect particle 了", "AUX", "UD's Chinese treebanks tag the aspect markers 了, 着, 过 AUX"),
    TagMapping("uz", "aspect particle 着", "AUX", "as 了"),
    TagMapping("ug", "aspect particle 过", "AUX", "as 了"),
    TagMapping("y", "modal particle (吗, 呢)", "PART"),
    TagMapping("yg", "modal morpheme", "PART"),
    TagMapping("e", "interjection (哎)", "INTJ"),
    TagMapping("o", "onomatopoeia (嗡嗡)", "INTJ", "a sound word standing alone; as a modifier it would be ADV"),
    TagMapping("h", "prefix (非)", "X", "a bound prefix: UD has no class for it"),
    TagMapping("k", "suffix (们, 者)", "PART", "a bound function morpheme"),
    TagMapping("i", "idiom (恪尽职守)", "X", "an idiom is a phrase; its class is its use, which the dictionary does not give"),
    TagMapping("l", "fixed expression (真抓实干)", "X", "as i"),
    TagMapping("g", "morpheme", "X"),
    TagMapping("zg", "single character (县, 很, 每)", "X", "jieba's zg holds characters of every class"),
    TagMapping(
        "x",
        "non-morpheme character: punctuation, symbols, rare characters",
        "X",
        "refined by the token's characters: all punctuation is PUNCT, all symbols SYM, digits with marks NUM (3:00, ①); "
        "anything else stays X (rare characters jieba's dictionary tags x)",
    ),
    TagMapping("w", "punctuation (paddle mode)", "PUNCT"),
    TagMapping("xc", "other function word (paddle mode)", "X", "function words of no stated class"),
    TagMapping("eng", "Latin-letter word (GDP)", "X", "foreign material that is not analysed is X in UD"),
    TagMapping("en", "Latin-letter word (HMM state)", "X", "as eng"),
)
UPOS_OF_JIEBA_TAG: dict[str, str] = {mapping.tag: mapping.upos for mapping in JIEBA_TAGS}
UNKNOWN_UPOS = "X"


def upos(tag: str | None, form: str) -> str:
    """The UPOS of a token: its tag's, with jieba's catch-all x split by what the token is made of.

    >>> upos("n", "干部"), upos("ul", "了"), upos("x", "，"), upos("x", "3:00"), upos("x", "＋"), upos("x", "蘅"), upos("??", "啊")
    ('NOUN', 'AUX', 'PUNCT', 'NUM', 'SYM', 'X', 'X')
    """
    if tag == "x":
        kinds = {unicodedata.category(char)[0] for char in form}
        if kinds == {"P"}:
            return "PUNCT"
        if kinds == {"S"}:
            return "SYM"
        if "N" in kinds and kinds <= {"N", "P", "S"}:
            return "NUM"
        return "PUNCT" if kinds <= {"P", "S"} else UNKNOWN_UPOS
    return UPOS_OF_JIEBA_TAG.get(tag or "", UNKNOWN_UPOS)


def upos_table_markdown() -> str:
    """The tag mapping as a Markdown table, for the dataset card: what the CoNLL-U export's UPOS column means."""
    lines = ["| jieba tag | class | UPOS | why |", "|---|---|---|---|"]
    lines += [f"| `{m.tag}` | {m.names} | {m.upos} | {m.why} |" for m in JIEBA_TAGS]
    lines.append(f"| any other | | {UNKNOWN_UPOS} | a tag outside jieba's tag set |")
    return "\n".join(lines) + "\n"
