"""Worker-mode helpers: a config on the fake Graph API, real `socialmon worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTS_PER_PAGE = 5


def write_config(
    folder: Path,
    database_url: str,
    base_url: str,
    channels: int,
    *,
    extra: str = "",
    channel_extra: Callable[[int], str] | None = None,
) -> Path:
    blocks = "".join(
        f'[[brands.channels]]\nname = "c{i}"\nplatform = "facebook"\naccount = "{1000 + i}"\n'
        f'access_token = "tok-{i}"\nbase_url = "{base_url}"\npage_size = {POSTS_PER_PAGE}\n'
        f"{channel_extra(i) if channel_extra else ''}\n"
        for i in range(channels)
    )
    path = folder / "socialmon.toml"
    path.write_text(
        f'database = "{database_url}"\n{extra}\n[[brands]]\nname = "Bench"\nslug = "bench"\n\n{blocks}',
        encoding="utf-8",
    )
    return path


class Workers:
    """Real `socialmon worker` processes; each one's stderr in a file, shown when a test fails."""

    def __init__(self, folder: Path, config: Path) -> None:
        self.folder = folder
        self.config = config
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"worker-{len(self.processes)}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}
        env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT writes its threads' stacks to its log (see exit_code)
        process = subprocess.Popen(
            [sys.executable, "-m", "socialmon", "worker", "--config", str(self.config), *args],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
            env=env,
            cwd=self.folder,
        )
        self.processes.append((process, log))
        return process

    def exit_code(self, process: subprocess.Popen[bytes], timeout: float) -> int:
        """The worker's exit code once it ends; a worker still running `timeout` seconds later fails
        the test with every worker's log, its own ending with where its threads were."""
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
            raise AssertionError(
                f"worker {process.pid} still running {timeout} s later\n{self.logs()}"
            ) from None

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        """What one worker has written to stderr so far."""
        log = next(log for each, log in self.processes if each is process)
        return log.read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for _, log in self.processes
        )

    def stop_all(self) -> None:
        for process, _ in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)


def wait_for(condition: Callable[[], object], timeout: float, what: str, logs: Callable[[], str]) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{logs()}")
