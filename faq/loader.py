"""Read knowledge entries from YAML files and validate them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from faq.model import GUIDES, LANGS, FaqEntry
from faq.normalize import normalize_arabic

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")
KEYS = {"id", "question", "answer", "source", "paraphrases", "related"}
REQUIRED = ("id", "question", "answer", "source")


def knowledge_files(folder: Path) -> list[Path]:
    """YAML files under the folder, sorted, skipping hidden files and folders."""
    files = [*folder.rglob("*.yaml"), *folder.rglob("*.yml")]
    return sorted(
        p for p in files if not any(s.startswith(".") for s in p.relative_to(folder).parts)
    )


def _bilingual(value: Any, what: str, problems: list[str]) -> dict[str, str]:
    """A {lang: non-empty text} mapping with every language, or problems."""
    if not isinstance(value, dict):
        problems.append(f"{what} must map each language ({', '.join(LANGS)}) to a text")
        return {}
    out: dict[str, str] = {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{what} is missing language '{lang}'")
        else:
            out[lang] = text.strip()
    for lang in set(value) - set(LANGS):
        problems.append(f"{what} has unknown language '{lang}'")
    return out


def _source(value: Any, problems: list[str]) -> dict[str, str]:
    """Render {guide, section: {ar, en}} into {lang: "guide، section"}."""
    if not isinstance(value, dict) or value.get("guide") not in GUIDES:
        problems.append(f"source.guide must be one of: {', '.join(GUIDES)}")
        return {}
    names = GUIDES[value["guide"]]
    section = _bilingual(value.get("section"), "source.section", problems)
    if not section:
        return {}
    return {"ar": f"{names[0]}، {section['ar']}", "en": f"{names[1]}, {section['en']}"}


def _paraphrases(value: Any, problems: list[str]) -> dict[str, list[str]]:
    """A {lang: [text, ...]} mapping; may be empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append("paraphrases must map languages to lists of texts")
        return {}
    out: dict[str, list[str]] = {}
    for lang, items in value.items():
        if lang not in LANGS:
            problems.append(f"paraphrases has unknown language '{lang}'")
        elif not isinstance(items, list) or not all(
            isinstance(s, str) and s.strip() for s in items
        ):
            problems.append(f"paraphrases.{lang} must be a list of non-empty texts")
        else:
            out[lang] = [s.strip() for s in items]
    return out


def parse_entry(raw: Any) -> tuple[FaqEntry | None, list[str]]:
    """Build one entry from its YAML mapping; return it (or None) and its problems."""
    if not isinstance(raw, dict):
        return None, ["an entry must be a mapping with id, question, answer, source"]
    problems = [f"missing '{key}'" for key in REQUIRED if key not in raw]
    problems += [f"unknown key '{key}'" for key in sorted(set(raw) - KEYS, key=str)]
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        problems.append("id must be lower-case letters, digits and '-'")
    question = _bilingual(raw.get("question"), "question", problems)
    answer = _bilingual(raw.get("answer"), "answer", problems)
    source = _source(raw.get("source"), problems)
    paraphrases = _paraphrases(raw.get("paraphrases"), problems)
    related = raw.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        problems.append("related must be a list of entry ids")
        related = []
    if problems:
        return None, problems
    entry = FaqEntry(str(entry_id), question, answer, source, paraphrases, tuple(related))
    return entry, []


def read_folder(folder: Path) -> tuple[dict[str, FaqEntry], list[str]]:
    """All entries of the folder and every problem found, each as 'file: id: problem'."""
    if not folder.is_dir():
        return {}, [f"{folder}: knowledge folder not found"]
    entries: dict[str, FaqEntry] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for path in knowledge_files(folder):
        name = str(path.relative_to(folder))
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{name}: -: not valid YAML: {exc}".replace("\n", " "))
            continue
        for raw in data if isinstance(data, list) else [data]:
            rid = raw.get("id", "?") if isinstance(raw, dict) else "?"
            entry, found = parse_entry(raw)
            problems += [f"{name}: {rid}: {p}" for p in found]
            if entry is None:
                continue
            if entry.id in entries:
                problems.append(f"{name}: {entry.id}: duplicate id (also in {origin[entry.id]})")
                continue
            entries[entry.id], origin[entry.id] = entry, name
    problems += _cross_checks(entries, origin)
    if not entries and not problems:
        problems.append(f"{folder}: no knowledge entries found")
    return entries, problems


def _cross_checks(entries: dict[str, FaqEntry], origin: dict[str, str]) -> list[str]:
    """Related ids that exist, and no question text shared by two entries."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for entry in entries.values():
        where = f"{origin[entry.id]}: {entry.id}"
        for rel in entry.related:
            if rel == entry.id:
                problems.append(f"{where}: related lists the entry itself")
            elif rel not in entries:
                problems.append(f"{where}: related id '{rel}' does not exist")
        texts = [*entry.question.values(), *(p for ps in entry.paraphrases.values() for p in ps)]
        for text in texts:
            key = normalize_arabic(text).strip(" ?.!,")
            other = seen.setdefault(key, entry.id)
            if other != entry.id:
                problems.append(f"{where}: question '{text}' is also used by entry '{other}'")
    return problems
