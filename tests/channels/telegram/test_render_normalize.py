"""The pure parts: rendering Outbound for Telegram and normalising updates into Inbound."""

from __future__ import annotations

from bot.messages import Choice, Outbound
from handlers.telegram import normalize
from handlers.telegram.render import (
    MAX_TEXT,
    ContactKeyboard,
    InlineKeyboard,
    RemoveKeyboard,
    answered_text,
    inline_keyboard,
    pressed_label,
    render,
    split_text,
    utf16_len,
)

USER = {"id": 42, "is_bot": False, "first_name": "سارة", "last_name": "محمد",
        "language_code": "ar"}
CHAT = {"id": 42, "type": "private", "first_name": "سارة"}


def message(**content: object) -> dict[str, object]:
    """A message update from USER."""
    return {"update_id": 9, "message": {"message_id": 3, "date": 1, "chat": CHAT, "from": USER,
                                        **content}}


def test_short_text_is_one_chunk_and_long_text_splits_at_paragraphs() -> None:
    assert split_text("مرحبا") == ["مرحبا"]
    assert split_text("   ") == []
    paragraphs = ["أ" * 3000, "ب" * 3000, "ج" * 100]
    chunks = split_text("\n\n".join(paragraphs))
    assert chunks == [paragraphs[0], paragraphs[1] + "\n\n" + paragraphs[2]]


def test_a_huge_paragraph_splits_at_lines_then_words_then_anywhere() -> None:
    lines = "\n".join(["سطر " * 500] * 3)  # three 2000-character lines
    assert all(utf16_len(c) <= MAX_TEXT for c in split_text(lines))
    assert len(split_text(lines)) == 2
    words = ("كلمة " * 2000).strip()
    chunks = split_text(words)
    assert all(utf16_len(c) <= MAX_TEXT for c in chunks) and " ".join(chunks) == words
    emoji = "😀" * 3000  # two UTF-16 units each: Telegram's counting, not Python's
    assert [utf16_len(c) for c in split_text(emoji)] == [4096, 1904]


def test_choices_ride_on_the_last_chunk() -> None:
    out = Outbound("أ" * 3000 + "\n\n" + "ب" * 3000, choices=[Choice("a", "نعم")])
    parts = render(out, "📱")
    assert len(parts) == 2 and parts[0].markup is None
    assert parts[1].markup == InlineKeyboard(((("نعم", "a"),),))


def test_keyboard_layout_short_labels_in_pairs_long_ones_alone() -> None:
    short = Outbound("?", choices=[Choice(str(i), f"خيار {i}") for i in range(3)])
    assert [len(row) for row in inline_keyboard(short).rows] == [2, 1]
    long = Outbound("?", choices=[Choice("a", "أرغب في إحضار المستند إلى الفرع"),
                                  Choice("b", "لا")])
    assert [len(row) for row in inline_keyboard(long).rows] == [1, 1]


def test_contact_request_and_keyboard_removal() -> None:
    ask = Outbound("ما رقم جوالك؟", request_contact=True, choices=[Choice("m", "0501234567")])
    [part] = render(ask, "📱 مشاركة")
    assert part.markup == ContactKeyboard("📱 مشاركة", ("0501234567",))
    assert render(Outbound("شكراً"), "x")[0].markup == RemoveKeyboard()
    assert render(Outbound("شكراً"), "x", private=False)[0].markup is None
    assert render(Outbound("   "), "x") == []


def test_document_with_caption_or_after_the_text() -> None:
    [doc] = render(Outbound("الإيصال", file_key="k1", file_name="r.pdf"), "x")
    assert (doc.file_key, doc.text, doc.file_name) == ("k1", "الإيصال", "r.pdf")
    parts = render(Outbound("ن" * 2000, file_key="k1"), "x")
    assert [p.file_key for p in parts] == [None, "k1"] and parts[1].text == ""


def test_pressed_button_label_and_answered_text() -> None:
    markup = {"inline_keyboard": [[{"text": "أوافق", "callback_data": "agree"}]]}
    assert pressed_label(markup, "agree") == "أوافق"
    assert pressed_label(markup, "other") is None and pressed_label(None, "agree") is None
    assert answered_text("هل توافق؟", "أوافق") == "هل توافق؟\n\n✔ أوافق"
    assert answered_text("ن" * 4095, "أوافق") is None


def test_text_and_command_messages() -> None:
    inbound = normalize.to_inbound(message(text="/start abc", entities=[
        {"type": "bot_command", "offset": 0, "length": 6}]))
    assert inbound is not None
    assert (inbound.channel, inbound.user_id, inbound.message_id) == ("telegram", "42", "tg:9")
    assert inbound.is_command and inbound.text == "/start abc"
    assert inbound.locale == "ar" and inbound.display_name == "سارة محمد"
    plain = normalize.to_inbound(message(text="/ليس أمراً"))
    assert plain is not None and not plain.is_command


def test_contacts_own_or_someone_elses() -> None:
    own = normalize.to_inbound(message(contact={"phone_number": "966501234567", "user_id": 42,
                                                "first_name": "سارة"}))
    assert own is not None and own.contact_phone == "966501234567" and own.contact_is_own
    other = normalize.to_inbound(message(contact={"phone_number": "+966551112223",
                                                  "user_id": 7, "first_name": "x"}))
    assert other is not None and not other.contact_is_own
    unknown = normalize.to_inbound(message(contact={"phone_number": "1", "first_name": "x"}))
    assert unknown is not None and not unknown.contact_is_own


def test_documents_and_photos_become_attachments_without_bytes() -> None:
    doc = normalize.to_inbound(message(caption="هويتي", document={
        "file_id": "F1", "file_unique_id": "U1", "file_name": "id.pdf", "file_size": 10}))
    assert doc is not None and doc.text == "هويتي" and doc.attachment is not None
    assert doc.attachment.mime_type == "application/pdf" and doc.attachment.size == 10
    assert doc.attachment.content is None
    photo = normalize.to_inbound(message(photo=[
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 1},
        {"file_id": "big", "file_unique_id": "b", "width": 900, "height": 900, "file_size": 9}]))
    assert photo is not None and photo.attachment is not None
    assert (photo.attachment.file_id, photo.attachment.mime_type) == ("big", "image/jpeg")


def test_button_presses_and_what_is_not_for_the_engine() -> None:
    press = {"update_id": 10, "callback_query": {
        "id": "q", "from": USER, "chat_instance": "1", "data": "agree",
        "message": {"message_id": 5, "date": 1, "chat": CHAT}}}
    inbound = normalize.to_inbound(press)
    assert inbound is not None and inbound.payload == "agree" and inbound.text is None
    assert normalize.is_private(press) and normalize.chat_of(press) == CHAT
    assert normalize.to_inbound({"update_id": "x", "message": {}}) is None
    bot = dict(USER, is_bot=True)
    assert normalize.to_inbound({"update_id": 1, "message": {"from": bot, "chat": CHAT}}) is None
    no_data = {"update_id": 11, "callback_query": {"id": "q", "from": USER, "chat_instance": "1"}}
    assert normalize.to_inbound(no_data) is None and normalize.chat_of(no_data) is None
