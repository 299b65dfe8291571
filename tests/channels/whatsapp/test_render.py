"""Rendering within WhatsApp's limits, and grapheme-safe cutting of Arabic."""

from __future__ import annotations

import unicodedata

import pytest

from bot.config import TemplateRef
from bot.messages import Choice, Outbound
from handlers.whatsapp.render import (
    Texts,
    cut,
    graphemes,
    render,
    shorten,
    split_text,
    template_body,
)
from tests.emulators.whatsapp_rules import GraphError, validate_message

TEXTS = Texts("الخيارات", "اختر:", "اكتب رقم الخيار.", {"mobile:own": "رقمي على واتساب"})
VOWELLED = "مُحَمَّدٌ عَبْدُ ٱللَّٰهِ ٱلْعُتَيْبِيُّ"


def choices(n: int, label: str = "خيار") -> list[Choice]:
    """n numbered choices."""
    return [Choice(f"c{i}", f"{label} {i}") for i in range(1, n + 1)]


def valid(parts: list[dict]) -> list[str]:
    """Run every part through the emulator's Cloud API validator; return their types."""
    media = {"1"}
    kinds = []
    for part in parts:
        if part["type"] == "document":
            part = {**part, "document": {**part["document"], "id": "1"}}
        kinds.append(validate_message({"messaging_product": "whatsapp", "to": "1", **part},
                                      media, None))
    return kinds


def test_cuts_never_split_a_letter_from_its_marks() -> None:
    for limit in range(1, len(VOWELLED) + 1):
        head = cut(VOWELLED, limit)
        assert len(head) <= limit
        assert VOWELLED.startswith(head)
        rest = VOWELLED[len(head):]
        assert not rest or unicodedata.category(rest[0]) not in ("Mn", "Mc", "Me")
    assert graphemes("👍🏽🇸🇦👨‍👩‍👧") == ["👍🏽", "🇸🇦", "👨‍👩‍👧"]


def test_shorten_prefers_a_word_boundary_and_keeps_the_rest() -> None:
    head, rest = shorten("خيار رقم واحد طويل جدا جدا وأطول", 20)
    assert len(head) <= 20 and head.endswith("…")
    assert head[:-1] + " " + rest == "خيار رقم واحد طويل جدا جدا وأطول"
    assert shorten("قصير", 20) == ("قصير", "")


@pytest.mark.parametrize("n, kind", [(1, "button"), (3, "button"), (4, "list"), (10, "list")])
def test_choices_become_buttons_or_a_list(n: int, kind: str) -> None:
    parts = render(Outbound("اختر", choices=choices(n)), TEXTS)
    assert valid(parts) == ["interactive"]
    assert parts[0]["interactive"]["type"] == kind


def test_more_than_ten_choices_are_numbered_text() -> None:
    parts = render(Outbound("اختر", choices=choices(12)), TEXTS)
    assert valid(parts) == ["text"]
    body = parts[0]["text"]["body"]
    assert "12) خيار 12" in body and body.endswith("اكتب رقم الخيار.")


def test_long_labels_fit_in_titles_and_descriptions() -> None:
    label = VOWELLED + " " + VOWELLED
    parts = render(Outbound("اختر", choices=choices(5, label)), TEXTS)
    assert valid(parts) == ["interactive"]
    row = parts[0]["interactive"]["action"]["sections"][0]["rows"][0]
    assert len(row["title"]) <= 24 and row["description"]
    same_start = render(Outbound("اختر", choices=choices(2, label)), TEXTS)
    assert same_start[0]["interactive"]["type"] == "list"  # cut titles would be equal
    two = [Choice("a", "أ " + label), Choice("b", "ب " + label)]
    buttons = render(Outbound("اختر", choices=two), TEXTS)
    assert valid(buttons) == ["interactive"] and buttons[0]["interactive"]["type"] == "button"
    body = buttons[0]["interactive"]["body"]["text"]
    assert "أ " + label in body  # a shortened button title keeps its full label in the body


def test_own_number_button_has_a_short_title_and_shows_the_number() -> None:
    label = "استخدام الرقم \u2068+966501234567\u2069"
    parts = render(Outbound("ما رقم جوالك؟", choices=[Choice("mobile:own", label)]), TEXTS)
    assert valid(parts) == ["interactive"]
    button = parts[0]["interactive"]["action"]["buttons"][0]["reply"]
    assert button == {"id": "mobile:own", "title": "رقمي على واتساب"}
    assert "+966501234567" in parts[0]["interactive"]["body"]["text"]


def test_long_texts_are_split_and_go_before_the_interactive() -> None:
    text = ("فقرة " * 300 + "\n\n") * 5
    assert all(len(chunk) <= 4096 for chunk in split_text(text))
    assert "".join(split_text(text)).replace(" ", "").replace("\n", "") == text.replace(
        " ", "").replace("\n", "")
    parts = render(Outbound(text, choices=choices(2)), TEXTS)
    kinds = valid(parts)
    assert kinds[-1] == "interactive" and set(kinds[:-1]) == {"text"} and len(kinds) >= 3
    assert parts[0]["text"]["body"].endswith("فقرة")  # broken between paragraphs
    assert parts[-1]["interactive"]["body"]["text"] == "اختر:"
    unbroken = render(Outbound("ا" * 9000), TEXTS)
    assert valid(unbroken) == ["text", "text", "text"]


def test_file_with_caption_and_without() -> None:
    short = render(Outbound("إيصال", file_key="k1", file_name="r.pdf"), TEXTS)
    assert valid(short) == ["document"]
    assert short[0]["document"] == {"filename": "r.pdf", "caption": "إيصال"}
    long = render(Outbound("س" * 2000, file_key="k1", file_name="r.pdf"), TEXTS)
    assert valid(long) == ["text", "document"]


def test_template_body_and_missing_parameter() -> None:
    ref = TemplateRef(name="ghimar_decision_accepted", params=["reference"])
    body = template_body(ref, "en", {"reference": "GH-2026-000001\n\tx"})
    assert isinstance(body, dict) and valid([body]) == ["template"]
    assert body["template"]["language"] == {"code": "en"}
    assert body["template"]["components"][0]["parameters"][0]["text"] == "GH-2026-000001 x"
    assert "reference" in str(template_body(ref, "ar", {}))
    bare = template_body(TemplateRef(name="ghimar_staff_reply"), "ar", {})
    assert isinstance(bare, dict) and "components" not in bare["template"]


def test_template_quick_reply_buttons_carry_the_choice_ids() -> None:
    ref = TemplateRef(name="ghimar_satisfaction_survey", params=["reference"], quick_replies=5)
    rating = [Choice(f"srv:7:{r}", f"{r} ⭐") for r in (5, 4, 3, 2, 1)]
    survey = [*rating, Choice("srv:7:decline", "ليس الآن")]
    body = template_body(ref, "ar", {"reference": "GH-2026-000001"}, survey)
    assert body == {"type": "template", "template": {
        "name": "ghimar_satisfaction_survey", "language": {"code": "ar"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "GH-2026-000001"}]},
            *({"type": "button", "sub_type": "quick_reply", "index": str(i),
               "parameters": [{"type": "payload", "payload": f"srv:7:{r}"}]}
              for i, r in enumerate((5, 4, 3, 2, 1))),
        ]}}  # five buttons: "not now" is left to typing
    registered = {("ghimar_satisfaction_survey", "ar"): 1}
    assert validate_message({"messaging_product": "whatsapp", "to": "1", **body}, set(),
                            registered, {("ghimar_satisfaction_survey", "ar"): 5}) == "template"
    with pytest.raises(GraphError):  # a template approved without buttons refuses them
        validate_message({"messaging_product": "whatsapp", "to": "1", **body}, set(), registered)
    two = template_body(ref, "ar", {"reference": "x"}, survey[:2])
    assert isinstance(two, dict)
    assert [c["index"] for c in two["template"]["components"][1:]] == ["0", "1"]
    plain = template_body(TemplateRef(name="ghimar_decision_accepted", params=["reference"]),
                          "ar", {"reference": "x"}, survey)
    assert isinstance(plain, dict)
    assert [c["type"] for c in plain["template"]["components"]] == ["body"]  # no buttons
    bare = template_body(TemplateRef(name="t", params=[], quick_replies=1), "en", {}, survey)
    assert isinstance(bare, dict) and bare["template"]["components"] == [
        {"type": "button", "sub_type": "quick_reply", "index": "0",
         "parameters": [{"type": "payload", "payload": "srv:7:5"}]}]
