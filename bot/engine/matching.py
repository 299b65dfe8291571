"""Matching what a beneficiary typed or pressed against the offered choices and commands."""

from __future__ import annotations

from bot.messages import Choice, Inbound
from bot.text import clean, fold

# Words that work at every step, in Arabic (MSA and Gulf) and English.
GLOBAL_WORDS: dict[str, tuple[str, ...]] = {
    "cancel": ("الغاء", "إلغاء", "الغ", "cancel", "/cancel", "stop", "توقف"),
    "back": ("رجوع", "ارجع", "السابق", "back", "/back", "previous"),
    "menu": ("القائمه", "القائمة", "القائمه الرئيسيه", "menu", "/menu", "main menu"),
    "start": ("/start", "start", "ابدا", "ابدأ", "مرحبا", "السلام عليكم", "hi", "hello"),
    "help": ("/help", "help", "مساعده", "مساعدة"),
    "lang": ("/lang", "language", "اللغه", "اللغة"),
    "lang:en": ("english", "انجليزي", "انجليزي english"),
    "lang:ar": ("العربيه", "العربية", "عربي", "arabic"),
    "person": ("/human", "موظف", "كلم موظف", "اكلم موظف", "agent", "human", "talk to a person"),
}
_GLOBALS = {fold(word): name for name, words in GLOBAL_WORDS.items() for word in words}
NAV_PREFIX = "nav:"


def detect_global(inbound: Inbound) -> str | None:
    """The global command in a message (cancel, back, menu, ...), if it is one."""
    if inbound.payload and inbound.payload.startswith(NAV_PREFIX):
        return inbound.payload[len(NAV_PREFIX):]
    if not inbound.text:
        return None
    text = fold(inbound.text)
    if text.startswith("/"):
        text = text.split("@", 1)[0].split(" ", 1)[0]
    return _GLOBALS.get(text)


def match_choice(inbound: Inbound, choices: list[Choice]) -> Choice | None:
    """The choice pressed (payload), numbered (1, ١) or typed (its label)."""
    if inbound.payload:
        return next((c for c in choices if c.id == inbound.payload), None)
    if not inbound.text:
        return None
    text = clean(inbound.text)
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    key = fold(text)
    exact = [c for c in choices if fold(c.label) == key]
    if exact:
        return exact[0]
    if len(key) >= 3:
        partial = [c for c in choices if key in fold(c.label)]
        if len(partial) == 1:
            return partial[0]
    return None
