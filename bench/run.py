"""
The benchmark: how fast the site answers, as ratios to the ceiling of the
same stack measured side by side in the same run.

For each board size it makes a fresh database, seeds it, starts the site
under gunicorn on a free loopback port, and drives it with wrk: the front
page anonymous, logged in without and with comments of one's own on it, an
old page, and the floor of a logged-in page (bench/floor.py). The ceiling
(bench/ceiling.py, a constant Django view) runs under the same gunicorn
settings, and every measurement is followed by one of the ceiling, so both
see the same machine.
Each pair is repeated and the median reported. Then 8 logged-in clients post
for a fixed time, and the rows stored are checked against the posts
acknowledged. The table is printed and written to bench/results/<date>.md.

    python -m bench.run [--db mysql|sqlite] [--sizes 100,10000,100000] ...

Everything talks to 127.0.0.1 only, stops by itself, and removes its
processes and databases.

The pieces: bench/databases.py (the throwaway databases), bench/board.py
(seeding, probing, importing), bench/servers.py (gunicorn and the
commands), bench/load.py (wrk and posting), bench/report.py (the results
file).
"""

import argparse
import datetime
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.board import import_rate, prepare, probe_pages
from bench.databases import database_for
from bench.load import POSTING_CLIENTS, cookie_header, log_in, posting, wrk
from bench.report import report
from bench.servers import CEILING_CONFIG, bench_environ, run_manage, serving

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"

SITE = "scratchpad.wsgi:application"
CEILING = "bench.ceiling:application"
# Every logged-in page's least cost (bench/floor.py), measured beside them.
FLOOR = "floor: logged in, session, user and CSRF token only"
FLOOR_PATH = "/floor/"
# The old page measured is ?before=max(size // 10, 51): at least the second
# page of 50 comments, at a comment's id, as the site's own links are.
SMALLEST_SIZE = 51


def measure_size(size, args, environ, ceiling, log_dir):
    """Every page's figures on a fresh board of SIZE comments, each against
    the CEILING server's run that follows it, then the posting's; the board
    is dropped afterwards."""
    database = database_for(args.db, args.mysql_url)
    environ = {**environ, "DATABASE_URL": database.url}
    try:
        seed_seconds = prepare(database, size, args.users, environ)
        old_page = f"/?before={max(size // 10, SMALLEST_SIZE)}"
        # reader0 has no comments (bench.seed); the newest comment's author
        # has their Edit and Delete links on the front page.
        reader, author = "reader0", database.newest_commenter()
        floor_environ = {**environ, "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}
        probe = {
            **probe_pages([reader, author], ["/", old_page], environ),
            **probe_pages([reader], [FLOOR_PATH], floor_environ),
        }
        with (
            serving(SITE, environ, log_dir) as site,
            serving(SITE, floor_environ, log_dir) as floor,
        ):
            reader_cookie, author_cookie = (
                cookie_header(log_in(site.url, name)) for name in (reader, author)
            )
            floor_cookie = cookie_header(log_in(floor.url, reader))
            scenarios = {
                "front, anonymous": (site, "/", None, "anonymous /"),
                "front, logged in": (site, "/", reader_cookie, f"{reader} /"),
                "front, logged in, own comments on it": (
                    site,
                    "/",
                    author_cookie,
                    f"{author} /",
                ),
                "old page, anonymous": (
                    site,
                    old_page,
                    None,
                    f"anonymous {old_page}",
                ),
                FLOOR: (floor, FLOOR_PATH, floor_cookie, f"{reader} {FLOOR_PATH}"),
            }
            for _, _, _, probe_key in scenarios.values():
                if probe[probe_key]["status"] != 200:
                    # A redirect or an error would be measured as if it were
                    # the page.
                    raise RuntimeError(
                        f"{probe_key} answers {probe[probe_key]['status']}, not a page"
                    )
            if args.warm_up_seconds:
                for server, path, page_cookie, _ in scenarios.values():
                    wrk(server.url + path, args.warm_up_seconds, page_cookie)
                wrk(ceiling.url + "/", args.warm_up_seconds)
            site.reset_peak_rss()
            runs = {name: [] for name in scenarios}
            ceiling_runs = []
            for _ in range(args.repeats):
                for name, (server, path, page_cookie, _) in scenarios.items():
                    runs[name].append(wrk(server.url + path, args.seconds, page_cookie))
                    ceiling_runs.append(wrk(ceiling.url + "/", args.seconds))
            rss = site.worker_peak_rss_mb()
            posted = posting(site.url, database, args.post_seconds)
            rss_with_logins = site.worker_peak_rss_mb()
    finally:
        database.drop()

    ceiling_rps = statistics.median(run["rps"] for run in ceiling_runs)
    rows = []
    for name, (_, _, _, probe_key) in scenarios.items():
        rps = statistics.median(run["rps"] for run in runs[name])
        p50 = statistics.median(run["p50"] for run in runs[name])
        p99 = statistics.median(run["p99"] for run in runs[name])
        rows.append(
            {
                "size": size,
                "page": name,
                "rps": rps,
                "ceiling_rps": ceiling_rps,
                "ratio": rps / ceiling_rps,
                "p50": p50,
                "p99": p99,
                "bad": sum(run["bad"] for run in runs[name]),
                "bytes": probe[probe_key]["bytes"],
                "queries": probe[probe_key]["queries"],
            }
        )
    return {
        "size": size,
        "rows": rows,
        "posting": {**posted, "ratio": posted["posts_per_second"] / ceiling_rps},
        "rss_mb": rss,
        "rss_with_logins_mb": rss_with_logins,
        "seed_seconds": seed_seconds,
    }


def whole_number(text, least=0):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}: {text!r}")
    return value


def positive_int(text):
    return whole_number(text, least=1)


def sizes(text):
    """A comma-separated list of positive whole numbers ('' for none)."""
    return [positive_int(part) for part in text.split(",") if part.strip()]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["mysql", "sqlite"], default="mysql")
    parser.add_argument(
        "--mysql-url", default="mysql://root@127.0.0.1:3306/scratchpad_bench"
    )
    parser.add_argument("--sizes", type=sizes, default="100,10000,100000")
    parser.add_argument(
        "--users",
        type=positive_int,
        default=1000,
        help=f"at least {POSTING_CLIENTS}, one for each posting client",
    )
    parser.add_argument("--seconds", type=positive_int, default=5)
    parser.add_argument(
        "--warm-up-seconds",
        type=whole_number,
        default=2,
        help="of wrk on each page before the measured runs (0 for none)",
    )
    parser.add_argument("--repeats", type=positive_int, default=3)
    parser.add_argument("--post-seconds", type=positive_int, default=5)
    parser.add_argument("--cache-url", default="", help="e.g. redis://127.0.0.1:6379/9")
    parser.add_argument(
        "--import-sizes",
        type=sizes,
        default="10000,100000",
        help="Flask databases to import, by comment count ('' for none)",
    )
    parser.add_argument("--output", type=Path, help="results file to write")
    args = parser.parse_args(argv)
    if not args.sizes:
        parser.error("--sizes names no board size")
    if min(args.sizes) < SMALLEST_SIZE:
        parser.error(
            f"--sizes must be at least {SMALLEST_SIZE} comments: "
            "smaller boards have no old page to measure"
        )
    if args.users < POSTING_CLIENTS:
        parser.error(
            f"--users must be at least {POSTING_CLIENTS}: "
            f"each of the {POSTING_CLIENTS} posting clients logs in as its own user"
        )
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.UTC)
    environ = bench_environ(args.cache_url)
    run_manage("collectstatic", "--noinput", "-v0", environ=environ)
    # The servers' logs, which an error starting one of them shows.
    with (
        tempfile.TemporaryDirectory(prefix="scratchpad-bench-") as folder,
        serving(CEILING, environ, Path(folder), CEILING_CONFIG) as ceiling,
    ):
        results = []
        for size in args.sizes:
            print(f"Measuring {size:,} comments…", file=sys.stderr, flush=True)
            results.append(measure_size(size, args, environ, ceiling, Path(folder)))
    imports = []
    for size in args.import_sizes:
        print(f"Importing {size:,} comments…", file=sys.stderr, flush=True)
        imports.append(import_rate(size, args, environ))
    text = report(results, imports, args, started)
    print(text)
    output = args.output or RESULTS_DIR / f"{started:%Y-%m-%d}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(f"Written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
