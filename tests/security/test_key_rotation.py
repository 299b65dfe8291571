"""`python -m bot keys rotate`: everything re-encrypted under a new key, resumable, and the
one-off encryption of values stored in clear before encryption existed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text

from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.repo import requests as requests_repo
from bot.security.crypto import SecretKeyError, Vault
from bot.security.rotation import DOCUMENTS, rotate_all
from bot.settings import Settings
from models import Beneficiary, Declaration, RequestDocument, SupportRequest, TranscriptLine
from tests.conftest import TEST_KEY
from tests.flows.helpers import VALID_ID, submit
from tests.security.conftest import data_settings
from tests.security.test_nothing_in_clear import (
    MOBILE_TYPED,
    NAME,
    NATIONAL_ID,
    file_request,
    leaks,
)
from tests.support.convo import Convo
from tests.unit.test_cli import run

NEW_KEY = "a-brand-new-secret-key-for-ghimar-desk-987654"


class Interrupted(Exception):
    """Raised by the test's progress callback to stop a rotation half-way."""


async def filed(data_dir: Path, clock: FrozenClock) -> None:
    """A full request under the old key, then the app closed."""
    bot = await build_app(data_settings(data_dir), clock=clock, faq=None)
    await file_request(Convo(bot, "u-rot"))
    await bot.close()


async def rotate(data_dir: Path, clock: FrozenClock, **kwargs: object) -> dict[str, int]:
    """Rotate from TEST_KEY to NEW_KEY as the command does."""
    bot = await build_app(data_settings(data_dir, NEW_KEY), clock=clock, faq=None)
    try:
        vault = Vault(NEW_KEY, old_secrets=(TEST_KEY,))
        return await rotate_all(bot.db, vault, documents=bot.services.documents.folder,
                                **kwargs)  # type: ignore[arg-type]
    finally:
        await bot.close()


async def assert_readable(bot: App) -> None:
    """Every encrypted value, hash and document reads back under the app's key."""
    vault = bot.services.vault
    async with bot.sessions() as s:
        request = (await s.execute(select(SupportRequest))).scalar_one()
        assert request.full_name == NAME and request.mobile == "+966559387214"
        assert vault.decrypt(request.national_id_enc) == NATIONAL_ID
        assert request.national_id_hash == vault.lookup_hash(NATIONAL_ID)
        found = await requests_repo.by_mobile_hash(s, mobile_hash=vault.lookup_hash(
            "+966559387214"))
        assert [r.id for r in found] == [request.id]
        person = (await s.execute(select(Beneficiary))).scalar_one()
        assert person.mobile_hash == vault.lookup_hash("+966559387214")
        assert (await s.execute(select(Declaration))).scalar_one().signed_name == NAME
        lines = (await s.execute(select(TranscriptLine))).scalars().all()
        assert any(line.text == MOBILE_TYPED for line in lines)
        docs = (await s.execute(select(RequestDocument))).scalars().all()
        keys = [d.storage_key for d in docs if d.storage_key]
        assert len(keys) == 2
        assert all(bot.services.documents.get(k) for k in keys)
    again = Convo(bot, "u-rot")  # the conversation state decrypts too
    await again.send("القائمة")
    out = Convo.text(await again.press("حالة طلباتي"))
    assert "GH-2026-" in out


async def test_rotation_moves_everything_to_the_new_key(data_dir: Path, clock: FrozenClock
                                                        ) -> None:
    await filed(data_dir, clock)
    changed = await rotate(data_dir, clock)
    assert changed["supportrequest"] == 1 and changed[DOCUMENTS] == 2
    assert changed["transcriptline"] > 10 and changed["outboxmessage"] > 10
    bot = await build_app(data_settings(data_dir, NEW_KEY), clock=clock, faq=None)
    try:
        await assert_readable(bot)
    finally:
        await bot.close()
    again = await rotate(data_dir, clock)  # idempotent: nothing left under the old key
    assert set(again.values()) == {0}
    old = await build_app(data_settings(data_dir, TEST_KEY), clock=clock, faq=None)
    try:
        with pytest.raises(SecretKeyError):
            async with old.sessions() as s:
                (await s.execute(select(SupportRequest.full_name))).scalar_one()
    finally:
        await old.close()


async def test_an_interrupted_rotation_resumes(data_dir: Path, clock: FrozenClock) -> None:
    await filed(data_dir, clock)
    calls: list[tuple[str, int]] = []

    def stop_after_one_batch(table: str, n: int) -> None:
        calls.append((table, n))
        if table == "transcriptline":
            raise Interrupted

    with pytest.raises(Interrupted):
        await rotate(data_dir, clock, batch=5, progress=stop_after_one_batch)
    async with (bot := await build_app(data_settings(data_dir, NEW_KEY), clock=clock,
                                       faq=None)).db.connect() as conn:
        marker = (await conn.execute(text(
            "SELECT last_id FROM keyrotation WHERE table_name = 'transcriptline'"))).scalar()
        first_five = (await conn.execute(text(
            "SELECT text FROM transcriptline ORDER BY id LIMIT 5"))).scalars().all()
    await bot.close()
    assert marker == 5  # the first batch is committed with its progress marker
    resumed = await rotate(data_dir, clock, batch=5)
    assert resumed["transcriptline"] > 0 and resumed["beneficiary"] == 0  # done before
    bot = await build_app(data_settings(data_dir, NEW_KEY), clock=clock, faq=None)
    try:
        async with bot.db.connect() as conn:
            again = (await conn.execute(text(
                "SELECT text FROM transcriptline ORDER BY id LIMIT 5"))).scalars().all()
            left = (await conn.execute(text("SELECT count(*) FROM keyrotation"))).scalar()
        assert again == first_five and left == 0  # not re-encrypted twice; markers cleared
        await assert_readable(bot)
    finally:
        await bot.close()


async def test_values_stored_in_clear_before_are_encrypted_once(
    data_dir: Path, clock: FrozenClock
) -> None:
    await filed(data_dir, clock)
    bot = await build_app(data_settings(data_dir), clock=clock, faq=None)
    async with bot.db.begin() as conn:  # as an old database holds them
        await conn.execute(text("UPDATE beneficiary SET mobile = '+966559387214', "
                                "full_name = :n, mobile_hash = NULL"), {"n": NAME})
    async with bot.sessions() as s:  # still readable before the re-encryption
        assert (await s.execute(select(Beneficiary))).scalar_one().full_name == NAME
    changed = await rotate_all(bot.db, bot.services.vault, documents=None)
    assert changed["beneficiary"] == 1 and changed["supportrequest"] == 0
    async with bot.db.connect() as conn:
        raw = (await conn.execute(text("SELECT full_name, mobile_hash FROM beneficiary"))).one()
    assert raw.full_name.startswith("gAAAAA")
    assert raw.mobile_hash == bot.services.vault.lookup_hash("+966559387214")
    await bot.close()
    assert leaks(data_dir) == []  # the old clear values are not left in freed pages either


def test_the_command_rotates_the_generated_key_file(tmp_path: Path) -> None:
    """`make chat` data (key in secret.key) rotated to GHIMAR_SECRET_KEY from the shell."""
    answers = ["1", "1", "محمد أحمد العتيبي", "1000000008", "0501234567", "1", "5", "٣٠٠٠",
               "2", "أسرة من خمسة أفراد بحاجة إلى سلة غذائية", "1", "1", "1", "1",
               "محمد أحمد العتيبي"]
    assert run(["chat", "--user", "demo1"], tmp_path, "\n".join(answers) + "\n").returncode == 0
    key_file = tmp_path / "data" / "secret.key"
    refused = run(["keys", "rotate"], tmp_path, GHIMAR_SECRET_KEY=NEW_KEY)
    assert refused.returncode == 2 and "old key" in refused.stderr  # nothing half-done
    rotated = run(["keys", "rotate", "--old-key-file", str(key_file)], tmp_path,
                  GHIMAR_SECRET_KEY=NEW_KEY)
    assert rotated.returncode == 0, rotated.stderr
    assert "supportrequest: 1 re-encrypted" in rotated.stdout
    status = run(["chat", "--user", "demo1"], tmp_path, "2\n", GHIMAR_SECRET_KEY=NEW_KEY)
    assert status.returncode == 0, status.stderr
    assert "GH-2026-000001" in status.stdout.replace("\u2068", "").replace("\u2069", "")


async def test_rotation_on_sqlite_and_postgresql(app: App, convo: Convo, settings: Settings,
                                                 clock: FrozenClock) -> None:
    await submit(convo)
    changed = await rotate_all(app.db, Vault(NEW_KEY, old_secrets=(TEST_KEY,)),
                               documents=app.services.documents.folder, batch=7)
    assert changed["supportrequest"] == 1 and changed[DOCUMENTS] == 2
    rotated = await build_app(settings.model_copy(update={"secret_key": SecretStr(NEW_KEY)}),
                              clock=clock, faq=None, migrate=False)
    try:
        vault = rotated.services.vault
        async with rotated.sessions() as s:
            found = await requests_repo.by_mobile_hash(s, mobile_hash=vault.lookup_hash(
                "+966501234567"))
            assert [r.full_name for r in found] == ["محمد أحمد العتيبي"]
            assert found[0].national_id_hash == vault.lookup_hash(VALID_ID)
            lines = (await s.execute(select(TranscriptLine))).scalars().all()
            assert lines and all(line.text for line in lines)
    finally:
        await rotated.close()
