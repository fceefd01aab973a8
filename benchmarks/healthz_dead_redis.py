"""How long /healthz takes to answer 503 when Redis is dead.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao .venv/bin/python benchmarks/healthz_dead_redis.py

Starts the real WSGI application (gunicorn, one worker) with ``REDIS_URL`` pointing at
(a) a port where nothing listens (connection refused) and (b) a socket that accepts
the connection and never answers (a hung Redis: the read times out), sends ``--requests`` GETs to /healthz over
HTTP for each, and prints the median and the slowest answer. For comparison it also times
the broker ping /healthz used before (kombu ``ensure_connection`` with its retry) on (a).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_healthz(redis_url: str, requests: int) -> list[float]:
    port = spare_port()
    env = {**os.environ, "REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "0", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "gaoqiao.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        times = []
        # The first request waits for the worker to boot Django: not counted.
        for i in range(requests + 1):
            started = time.perf_counter()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30)
                status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            if i:
                times.append(time.perf_counter() - started)
            assert status == 503, status
        return times
    finally:
        server.terminate()
        server.wait(timeout=10)


def time_old_kombu_ping(redis_url: str, requests: int) -> list[float]:
    from kombu import Connection

    times = []
    for _ in range(requests):
        started = time.perf_counter()
        try:
            with Connection(redis_url, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception:
            pass
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    )
    refused = f"redis://127.0.0.1:{spare_port()}/0"
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(64)  # the kernel completes the handshake; nobody ever reads or answers
    hung_url = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
    cases = [
        ("/healthz, Redis port refused", time_healthz(refused, args.requests)),
        ("/healthz, Redis accepts, never answers", time_healthz(hung_url, max(5, args.requests // 2))),
        ("old kombu ping alone, port refused", time_old_kombu_ping(refused, 3)),
    ]
    print(f"{'case':40} {'n':>3} {'median s':>9} {'max s':>7}")
    for label, times in cases:
        print(f"{label:40} {len(times):>3} {statistics.median(times):>9.3f} {max(times):>7.3f}")


if __name__ == "__main__":
    main()
