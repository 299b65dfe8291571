"""The text catalogue: both languages complete, every id used in code defined."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import load_config
from bot.i18n import Catalog
from bot.settings import ROOT

CODE_DIRS = ["app", "bot", "conversations", "desk", "faq", "handlers"]


def test_both_languages_define_the_same_ids() -> None:
    catalog = Catalog()
    assert catalog.message_ids("ar") == catalog.message_ids("en")


def test_every_literal_id_in_code_exists() -> None:
    catalog = Catalog()
    used: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"""(?:\.t|say|Invalid)\(\s*"([a-z][a-z0-9_-]+)\"""", source))
            used |= set(re.findall(r"""\"((?:ask|err)-[a-z0-9-]+)\"""", source))
    assert len(used) > 50
    used -= {"ar", "en"}  # catalog.t("ar", key): the language, not a message id
    missing = sorted(k for k in used if not catalog.has("ar", k))
    assert missing == []


def test_every_config_id_has_a_label() -> None:
    catalog = Catalog()
    config = load_config(ROOT / "config.yaml")
    keys = [f"branch-{b}" for b in config.branches]
    keys += [f"support-type-{t.id}" for t in config.support_types]
    keys += [f"document-{d.id}" for t in config.support_types for d in t.documents]
    for lang in ("ar", "en"):
        assert [k for k in keys if not catalog.has(lang, k)] == []


def test_arabic_placeables_are_isolated_for_rtl() -> None:
    text = Catalog().t("ar", "submitted", reference="GH-2026-000001", days=14)
    assert "\u2068GH-2026-000001\u2069" in text
    assert "\u2068" not in Catalog().t("en", "submitted", reference="GH-2026-000001", days=14)


def test_missing_id_falls_back_without_crashing() -> None:
    assert Catalog().t("ar", "no-such-message") == "no-such-message"
    assert Path(ROOT / "locales" / "ar").is_dir()


def test_every_request_status_and_channel_has_a_label() -> None:
    from typing import get_args

    from bot.config import Channel
    from models import RequestStatus

    catalog = Catalog()
    keys = [f"request-status-{s.value}" for s in RequestStatus]
    keys += [f"channel-{c}" for c in get_args(Channel)]  # in sentences
    keys += [f"channel-name-{c}" for c in get_args(Channel)]  # as labels (reports)
    for lang in ("ar", "en"):
        assert [k for k in keys if not catalog.has(lang, k)] == []


def test_a_message_defined_twice_is_refused(tmp_path: Path) -> None:
    for lang in ("ar", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.ftl").write_text("greeting = one\n", encoding="utf-8")
    (tmp_path / "en" / "b.ftl").write_text("greeting = two\n", encoding="utf-8")
    with pytest.raises(ValueError, match="greeting is already defined"):
        Catalog(tmp_path)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_long_argument_is_kept_whole(lang: str) -> None:
    """Fluent refuses a placeable over 2,500 characters ("{???}"): a staff reply or a
    beneficiary's message of up to 4,096 characters must still arrive whole."""
    catalog = Catalog()
    text = "الجزء الأول من الرد. " * 190 + "THE END"  # ~4,000 characters
    reply = catalog.t(lang, "staff-reply", role="officer", text=text)
    assert text in reply
    assert "{???}" not in reply
    assert "officer" in reply
