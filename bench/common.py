"""What the hand-run benchmarks share: messages, free ports, and the processes
a run starts and must stop again (each in its own process group)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class BenchError(RuntimeError):
    pass


def say(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Every process this run starts, each in its own session (process group),
    stopped in reverse order by its own id: SIGTERM, then SIGKILL of its group."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, args: list[str], env: dict, cwd: Path = ROOT) -> subprocess.Popen:
        log = self.logdir / f"{name}.log"
        with open(log, "ab") as handle:
            proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.started.append((name, proc, log))
        return proc

    def log_of(self, name: str) -> str:
        for started_name, _, log in self.started:
            if started_name == name and log.exists():
                return log.read_text(errors="replace")
        return ""

    def tail(self, name: str, lines: int = 30) -> str:
        return "\n".join(self.log_of(name).splitlines()[-lines:])

    def stop(self, proc: subprocess.Popen, timeout: float = 20) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the group: a gunicorn master or celery main and its workers
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything of that group left behind
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.started = [entry for entry in self.started if entry[1] is not proc]

    def stop_all(self) -> None:
        for _, proc, _ in reversed(list(self.started)):
            self.stop(proc)
