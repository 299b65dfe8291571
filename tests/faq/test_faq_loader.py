"""Validation of knowledge files: what staff get told when an entry is wrong."""

from __future__ import annotations

import pytest

from faq import DEFAULT_FOLDER, KnowledgeBase, KnowledgeError


def test_repository_knowledge_is_valid() -> None:
    """The shipped knowledge folder has no problems."""
    assert KnowledgeBase.check(DEFAULT_FOLDER) == []


def test_valid_folder_loads(write_folder, entry) -> None:
    """Two valid entries that refer to each other load."""
    folder = write_folder({"a.yaml": entry("aa", ["bb"]), "b.yaml": entry("bb", ["aa"])})
    assert set(KnowledgeBase.load(folder).entries) == {"aa", "bb"}
    assert KnowledgeBase.check(folder) == []


def test_duplicate_id(write_folder, entry) -> None:
    """The same id in two files is reported with both file names."""
    folder = write_folder({"a.yaml": entry("aa"), "b.yaml": entry("aa")})
    problems = KnowledgeBase.check(folder)
    assert any("duplicate id" in p and "a.yaml" in p and "b.yaml" in p for p in problems)


def test_missing_language(write_folder, entry) -> None:
    """An answer without English is reported with file and id."""
    bad = entry("aa", answer={"ar": "الجواب."})
    problems = KnowledgeBase.check(write_folder({"a.yaml": bad}))
    assert problems == ["a.yaml: aa: answer is missing language 'en'"]


def test_unknown_related_id(write_folder, entry) -> None:
    """A related id that no entry has is reported."""
    problems = KnowledgeBase.check(write_folder({"a.yaml": entry("aa", ["nope"])}))
    assert problems == ["a.yaml: aa: related id 'nope' does not exist"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (None, "not valid YAML"),
        ({"answr": {"ar": "x", "en": "y"}}, "unknown key 'answr'"),
        ({"id": "Bad Id"}, "id must be"),
        ({"source": {"guide": "newspaper", "section": {"ar": "x", "en": "y"}}}, "guide"),
        ({"paraphrases": {"ar": "not a list"}}, "paraphrases.ar"),
        ({"related": ["aa"]}, "itself"),
    ],
)
def test_other_problems(write_folder, entry, change: dict | None, fragment: str) -> None:
    """Broken YAML, unknown keys, bad ids, unknown guides, bad lists, self-links."""
    content = "id: [unclosed" if change is None else entry("aa", **change)
    problems = KnowledgeBase.check(write_folder({"a.yaml": content}))
    assert any(fragment in p for p in problems), problems


def test_same_question_in_two_entries(write_folder, entry) -> None:
    """A paraphrase shared by two entries makes the answer ambiguous: reported."""
    one = entry("aa", paraphrases={"ar": ["كيف أقدم؟"]})
    two = entry("bb", paraphrases={"ar": ["كيف اقدم"]})
    problems = KnowledgeBase.check(write_folder({"a.yaml": one, "b.yaml": two}))
    assert any("also used by entry 'aa'" in p for p in problems)


def test_load_raises_with_file_and_id(write_folder, entry) -> None:
    """load() refuses invalid content and says where."""
    with pytest.raises(KnowledgeError, match=r"a\.yaml: aa: related id 'zz'"):
        KnowledgeBase.load(write_folder({"a.yaml": entry("aa", ["zz"])}))


def test_missing_folder(tmp_path) -> None:
    """A folder that does not exist is a problem, not a crash."""
    assert "not found" in KnowledgeBase.check(tmp_path / "nothing")[0]


def test_source_is_rendered_in_both_languages(kb) -> None:
    """The source names the guide and the section in each language."""
    source = kb.entries["duration"].source
    assert source["ar"].startswith("سياسة تنظيم العلاقة مع المستفيدين، ")
    assert "step 5" in source["en"]
    assert kb.entries["duration"].text("ar").endswith(source["ar"])
