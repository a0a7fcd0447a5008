"""
A busy board: readers load the front page while logged-in users post.

The readers' throughput and latencies are measured quiet, then again while
BUSY_POSTERS users post BUSY_POSTS_PER_SECOND comments a second between
them, side by side; every acknowledged post must be stored once.
"""

import threading
import time

from bench.load import post_comments, wrk

BUSY_POSTERS = 2
BUSY_POSTS_PER_SECOND = 5


def busy_board(site, database, posters: list[str], seconds: int) -> dict:
    """The readers' figures quiet and busy, and the posts' count."""
    quiet = wrk(site.url + "/", seconds)
    before = database.count_comments()
    tally = []
    interval = len(posters) / BUSY_POSTS_PER_SECOND
    ready = threading.Barrier(len(posters) + 1)
    threads = [
        threading.Thread(
            target=post_comments,
            args=(site.url, name, seconds, tally),
            kwargs={"interval": interval, "ready": ready},
        )
        for name in posters
    ]
    for thread in threads:
        thread.start()
    # Readers start once every poster has logged in: a login's password
    # hash is not what is measured.
    ready.wait(timeout=120)
    started = time.monotonic()
    busy = wrk(site.url + "/", seconds)
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    acknowledged = sum(a for a, _ in tally)
    stored = database.count_comments() - before
    return {
        "quiet": quiet,
        "busy": busy,
        "ratio": busy["rps"] / quiet["rps"],
        "posts_per_second": acknowledged / elapsed,
        "acknowledged": acknowledged,
        "failed": sum(f for _, f in tally),
        "lost": max(0, acknowledged - stored),
        "duplicated": max(0, stored - acknowledged),
    }
