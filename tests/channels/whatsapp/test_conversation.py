"""A beneficiary on WhatsApp: consent, menu, the whole support request with documents."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.wiring import App
from models import ChannelIdentity, RequestDocument, SupportRequest
from tests.channels.whatsapp.conftest import USER, Beneficiary
from tests.emulators import WhatsAppEmulator
from tests.flows.helpers import PDF, VALID_ID

PNG = b"\x89PNG\r\n\x1a\n fake family record"
NAME = "محمد أحمد العتيبي"


def interactive(calls: list, kind: str) -> dict:
    """The last interactive message of that kind among some sent messages."""
    found = [c.params["interactive"] for c in calls if c.params.get("type") == "interactive"
             and c.params["interactive"]["type"] == kind]
    assert found, [c.params.get("type") for c in calls]
    return found[-1]


async def test_consent_buttons_then_menu_list(user: Beneficiary) -> None:
    first = await user.say("مرحبا")
    consent = interactive(first, "button")
    titles = [b["reply"]["title"] for b in consent["action"]["buttons"]]
    assert "أوافق" in titles and len(titles) == 3
    menu = interactive(await user.press("أوافق"), "list")
    rows = menu["action"]["sections"][0]["rows"]
    assert len(rows) == 8 and all(len(r["title"]) <= 24 for r in rows)
    assert menu["action"]["button"] == "الخيارات"
    asked = await user.press("طلب دعم جديد")  # a list_reply with the row id
    assert "اسم" in user.text(asked)


async def test_complete_support_request_with_documents(
    app: App, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await user.say("السلام عليكم")
    await user.press("أوافق")
    await user.press("طلب دعم جديد")
    await user.say(NAME)
    mobile = await user.say(VALID_ID)
    button = interactive(mobile, "button")["action"]["buttons"][0]["reply"]
    assert button["id"] == "mobile:own" and len(button["title"]) <= 20
    assert "+966501234567" in user.text(mobile)  # the full label stays in the body
    branch = await user.press("mobile:own")  # one tap confirms the number written from
    assert "الفرع" in user.text(branch)
    await user.press("المقر الرئيسي")
    await user.say("5")
    types = await user.say("3000")
    assert interactive(types, "list")
    await user.press("سلة غذائية")
    docs = await user.say("أسرة من خمسة أفراد بحاجة إلى سلة غذائية شهرية")
    assert "سأحضره" in user.text(docs)
    second = await user.deliver(wa.document_message(USER, PDF, "id.pdf", "application/pdf"))
    assert "تم استلام" in user.text(second)
    review = await user.deliver(wa.image_message(USER, PNG, "image/png", caption="سجل الأسرة"))
    review_text = user.text(review)
    assert "+966501234567" in review_text and VALID_ID not in review_text
    assert len(interactive(review, "list")["action"]["sections"][0]["rows"]) == 10
    await user.press("تأكيد البيانات")
    await user.press("أقرّ وأتعهد")
    final = user.text(await user.say(NAME))
    reference = re.search(r"GH-\d{4}-\d{6}", final)
    assert reference, final
    async with app.sessions() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        assert request.reference == reference.group(0)
        docs_rows = (await s.execute(select(RequestDocument))).scalars().all()
        stored = {d.doc_type: app.services.documents.get(d.storage_key or "") for d in docs_rows}
        identity = (await s.execute(select(ChannelIdentity))).scalar_one()
    assert stored == {"national_id_copy": PDF, "family_record": PNG}
    assert identity.platform_user_id == USER and identity.display_name == "Test User"
    downloads = [c for c in wa.calls if c.method == "download"]
    assert len(downloads) == 2 and all(c.ok for c in downloads)


async def test_shared_contact_and_typed_number(app: App, wa: WhatsAppEmulator,
                                               user: Beneficiary) -> None:
    await user.say("مرحبا")
    await user.press("أوافق")
    await user.press("طلب دعم جديد")
    await user.say(NAME)
    await user.say(VALID_ID)
    other = await user.deliver(wa.contacts_message(USER, phone="+966 55 111 2222"))
    assert "جوال" in user.text(other)  # someone else's card is refused
    own = await user.deliver(wa.contacts_message(USER, phone="+966 50 123 4567"))
    assert "الفرع" in user.text(own)


async def test_location_and_unsupported_types_are_answered(
    wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    await user.say("مرحبا")
    await user.press("أوافق")
    located = await user.deliver(wa.location_message(USER, 24.7, 46.7, "مكتبي", "الرياض"))
    assert located  # read as text: the menu answers instead of staying silent
    voice = await user.deliver(wa.inbound(USER, "audio", {"audio": {"id": "1", "mime_type":
                                                                   "audio/ogg"}}))
    assert voice and not [c for c in wa.calls if c.method == "download"]
    reaction = await user.deliver(wa.inbound(USER, "reaction", {"reaction": {
        "message_id": "wamid.x", "emoji": "👍"}}))
    assert reaction == []
