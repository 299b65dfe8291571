"""Command-line helpers for the knowledge base: ask, check, reload, gap report."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import load_cli_settings, run_async
from faq.gaps import GapRow, group_gaps, write_gaps_csv
from faq.kb import DEFAULT_FOLDER, KnowledgeBase
from faq.model import FaqResult, KnowledgeError


def load_gap_rows() -> list[GapRow]:
    """Knowledge gaps (question, reason, entry id) logged by the running bot, from its database."""
    from app.wiring import build_app
    from bot.repo import feedback

    settings = load_cli_settings()

    async def main() -> list[GapRow]:
        bot = await build_app(settings, faq=None)
        try:
            async with bot.sessions() as session:
                return await feedback.gap_rows(session)
        finally:
            await bot.close()

    return run_async(main)  # type: ignore[no-any-return]


def _load(folder: Path) -> KnowledgeBase | None:
    """The knowledge base, or None after printing why it is invalid."""
    try:
        return KnowledgeBase.load(folder)
    except KnowledgeError as exc:
        typer.echo(exc, err=True)
        return None


def result_dict(result: FaqResult, lang: str) -> dict[str, Any]:
    """One result as the JSON object printed by `ask --json`."""
    best = result.best
    answered = result.kind == "answer" and best is not None
    # the question's own language (result.lang) decides; `lang` only stands in for a bad one
    lang = result.lang if result.lang in ("ar", "en") else lang
    return {
        "question": result.query,
        "language": lang,
        "entry_id": best.entry.id if answered and best else None,
        "score": best.score if best else 0.0,
        "answer": best.entry.answer[lang] if answered and best else None,
        "source": best.entry.source[lang] if answered and best else None,
        "kind": result.kind,
        "suggestions": [
            {"entry_id": m.entry.id, "question": m.entry.question[lang], "score": m.score}
            for m in result.matches
        ]
        if result.kind == "suggest"
        else [],
    }


def _print_block(row: dict[str, Any]) -> None:
    """Human-readable output for one question."""
    if row["entry_id"]:
        typer.echo(f"{row['entry_id']}  (score {row['score']:.2f})\n{row['answer']}\n"
                   f"— {row['source']}")
    elif row["suggestions"]:
        typer.echo(f"suggest (score {row['score']:.2f}):")
        for s in row["suggestions"]:
            typer.echo(f"  {s['entry_id']}  {s['score']:.2f}  {s['question']}")
    else:
        typer.echo("unknown: the bot would say it does not know and offer a person")


def _print_line(row: dict[str, Any]) -> None:
    """Human-readable output for one question on one line (stdin mode)."""
    if row["entry_id"]:
        answer = " / ".join(row["answer"].splitlines())
        typer.echo(f"{row['question']}\t{row['entry_id']}\t{row['score']:.2f}\t{answer}")
    else:
        ids = ",".join(s["entry_id"] for s in row["suggestions"]) or "-"
        typer.echo(f"{row['question']}\t{row['kind']}:{ids}\t{row['score']:.2f}\t")


def ask_command(
    question: str | None, lang: str = "ar", as_json: bool = False, folder: Path = DEFAULT_FOLDER
) -> int:
    """Print what the bot would answer; without a question, read one per line from stdin."""
    kb = _load(folder)
    if kb is None:
        return 1
    single = question is not None
    questions = [question] if single else (line.strip() for line in sys.stdin)
    for text in questions:
        if not text:
            continue
        row = result_dict(kb.ask(text, lang), lang)
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        elif single:
            _print_block(row)
        else:
            _print_line(row)
    return 0


def check_command(folder: Path = DEFAULT_FOLDER) -> int:
    """Print every problem in the knowledge folder; exit code 1 if there is any."""
    problems = KnowledgeBase.check(folder)
    for problem in problems:
        typer.echo(problem)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        return 1
    typer.echo(f"OK: {len(KnowledgeBase.load(folder).entries)} entries in {folder}")
    return 0


def gaps_report(rows: Iterable[GapRow], out: Path) -> int:
    """Group (question, reason[, entry]) gap rows, write them to CSV; return the group count."""
    groups = group_gaps(rows)
    write_gaps_csv(groups, out)
    return len(groups)


FolderOpt = Annotated[Path, typer.Option("--folder", help="Knowledge folder.")]
knowledge_app = typer.Typer(help="Manage the FAQ knowledge base.", no_args_is_help=True)


@knowledge_app.command("check")
def check_cli(folder: FolderOpt = DEFAULT_FOLDER) -> None:
    """Validate the knowledge files and list every problem."""
    raise typer.Exit(check_command(folder))


@knowledge_app.command("reload")
def reload_cli(folder: FolderOpt = DEFAULT_FOLDER) -> None:
    """Validate the files; running bots pick up valid changes by themselves."""
    code = check_command(folder)
    if code == 0:
        typer.echo("Running bots reload changed knowledge files by themselves (file watch).")
    else:
        typer.echo("Running bots keep the previous knowledge until these problems are fixed.")
    raise typer.Exit(code)


@knowledge_app.command("gaps")
def gaps_cli(out: Annotated[Path, typer.Option("--out", help="CSV file to write.")]) -> None:
    """Write the knowledge-gap report (unanswered, unhelpful, picked from "did you mean")."""
    count = gaps_report(load_gap_rows(), out)
    typer.echo(f"{count} gap group(s) written to {out}")


def ask_cli(
    question: Annotated[str | None, typer.Argument(help="Question; stdin if absent.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="ar or en.")] = "ar",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    folder: FolderOpt = DEFAULT_FOLDER,
) -> None:
    """Show what the bot would answer to a question (or to each line of stdin)."""
    raise typer.Exit(ask_command(question, lang, as_json, folder))
