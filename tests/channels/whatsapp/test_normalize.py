"""Webhook bodies -> Inbound messages and statuses (pure parsing, real-shaped fixtures)."""

from __future__ import annotations

import pytest

from bot.messages import Inbound
from handlers.whatsapp.normalize import MalformedBody, message_id, parse_body
from tests.emulators import WhatsAppEmulator, load_whatsapp_fixtures

PHONE = "1122334455667"
FIXTURES = load_whatsapp_fixtures(PHONE)


def one(name: str) -> Inbound:
    """The single Inbound of a fixture body."""
    parsed = parse_body(FIXTURES[name], PHONE)
    assert len(parsed.messages) == 1, name
    return parsed.messages[0]


def test_every_fixture_parses() -> None:
    for body in FIXTURES.values():
        parse_body(body, PHONE)  # never raises for a real envelope
    assert one("message.text").text == "Body Text"
    assert one("message.text").message_id == "wa:wamid.xyzxyz"
    assert one("message.text").display_name == "Test Name"


def test_interactive_replies_carry_the_id_as_payload() -> None:
    assert one("callback_button.button").payload == "callback_data"
    assert one("callback_selection.callback").payload == "callback_data"
    quick = one("callback_button.quick_reply")
    assert quick.payload == "callback_data" and quick.text == "title"
    wa = WhatsAppEmulator(phone_number_id=PHONE)
    plain = parse_body(wa.quick_reply("966501234567", "نعم", "نعم"), PHONE).messages[0]
    assert plain.payload is None and plain.text == "نعم"  # matched by its label
    broken = one("message.interactive_message_with_err")
    assert broken.payload is None and broken.text is None


def test_media_are_described_for_download() -> None:
    doc = one("message.document")
    assert doc.attachment is not None and doc.attachment.file_id == "1234567890987654321"
    assert doc.attachment.mime_type == "application/pdf"
    assert doc.attachment.file_name == "filename.pdf" and doc.text == "caption"
    voice = one("message.voice")
    assert voice.attachment is not None and voice.attachment.mime_type == "audio/ogg"


def test_contacts_and_location() -> None:
    contact = one("message.contacts")
    assert contact.contact_phone == "+972987654321" and contact.contact_is_own
    place = one("message.chosen_location")
    assert place.text is not None and "Facebook HQ" in place.text and "37.4611978" in place.text


def test_shared_contact_of_someone_else() -> None:
    wa = WhatsAppEmulator(phone_number_id=PHONE)
    body = wa.contacts_message("966501234567", phone="+966 55 111 2222")
    inbound = parse_body(body, PHONE).messages[0]
    assert inbound.contact_phone == "+966551112222" and not inbound.contact_is_own


def test_reactions_and_system_messages_get_no_turn() -> None:
    for name in ("message.reaction", "message.unreaction_empty", "system.phone_number_change",
                 "system.identity_change"):
        assert parse_body(FIXTURES[name], PHONE).messages == [], name


def test_statuses() -> None:
    delivered = parse_body(FIXTURES["message_status.delivered"], PHONE).statuses
    assert [(s.wamid, s.status) for s in delivered] == [("wamid.xyzxyz", "delivered")]
    failed = parse_body(load_whatsapp_fixtures(PHONE)["restfb_issue1344_failed_status_131026"],
                        PHONE).statuses[0]
    assert failed.status == "failed" and failed.error_code == 131026
    assert failed.error is not None and "Undeliverable" in failed.error


def test_other_phone_numbers_and_fields_are_skipped() -> None:
    parsed = parse_body(FIXTURES["message.text"], "999")
    assert parsed.messages == [] and parsed.skipped == 1
    other_field = {"object": "whatsapp_business_account",
                   "entry": [{"changes": [{"field": "account_update", "value": {}}]}]}
    assert parse_body(other_field, PHONE).skipped == 1


@pytest.mark.parametrize("body", [[], "x", None, {"object": "whatsapp_business_account"},
                                  {"entry": {"a": 1}}])
def test_non_envelopes_are_malformed(body: object) -> None:
    with pytest.raises(MalformedBody):
        parse_body(body, PHONE)


def test_odd_items_inside_an_envelope_are_skipped() -> None:
    body = {"object": "whatsapp_business_account", "entry": [
        None, {"changes": [None, {"field": "messages", "value": {
            "metadata": {"phone_number_id": PHONE},
            "messages": [None, {"id": "x"}, {"from": "1", "type": "text"}, "str"],
            "statuses": [{"id": "w"}, 5]}}]}]}
    parsed = parse_body(body, PHONE)
    assert parsed.messages == [] and parsed.statuses == [] and parsed.skipped == 7


def test_long_wamids_fit_the_receipt_column() -> None:
    assert message_id("wamid.short") == "wa:wamid.short"
    assert len(message_id("w" * 500)) <= 128
