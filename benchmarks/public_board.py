"""A public board under load beside a bare Django view, in the same gunicorn and the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/public_board.py [--slug gaofeng] [--seconds 15] [--connections 32]

Seeds the demo town into that database if it has no boards yet, starts gunicorn with the production
settings (DEBUG off, persistent connections, the Redis cache) plus one bare view (benchmarks/
bench_settings.py), then runs wrk against the bare view and the board in turn, twice each, and prints
requests per second and the 99th-percentile latency of each, and the board's share of the bare rate.
The goal: the board at 50 % or more of the bare view's requests per second, p99 at 50 ms or less.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765


def _wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    if re.search(r"Non-2xx or 3xx responses", out):
        raise SystemExit(f"errors while loading {url}:\n{out}")
    return rps, p99_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="gaofeng")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("set DATABASE_URL=postgres://… and REDIS_URL=redis://… (the production services)")
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-" + os.urandom(24).hex(),
        "PYTHONPATH": str(ROOT),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    has_boards = subprocess.run(
        [python, "manage.py", "shell", "-c", "from disclosure.models import Site; print(Site.objects.count())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if has_boards.split()[-1] == "0":
        subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "gaoqiao.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{PORT}"
        board, bare = f"{base}/public/{args.slug}/", f"{base}/bench/bare/"
        for _i in range(50):
            try:
                urllib.request.urlopen(bare, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        for url in (board, bare):  # warm: connections opened, the board cached
            for _j in range(20):
                urllib.request.urlopen(url, timeout=5).read()
        rows = []
        for _round in range(2):
            for name, url in (("bare view", bare), ("board", board)):
                rps, p99 = _wrk(url, args.seconds, args.connections)
                rows.append((name, rps, p99))
                print(f"{name:10s} {rps:9.1f} req/s  p99 {p99:6.1f} ms", flush=True)
        bare_rps = sum(r[1] for r in rows if r[0] == "bare view") / 2
        board_rps = sum(r[1] for r in rows if r[0] == "board") / 2
        worst_p99 = max(r[2] for r in rows if r[0] == "board")
        print(f"board/bare = {board_rps / bare_rps:.0%}; board p99 (worst run) = {worst_p99:.1f} ms")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
