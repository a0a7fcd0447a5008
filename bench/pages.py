"""
One board size measured: every page against the ceiling, the posting, the
busy board and the workers' memory, on a fresh board that is dropped
afterwards.

The site's own pages must answer 200 to the probe, or the run stops: a
redirect or an error would be measured as if it were the page. The pages of
features that may not be on this version of the site (FEATURE_PAGES) are
reported as not available, with what they answered, instead.
"""

import statistics
import urllib.parse

from bench.board import prepare, probe_pages
from bench.busy import BUSY_POSTERS, busy_board
from bench.databases import database_for
from bench.load import cookie_header, log_in, posting, wrk
from bench.memory import memory_run
from bench.servers import serving

SITE = "scratchpad.wsgi:application"
# Every logged-in page's least cost (bench/floor.py), measured beside them.
FLOOR = "floor: logged in, session, user and CSRF token only"
FLOOR_PATH = "/floor/"
# The logged-in front page with Django's own sessions (two queries where
# accounts.sessions makes one), measured beside the site's.
DJANGO_SESSIONS = "front, logged in, with Django's own sessions"
# The old page measured is ?before=max(size // 10, 51): at least the second
# page of 50 comments, at a comment's id, as the site's own links are.
SMALLEST_SIZE = 51
# What the searches look for: words of bench.seed's replies.
SEARCHES = {
    "search, one word": "kettle",
    "search, two words": "kettle lantern",
    "search, quoted phrase": '"kettle lantern"',
}


def feature_pages(database) -> dict[str, str]:
    """The pages of the features measured where the site has them, by row
    name: a user's page, its older part, and searches."""
    author = database.newest_commenter()
    newest = database.scalar(
        "SELECT MAX(comments_comment.id) FROM comments_comment "
        "JOIN auth_user ON auth_user.id = comments_comment.commenter_id "
        f"WHERE auth_user.username = '{author}'"
    )
    user_page = f"/users/{urllib.parse.quote(author)}/"
    return {
        "user page": user_page,
        "user page, older (?before=)": f"{user_page}?before={newest}",
        **{
            name: "/search/?" + urllib.parse.urlencode({"q": query})
            for name, query in SEARCHES.items()
        },
    }


def median_row(size, name, runs, ceiling_rps, probed) -> dict:
    rps = statistics.median(run["rps"] for run in runs)
    return {
        "size": size,
        "page": name,
        "rps": rps,
        "ceiling_rps": ceiling_rps,
        "ratio": rps / ceiling_rps,
        "p50": statistics.median(run["p50"] for run in runs),
        "p99": statistics.median(run["p99"] for run in runs),
        "bad": sum(run["bad"] for run in runs),
        "bytes": probed["bytes"],
        "queries": probed["queries"],
        "status": probed["status"],
    }


def measure_size(size, args, environ, ceiling, log_dir, memory_seconds=0):
    """Every page's figures on a fresh board of SIZE comments, each against
    the CEILING server's run that follows it; then the posting, the busy
    board, and, for MEMORY_SECONDS, the workers' memory."""
    database = database_for(args.db, args.mysql_url)
    environ = {**environ, "DATABASE_URL": database.url}
    try:
        seed_seconds = prepare(database, size, args.users, environ)
        old_page = f"/?before={max(size // 10, SMALLEST_SIZE)}"
        # reader0 has no comments (bench.seed); the newest comment's author
        # has their Edit and Delete links on the front page.
        reader, author = "reader0", database.newest_commenter()
        features = feature_pages(database)
        floor_environ = {**environ, "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}
        django_sessions_environ = {
            **environ,
            "DJANGO_SETTINGS_MODULE": "bench.django_sessions_settings",
        }
        probe = {
            **probe_pages(
                [reader, author], ["/", old_page, *features.values()], environ
            ),
            **probe_pages([reader], [FLOOR_PATH], floor_environ),
        }
        # The same page under Django's own sessions, under a key of its own.
        probe[DJANGO_SESSIONS] = probe_pages([reader], ["/"], django_sessions_environ)[
            f"{reader} /"
        ]
        with (
            serving(SITE, environ, log_dir) as site,
            serving(SITE, floor_environ, log_dir) as floor,
            serving(SITE, django_sessions_environ, log_dir) as django_sessions,
        ):
            reader_cookie, author_cookie = (
                cookie_header(log_in(site.url, name)) for name in (reader, author)
            )
            floor_cookie = cookie_header(log_in(floor.url, reader))
            django_sessions_cookie = cookie_header(log_in(django_sessions.url, reader))
            scenarios = {
                "front, anonymous": (site, "/", None, "anonymous /"),
                "front, logged in": (site, "/", reader_cookie, f"{reader} /"),
                "front, logged in, own comments on it": (
                    site,
                    "/",
                    author_cookie,
                    f"{author} /",
                ),
                "old page, anonymous": (site, old_page, None, f"anonymous {old_page}"),
                DJANGO_SESSIONS: (
                    django_sessions,
                    "/",
                    django_sessions_cookie,
                    DJANGO_SESSIONS,
                ),
                FLOOR: (floor, FLOOR_PATH, floor_cookie, f"{reader} {FLOOR_PATH}"),
            }
            for _, _, _, probe_key in scenarios.values():
                if probe[probe_key]["status"] != 200:
                    raise RuntimeError(
                        f"{probe_key} answers {probe[probe_key]['status']}, not a page"
                    )
            unavailable = {}
            for name, path in features.items():
                probed = probe[f"anonymous {path}"]
                if probed["status"] == 200:
                    scenarios[name] = (site, path, None, f"anonymous {path}")
                else:
                    unavailable[name] = {"size": size, "page": name, **probed}
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
            busy = busy_board(
                site,
                database,
                [f"reader{n}" for n in range(1, BUSY_POSTERS + 1)],
                args.busy_seconds,
            )
            memory = (
                memory_run(site, reader_cookie, memory_seconds)
                if memory_seconds
                else None
            )
            # Last, since the search pages need it: what the full-text
            # index costs each post, posting with it and then without it,
            # one after the other on the same board.
            posted_indexed = posting(site.url, database, args.post_seconds)
            database.drop_search_index()
            posted_unindexed = posting(site.url, database, args.post_seconds)
    finally:
        database.drop()

    ceiling_rps = statistics.median(run["rps"] for run in ceiling_runs)
    rows = [
        median_row(size, name, runs[name], ceiling_rps, probe[probe_key])
        for name, (_, _, _, probe_key) in scenarios.items()
    ]
    return {
        "size": size,
        "rows": rows,
        "unavailable": list(unavailable.values()),
        "ceiling_rps": ceiling_rps,
        "posting": {**posted, "ratio": posted["posts_per_second"] / ceiling_rps},
        "search_index_cost": {"with": posted_indexed, "without": posted_unindexed},
        "busy": busy,
        "memory": memory,
        "rss_mb": rss,
        "rss_with_logins_mb": rss_with_logins,
        "seed_seconds": seed_seconds,
    }
