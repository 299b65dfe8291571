"""Outbound -> Telegram messages: 4096-character chunks, keyboards, plain text (no parse_mode).

Pure functions, shared by both drivers. Choices become an inline keyboard on the last chunk;
`request_contact` becomes a one-time reply keyboard with a "share my number" button; any other
message in a private chat removes a reply keyboard that may still be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import LANGUAGES
from bot.messages import Outbound

MAX_TEXT = 4096  # Telegram counts UTF-16 code units
MAX_CAPTION = 1024
SHORT_LABEL = 18  # labels up to this many characters go two to a row
CHOSEN_MARK = "✔"
_SEPARATORS = ("\n\n", "\n", " ")


@dataclass(frozen=True)
class InlineKeyboard:
    """Rows of (label, callback_data) buttons."""

    rows: tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class ContactKeyboard:
    """A reply keyboard: a request_contact button, then the choices as text buttons."""

    contact_label: str
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoveKeyboard:
    """Hide a reply keyboard left from an earlier question."""


Markup = InlineKeyboard | ContactKeyboard | RemoveKeyboard | None


@dataclass(frozen=True)
class Part:
    """One Telegram message: text or a document (with the text as caption), and its markup."""

    text: str
    markup: Markup = None
    file_key: str | None = None
    file_name: str | None = None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def language_of(message: Outbound, default: str) -> str:
    """The language the engine stamped on the message (meta["lang"]), else `default`."""
    lang = message.meta.get("lang")
    return lang if lang in LANGUAGES else default


def _hard_cut(text: str, limit: int) -> list[str]:
    out, current, size = [], [], 0
    for char in text:
        width = utf16_len(char)
        if size + width > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        out.append("".join(current))
    return out


def split_text(text: str, limit: int = MAX_TEXT, separators: tuple[str, ...] = _SEPARATORS
               ) -> list[str]:
    """Split at paragraph boundaries, then lines, then words, then anywhere; no empty chunk."""
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    if not separators:
        return [c for c in _hard_cut(text, limit) if c.strip()]
    sep, rest = separators[0], separators[1:]
    chunks: list[str] = []
    current = ""
    for piece in text.split(sep):
        pieces = [piece] if utf16_len(piece) <= limit else split_text(piece, limit, rest)
        for item in pieces:
            candidate = f"{current}{sep}{item}" if current else item
            if utf16_len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = item
    chunks.append(current)
    return [c.strip("\n") for c in chunks if c.strip()]


def inline_keyboard(message: Outbound) -> InlineKeyboard:
    """One button per row, or two per row when every label is short."""
    buttons = [(c.label, c.id) for c in message.choices]
    width = 2 if all(len(label) <= SHORT_LABEL for label, _ in buttons) else 1
    rows = tuple(tuple(buttons[i:i + width]) for i in range(0, len(buttons), width))
    return InlineKeyboard(rows)


def markup_for(message: Outbound, contact_label: str, private: bool) -> Markup:
    """The keyboard that goes with the last part of a message."""
    if message.request_contact and private:
        return ContactKeyboard(contact_label, tuple(c.label for c in message.choices))
    if message.choices:
        return inline_keyboard(message)
    return RemoveKeyboard() if private else None


def render(message: Outbound, contact_label: str, private: bool = True) -> list[Part]:
    """The Telegram messages for one Outbound; the keyboard rides on the last one."""
    markup = markup_for(message, contact_label, private)
    if message.file_key:
        if utf16_len(message.text) <= MAX_CAPTION:
            return [Part(message.text, markup, message.file_key, message.file_name)]
        texts = [Part(chunk) for chunk in split_text(message.text)]
        return [*texts, Part("", markup, message.file_key, message.file_name)]
    chunks = split_text(message.text)
    if not chunks:
        return []
    return [Part(chunk) for chunk in chunks[:-1]] + [Part(chunks[-1], markup)]


def pressed_label(keyboard: object, data: str) -> str | None:
    """The label of the inline button with this callback data, from a message's reply_markup."""
    rows = keyboard.get("inline_keyboard") if isinstance(keyboard, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                return str(button.get("text") or "") or None
    return None


def answered_text(text: str, label: str) -> str | None:
    """The pressed message's text with the chosen answer appended, if it still fits."""
    new = f"{text}\n\n{CHOSEN_MARK} {label}"
    return new if utf16_len(new) <= MAX_TEXT else None
