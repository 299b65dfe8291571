"""Shared pieces of the benchmarks: databases, processes, the emulator's sends, figures."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("GHIMAR_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SECRET = "bench-webhook-secret-0123456789abcdef"
BOT_START_TIMEOUT = 120.0
LOGS = Path(tempfile.gettempdir()) / "ghimar-bench-logs"  # children's output, kept after a run
OWN_PREFIXES = ("GHIMAR_", "TELEGRAM_", "WHATSAPP_")  # never inherited by the children


def main(argv: list[str]) -> int:
    """Not a benchmark: a helper of the others."""
    print("bench.harness is a helper of the benchmarks; run inbound, fanout or memory")
    return 2


def machine() -> dict[str, Any]:
    """The machine the figures come from."""
    mem = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        mem = int(fh.readline().split()[1]) // 1024
    return {"cpus": os.cpu_count(), "memory_mib": mem, "python": platform.python_version(),
            "machine": platform.machine(), "system": platform.system(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}


def tree() -> dict[str, Any]:
    """The commit measured and the files changed on top of it (read-only git calls)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=30, check=False)
        return done.stdout.rstrip()  # a leading space is part of `status --porcelain`

    with contextlib.suppress(OSError, subprocess.SubprocessError):
        changed = [line[3:] for line in git("status", "--porcelain").splitlines()
                   if not line[3:].startswith("bench/")]
        return {"commit": git("rev-parse", "--short", "HEAD"), "changed": changed}
    return {}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of already sorted values."""
    if not values:
        return math.nan
    return values[min(len(values) - 1, max(0, math.ceil(q / 100 * len(values)) - 1))]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50 / p95 / p99 / max / mean of latencies given in seconds, in milliseconds."""
    values = sorted(seconds)
    if not values:
        return {"p50": math.nan, "p95": math.nan, "p99": math.nan, "max": math.nan,
                "mean": math.nan}
    return {"p50": round(1000 * percentile(values, 50), 1),
            "p95": round(1000 * percentile(values, 95), 1),
            "p99": round(1000 * percentile(values, 99), 1),
            "max": round(1000 * values[-1], 1),
            "mean": round(1000 * sum(values) / len(values), 1)}


def rss_mib(pid: int) -> float:
    """Resident memory of a process (psutil when installed, else /proc/PID/status VmRSS)."""
    try:
        import psutil  # type: ignore[import-untyped]

        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except ImportError:
        pass
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) used so far by a process (this one when pid is None)."""
    if pid is None:
        return time.process_time()
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_json(name: str, report: dict[str, Any], measured: dict[str, Any] | None = None) -> Path:
    """Write a benchmark's figures to bench/results/<name>.json; `measured`: tree() at start."""
    path = RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"benchmark": name, "machine": machine(), "tree": measured or tree(),
              "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **report}
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def dbs_of(choice: str) -> list[str]:
    """`--db sqlite|postgres|both` as a list."""
    return ["sqlite", "postgres"] if choice == "both" else [choice]


class Database:
    """A throw-away database (SQLite file or PostgreSQL database) with its data folder and key."""

    def __init__(self, kind: str, root: Path = ROOT) -> None:
        self.kind = kind
        self.root = root  # the checkout whose migrations make the schema
        self.dir = Path(tempfile.mkdtemp(prefix=f"ghimar-bench-{kind}-"))
        self.key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        self.name = f"ghimar_bench_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            self.url = f"sqlite+aiosqlite:///{self.dir / 'ghimar.sqlite3'}"
        else:
            self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"

    def env(self) -> dict[str, str]:
        """GHIMAR_* variables that point a bot process at this database."""
        return {"GHIMAR_DATABASE_URL": self.url, "GHIMAR_DATA_DIR": str(self.dir / "data"),
                "GHIMAR_SECRET_KEY": self.key}

    def settings(self, **overrides: Any) -> Any:
        """Settings for an App built inside the benchmark process on the same database."""
        from bot.settings import Settings

        return Settings(database_url=self.url, data_dir=self.dir / "data",  # type: ignore[call-arg]
                        secret_key=self.key, **overrides)

    async def __aenter__(self) -> Database:
        """Create (PostgreSQL: CREATE DATABASE + `python -m bot db upgrade`)."""
        if self.kind == "postgres":
            await self._admin(f'CREATE DATABASE "{self.name}"')
            env = {**os.environ, **self.env(), "GHIMAR_LOG_LEVEL": "WARNING"}
            done = await asyncio.to_thread(
                subprocess.run, [sys.executable, "-m", "bot", "db", "upgrade"], cwd=self.root,
                env=env, capture_output=True, text=True, timeout=180)
            if done.returncode != 0:
                raise RuntimeError(f"db upgrade failed: {done.stderr[-2000:]}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Drop the database and the folder."""
        try:
            if self.kind == "postgres":
                await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    async def _admin(sql: str) -> None:
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        admin = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(text(sql))
        finally:
            await admin.dispose()


class Process:
    """A child process on 127.0.0.1 with an HTTP health URL; always ended by `stop`."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], port: int,
                 webhook_path: str) -> None:
        self.name, self.cmd, self.env, self.port = name, cmd, env, port
        self.cwd = ROOT  # the checkout it runs from
        self.health_url = f"http://127.0.0.1:{port}/healthz"
        self.webhook_url = f"http://127.0.0.1:{port}{webhook_path}"
        self.log_path = LOGS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The child's process id."""
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = BOT_START_TIMEOUT) -> Process:
        """Start and wait until the health URL answers 200."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            base = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
            self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env={**base, **self.env},
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(self.health_url) as resp:
                        if resp.status == 200:
                            return self
                await asyncio.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"{self.name} did not become healthy:\n{tail}")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL if it does not end in time."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def errors(self) -> list[str]:
        """ERROR / CRITICAL / Traceback lines of the child's log."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line for line in text.splitlines()
                if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")]


def ghimar_bot(db: Database, tg: Any, *, extra: dict[str, str] | None = None,
               workers: int = 1) -> Process:
    """`python -m bot run [--workers N]`, the Telegram channel in webhook mode, the emulator."""
    port = free_port()
    env = {**db.env(), "GHIMAR_CHANNELS": "telegram", "GHIMAR_HTTP_HOST": "127.0.0.1",
           "GHIMAR_HTTP_PORT": str(port), "GHIMAR_LOG_LEVEL": "WARNING",
           "GHIMAR_QUIET_HOURS": "off", "TELEGRAM_BOT_TOKEN": tg.token,
           "TELEGRAM_API_BASE_URL": tg.base_url, "TELEGRAM_DRIVER": "aiogram",
           "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/webhooks/telegram",
           "TELEGRAM_WEBHOOK_SECRET": SECRET, **(extra or {})}
    cmd = [sys.executable, "-m", "bot", "run"] + (["--workers", str(workers)] if workers > 1
                                                   else [])
    return Process(f"ghimar-{db.kind}", cmd, env, port, "/webhooks/telegram")


def echo_bot(tg: Any, *, limited: bool = False) -> Process:
    """The bare aiogram echo bot (bench/baseline_echo.py) against the emulator; `limited`:
    keeping Telegram's limits (30/s, a chat's burst of 3 then 1/s)."""
    port = free_port()
    cmd = [sys.executable, "-m", "bench.baseline_echo", "--port", str(port), "--api",
           tg.base_url, "--token", tg.token, "--secret", SECRET] + (["--limited"] if limited
                                                                     else [])
    return Process("aiogram-echo" + ("-limited" if limited else ""), cmd, {}, port, "/webhook")


def config_copy(folder: Path, root: Path = ROOT, **telegram: float) -> Path:
    """config.yaml (of the checkout `root`) with other `telegram:` values, for GHIMAR_CONFIG."""
    import yaml

    data = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    data["telegram"] = {**data.get("telegram", {}), **telegram}
    path = folder / "config.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
