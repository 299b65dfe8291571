"""The data-subject rights in the chat (PDPL Art. 4): see, copy, correct, withdraw, delete."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.wiring import App, load_faq
from bot.config import PrivacyConfig
from bot.repo import identities
from models import (
    Beneficiary,
    ChannelIdentity,
    Escalation,
    OutboxMessage,
    RequestDocument,
    RightsRequest,
    SupportRequest,
    TranscriptLine,
)
from tests.flows.helpers import VALID_ID, submit
from tests.support.convo import Convo

NAME, MOBILE = "محمد أحمد العتيبي", "+966501234567"


async def rights_rows(app: App) -> list[RightsRequest]:
    async with app.sessions() as s:
        return list((await s.execute(select(RightsRequest).order_by(RightsRequest.id))).scalars())


async def test_my_data_from_the_menu_shows_the_data_masked(app: App, convo: Convo) -> None:
    await submit(convo)
    out = convo.text(await convo.press("بياناتي"))
    assert NAME in out and "••••••0008" in out and "سلة غذائية" in out
    assert VALID_ID not in out and MOBILE not in out and "0501234567" not in out
    assert "3000" not in out  # the income is sensitive
    assert {"نسخة من بياناتي", "تصحيح بياناتي", "سحب موافقتي", "حذف بياناتي"} <= set(
        convo.labels(await convo.send("x")) or [])  # a typed non-choice repeats the screen
    rows = await rights_rows(app)
    assert [(r.kind, r.status) for r in rows] == [("access", "done")]
    assert rows[0].due_at - rows[0].created_at == dt.timedelta(days=30)


async def test_typed_words_open_my_data_in_both_languages(app: App, convo: Convo) -> None:
    assert "البيانات الشخصية التي تحتفظ بها الجمعية" in convo.text(await convo.send("بياناتي"))
    english = Convo(app, "en1")
    await english.send("hello", locale="en")
    await english.press("I agree")
    assert "personal data the association holds" in english.text(await english.send("My data"))


async def test_a_copy_is_a_text_file_sent_only_to_the_asking_chat(app: App, convo: Convo) -> None:
    await submit(convo)
    other = Convo(app, "stranger")
    await other.send("مرحبا")
    await convo.press("بياناتي")
    await convo.press("نسخة من بياناتي")
    out = await convo.press("نعم")
    assert not [m for m in out if m.file_key]  # nothing before the one-time code
    assert "أرسلنا إليك في هذه المحادثة رمز تحقق" in convo.text(out)
    code = _code(out)
    wrong = "000000" if code != "000000" else "111111"
    assert "المحاولات المتبقية: 2" in convo.text(await convo.send(wrong))
    out = await convo.send(code)
    files = [m for m in out if m.file_key]
    assert len(files) == 1 and files[0].file_name and files[0].file_name.endswith(".txt")
    text = app.services.documents.get(files[0].file_key or "").decode("utf-8")
    assert NAME in text and MOBILE in text and "3000" in text and VALID_ID in text
    assert not [m for m in other.new_messages() if m.file_key]
    assert [r.kind for r in await rights_rows(app)] == ["access", "copy"]
    async with app.sessions() as s:  # the code never reaches the transcript
        lines = (await s.execute(select(TranscriptLine.text))).scalars().all()
    assert not [line for line in lines if code in line]


async def test_a_copy_code_goes_to_the_trusted_channel_not_an_unproven_one(
    app: App, convo: Convo
) -> None:
    await submit(convo)
    convo.new_messages()
    intruder = Convo(app, "intruder")
    await intruder.send("مرحبا")
    await intruder.press("أوافق")
    async with app.sessions() as s, s.begin():  # attached without proof (the old path)
        found = (await s.execute(select(ChannelIdentity))).scalars()
        rows = {i.platform_user_id: i for i in found}
        await identities.link_identity(s, identity=rows["intruder"],
                                       beneficiary_id=rows["u1"].beneficiary_id)
    await intruder.press("بياناتي")
    await intruder.press("نسخة من بياناتي")
    out = intruder.text(await intruder.press("نعم"))
    assert "قناتك المعتمدة" in out and not re.findall(r"\b\d{6}\b", out)
    code = _code(convo.new_messages())  # the owner got it
    guess = "123456" if code != "123456" else "654321"
    assert "المحاولات المتبقية: 2" in intruder.text(await intruder.send(guess))
    assert not [m for m in intruder.new_messages() if m.file_key]


def _code(messages: list) -> str:  # type: ignore[type-arg]
    found = re.findall(r"\b\d{6}\b", Convo.text(messages))
    assert found, "no code was sent"
    return found[-1]


async def test_a_correction_becomes_a_staff_case_and_an_open_request(
        app: App, convo: Convo) -> None:
    await convo.press("بياناتي")
    await convo.press("تصحيح بياناتي")
    out = convo.text(await convo.send("رقم جوالي الصحيح 0559876543"))
    assert "طلب التصحيح رقم" in out and "30" in out
    async with app.sessions() as s:
        case = (await s.execute(select(Escalation))).scalar_one()
        assert case.reason == "rights_correction" and "0559876543" in (case.summary or "")
    row = (await rights_rows(app))[-1]
    assert (row.kind, row.status, row.escalation_id) == ("correction", "open", case.id)


async def test_withdrawing_consent_keeps_questions_answered_and_not_kept(app: App) -> None:
    app.services.faq = load_faq()
    c = Convo(app, "w1")
    await c.send("مرحبا")
    await c.press("أوافق")
    await c.press("بياناتي")
    await c.press("سحب موافقتي")
    out = c.text(await c.press("نعم"))
    assert "سحبنا موافقتك" in out and "لن نحفظ" in out
    async with app.sessions() as s:
        person = (await s.execute(select(Beneficiary))).scalar_one()
        assert person.consent_at is None
    question = "كم ياخذ الطلب عشان ينرد علي؟"
    out = c.text(await c.send(question))
    assert "لا تقل عن أسبوعين" in out and "دون حفظ سؤالك" in out
    async with app.sessions() as s:
        said = list((await s.execute(select(TranscriptLine.text))).scalars())
    assert question not in said
    assert "طلب دعم جديد" not in c.labels(await c.send("القائمة"))  # still no services
    assert [r.kind for r in await rights_rows(app)] == ["access", "withdrawal"]


async def test_declining_at_welcome_still_answers_questions(app: App) -> None:
    app.services.faq = load_faq()
    c = Convo(app, "d1")
    await c.send("مرحبا")
    out = c.text(await c.press("لا أوافق"))
    assert "دون حفظ سؤالك أو أي بيانات شخصية" in out
    out = c.text(await c.send("كم ياخذ الطلب عشان ينرد علي؟"))
    assert "لا تقل عن أسبوعين" in out
    out = c.text(await c.send("ما هو لون السماء في المريخ"))
    assert "لم أجد إجابة" in out
    async with app.sessions() as s:
        said = list((await s.execute(select(TranscriptLine.text))).scalars())
    assert not any("المريخ" in line for line in said)
    assert "طلب دعم جديد" in c.labels(await c.press("أوافق"))


async def test_deletion_keeps_only_what_the_config_requires_and_says_why(
        app: App, convo: Convo) -> None:
    await submit(convo)
    await convo.press("بياناتي")
    out = convo.text(await convo.press("حذف بياناتي"))
    assert "10 سنوات" in out and "للمراجعة والتدقيق" in out
    out = convo.text(await convo.press("نعم"))
    assert "حذفنا بياناتك" in out
    async with app.sessions() as s:
        person = (await s.execute(select(Beneficiary))).scalar_one()
        assert (person.full_name, person.mobile, person.national_id_enc, person.consent_at) == (
            None, None, None, None)
        request = (await s.execute(select(SupportRequest))).scalar_one()
        assert request.full_name == NAME  # kept: privacy.retain_after_deletion.support_requests
        lines = list((await s.execute(select(TranscriptLine.text))).scalars())
        sent = [str(p) for p in (await s.execute(select(OutboxMessage.payload))).scalars()]
    assert len(lines) <= 3 and len(sent) <= 2  # only this very turn's
    assert not any(NAME in text or "0008" in text for text in sent)
    assert not any(NAME in line or "0008" in line for line in lines)
    kinds = [r.kind for r in await rights_rows(app)]
    assert kinds == ["access", "withdrawal", "deletion"]


async def test_deletion_without_retention_anonymises_requests_and_removes_files(
        app: App, convo: Convo) -> None:
    app.services.config = app.services.config.model_copy(
        update={"privacy": PrivacyConfig(retain_after_deletion={})})
    await submit(convo)
    async with app.sessions() as s:
        keys = [d.storage_key for d in (await s.execute(select(RequestDocument))).scalars()
                if d.storage_key]
    folder = app.services.documents.folder
    assert keys and all((folder / k).exists() for k in keys)
    await convo.press("بياناتي")
    out = convo.text(await convo.press("حذف بياناتي"))
    assert "لا شيء" in out
    await convo.press("نعم")
    assert not any((folder / k).exists() for k in keys)
    async with app.sessions() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        assert request.full_name == "-" and request.mobile == "-"
        assert app.services.vault.decrypt(request.national_id_enc) == ""


@pytest.mark.parametrize("lang", ["en"])
async def test_english_deletion_screen_names_the_reason(app: App, lang: str) -> None:
    c = Convo(app, "e2")
    await c.send("hello", locale=lang)
    await c.press("I agree")
    await c.press("My data")
    out = c.text(await c.press("Delete my data"))
    assert "10 years" in out and "must by law be kept for audit" in out


async def test_my_data_names_the_language_not_its_code(app: App, convo: Convo) -> None:
    out = convo.text(await convo.send("بياناتي"))
    assert "اللغة: العربية" in out and "اللغة: ar" not in out
    english = Convo(app, "en2")
    await english.send("hello", locale="en")
    await english.press("I agree")
    out = english.text(await english.send("My data"))
    assert "Language: English" in out and "Language: en" not in out
