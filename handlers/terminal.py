"""The terminal channel: a real channel over the same engine, for trying the bot locally.

Choices are printed numbered; the user answers with a number, a label or free text.
`/file PATH` sends a file (a document upload). Replies go through the outbox like on any
other channel: the adapter drains the dispatcher after each line.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import sys
import uuid
from pathlib import Path
from typing import TextIO

from bot.messages import Attachment, Inbound, Outbound
from bot.outbox.senders import RateLimits, SendResult, Sent
from handlers.base import ChannelCore

CHANNEL = "terminal"
# Texts carry Unicode bidi isolation marks around placeables (Telegram, WhatsApp and browsers
# render them, keeping a reference in order inside Arabic); a terminal prints them raw.
_ISOLATION_MARKS = re.compile("[\u2066-\u2069]")


def render(message: Outbound) -> str:
    """Plain-text rendering: the text, then the choices numbered; no bidi isolation marks."""
    lines = [message.text]
    for index, choice in enumerate(message.choices, start=1):
        lines.append(f"  {index}) {choice.label}")
    if message.file_name:
        lines.append(f"  [file: {message.file_name}]")
    return _ISOLATION_MARKS.sub("", "\n".join(lines))


class TerminalSender:
    """Prints outbox messages addressed to the terminal user."""

    channel = CHANNEL
    limits = RateLimits(per_second=1000, per_chat_interval=0.001, per_chat_burst=100)

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send(self, address: str, message: Outbound) -> SendResult:
        """Print the message; the terminal never fails."""
        self.out.write("\n" + render(message) + "\n")
        self.out.flush()
        return Sent(platform_message_id=uuid.uuid4().hex)


def parse_line(user: str, line: str) -> Inbound:
    """Turn a typed line into a normalised inbound message."""
    message_id = f"{user}:{uuid.uuid4().hex}"
    stripped = line.strip()
    if stripped.startswith("/file "):
        path = Path(stripped[6:].strip()).expanduser()
        if path.is_file():
            content = path.read_bytes()
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            attachment = Attachment(file_id=path.name, mime_type=mime, file_name=path.name,
                                    size=len(content), content=content)
            return Inbound(CHANNEL, user, message_id, attachment=attachment)
    return Inbound(CHANNEL, user, message_id, text=line.rstrip("\n"))


async def chat(
    core: ChannelCore, user: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Run a conversation for `user` until end of input."""
    from bot.scheduler.work import Worker

    core.add_sender(TerminalSender(out))
    worker = Worker(core.sessions, core.engine)  # decisions and surveys reach the terminal too
    interactive = stdin.isatty()
    resume = Inbound(CHANNEL, user, f"{user}:{uuid.uuid4().hex}", payload="nav:resume")
    await core.engine.handle(resume)
    await worker.run_due()
    await core.dispatcher.drain_once()
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            try:
                line = await loop.run_in_executor(None, input, "\n> ")
            except EOFError:
                break
        else:
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            out.write(f"\n> {line.rstrip()}\n")
        if not line.strip():
            continue
        await core.engine.handle(parse_line(user, line))
        await worker.run_due()
        await core.dispatcher.drain_once()
    out.write("\n")
