"""
The load: wrk runs against a page and what they measured, logging in
through the site's form, and logged-in clients posting for a fixed time
with every acknowledged post counted.
"""

import http.client
import http.cookiejar
import re
import subprocess
import threading
import time
import urllib.parse
import urllib.request

from bench.seed import PASSWORD

CONNECTIONS = 8
POSTING_CLIENTS = 8

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk(
    url: str, seconds: int, cookie: str | None = None, connections: int = CONNECTIONS
) -> dict:
    """Drive URL with wrk for SECONDS; what it measured (parse_wrk)."""
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--latency",
        url,
    ]
    if cookie:
        command[1:1] = ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    """Requests per second, the p50 and p99 latencies in milliseconds, the
    count of non-2xx/3xx answers and the socket errors from wrk's report."""

    def latency(percent):
        value, unit = re.search(
            rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M
        ).groups()
        return float(value) * UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def log_in(base_url: str, username: str) -> dict[str, str]:
    """Log in through the login form; return the cookies by name."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base_url + "/login/", timeout=30).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(base_url + "/login/", data=body, timeout=30).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"could not log in as {username}")
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def post_comments(base_url, username, seconds, tally, interval=0.0, ready=None):
    """Post comments as one logged-in client for SECONDS, one every
    INTERVAL seconds (0: as fast as the site answers), after waiting on the
    barrier READY once logged in; count the acknowledged ones in TALLY."""
    cookies = log_in(base_url, username)
    header = cookie_header(cookies)
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    acknowledged = failed = 0
    if ready is not None:
        ready.wait(timeout=120)
    started = time.monotonic()
    deadline = started + seconds
    sent = 0
    while time.monotonic() < deadline:
        if interval:
            # On a schedule, not after each answer: a slow answer is
            # followed by the posts that were due.
            delay = started + sent * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
                if time.monotonic() >= deadline:
                    break
        sent += 1
        body = urllib.parse.urlencode(
            {
                # Never the same text twice: a repeat is a duplicate post.
                "content": f"Benchmark post {sent} by {username}, {time.time_ns()}",
                "csrfmiddlewaretoken": cookies["csrftoken"],
            }
        )
        try:
            connection.request(
                "POST",
                "/post/",
                body=body,
                headers={
                    "Cookie": header,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            response.read()
        except OSError:
            failed += 1
            connection.close()
            continue
        # The site answers a post with a redirect to the front page, at the
        # new comment's anchor.
        location = urllib.parse.urlsplit(response.getheader("Location") or "")
        if response.status == 302 and location.path == "/" and location.fragment:
            acknowledged += 1
        else:
            failed += 1
    connection.close()
    tally.append((acknowledged, failed))


def posting(base_url: str, database, seconds: int) -> dict:
    """POSTING_CLIENTS readers (reader0, reader1, ...) post for SECONDS; the
    posts acknowledged, and those lost or duplicated by the database."""
    before = database.count_comments()
    tally = []
    threads = [
        threading.Thread(
            target=post_comments, args=(base_url, f"reader{n}", seconds, tally)
        )
        for n in range(POSTING_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    acknowledged = sum(a for a, _ in tally)
    stored = database.count_comments() - before
    return {
        "posts_per_second": acknowledged / seconds,
        "acknowledged": acknowledged,
        "failed": sum(f for _, f in tally),
        "lost": max(0, acknowledged - stored),
        "duplicated": max(0, stored - acknowledged),
    }
