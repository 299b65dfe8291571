"""`python -m bot run --workers N`: N processes of the bot sharing one PostgreSQL database.

Every worker is a whole `bot run`: HTTP server, channels, outbox dispatcher and scheduler, each
safe to run N times. The webhook port is shared (SO_REUSEPORT: the kernel spreads the
connections); a webhook update is stored before its 200 and taken over with SKIP LOCKED; a
chat is delivered by one worker at a time (an advisory lock) within one bot's limits (rate
buckets in PostgreSQL, or Redis); the scheduler claims due rows with SKIP LOCKED. Telegram long
polling, which allows one reader per token, runs in the first worker only. SQLite has one
writer and an in-memory limiter, so it runs one worker.

The parent only supervises: it starts the workers, passes SIGINT/SIGTERM on to them, and
starts again a worker that died (after a pause growing to 30 s while it keeps dying).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

from bot.config import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)


def check_workers(settings: Settings, workers: int) -> None:
    """ConfigError when N workers cannot share this deployment."""
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    if workers > 1 and settings.is_sqlite:
        raise ConfigError(f"--workers {workers} needs PostgreSQL (GHIMAR_DATABASE_URL): SQLite "
                          "has one writer and the rate limits would be per process; run one "
                          "worker on SQLite")
    if workers > 1 and settings.http_port == 0:
        raise ConfigError("--workers needs a fixed GHIMAR_HTTP_PORT to share")


def worker_env(index: int) -> dict[str, str]:
    """The environment of worker `index`: the shared port; polling in the first only."""
    env = dict(os.environ, GHIMAR_REUSE_PORT="1")
    if index > 0:
        env["TELEGRAM_POLLING"] = "0"
    return env


def supervise(workers: int) -> int:
    """Run `workers` worker processes until SIGINT/SIGTERM; the exit code."""
    command = [sys.executable, "-m", "bot", "run"]
    procs: dict[int, subprocess.Popen[bytes]] = {}
    deaths: dict[int, int] = {}
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for index in range(workers):
        procs[index] = subprocess.Popen(command, env=worker_env(index))
    log.info("started %s workers: pids %s", workers, [p.pid for p in procs.values()])
    while not stopping:
        time.sleep(0.5)
        for index, proc in list(procs.items()):
            code = proc.poll()
            if code is None or stopping:
                continue
            if code == 2:  # a configuration error: starting it again would fail the same way
                log.critical("worker %s stopped on a configuration error; stopping all", index)
                stop(signal.SIGTERM, None)
                break
            deaths[index] = deaths.get(index, 0) + 1
            pause = min(30.0, 0.5 * 2 ** deaths[index])
            log.error("worker %s (pid %s) exited with %s; starting it again in %.1fs", index,
                      proc.pid, code, pause)
            time.sleep(pause)
            procs[index] = subprocess.Popen(command, env=worker_env(index))
    codes = [proc.wait() for proc in procs.values()]
    return max((c for c in codes if c > 0), default=0)
