"""The production settings plus one bare view, for benchmarks/public_board.py only."""

from gaoqiao.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
