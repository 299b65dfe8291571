"""Editing the knowledge folder from a form: raw entries, the same checks, atomic writes.

The YAML files stay the single source of truth. A change is checked by running the folder's
own check (`read_folder`, as `python -m bot knowledge check`) on a copy of the folder with the
change applied; only a clean result is written back, atomically (a hidden temporary file in
the same folder, then a rename), so a running bot never reads half a file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from faq.loader import knowledge_files, parse_entry, read_folder


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, like the hand-written files."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: Any) -> str:
    """YAML text of an entry (or a list of entries), Arabic kept readable."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def raw_entries(folder: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Every entry's raw mapping by id, with the file it lives in (unreadable files skipped)."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in knowledge_files(folder):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for raw in data if isinstance(data, list) else [data]:
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                found.setdefault(raw["id"], (path, raw))
    return found


def _new_content(path: Path, raw: dict[str, Any]) -> str:
    """The file's text with the entry of the same id replaced (or the entry alone)."""
    if not path.exists():
        return dump(raw)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return dump([raw if isinstance(r, dict) and r.get("id") == raw["id"] else r
                     for r in data])
    return dump(raw)


def write_atomically(path: Path, text: str) -> None:
    """Replace a file in one step: a hidden temporary file beside it, synced, then renamed."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def version(raw: dict[str, Any]) -> str:
    """A short fingerprint of an entry as stored, to notice an edit made meanwhile."""
    return hashlib.sha256(dump(raw).encode()).hexdigest()[:16]


def save_entry(folder: Path, raw: dict[str, Any], *, new: bool,
               base_version: str | None = None) -> list[str]:
    """Check an entry with the whole folder and write it; the problems, empty when saved.

    `new` refuses an id that exists already; an edit must name an existing id and, with
    `base_version`, must start from the entry as it is stored now. Saves from several
    processes take turns (a lock file beside the entries).
    """
    entry, problems = parse_entry(raw)
    if entry is None:
        return problems
    with (folder / ".edit.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _save_locked(folder, raw, entry.id, new=new, base_version=base_version)


def _save_locked(folder: Path, raw: dict[str, Any], entry_id: str, *, new: bool,
                 base_version: str | None) -> list[str]:
    existing = raw_entries(folder)
    if new and entry_id in existing:
        return [f"{entry_id}: id already used by {existing[entry_id][0].name}"]
    if not new and entry_id not in existing:
        return [f"{entry_id}: no such entry"]
    if not new and base_version and version(existing[entry_id][1]) != base_version:
        return [f"{entry_id}: changed by someone else since you opened it; "
                "open it again to see the change"]
    path = existing[entry_id][0] if not new else folder / f"{entry_id}.yaml"
    if new and path.exists():
        return [f"{path.name}: a file of that name exists already"]
    text = _new_content(path, raw)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "knowledge"
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".*"))
        (copy / path.relative_to(folder)).write_text(text, encoding="utf-8")
        problems = read_folder(copy)[1]
    if problems:
        return problems
    write_atomically(path, text)
    return []
