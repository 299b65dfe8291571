"""Fixtures of the FAQ tests: the real knowledge base and small knowledge folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from faq import DEFAULT_FOLDER, KnowledgeBase

HERE = Path(__file__).parent


def entry(entry_id: str, related: list[str] | None = None, **extra: object) -> dict:
    """A valid entry mapping, to be altered by a test."""
    data = {
        "id": entry_id,
        "question": {"ar": f"سؤال عن {entry_id}؟", "en": f"A question about {entry_id}?"},
        "paraphrases": {"ar": [f"صيغة اخرى {entry_id}"], "en": [f"another way {entry_id}"]},
        "answer": {"ar": "الجواب.", "en": "The answer."},
        "source": {"guide": "policy", "section": {"ar": "الخطوة 5", "en": "step 5"}},
        "related": related or [],
    }
    data.update(extra)
    return data


@pytest.fixture(name="entry")
def entry_fixture() -> Callable[..., dict]:
    """The entry() builder, as a fixture so tests need no import of this module."""
    return entry


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The repository's knowledge base on its lexical path (the recorded baselines' path)."""
    return KnowledgeBase.load(DEFAULT_FOLDER, embedder=None)


@pytest.fixture
def write_folder(tmp_path: Path) -> Callable[[dict[str, object]], Path]:
    """Write {file name: entry mapping or raw text} into a fresh knowledge folder."""

    def write(files: dict[str, object]) -> Path:
        folder = tmp_path / "knowledge"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            if not isinstance(content, str):
                content = yaml.safe_dump(content, allow_unicode=True)
            text = content
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write
