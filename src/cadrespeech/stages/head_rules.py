"""Head rules: what a line before a speech's body says about that speech.

The head decision in ``head.py`` is a scored choice, not the first rule that matches:
every head line, and every pair that a title split over two lines or a main title with
its ——subtitle makes, is a title candidate. Each rule here that fires on a candidate
adds its weight and its name to the candidate's evidence; the best score wins and the
evidence is recorded with the speech (``title_reason``).

Every row carries examples it fires on and counter-examples it must leave alone;
``tests/test_head_rules.py`` walks the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .textclass import HAN
from .vocabulary import SPOKEN_WORDS, alt

# Han characters including the supplementary planes (GB18030 pages carry names such as 李𬌗).
HAN_WIDE = HAN + "\U00020000-\U0003134f"
# A Chinese name: 2-4 characters, sometimes spaced out on the page (王 琛, 盛 阅 春).
CHINESE_NAME = rf"[{HAN_WIDE}](?:[ \u3000\xa0]{{0,3}}[{HAN_WIDE}]){{1,3}}"
# A transliterated name joined by a middle dot: 阿卜杜拉·买买提.
FOREIGN_NAME = rf"[{HAN_WIDE}]{{1,8}}(?:[·•・‧][{HAN_WIDE}]{{1,8}}){{1,3}}"
PERSON = rf"(?:{FOREIGN_NAME}|{CHINESE_NAME})"

# Offices that stand before a name: 县委书记, 市长, 校长, 董事长 (traditional forms too).
OFFICES = (
    "党委书记|党组书记|副书记|书记|書記|副县长|县长|縣長|副市长|市长|市長|副省长|省长|省長|区长|镇长|乡长|副主任|主任|"
    "副部长|部长|部長|厅长|局长|處長|处长|副总理|总理|總理|副主席|主席|委员长|委員長|院长|院長|检察长|校长|校長|董事长|董事長|"
    "总经理|總經理|总裁|總裁|秘书长|組長|组长|司令员|政委|行政长官|行政長官|特首|国务卿|國務卿|会长|會長|理事长|社长|所长|队长|"
    "大使|總領事|总领事|领事|領事|署長|署长|司长|司長|处长|局長|市長|縣長"
)
OFFICE = rf"[{HAN}、]{{0,24}}?(?:{OFFICES})"

# Words that make a short line a title or an organisation, never a person's name.
NOT_A_NAME = re.compile(
    r"讲话|講話|会议|會議|报告|報告|致辞|致辭|发言|發言|工作|大会|意见|决定|通知|讲稿|范文|精选|稿|篇|同志们|目录|"
    r"附件|简介|事迹|学习|材料|全文|摘要|编辑|推荐|本站|本网|原创|来源|委员会|办公室|政府|人民|中学|大学|学校|公司|集团|"
    r"记者|新闻|日报|党委|首页|正文|网站|中心|我们|大家|各位|欢迎|谢谢|开幕词|闭幕词|结论|引言|序言|前言|后记|总结|结束语|"
    r"时间|時間|日期|地点|地點|来源|來源"
)

# Surnames, so that a short head line is read as a person only when it starts like a
# name (提振精神 is four characters too). Simplified and traditional forms.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
    "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁"
    "沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花"
    "权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉斯元束檀衣信展阴昝智幸奉植衡富尧闭由习胡温俞栗蔡丁"
    "陳楊黃趙吳劉張鄭謝韓馮鄧蕭葉蘇呂盧鐘譚陸範賈韋鄒閆龍賀顧龔錢嚴湯溫莊聶魯嶽歐關藍寧紀畢單駱鮑華饒車項麥婁竇費衛閔鄔邊師"
    "欒鞏蔣羅許潘孫馬鄺彭曾梁林何郭高周吳區歐餘範閻龐顏聶嶽畢塗駱蘭藍饒穆繆簡連蘆麥黨宮榮叢敖鞏遲談荊樂儲勞諶藺樓盤滿聞厲"
    "闞權強帥蓋練豐國晉雲來闕"
)
COMPOUND_SURNAMES = frozenset(
    "欧阳 歐陽 司马 司馬 上官 诸葛 諸葛 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 令狐 夏侯 长孙 長孫 宇文 司徒 西门 端木 独孤 "
    "南宫 轩辕 澹台 呼延 申屠 太史 闻人 赫连 钟离 鍾離 拓跋 百里 东郭 公冶 司空 濮阳 淳于 单于 仲孙 左丘 第五 万俟".split()
)


def is_person_name(name: str) -> bool:
    """Whether a short run of characters reads as a person's name.

    >>> [is_person_name(n) for n in ("王琛", "盛 阅 春", "欧阳明远", "阿卜杜拉·买买提", "提振精神", "工作报告")]
    [True, True, True, True, False, False]
    """
    bare = re.sub(r"[ \u3000]", "", name)
    if not bare or NOT_A_NAME.search(bare):
        return False
    if re.search(r"[·•・‧]", bare):
        return True
    if bare[:2] in COMPOUND_SURNAMES or (len(bare) == 4 and bare[0] in SURNAMES and bare[1] in SURNAMES):
        return 3 <= len(bare) <= 4
    return bare[0] in SURNAMES and 2 <= len(bare) <= 3


SPEECH_WORDS = alt(
    *SPOKEN_WORDS,
    *("致詞", "致词", "贺词", "賀詞", "演辞", "演辭", "报告", "報告", "讲稿", "主持词", "讲话提纲", "说明", "說明"),
    *("党课", "黨課", "开幕词", "開幕詞", "闭幕词", "閉幕詞"),
)


@dataclass(frozen=True, slots=True)
class TitleRule:
    """A sign for or against a title candidate; ``weight`` is added when it fires."""

    name: str
    weight: float
    pattern: re.Pattern[str]  # searched in the candidate
    examples: tuple[str, ...]
    keeps: tuple[str, ...]


TITLE_RULES: tuple[TitleRule, ...] = (
    TitleRule(
        "formal_occasion",
        4.0,
        re.compile(rf"[在於于].{{2,80}}?(?:{SPEECH_WORDS})[）)」》]?$"),
        examples=("在全县经济工作会议上的讲话", "走向远方——在2020届毕业典礼上的讲话", "在開幕典禮上的致辭", "署长在长廊开幕礼致辞"),
        keeps=("全县经济工作会议召开", "在会议上讲话的同志要简明扼要。"),
    ),
    TitleRule(
        "speech_word",
        2.0,
        re.compile(rf"(?:{SPEECH_WORDS})(?:全文|全文中译|摘要)?[）)」》]?$"),
        examples=("政府工作报告", "县委书记新年致辞", "施政報告"),
        keeps=("讲话精神要传达到基层", "报告会将于明天举行"),
    ),
    TitleRule(
        "dash_subtitle",
        3.0,
        re.compile(r".{2,}(?:[—－―-]{1,2}|──)[在於于].{2,}"),
        examples=("弘扬四气 提振精神——在市政府全体会议上的讲话",),
        keeps=("——在市政府全体会议上的讲话", "2020-2021学年"),
    ),
    TitleRule(
        "document_title",
        2.0,
        re.compile(
            r"(?:决议|決議|决定|決定|通知|公告|公报|公報|意见|办法|条例|規定|规定|命令|贺信|贺电|唁电|回信|的信|封信|慰问信|公开信|倡议书|说明|說明)"
            r"[）)」》]?$"
        ),
        examples=("关于批准某某条例的决议", "致全县教师的慰问信", "关于开展专题党课的通知"),
        keeps=("全国人民代表大会常务委员会",),
    ),
    TitleRule(
        "site_label",
        -4.0,
        re.compile(r"(?:讲话稿|发言稿|致辞稿|范文|大全|精选|模板|[（(](?:精选|通用)?\d+篇[）)]|\d+篇)$|讲话稿[_|｜]"),
        examples=("干部作风建设大会讲话稿", "领导讲话精选", "开学典礼致辞（精选5篇）"),
        keeps=("在全县作风建设大会上的讲话",),
    ),
    TitleRule(
        "list_item",
        -2.0,
        re.compile(r"^[-*•·]\s"),
        examples=("- 专业的范文写作参考网站", "* 相关阅读"),
        keeps=("——在全县大会上的讲话", "走向远方"),
    ),
    TitleRule(
        "bracketed_label",
        -6.0,
        re.compile(r"^[【\[〖][^】\]〗]{1,24}[】\]〗]$"),
        examples=("【2021年5月学习资料】", "【专题】"),
        keeps=("【专题】在全县会议上的讲话",),
    ),
    TitleRule(
        "date_range_label",
        -6.0,
        re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日?\s*[-—－~～至到]\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日"),
        examples=("每周一学（2022年4月11日-4月17日）", "学习材料（5月1日至5月7日）"),
        keeps=("在2023年3月20日全县大会上的讲话",),
    ),
    TitleRule(
        "column_and_headline",
        -2.0,
        re.compile(r"^[^|｜]{1,12}\s*[|｜]\s*\S"),
        examples=("领导讲话 | 在全县大会上的讲话", "博客 | 某某"),
        keeps=("在全县大会上的讲话",),
    ),
    TitleRule(
        "person_before_occasion",
        -1.0,
        re.compile(rf"^{PERSON}(?:同志)?(?:{OFFICE})?(?:同志)?[在於于].{{2,80}}?上的?(?:{SPEECH_WORDS})$"),
        examples=("陈某某局长在全市教育大会上的讲话", "王某在全县会议上的讲话"),
        keeps=("在全县会议上的讲话",),
    ),
    TitleRule(
        "headline_quoting_title",
        -3.0,
        re.compile(rf"^[^《]+《[^》]{{2,80}}(?:{SPEECH_WORDS})》|《[^》]{{2,80}}(?:{SPEECH_WORDS})》[^》]+$"),
        examples=("陈某局长《在全市教育大会上的讲话》", "《在全县大会上的讲话》学习体会"),
        keeps=("在全县大会上的讲话", "学习《决定》的体会"),
    ),
    TitleRule(
        "news_headline",
        # Against it as a speech's title; a page that is not a speech (a news report) takes
        # its headline all the same (``Head.report_title``).
        -3.0,
        re.compile(r"(?:发表|發表|强调|強調|指出|表示|出席|主持(?!词|詞)|召开|召開|举行|舉行|看望|考察|会见|會見)(?!.*(?:上的|时的)(?:讲话|致辞))"),
        examples=("县委书记出席全县大会并发表讲话", "习某某在某地考察时强调"),
        keeps=("在全县大会上的讲话", "发展新质生产力", "某某集团年会主持词"),
    ),
)


# Lines that refer to the speech from outside it: a site's lead or recommendation.
LEAD_LINE = re.compile(
    r"(?:现摘录|現摘錄|摘录|推荐给|推薦給|全文如下|以下为|以下為|下面是|特此转发|供学习参考|供參考)"
    # a reporter's sentence on the event: …会议在某地召开。
    r"|^(?!.*我)[^。\n]{4,60}(?:召开|举行|召開|舉行|开幕|開幕|闭幕|閉幕)。$"
    # …在开幕式上发表主旨演讲 / 出席并讲话: a report that someone spoke
    rf"|^(?!.*我)(?=.*[，。,])(?!.*上的(?:{SPEECH_WORDS})$).{{0,200}}(?:发表|發表|作了|做了|出席并)[^。\n]{{0,8}}(?:{SPEECH_WORDS}|主旨演讲|主旨演講)"
    # 某某在…会议上说明草案，指…; 他提及，…: a reporter retelling what was said
    rf"|(?:^|[。！])(?![^。\n]*我)[^。\n]{{2,40}}在[^。\n]{{2,30}}(?:上|中)(?:{SPEECH_WORDS})(?:[^。\n]{{0,20}}[，,]|[。]|$)"
    r"|^(?:他|她|他們|他们)(?:提及|表示|指出|強調|强调|說|说|認為|认为|稱|称)[，,：:]"
)

# A reposting site's note of the title the text first had: 原标题：在…上的讲话.
ORIGINAL_TITLE = re.compile(r"(?:原标题|原標題)\s*[：:]\s*(?P<title>\S.{1,90})")

# A title's pieces: a ——subtitle line, and pieces of a title broken over lines.
# A ——subtitle; a single ASCII hyphen opens a list item or a tagline, not a subtitle.
SUBTITLE_LINE = re.compile(r"(?:[—－―]{1,2}|--|──)\s*(?P<body>\S.*)")
TITLE_CONTINUES = re.compile(r"[及和与暨、的之对在，]$")
TITLE_CONTINUATION = re.compile(r"(?:关于|在|暨|及|与|和|并|的).+|.{1,2}")
# A lead that names the speech: …作了题为《以一流营商环境激发新活力》的讲话.
TITLED_AS = re.compile(
    rf"(?:题为|題為|主题为|主題為)\s*[“《「](?P<title>[^”》」]{{4,80}})[”》」]\s*的?(?:{SPEECH_WORDS}|主旨演讲|主旨演講)"
)
# A speech title quoted inside a headline: 某某局长《在…上的讲话》.
QUOTED_TITLE = re.compile(rf"《(?P<title>[^》]{{4,80}}(?:{SPEECH_WORDS}))》")
# The occasion part of a headline that starts with its speaker: 某某校长在…上的讲话.
PERSON_THEN_OCCASION = re.compile(
    rf"^(?P<name>{PERSON})(?:同志)?(?P<office>{OFFICE})?(?:同志)?(?P<title>[在於于].{{2,80}}?上的?(?:{SPEECH_WORDS}))$"
)


@dataclass(frozen=True, slots=True)
class SpeakerRule:
    """A head line that names the speaker; group ``name`` holds the name."""

    name: str
    pattern: re.Pattern[str]  # matched against the whole line
    examples: tuple[tuple[str, str], ...]  # (line, name)
    keeps: tuple[str, ...]


SPEAKER_RULES: tuple[SpeakerRule, ...] = (
    SpeakerRule(
        "name_line",
        re.compile(rf"(?P<name>{PERSON})(?:同志)?"),
        examples=(("陈某某", "陈某某"), ("盛 阅 春", "盛 阅 春"), ("欧阳明远", "欧阳明远"), ("阿卜杜拉·买买提", "阿卜杜拉·买买提")),
        keeps=("工作报告", "同志们"),
    ),
    SpeakerRule(
        "speaker_field",
        re.compile(
            rf"(?:主讲人|主講人|报告人|報告人|讲话人|講話人|发言人|發言人|述职人|述職人|致辞人|致辭人|主持人)\s*[：:]\s*"
            rf"(?:(?P<office>{OFFICE})[\s\u3000]*)?(?P<name>{PERSON})"
            rf"(?:[\s\u3000]+[{HAN}]{{2,3}}\s*[：:]\s*\S+)*"
        ),
        examples=(
            ("主讲人：庄某某　　时间：2023.6.28", "庄某某"),
            ("述职人：许某某", "许某某"),
            ("报告人：集团公司董事长　闵某某", "闵某某"),
        ),
        keeps=("主讲人：县委党校",),
    ),
    SpeakerRule(
        "office_and_name",
        re.compile(rf"(?P<office>{OFFICE})[\s\u3000]*(?P<name>{PERSON})"),
        examples=(("县委书记　林海涛", "林海涛"), ("市委副书记、市长 王某某", "王某某")),
        keeps=("书记处工作会议",),
    ),
    SpeakerRule(
        "name_and_date",
        re.compile(
            rf"(?:(?P<office>{OFFICE})[\s\u3000]*)?(?P<name>{PERSON})[\s\u3000]+[（(]?\d{{4}}\s*[年.\-/]\s*\d{{1,2}}\s*[月.\-/]\s*\d{{1,2}}\s*日?[）)]?"
        ),
        examples=(("王 琛  2020.6.20", "王 琛"), ("林某某 2021年3月5日", "林某某")),
        keeps=("2021年3月5日",),
    ),
    SpeakerRule(
        "office_name_headline",
        re.compile(rf"(?P<office>{OFFICE})(?P<name>{PERSON})[：:]\s*\S.{{3,}}"),
        examples=(("县委书记蒋某某：以作风之变促发展之进", "蒋某某"),),
        keeps=("各乡镇：请抓好落实", "主要任务：抓落实"),
    ),
    SpeakerRule(
        "name_before_quote",
        re.compile(rf".{{2,30}}[\s\u3000](?P<name>{PERSON})[：:]\s*\S.{{3,}}"),
        examples=(("海滨长廊开幕　司徒某某：海滨属于每一位市民", "司徒某某"),),
        keeps=("时间：上午九点　地点：县政府",),
    ),
    SpeakerRule(
        "bracketed_byline",
        re.compile(rf"[【\[〔]?\s*(?:撰文|作者|文|讲者|講者|主讲|主講)\s*[：:]\s*(?P<name>{PERSON})\s*(?:[（(][^）)]{{0,40}}[）)])?\s*[】\]〕]?"),
        examples=(("【撰文：鲍某 （前某某秘书）】", "鲍某"), ("作者：王琛", "王琛")),
        keeps=("作者：本站",),
    ),
    SpeakerRule(
        "date_then_name",
        re.compile(rf"[（(]\s*\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s*[）)][\s\u3000]*(?:(?P<office>{OFFICE})[\s\u3000]*)?(?P<name>{PERSON})"),
        examples=(("（2023年3月13日）习某某", "习某某"),),
        keeps=("（2023年3月13日）",),
    ),
    SpeakerRule(
        "dash_name",
        re.compile(rf"[—－-]{{1,2}}\s*(?:(?P<office>{OFFICE})\s*)?(?P<name>{PERSON})"),
        examples=(("——林某某", "林某某"), ("——县长 王某", "王某")),
        keeps=("——在全县大会上的讲话",),
    ),
    SpeakerRule(
        "name_then_occasion",
        re.compile(rf"(?:[—－-]{{1,2}}\s*)?(?P<name>{PERSON})(?:同志)?(?:{OFFICE})?(?:同志)?[在於于].{{2,80}}?上的?(?:{SPEECH_WORDS})"),
        examples=(("——任某某在市场部大会上的讲话", "任某某"), ("沈某某校长在毕业典礼上的讲话", "沈某某")),
        keeps=("在全县大会上的讲话",),
    ),
)
