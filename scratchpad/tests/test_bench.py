"""
The benchmark (bench/) run end to end at its smallest, so that a change
that breaks `make bench` fails here. Nothing is asserted about speed: only
that every piece ran and measured what it says, on the database the tests
use.
"""

import re
import subprocess
import sys

import pytest
from django.db import connection

from .processes import BASE_DIR, database_url, production_environ

PAGES = [
    "front, anonymous",
    "front, logged in",
    "front, logged in, own comments on it",
    "old page, anonymous",
    "front, logged in, with Django's own sessions",
    "floor: logged in, session, user and CSRF token only",
]
# The pages of features this version of the site may not have yet: each is
# measured, or reported as not available.
FEATURE_PAGES = [
    "user page",
    "user page, older (?before=)",
    "search, one word",
    "search, two words",
    "search, quoted phrase",
]
SMALLEST = [
    "--sizes=51",
    "--users=8",
    "--seconds=1",
    "--repeats=1",
    "--post-seconds=1",
    "--busy-seconds=1",
    "--memory-seconds=1",
    # Two workers a server, not one a core and more: quick to start.
    "--workers=2",
]


def run_bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    if connection.vendor == "mysql":
        name = f"{connection.settings_dict['NAME']}_bench"
        database = ["--db=mysql", f"--mysql-url={database_url(connection, name)}"]
    else:
        database = ["--db=sqlite"]
    return subprocess.run(
        [sys.executable, "-m", "bench.run", *database, *args],
        cwd=BASE_DIR,
        env=production_environ(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def table_rows(text: str, first_cell: str) -> list[list[str]]:
    """The cells of the Markdown table rows in TEXT that start with FIRST_CELL."""
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith(f"| {first_cell} |")
    ]


@pytest.mark.django_db
def test_the_smallest_bench_measures_every_page_posting_and_import(tmp_path):
    output = tmp_path / "results.md"

    result = run_bench(
        *SMALLEST, "--warm-up-seconds=0", "--import-sizes=10", f"--output={output}"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    text = output.read_text()
    assert f"Database: {connection.vendor}" in text
    pages = {row[1]: row for row in table_rows(text, "51")[:6]}
    assert list(pages) == PAGES
    for page, cells in pages.items():
        ratio, size, queries, bad = cells[4], cells[8], cells[9], cells[10]
        assert re.fullmatch(r"\d+%", ratio), page
        # Every row measured a page (the probe saw 200), none answered non-2xx.
        assert int(size.replace(",", "")) > 0, page
        assert int(queries) >= 1, page
        assert bad == "0", page
    assert pages["front, anonymous"][9] == "1"
    # Each page is probed under its own settings: the site's sessions bring
    # the user and the board's version in the session's query, Django's
    # read them apart.
    own_sessions = int(pages["front, logged in"][9])
    assert int(pages["front, logged in, with Django's own sessions"][9]) == (
        own_sessions + 2
    )
    rows = table_rows(text, "51")
    features = {row[1]: row for row in rows[6:11]}
    assert list(features) == FEATURE_PAGES
    for page, cells in features.items():
        assert re.fullmatch(r"\d+%|", cells[4]), page
        assert cells[4] or re.fullmatch(r"not available \(\d+\)", cells[2]), page
    posting = rows[11]
    acknowledged, refused, lost, duplicated = posting[3:7]
    # Each of the 8 clients sends at least one post before its time is up.
    assert int(acknowledged.replace(",", "")) >= 8
    assert (refused, lost, duplicated) == ("0", "0", "0")
    # Posting again once the full-text index is dropped: measured, nothing
    # lost or stored twice.
    with_index, without_index, share, *refused_lost_duplicated = rows[12][1:7]
    assert float(with_index.replace(",", "")) > 0
    assert float(without_index.replace(",", "")) > 0
    assert re.fullmatch(r"\d+%", share)
    assert refused_lost_duplicated == ["0", "0", "0"]
    busy = rows[13]
    # The quiet run's spread, then the busy one's share of it.
    assert re.fullmatch(r"\d+\.\d|–", busy[2])
    assert re.fullmatch(r"\d+%", busy[4])
    # Two posters, at least one post each, every one stored once.
    assert int(busy[9]) >= 2
    assert busy[10:] == ["0", "0", "0"]
    assert re.search(r"Memory: at 51 comments, .* \d+ MB at its peak", text)
    assert table_rows(text, "10")[0][0] == "10"  # the import of 10 comments
    assert text in result.stdout
    chart = output.with_suffix(".svg").read_text()
    assert chart.startswith("<svg ") and "front, anonymous" in chart


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "error"),
    [
        # ?before=51 is no comment's id on a smaller board: the old page's
        # row would measure a redirect.
        (["--sizes=10", "--import-sizes="], "--sizes must be at least 51 comments"),
        # The posting clients beyond the users would fail in their threads.
        (["--users=7", "--import-sizes="], "--users must be at least 8"),
        (["--sizes=51,lots"], "not a whole number: 'lots'"),
    ],
    ids=["board-too-small-for-an-old-page", "fewer-users-than-clients", "not-a-number"],
)
def test_the_bench_refuses_options_that_would_measure_the_wrong_thing(
    tmp_path, options, error
):
    output = tmp_path / "results.md"

    result = run_bench(*SMALLEST, *options, f"--output={output}")

    assert result.returncode == 2
    assert error in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()
