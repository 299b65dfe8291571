"""`python -m tests.emulators`: both platform emulators on fixed ports, for a dress rehearsal of a
deployment (`make run`, `python -m bot doctor`) without real tokens. Prints the environment to
use, then serves until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from tests.emulators import TelegramEmulator, WhatsAppEmulator

APP_SECRET = "rehearsal-app-secret-0123456789abcdef"
VERIFY_TOKEN = "rehearsal-verify-token-0123456789abcdef"


async def serve(host: str, telegram_port: int, whatsapp_port: int) -> None:
    """Start both, print the variables that point the bot at them, wait forever."""
    async with TelegramEmulator(host=host, port=telegram_port) as tg, WhatsAppEmulator(
            app_secret=APP_SECRET, host=host, port=whatsapp_port) as wa:
        env = {
            "GHIMAR_CHANNELS": "telegram,whatsapp",
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_BASE_URL": tg.base_url,
            "WHATSAPP_ACCESS_TOKEN": wa.access_token,
            "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id,
            "WHATSAPP_APP_SECRET": APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
            "WHATSAPP_API_BASE_URL": wa.base_url,
        }
        for name, value in env.items():
            print(f"export {name}={value}", flush=True)  # noqa: T201  (the command's output)
        print("# emulators ready; Ctrl-C stops them", flush=True)  # noqa: T201
        await asyncio.Event().wait()


def main() -> None:
    """Parse the ports and serve."""
    parser = argparse.ArgumentParser(prog="python -m tests.emulators", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--telegram-port", type=int, default=8081)
    parser.add_argument("--whatsapp-port", type=int, default=8082)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.telegram_port, args.whatsapp_port))


if __name__ == "__main__":
    main()
