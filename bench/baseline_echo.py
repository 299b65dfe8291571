"""The baseline of `bench inbound`: a bare aiogram echo bot, webhook on aiohttp, one reply each.

Run by the benchmark as its own process (`python -m bench.baseline_echo --port ... --api ...`):
aiogram's Dispatcher and SimpleRequestHandler as its documentation shows them, every message
and every button press answered with one sendMessage through the same Bot API emulator.
No database, no flow, no outbox: what aiogram alone costs per update. `--limited` makes it keep
Telegram's limits as config.yaml states them (30 messages/s per bot; a burst of 3 to a private
chat, then one a second), with the few lines of `Limits` before each send: the fair baseline
of a bot that may not exceed them either.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

router = Router(name="echo")


class Limits:
    """GCRA pacing in one process: `per_second` overall, `burst` messages at once to a chat,
    then one every `interval` seconds; each send waits for its slot (first come, first served)."""

    def __init__(self, per_second: float = 30.0, interval: float = 1.0, burst: int = 3) -> None:
        self.gap, self.interval, self.burst = 1.0 / per_second, interval, burst
        self.tat = 0.0
        self.chats: dict[int, float] = {}

    async def wait(self, chat: int) -> None:
        """Sleep until a send to `chat` keeps within the limits, and take that slot."""
        loop = asyncio.get_running_loop()
        while (ready := max(self.chats.get(chat, 0.0), loop.time())
               - (self.burst - 1) * self.interval) > loop.time():
            await asyncio.sleep(ready - loop.time())
        now = loop.time()
        slot = max(self.tat, now)
        self.tat = slot + self.gap
        self.chats[chat] = max(self.chats.get(chat, 0.0), slot) + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


LIMITS: Limits | None = None  # set by --limited


@router.message()
async def echo(message: Message) -> None:
    """Answer a message with its text."""
    if LIMITS is not None:
        await LIMITS.wait(message.chat.id)
    await message.answer(message.text or message.caption or "…")


@router.callback_query()
async def pressed(query: CallbackQuery, bot: Bot) -> None:
    """Answer a button press with one message into its chat."""
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if LIMITS is not None:
        await LIMITS.wait(chat_id)
    await bot.send_message(chat_id, f"pressed: {query.data}")


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build(api: str, token: str, secret: str) -> tuple[web.Application, Bot]:
    """The aiohttp application with aiogram's webhook handler on /webhook, and its Bot."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api))
    bot = Bot(token, session=session)
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=secret).register(
        app, path="/webhook")
    setup_application(app, dispatcher, bot=bot)
    app.router.add_get("/healthz", _healthz)
    return app, bot


async def serve(port: int, api: str, token: str, secret: str) -> None:
    """Serve on 127.0.0.1:port until SIGTERM or SIGINT."""
    app, bot = build(api, token, secret)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        with contextlib.suppress(Exception):
            await bot.session.close()


def main(argv: list[str]) -> int:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(prog="python -m bench.baseline_echo", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", required=True, help="Bot API base URL (the emulator)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True, help="webhook secret token")
    parser.add_argument("--limited", action="store_true",
                        help="keep Telegram's limits: 30/s, a chat's burst of 3 then 1/s")
    args = parser.parse_args(argv)
    if args.limited:
        global LIMITS
        LIMITS = Limits()
    asyncio.run(serve(args.port, args.api, args.token, args.secret))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
