"""The data folder's run lock (an fcntl.flock on `ghimar.run.lock`).

Every process that opens the bot's SQLite database through the app (`run`, its workers, `chat`,
the staff commands) holds the lock shared while it is open; `db restore` needs it exclusively,
so it is refused while any of them runs, and none of them starts during a restore. The kernel
drops the lock when its process ends, however it ends: a crash leaves no stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

LOCK_FILE = "ghimar.run.lock"


class DataDirBusy(RuntimeError):
    """The lock is held in the other mode by another process (or another open of it)."""


class RunLock:
    """One hold of the data folder's lock; `release()` (or the process's end) lets it go."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._file: IO[bytes] | None = None

    def hold_shared(self) -> RunLock:
        """As a running bot: refused only while a restore holds the folder."""
        return self._hold(fcntl.LOCK_SH, f"a restore is under way in {self.path.parent}: "
                          "wait for it to finish, then start again")

    def hold_exclusive(self) -> RunLock:
        """As a restore: refused while any bot process uses the folder."""
        return self._hold(fcntl.LOCK_EX, f"the bot is running on {self.path.parent} "
                          "(`python -m bot run`, a worker or `chat`): stop it first, then restore")

    def release(self) -> None:
        """Let the lock go (closing the file releases the flock)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _hold(self, mode: int, busy: str) -> RunLock:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataDirBusy(busy) from None
        self._file = handle
        return self
