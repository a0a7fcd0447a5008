"""
The benchmark: how fast the site answers, as ratios to the ceiling of the
same stack measured side by side in the same run.

For each board size it makes a fresh database, seeds it, starts the site
under gunicorn with the deployment's own gunicorn.conf.py on a free
loopback port, as `make serve` runs it, and drives it with wrk: the front
page anonymous, logged in without and with comments of one's own on it, an
old page, the floor of a logged-in page (bench/floor.py), a user's page and
searches (where the site has them). The ceiling (bench/ceiling.py, a
constant Django view) runs under gunicorn's defaults with the same workers,
and every measurement is followed by one of the ceiling, so both see the
same machine. Each pair is repeated and the median reported. Then 8
logged-in clients post as fast as they can, readers load the front page
while two users post five comments a second (bench/busy.py), and the rows
stored are checked against the posts acknowledged; at the largest size the
workers' memory is followed over a long run (bench/memory.py). The table is
printed and written to bench/results/<date>.md, a chart beside it.

    python -m bench.run [--db mysql|sqlite] [--sizes 100,10000,100000] ...

Everything talks to 127.0.0.1 only, stops by itself, and removes its
processes and databases.

The pieces: bench/pages.py (one board size), bench/databases.py (the
throwaway databases), bench/board.py (seeding, probing, importing),
bench/servers.py (gunicorn and the commands), bench/load.py (wrk and
posting), bench/report.py and bench/chart.py (the results file and chart).
"""

import argparse
import datetime
import shutil
import sys
import tempfile
from pathlib import Path

from bench.board import import_rate
from bench.busy import BUSY_POSTERS
from bench.chart import chart
from bench.load import POSTING_CLIENTS
from bench.pages import SMALLEST_SIZE, measure_size
from bench.report import report
from bench.servers import (
    CEILING_CONFIG,
    WORKERS,
    bench_environ,
    run_manage,
    serving,
)

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"

CEILING = "bench.ceiling:application"


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
    parser.add_argument("--sizes", type=sizes, default="100,10000,100000,1000000")
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
    parser.add_argument(
        "--busy-seconds",
        type=positive_int,
        default=10,
        help="of the readers quiet, then as long while two users post",
    )
    parser.add_argument(
        "--memory-seconds",
        type=whole_number,
        default=300,
        help="of load while the workers' memory is followed, at the largest "
        "size (0 for none)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=WORKERS,
        help="gunicorn's workers for each server (default: gunicorn.conf.py's, "
        "2 x cores + 1)",
    )
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
    least_users = max(POSTING_CLIENTS, BUSY_POSTERS + 1)
    if args.users < least_users:
        parser.error(
            f"--users must be at least {least_users}: "
            f"each of the {POSTING_CLIENTS} posting clients logs in as its own user"
        )
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.UTC)
    environ = bench_environ(args.cache_url, args.workers)
    run_manage("collectstatic", "--noinput", "-v0", environ=environ)
    largest = max(args.sizes)
    # The servers' logs, which an error starting one of them shows.
    with (
        tempfile.TemporaryDirectory(prefix="scratchpad-bench-") as folder,
        serving(CEILING, environ, Path(folder), CEILING_CONFIG) as ceiling,
    ):
        results = []
        for size in args.sizes:
            print(f"Measuring {size:,} comments…", file=sys.stderr, flush=True)
            memory_seconds = args.memory_seconds if size == largest else 0
            results.append(
                measure_size(size, args, environ, ceiling, Path(folder), memory_seconds)
            )
            # Only the largest size is measured for memory, once.
            largest = None if size == largest else largest
    imports = []
    for size in args.import_sizes:
        print(f"Importing {size:,} comments…", file=sys.stderr, flush=True)
        imports.append(import_rate(size, args, environ))
    output = args.output or RESULTS_DIR / f"{started:%Y-%m-%d}.md"
    chart_path = output.with_suffix(".svg")
    text = report(results, imports, args, started, chart_path.name)
    print(text)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    chart_path.write_text(chart(results))
    print(f"Written to {output} and {chart_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
