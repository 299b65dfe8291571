"""Text normalisation and tokenisation for Arabic (MSA and Gulf) and English questions."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_INVISIBLE = re.compile(r"[\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u0621-\u064a]+|[0-9]+")
# fmt: off
_CHARS = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي",
        "ة": "ه", "ۀ": "ه", "ؤ": "ء", "ئ": "ء", "ک": "ك", "گ": "ك", "ڤ": "ف",
        "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4",
        "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
        "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4",
        "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
        "؟": "?", "،": ",", "؛": ";",
    }
)

# Gulf and colloquial forms folded onto one MSA-ish form, after character normalisation.
DIALECT: dict[str, str] = {
    "وش": "ماذا", "ايش": "ماذا", "شو": "ماذا", "اش": "ماذا", "ويش": "ماذا", "شنو": "ماذا",
    "ليش": "لماذا", "ليه": "لماذا", "شلون": "كيف", "وين": "اين", "منو": "مين",
    "ابغي": "اريد", "ابغا": "اريد", "ابغاه": "اريد", "ابي": "اريد", "ابا": "اريد",
    "ودي": "اريد", "بغيت": "اريد", "نبغي": "اريد", "نبي": "اريد", "حاب": "اريد",
    "ياخذ": "يستغرق", "تاخذ": "يستغرق", "ياخد": "يستغرق", "تطول": "يستغرق",
    "يطلع": "يصدر", "تطلع": "يصدر", "طلع": "صدر", "طلعت": "صدر",
    "الحين": "الان", "دحين": "الان", "هالحين": "الان", "زين": "جيد", "كذا": "هكذا",
    "مب": "ليس", "مو": "ليس", "اقدر": "استطيع", "نقدر": "نستطيع",
    "تقدر": "تستطيع", "يقدر": "يستطيع", "ابو": "اب", "ابوي": "اب", "امي": "ام",
}

_AR_STOP = (
    """في من الي الى علي على عن مع هذا هذه هذي هاذا ذلك تلك هو هي هم انا انت انتي انتم
    نحن او ثم ان انه اذا لو ما لا لم لن قد كان يكون كانت عند عندي عندكم عندك اللي الذي التي
    الذين كل بعض اي ايه هل يا ماذا ماهي ماهو اريد ممكن لو سمحت الله يعطيك العافيه السلام
    عليكم مرحبا اهلا شكرا طيب بس يعني الان حق حقت حقي ترا تري لي له لها لكم لنا بها فيه فيها
    منها منه مني عني معي معك معكم علينا عليه عليها وهل وما واذا اما هناك هنا و ف ب ل ك
    جزاك خير سؤال استفسار ال"""
)
AR_STOPWORDS = frozenset(_AR_STOP.split())
# fmt: on

# fmt: off
_EN_STOP = (
    """a an the is are was were be been am do does did i me my you your we our us it its this
    that these those to of in on at for from by with and or but if so as please hi hello
    thanks thank want would like know tell about there here any some just what which
    get got has have had im i'm"""
)
EN_STOPWORDS = frozenset(_EN_STOP.split())
# fmt: on

_AR_STEMMER = snowballstemmer.stemmer("arabic")
_EN_STEMMER = snowballstemmer.stemmer("english")
_AL_PREFIX = re.compile(r"^(?:[وفبك]?ال|لل)(?=..)")
_PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "كن", "ها", "نا", "ني", "ه", "ي", "ك")
_ENDINGS = ("ات", "ون", "ين", "ان", "يه", "ت", "ه")


def normalize_arabic(text: str) -> str:
    """Unify Arabic letter forms, drop diacritics/tatweel, map digits, fold spaces, lowercase."""
    text = _INVISIBLE.sub("", _DIACRITICS.sub("", text))
    return _SPACES.sub(" ", text.translate(_CHARS)).strip().casefold()


@lru_cache(maxsize=65536)
def arabic_term(word: str) -> str:
    """Index term of one normalised Arabic word: dialect fold, article strip, Snowball stem."""
    word = DIALECT.get(word, word)
    if word in AR_STOPWORDS:
        return ""
    core = strip_article(word)
    stem = _AR_STEMMER.stemWord(core)
    return stem if len(stem) >= 2 else core


def strip_article(word: str) -> str:
    """The word without a leading definite article (and a preposition or و glued to it)."""
    return _AL_PREFIX.sub("", word)


@lru_cache(maxsize=65536)
def light_term(word: str) -> str:
    """A second, lighter Arabic term: article and one common suffix removed ("" for stop words)."""
    word = DIALECT.get(word, word)
    if word in AR_STOPWORDS:
        return ""
    core = strip_article(word)
    for group in (_PRONOUNS, _ENDINGS):
        cut = next((len(s) for s in group if core.endswith(s) and len(core) - len(s) >= 3), 0)
        core = core[: len(core) - cut]
    return core


@lru_cache(maxsize=65536)
def english_term(word: str) -> str:
    """Index term of one lower-case English word: stop-word removal and Snowball stem."""
    if word in EN_STOPWORDS or (len(word) == 1 and not word.isdigit()):
        return ""
    return _EN_STEMMER.stemWord(word.replace("'", ""))


def words(text: str) -> list[str]:
    """Normalised surface words of the text, in order, across scripts."""
    return _TOKEN.findall(normalize_arabic(text))


def term_of(word: str) -> str:
    """Index term of one normalised word in either script ("" for stop words)."""
    if word.isdigit():
        return word
    if "a" <= word[0] <= "z":
        return english_term(word)
    return arabic_term(word)


def terms_of(word: str) -> tuple[str, ...]:
    """All index terms of one normalised word: the Snowball stem, plus a light stem in Arabic."""
    first = term_of(word)
    if not first or word.isdigit() or "a" <= word[0] <= "z":
        return (first,) if first else ()
    light = "~" + light_term(word)
    return (first, light) if len(light) > 1 else (first,)


def normalize(text: str, lang: str = "ar") -> list[str]:
    """Index tokens of the text; each word is handled by its own script, so mixed text works."""
    del lang  # a hint kept for the public signature; the script of each word decides
    return [t for t in (term_of(w) for w in words(text)) if t]
