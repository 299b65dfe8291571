"""Telegram parse_mode (HTML / MarkdownV2 / Markdown) to text + entities, as strict as the API."""

from __future__ import annotations

import html
import re
from typing import Any

RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot);")
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


class MarkupError(ValueError):
    """Raised with Telegram's description when text cannot be parsed."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain_text, entities) or raise MarkupError like the Bot API would."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown(text, v2=True)
    if mode == "markdown":
        return _parse_markdown(text, v2=False)
    if mode:
        raise MarkupError(f"Bad Request: unsupported parse_mode {parse_mode}")
    return text, []


class _Builder:
    """Accumulates plain text and entities with UTF-16 offsets."""

    def __init__(self) -> None:
        """Start empty."""
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, chunk: str) -> None:
        """Append plain text."""
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        """Close an entity that began at UTF-16 offset `start`."""
        if self.offset > start:
            ent = {"type": kind, "offset": start, "length": self.offset - start}
            ent.update({k: v for k, v in extra.items() if v is not None})
            self.entities.append(ent)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        """Final (text, entities) sorted by offset."""
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of a character index, as Telegram reports errors."""
    return len(text[:index].encode())


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML."""
    out = _Builder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG_RE.match(text, i)
            if not match:
                raise MarkupError(
                    "Bad Request: can't parse entities: Unsupported start tag at byte offset "
                    f"{_byte_offset(text, i)}"
                )
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in HTML_TAGS and name != "br":
                raise MarkupError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte '
                    f"offset {_byte_offset(text, i)}"
                )
            if name == "br":
                out.add("\n")
            elif closing:
                if not stack or stack[-1][0] != name:
                    raise MarkupError(
                        f"Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{_byte_offset(text, i)}, expected "</{stack[-1][0] if stack else ""}>"'
                        f', found "</{name}>"'
                    )
                tag, start, attrs = stack.pop()
                _close_html(out, tag, start, attrs)
            else:
                attrs = {
                    m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                    for m in _ATTR_RE.finditer(match.group(3))
                }
                stack.append((name, out.offset, attrs))
            i = match.end()
        elif char == "&":
            match = _ENTITY_RE.match(text, i)
            out.add(html.unescape(match.group(0)) if match else "&")
            i = match.end() if match else i + 1
        elif char == ">":
            out.add(">")
            i += 1
        else:
            nxt = min((p for p in (text.find("<", i), text.find("&", i)) if p != -1), default=-1)
            end = len(text) if nxt == -1 else nxt
            out.add(text[i:end])
            i = end
    if stack:
        raise MarkupError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    return out.result()


def _close_html(out: _Builder, tag: str, start: int, attrs: dict[str, str]) -> None:
    """Emit the entity for a closed HTML tag."""
    kind = HTML_TAGS[tag]
    if tag == "a":
        out.entity("text_link", start, url=attrs.get("href"))
    elif tag == "span" and attrs.get("class") != "tg-spoiler":
        return
    elif tag == "tg-emoji":
        out.entity(kind, start, custom_emoji_id=attrs.get("emoji-id"))
    elif tag == "blockquote" and "expandable" in attrs:
        out.entity("expandable_blockquote", start)
    else:
        out.entity(kind, start)


_MD_V2_MARKS = [
    ("```", "pre"),
    ("||", "spoiler"),
    ("__", "underline"),
    ("`", "code"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
]
_MD_V1_MARKS = [("```", "pre"), ("`", "code"), ("*", "bold"), ("_", "italic")]


def _parse_markdown(text: str, v2: bool) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 (strict escaping) or legacy Markdown."""
    out = _Builder()
    marks = _MD_V2_MARKS if v2 else _MD_V1_MARKS
    open_marks: list[tuple[str, str, int, int]] = []
    link_start: int | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and (v2 or text[i + 1] in "_*`["):
            out.add(text[i + 1])
            i += 2
            continue
        mark = next((m for m in marks if text.startswith(m[0], i)), None)
        if mark and mark[1] in ("pre", "code"):
            end = text.find(mark[0], i + len(mark[0]))
            if end == -1:
                raise MarkupError(_unclosed(mark[1], text, i, v2))
            body = text[i + len(mark[0]) : end]
            language = None
            if mark[1] == "pre" and "\n" in body and body.split("\n", 1)[0].strip():
                language, body = body.split("\n", 1)
            start = out.offset
            out.add(re.sub(r"\\([`\\])", r"\1", body) if v2 else body)
            out.entity(mark[1], start, language=language)
            i = end + len(mark[0])
            continue
        if mark:
            if open_marks and open_marks[-1][0] == mark[0]:
                _, kind, start, _pos = open_marks.pop()
                out.entity(kind, start)
            else:
                open_marks.append((mark[0], mark[1], out.offset, i))
            i += len(mark[0])
            continue
        if char == "[" and link_start is None:
            link_start = out.offset
            i += 1
            continue
        if char == "]" and link_start is not None and text.startswith("(", i + 1):
            close = text.find(")", i + 2)
            if close == -1:
                raise MarkupError(_unclosed("TextUrl", text, i, v2))
            out.entity("text_link", link_start, url=text[i + 2 : close].replace("\\)", ")"))
            link_start = None
            i = close + 1
            continue
        if v2 and char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if v2 and char in RESERVED_V2:
            raise MarkupError(
                f"Bad Request: can't parse entities: Character '{char}' is reserved and must be "
                "escaped with the preceding '\\'"
            )
        out.add(char)
        i += 1
    if open_marks:
        raise MarkupError(_unclosed(open_marks[-1][1], text, open_marks[-1][3], v2))
    if link_start is not None and v2:
        raise MarkupError(_unclosed("TextUrl", text, i, v2))
    return out.result()


def _unclosed(kind: str, text: str, index: int, v2: bool) -> str:
    """Telegram's wording for an entity that never ends."""
    if not v2:
        return (
            "Bad Request: can't parse entities: Can't find end of the entity starting at byte "
            f"offset {_byte_offset(text, index)}"
        )
    name = {
        "bold": "Bold",
        "italic": "Italic",
        "underline": "Underline",
        "code": "Code",
        "pre": "Pre",
        "spoiler": "Spoiler",
        "strikethrough": "Strikethrough",
    }.get(kind, kind)
    return (
        f"Bad Request: can't parse entities: Can't find end of {name} entity at byte offset "
        f"{_byte_offset(text, index)}"
    )
