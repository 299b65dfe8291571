"""A decision's reason from the console's form: typed words, else one of the committee's
templates of that decision (a template of the other decision is refused)."""

from __future__ import annotations

from typing import Any

from bot.config import ReasonTemplates
from bot.text import clean


class WrongTemplate(ValueError):
    """The chosen template is not one of the pressed decision's."""


def reason_of(templates: ReasonTemplates, form: Any, decision: str) -> str:
    """The typed reason, else the chosen template's Arabic text ("" when neither); a template's
    value is `decision:index` ("rejected:1") and must belong to `decision`."""
    typed = clean(str(form.get("reason", "")))
    value = clean(str(form.get("template", "")))
    if not value:
        return typed
    kind, _, index = value.partition(":")
    choices = templates.of(decision)
    if kind != decision or not index.isdigit() or int(index) >= len(choices):
        raise WrongTemplate(value)
    return typed or choices[int(index)].ar
