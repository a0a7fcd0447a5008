"""
The results file: the pages' table with each page's ratio to the ceiling,
the pages not available on this version of the site, the posting, the busy
board, the memory, the imports and the flat cost across sizes, in Markdown,
as written to bench/results/<date>.md.
"""

import os
import platform

import django

from bench.busy import BUSY_POSTERS, BUSY_POSTS_PER_SECOND
from bench.load import CONNECTIONS, POSTING_CLIENTS


def spread(run) -> str:
    """p99 / p50 of a wrk run; a dash when nothing was answered in time."""
    return f"{run['p99'] / run['p50']:.1f}" if run["p50"] else "–"


def report(results, imports, args, started, chart_name=None) -> str:
    """The results file's text: RESULTS of bench.pages.measure_size, IMPORTS
    of import_rate, ARGS the options, STARTED when the run began (UTC),
    CHART_NAME the chart's file beside it."""
    ceilings = ", ".join(f"{r['ceiling_rps']:,.0f}" for r in results)
    lines = [
        f"# Benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Database: {args.db}. Users: {args.users}. gunicorn: {args.workers} sync "
        f"workers under the site's own gunicorn.conf.py, as `make serve` runs "
        f"it; wrk: {CONNECTIONS} connections, {args.seconds} s a run, "
        f"median of {args.repeats} runs, each followed by a run of the ceiling "
        f"(a constant 20-byte Django view under gunicorn's defaults, with the "
        f"same workers). "
        f"Cache: {args.cache_url or 'the default (local memory)'}.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}. The ceiling answered {ceilings} "
        "requests/s (by size).",
        "Every fourth comment is a reply in Markdown (bench/seed.py).",
        "",
    ]
    if chart_name:
        lines += [f"![Share of the ceiling by board size]({chart_name})", ""]
    lines += [
        "| comments | page | req/s | ceiling req/s | ratio | p50 ms | p99 ms "
        "| p99/p50 | bytes | queries | non-2xx |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for row in result["rows"]:
            lines.append(
                f"| {row['size']:,} | {row['page']} | {row['rps']:,.0f} "
                f"| {row['ceiling_rps']:,.0f} | {row['ratio']:.0%} "
                f"| {row['p50']:.2f} | {row['p99']:.2f} "
                f"| {spread(row)} | {row['bytes']:,} "
                f"| {row['queries']} | {row['bad']} |"
            )
        for row in result["unavailable"]:
            lines.append(
                f"| {row['size']:,} | {row['page']} | not available "
                f"({row['status']}) | | | | | | | | |"
            )
    lines += [
        "",
        f"Posting: {POSTING_CLIENTS} logged-in clients for {args.post_seconds} s, "
        "each as fast as the site answers.",
        "",
        "| comments | posts/s | ratio to ceiling | acknowledged | refused "
        "| lost | duplicated | peak RSS per worker, pages (MB) "
        "| with 8 logins (MB) | seeding (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        post = result["posting"]
        lines.append(
            f"| {result['size']:,} | {post['posts_per_second']:,.0f} "
            f"| {post['ratio']:.1%} | {post['acknowledged']:,} | {post['failed']} "
            f"| {post['lost']} | {post['duplicated']} | {result['rss_mb']:.0f} "
            f"| {result['rss_with_logins_mb']:.0f} | {result['seed_seconds']:.1f} |"
        )
    lines += [
        "",
        "The search index's cost to posting: the same posting, once the rest "
        "is measured, with the comments' full-text index (search.backends) and "
        "right after without it.",
        "",
        "| comments | posts/s with the index | posts/s without | with / without "
        "| refused | lost | duplicated |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        runs = result["search_index_cost"]
        with_index, without = (
            runs[name]["posts_per_second"] for name in ("with", "without")
        )
        share = f"{with_index / without:.0%}" if without else "–"
        refused, lost, duplicated = (
            sum(run[count] for run in runs.values())
            for count in ("failed", "lost", "duplicated")
        )
        lines.append(
            f"| {result['size']:,} | {with_index:,.0f} | {without:,.0f} | {share} "
            f"| {refused} | {lost} | {duplicated} |"
        )
    lines += [
        "",
        f"A busy board: anonymous readers ({CONNECTIONS} connections) on the "
        f"front page for {args.busy_seconds} s, quiet, then as long while "
        f"{BUSY_POSTERS} logged-in users post {BUSY_POSTS_PER_SECOND} comments "
        "a second between them. The quiet run's p99/p50 is the machine's own "
        "spread, without the posts.",
        "",
        "| comments | quiet req/s | quiet p99/p50 | busy req/s | busy / quiet "
        "| busy p50 ms | busy p99 ms | p99/p50 | posts/s | acknowledged "
        "| refused | lost | duplicated |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        busy = result["busy"]
        lines.append(
            f"| {result['size']:,} | {busy['quiet']['rps']:,.0f} "
            f"| {spread(busy['quiet'])} "
            f"| {busy['busy']['rps']:,.0f} | {busy['ratio']:.0%} "
            f"| {busy['busy']['p50']:.2f} | {busy['busy']['p99']:.2f} "
            f"| {spread(busy['busy'])} "
            f"| {busy['posts_per_second']:.1f} | {busy['acknowledged']} "
            f"| {busy['failed']} | {busy['lost']} | {busy['duplicated']} |"
        )
    for result in results:
        memory = result["memory"]
        if memory:
            lines += [
                "",
                f"Memory: at {result['size']:,} comments, anonymous and logged-in "
                f"readers on the front page for {memory['seconds']} s "
                f"({memory['requests']:,.0f} requests); the largest worker's "
                f"resident memory was {memory['start_mb']:.0f} MB at the start, "
                f"{memory['end_mb']:.0f} MB at the end, "
                f"{memory['largest_sample_mb']:.0f} MB at most when sampled "
                f"each second, and {memory['peak_mb']:.0f} MB at its peak "
                "(VmHWM).",
            ]
    if imports:
        lines += [
            "",
            f"Importing a Flask tutorial database (SQLite, {args.users:,} users) "
            "into a fresh one with import_flask_scratchpad, whole command:",
            "",
            "| comments | seconds | comments/s |",
            "|---:|---:|---:|",
        ]
        for row in imports:
            lines.append(
                f"| {row['size']:,} | {row['seconds']:.1f} | {row['rate']:,.0f} |"
            )
    if len(results) > 1:
        first, last = results[0], results[-1]
        lines += ["", "Flat cost (req/s at the largest size / at the smallest):", ""]
        small_rows = {row["page"]: row for row in first["rows"]}
        for large in last["rows"]:
            small = small_rows.get(large["page"])
            if small:
                lines.append(
                    f"- {large['page']}: {large['rps'] / small['rps']:.0%} "
                    f"({last['size']:,} vs {first['size']:,} comments)"
                )
    return "\n".join(lines) + "\n"
