"""Outbound -> Cloud API message bodies, within WhatsApp's limits (pure functions).

Up to 3 choices become reply buttons (title <= 20), up to 10 a list (row title <= 24, the
rest of a long label in the row description <= 72), more a numbered text. Texts over 4096
characters are split; an interactive body is at most 1024, so a longer text goes first as
text messages. Cuts fall on grapheme boundaries: an Arabic letter keeps its marks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import TemplateRef
from bot.messages import Choice, Outbound

TEXT_MAX, BODY_MAX, CAPTION_MAX = 4096, 1024, 1024
BUTTONS_MAX, BUTTON_TITLE_MAX = 3, 20
ROWS_MAX, ROW_TITLE_MAX, ROW_DESCRIPTION_MAX = 10, 24, 72
ELLIPSIS = "…"
_ZWJ = "\u200d"
_BIDI_ISOLATES = re.compile("[\u2066-\u2069]")
_PARAM_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Texts:
    """The few channel words the renderer needs, in the message's language."""

    list_button: str = "Options"
    choose: str = "Choose:"
    number_hint: str = "Reply with the option's number."
    short_titles: Mapping[str, str] = field(default_factory=dict)  # choice id -> short title


def _extends(ch: str, previous: str) -> bool:
    """True if `ch` belongs to the grapheme of the character before it."""
    if previous == _ZWJ or ch == _ZWJ or (previous == "\r" and ch == "\n"):
        return True
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0xE0020 <= code <= 0xE007F:
        return True  # variation selectors and emoji tags
    if 0x1F3FB <= code <= 0x1F3FF:
        return True  # skin-tone modifiers
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def graphemes(text: str) -> list[str]:
    """The text in user-perceived characters (marks, ZWJ sequences, flags kept together)."""
    clusters: list[str] = []
    flag_open = False
    for ch in text:
        regional = 0x1F1E6 <= ord(ch) <= 0x1F1FF
        if clusters and (_extends(ch, clusters[-1][-1]) or (regional and flag_open)):
            clusters[-1] += ch
            flag_open = False
            continue
        clusters.append(ch)
        flag_open = regional
    return clusters


def cut(text: str, limit: int) -> str:
    """The longest prefix of at most `limit` characters that ends on a grapheme boundary."""
    if len(text) <= limit:
        return text
    out, size = [], 0
    for cluster in graphemes(text[: limit + 16]):
        if size + len(cluster) > limit:
            break
        out.append(cluster)
        size += len(cluster)
    return "".join(out)


def shorten(text: str, limit: int) -> tuple[str, str]:
    """(head that fits with an ellipsis, the rest): cut at a space when one is near the end."""
    if len(text) <= limit:
        return text, ""
    head = cut(text, limit - len(ELLIPSIS))
    space = head.rfind(" ")
    if space >= len(head) // 2:
        head = head[:space]
    rest = text[len(head):].strip()
    head = _BIDI_ISOLATES.sub("", head).rstrip(" ،,.:;-")
    return head + ELLIPSIS, _BIDI_ISOLATES.sub("", rest)


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Chunks of at most `limit`, broken at a paragraph, line or space where possible."""
    chunks: list[str] = []
    text = text.strip()
    while len(text) > limit:
        window = cut(text, limit)
        index = -1
        for sep in ("\n\n", "\n", " "):
            index = window.rfind(sep)
            if index >= limit // 2:
                break
        if index < limit // 2:
            index = len(window)
        chunks.append(text[:index].rstrip())
        text = text[index:].lstrip()
    if text:
        chunks.append(text)
    return chunks


def _text_parts(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"body": chunk, "preview_url": False}}
            for chunk in split_text(text)]


def _button_titles(choices: list[Choice], texts: Texts) -> tuple[list[str], list[str]] | None:
    """Titles for reply buttons and the full labels they shortened; None if not unique."""
    titles, shortened = [], []
    for choice in choices:
        label = choice.label.strip()
        if len(label) > BUTTON_TITLE_MAX:
            short = texts.short_titles.get(choice.id, "")
            title = short if 0 < len(short) <= BUTTON_TITLE_MAX else shorten(label, 20)[0]
            shortened.append(label)
        else:
            title = label
        titles.append(title)
    return (titles, shortened) if len(set(titles)) == len(titles) else None


def _interactive(body: str, choices: list[Choice], texts: Texts) -> list[dict[str, Any]]:
    """Text parts (if the body is too long) and one interactive message."""
    buttons = _button_titles(choices, texts) if len(choices) <= BUTTONS_MAX else None
    if buttons is not None and buttons[1]:
        body = "\n\n".join([body, *buttons[1]]).strip()
    parts: list[dict[str, Any]] = []
    if len(body) > BODY_MAX or not body:
        parts, body = _text_parts(body), texts.choose
    if buttons is not None:
        action: dict[str, Any] = {"buttons": [
            {"type": "reply", "reply": {"id": c.id, "title": title}}
            for c, title in zip(choices, buttons[0], strict=True)]}
        kind = "button"
    else:
        rows = []
        for choice in choices:
            title, rest = shorten(choice.label.strip(), ROW_TITLE_MAX)
            row = {"id": choice.id, "title": title}
            if rest:
                row["description"] = shorten(rest, ROW_DESCRIPTION_MAX)[0]
            rows.append(row)
        action = {"button": cut(texts.list_button, BUTTON_TITLE_MAX), "sections": [{"rows": rows}]}
        kind = "list"
    interactive = {"type": kind, "body": {"text": body}, "action": action}
    return [*parts, {"type": "interactive", "interactive": interactive}]


def numbered(text: str, choices: list[Choice], texts: Texts) -> str:
    """The text followed by the choices numbered (the engine accepts the number back)."""
    lines = [f"{index}) {choice.label}" for index, choice in enumerate(choices, start=1)]
    return "\n".join([text.rstrip(), "", *lines, "", texts.number_hint]).strip()


def render(message: Outbound, texts: Texts) -> list[dict[str, Any]]:
    """The message bodies (type + content, without `to`) for one Outbound, in order.

    A file becomes a `document` part without its media id: the sender uploads and fills it.
    """
    text, choices = message.text or "", message.choices
    parts: list[dict[str, Any]] = []
    document: dict[str, Any] | None = None
    if message.file_key:
        document = {"filename": message.file_name or "document"}
        if text and not choices and len(text) <= CAPTION_MAX:
            document["caption"], text = text, ""
    if choices and len(choices) <= ROWS_MAX:
        parts += _interactive(text, choices, texts)
    elif choices:
        parts += _text_parts(numbered(text, choices, texts))
    elif text.strip():
        parts += _text_parts(text)
    if document is not None:
        parts.append({"type": "document", "document": document})
    return parts


def template_body(
    ref: TemplateRef, lang: str, params: Mapping[str, Any], choices: Sequence[Choice] = ()
) -> dict[str, Any] | str:
    """A `template` message for `ref`, or the reason it cannot be built (a missing param).

    When the template has quick-reply buttons (`ref.quick_replies`), the first choices fill
    them in order: each button's payload is the choice's id, which WhatsApp sends back in a
    `button` message, so a press reaches the engine like a reply button's would. Buttons
    beyond the choices keep their approved text as payload; choices beyond the buttons can
    still be typed.
    """
    languages: Mapping[str, str] = ref.languages
    code = languages.get(lang) or next(iter(languages.values()), lang)
    values = []
    for name in ref.params:
        value = params.get(name)
        if value is None or str(value).strip() == "":
            return f"template {ref.name!r} needs parameter {name!r}, which the message lacks"
        # Template parameters may not hold new lines, tabs or runs of spaces.
        values.append(cut(_PARAM_SPACES.sub(" ", str(value)).strip(), 1024))
    components: list[dict[str, Any]] = []
    if values:
        components.append({"type": "body", "parameters": [
            {"type": "text", "text": value} for value in values]})
    for index, choice in enumerate(choices[: ref.quick_replies]):
        components.append({"type": "button", "sub_type": "quick_reply", "index": str(index),
                           "parameters": [{"type": "payload", "payload": choice.id}]})
    template: dict[str, Any] = {"name": ref.name, "language": {"code": code}}
    if components:
        template["components"] = components
    return {"type": "template", "template": template}
