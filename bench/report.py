"""
The results file: the pages' table with each page's ratio to the ceiling,
the posting and memory table, the imports and the flat cost across sizes,
in Markdown, as written to bench/results/<date>.md.
"""

import os
import platform

import django

from bench.load import CONNECTIONS, POSTING_CLIENTS
from bench.servers import WORKERS


def report(results, imports, args, started) -> str:
    """The results file's text: RESULTS of measure_size, IMPORTS of
    import_rate, ARGS the options, STARTED when the run began (UTC)."""
    lines = [
        f"# Benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Database: {args.db}. Users: {args.users}. gunicorn: {WORKERS} sync "
        f"workers under the site's own gunicorn.conf.py, as `make serve` runs "
        f"it; wrk: {CONNECTIONS} connections, {args.seconds} s a run, "
        f"median of {args.repeats} runs, each followed by a run of the ceiling "
        f"(a constant 20-byte Django view under gunicorn's defaults, with the "
        f"same workers). "
        f"Cache: {args.cache_url or 'the default (local memory)'}.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}.",
        "",
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
                f"| {row['p99'] / row['p50']:.1f} | {row['bytes']:,} "
                f"| {row['queries']} | {row['bad']} |"
            )
    lines += [
        "",
        f"Posting: {POSTING_CLIENTS} logged-in clients for {args.post_seconds} s.",
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
        for small, large in zip(first["rows"], last["rows"], strict=True):
            lines.append(
                f"- {small['page']}: {large['rps'] / small['rps']:.0%} "
                f"({last['size']:,} vs {first['size']:,} comments)"
            )
    return "\n".join(lines) + "\n"
