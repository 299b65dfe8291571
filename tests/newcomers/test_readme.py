"""The README as a reader of a fresh clone uses it (issue 19)."""

from __future__ import annotations

import re

from bot.settings import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_links_and_paths_resolve_inside_the_repository() -> None:
    targets = re.findall(r"\]\(([^)#]+)\)", README) + re.findall(r"`(\.\./[^`]+)`", README)
    assert targets, "the README links to the policy"
    for target in targets:
        if target.startswith("http"):
            continue
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT.resolve()) and path.exists(), target
    policy = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    assert "مسؤول البحث الاجتماعي" in policy and "social-research officer" in policy


def test_shell_commands_use_the_installed_interpreter() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    bare = [line for line in lines if re.match(r"\s*python3? -m ", line)]
    assert not bare
    assert ".venv/bin/python -m bot" in README


def test_layout_table_lists_every_top_level_folder() -> None:
    table = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    folders = sorted(p.name for p in ROOT.iterdir()
                     if p.is_dir() and not p.name.startswith(".") and p.name != "ghimar-data"
                     and not p.name.endswith(".egg-info") and p.name != "__pycache__")
    for name in folders:
        assert f"| `{name}/` |" in table, name
    assert "so far" not in table


def test_the_website_the_readme_presents_is_a_channel_that_starts() -> None:
    """Issue 19 asked the README not to promise a website chat that did not exist; issue 16
    built it, so the README presents it and `run` knows the channel it names."""
    from app.channels import channel_factory

    intro = README.split("## Two commands", 1)[0]
    assert "website" in intro and "planned" not in intro
    assert "**Website** (`handlers/webchat/`, `GHIMAR_CHANNELS=web`)" in README
    assert callable(channel_factory("web"))
