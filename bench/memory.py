"""
A worker's memory over a long run: anonymous and logged-in readers load the
front page for a fixed time while the workers' resident memory is sampled.
Whether it stays flat tells whether gunicorn must recycle workers
(gunicorn.conf.py, GUNICORN_MAX_REQUESTS).
"""

import threading
import time

from bench.load import CONNECTIONS, wrk

SAMPLE_SECONDS = 1


def memory_run(site, cookie: str, seconds: int) -> dict:
    """The workers' largest resident memory at the start, at the end and at
    its peak (MB), and the requests served, over SECONDS."""
    site.reset_peak_rss()
    start_mb = site.worker_rss_mb()
    results = []
    loads = [
        threading.Thread(
            target=lambda page_cookie=page_cookie: results.append(
                wrk(site.url + "/", seconds, page_cookie, CONNECTIONS // 2)
            )
        )
        for page_cookie in (None, cookie)
    ]
    for load in loads:
        load.start()
    samples = []
    while any(load.is_alive() for load in loads):
        samples.append(site.worker_rss_mb())
        time.sleep(SAMPLE_SECONDS)
    for load in loads:
        load.join()
    return {
        "seconds": seconds,
        "start_mb": start_mb,
        "end_mb": site.worker_rss_mb(),
        "largest_sample_mb": max(samples, default=start_mb),
        "peak_mb": site.worker_peak_rss_mb(),
        "requests": sum(result["rps"] for result in results) * seconds,
    }
