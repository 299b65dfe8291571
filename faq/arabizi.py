"""Arabizi (Arabic typed in Latin letters and digits) rewritten in Arabic script, roughly.

"kaif asajel 6alab" -> "كيف اسجل طلب". Short vowels are dropped inside words, as Arabic writes
them; long vowels and word-initial vowels become letters. The result is rough, but the lexical
index repairs near misses and the embedding tolerates them.
"""

from __future__ import annotations

import re

from faq.normalize import normalize_arabic

# longest first: digraphs, then digits standing for letters, then single letters
_UNITS = (
    ("sh", "ش"), ("kh", "خ"), ("th", "ث"), ("gh", "غ"), ("dh", "ذ"), ("ch", "تش"),
    ("aa", "ا"), ("ee", "ي"), ("ii", "ي"), ("oo", "و"), ("ou", "و"), ("ai", "ي"), ("ay", "ي"),
    ("ei", "ي"), ("'", "ء"), ("2", "ء"), ("3", "ع"), ("5", "خ"), ("6", "ط"), ("7", "ح"),
    ("8", "ق"), ("9", "ص"), ("b", "ب"), ("t", "ت"), ("j", "ج"), ("h", "ه"), ("d", "د"),
    ("r", "ر"), ("z", "ز"), ("s", "س"), ("f", "ف"), ("q", "ق"), ("k", "ك"), ("l", "ل"),
    ("m", "م"), ("n", "ن"), ("w", "و"), ("y", "ي"), ("g", "ق"), ("p", "ب"), ("v", "ف"),
    ("c", "ك"), ("x", "كس"),
)
_VOWELS = "aeiou"
_FINAL = {"a": "ه", "i": "ي", "e": "ي", "o": "و", "u": "و"}
_WORD = re.compile(r"[a-z0-9']+")
_LOOSE_ARTICLE = re.compile(r"(^| )(?:ال|ايل) (?=\S)")  # "al 6alab": the article joins its word


def word_to_arabic(word: str) -> str:
    """One Arabizi word in Arabic letters."""
    out: list[str] = []
    i = 0
    while i < len(word):
        if i == 0 and word[0] in _VOWELS and word[:2] not in ("ai", "ay", "ei", "ou"):
            out.append("ا")
            i += 1
            continue
        if i == len(word) - 1 and word[i] in _FINAL:
            out.append(_FINAL[word[i]])
            break
        unit = next((u for u in _UNITS if word.startswith(u[0], i)), None)
        if unit is not None:
            out.append(unit[1])
            i += len(unit[0])
        else:  # a short vowel inside the word, or a sign: not written
            i += 1
    return "".join(out)


def to_arabic(text: str) -> str:
    """The Latin words of an Arabizi text in Arabic letters; Arabic words kept as they are."""
    arabic = _WORD.sub(lambda m: word_to_arabic(m.group(0)), normalize_arabic(text))
    return _LOOSE_ARTICLE.sub(r"\1ال", arabic)


# Arabic letters that Arabizi writers often type with the Latin letter of a neighbour, which
# to_arabic() then reads as that neighbour ("tiftahoon": ح typed as h comes back as ه)
_MERGED = str.maketrans({"ح": "ه", "ص": "س", "ض": "د", "ظ": "ط", "ذ": "ث"})


def arabizi_shadows(text: str) -> list[str]:
    """Forms an Arabic text takes after a round trip through Arabizi and to_arabic().

    Short vowels are not written in Arabic, and to_arabic() drops a single Latin vowel inside a
    word, so "bayanati" comes back as "بينتي", not "بياناتي". Training the entry classifier on
    these shadows of the entries' Arabic texts lets an Arabizi question meet its entry in the
    same lossy spelling: medial alif dropped, final alif as ه, hamza dropped; then also letters
    typed with a neighbour's Latin letter; then also medial و and ي dropped.
    """
    first = " ".join(_lossy(word) for word in normalize_arabic(text).split())
    merged = first.translate(_MERGED)
    bare = " ".join(_drop_medial(word, "وي") for word in merged.split())
    return list(dict.fromkeys(f for f in (first, merged, bare) if f != normalize_arabic(text)))


def _lossy(word: str) -> str:
    """A word without its medial alifs and hamzas, a final alif written ه; an article kept."""
    if word.startswith("ال") and len(word) > 3:
        return "ال" + _lossy(word[2:])
    word = word.replace("ء", "")
    if len(word) > 2:
        word = word[0] + word[1:-1].replace("ا", "") + word[-1]
    return word[:-1] + "ه" if len(word) > 1 and word.endswith("ا") else word


def _drop_medial(word: str, letters: str) -> str:
    """The word without the given letters between its first and last letter."""
    if len(word) <= 2:
        return word
    middle = "".join(ch for ch in word[1:-1] if ch not in letters)
    return word[0] + middle + word[-1]
