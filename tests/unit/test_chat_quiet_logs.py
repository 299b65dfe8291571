"""`make chat` is a conversation: the bot's routine INFO log lines (uploads cleaned up, the
scheduler's jobs) do not interleave with it; GHIMAR_LOG_LEVEL still turns them back on."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_cli import run

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def answers(folder: Path) -> str:
    """A whole request with both documents uploaded (the turn after cleans up uploads)."""
    folder.mkdir(parents=True)
    photo = folder / "id.png"
    photo.write_bytes(PNG)
    return "\n".join(["1", "1", "محمد أحمد العتيبي", "1000000008", "0501234567", "1", "5",
                      "٣٠٠٠", "2", "أسرة من خمسة أفراد بحاجة إلى سلة غذائية",
                      f"/file {photo}", f"/file {photo}", "1", "1", "محمد أحمد العتيبي"]) + "\n"


def test_a_chat_shows_no_info_lines_unless_asked(tmp_path: Path) -> None:
    quiet = run(["chat", "--user", "demo1"], tmp_path / "quiet", answers(tmp_path / "q"))
    assert quiet.returncode == 0, quiet.stderr
    assert "GH-2026-000001" in quiet.stdout.replace("\u2068", "").replace("\u2069", "")
    assert " INFO " not in quiet.stderr, quiet.stderr
    asked = run(["chat", "--user", "demo1"], tmp_path / "asked", answers(tmp_path / "a"),
                GHIMAR_LOG_LEVEL="INFO")
    assert asked.returncode == 0, asked.stderr
    assert " INFO " in asked.stderr
