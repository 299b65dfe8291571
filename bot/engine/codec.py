"""Which flow a button's payload or a global command starts, as the flows declare it.

The engine owns navigation (`nav:` payloads) and its own commands (menu, start, cancel, back,
help, resume, `lang:xx`); every other payload prefix and command belongs to the flow that
declares it (`Flow.payload_prefixes`, `Flow.commands`). The runner asks this one object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.engine.flow import Flow
from bot.engine.matching import NAV_PREFIX

ENGINE_COMMANDS = frozenset({"menu", "start", "cancel", "back", "help", "resume"})


@dataclass(frozen=True)
class Codec:
    """Payload prefixes and global commands, each mapped to the flow that answers it."""

    prefixes: tuple[tuple[str, str], ...] = ()  # (prefix, flow id), longest prefix first
    commands: dict[str, str] = field(default_factory=dict)  # command -> flow id

    @classmethod
    def from_flows(cls, flows: Iterable[Flow]) -> Codec:
        """Collect the declarations; two flows claiming the same prefix or command, or a flow
        claiming one of the engine's, is a wiring error."""
        prefixes: dict[str, str] = {}
        commands: dict[str, str] = {}
        for flow in flows:
            for prefix in flow.payload_prefixes:
                if not prefix or prefix.startswith(NAV_PREFIX) or prefix in prefixes:
                    raise ValueError(f"flow {flow.id!r}: payload prefix {prefix!r} is taken")
                prefixes[prefix] = flow.id
            for command in flow.commands:
                if command in ENGINE_COMMANDS or command.startswith("lang:") or (
                        command in commands):
                    raise ValueError(f"flow {flow.id!r}: command {command!r} is taken")
                commands[command] = flow.id
        ordered = tuple(sorted(prefixes.items(), key=lambda item: -len(item[0])))
        return cls(ordered, commands)

    def flow_for_payload(self, payload: str | None) -> str | None:
        """The flow a pressed button starts (a notice's "rate" or "upload now"), if any."""
        if payload:
            for prefix, flow_id in self.prefixes:
                if payload.startswith(prefix):
                    return flow_id
        return None

    def flow_for_command(self, command: str) -> str | None:
        """The flow that answers a global command ("person", "lang", ...), if any."""
        return self.commands.get(command)
