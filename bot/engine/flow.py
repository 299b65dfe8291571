"""How a flow is declared: named steps that prompt, validate and move on.

A step's `prompt` builds what the beneficiary sees on entering it; its `handle` reads one
answer and returns a Transition. Flows return replies through the context; they never send.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.messages import Choice, Inbound, Outbound
from bot.validation import Invalid

if TYPE_CHECKING:
    from bot.engine.context import Ctx


@dataclass(frozen=True)
class Goto:
    """Move to another step of the same flow."""

    step: str


@dataclass(frozen=True)
class Retry:
    """The answer was refused: explain why and ask the same question again."""

    error: Invalid


@dataclass(frozen=True)
class Finish:
    """The flow is over; show the main menu unless told not to."""

    show_menu: bool = True


@dataclass(frozen=True)
class StartFlow:
    """Leave this flow and start another one."""

    flow: str


Transition = Goto | Retry | Finish | StartFlow
Prompt = Callable[["Ctx"], Outbound | Awaitable[Outbound]]
Handler = Callable[["Ctx", Inbound], Awaitable[Transition]]
Next = str | Callable[["Ctx"], str]


@dataclass
class Step:
    """One question of a flow."""

    id: str
    prompt: Prompt
    handle: Handler
    sensitive: bool = False  # answers are redacted from transcripts
    choices: Callable[[Ctx], list[Choice]] | None = None  # for matching typed answers


@dataclass
class Flow:
    """A named set of steps with a first step."""

    id: str
    start: str
    steps: dict[str, Step] = field(default_factory=dict)
    on_start: Callable[[Ctx], Awaitable[Transition | None]] | None = None
    keeps_draft: bool = False  # answers survive leaving the flow, to resume later
    payload_prefixes: tuple[str, ...] = ()  # ids of notice buttons that start this flow
    commands: tuple[str, ...] = ()  # global commands this flow answers (see codec.py)
    before_consent: bool = False  # may run before the person consents (asking for a person)
    screen: bool = False  # only shows things: resuming after a pause opens the menu instead
    # The storage keys of the files a set of this flow's answers holds (deleted once the
    # answers are thrown away and nothing refers to them: no orphan on disk).
    files: Callable[[dict[str, Any]], list[str]] | None = None

    def add(self, step: Step) -> Step:
        """Register a step; ids are unique within the flow."""
        if step.id in self.steps:
            raise ValueError(f"duplicate step {step.id} in flow {self.id}")
        self.steps[step.id] = step
        return step
