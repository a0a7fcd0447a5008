"""
Gunicorn's settings for `make serve`: the values a deployer tunes.

Like the site's settings they come from the environment, or from the same
`.env` file beside manage.py: HOST and PORT to listen on, WEB_CONCURRENCY
worker processes, GUNICORN_ACCESS_LOG and GUNICORN_MAX_REQUESTS below.
Gunicorn's command-line options take precedence.

`make bench` serves the site with this very file, so that its figures are
what a deployment gets (docs/performance.md).
"""

import os
from pathlib import Path

import environ

env = environ.Env()
DOTENV = Path(__file__).resolve().parent / ".env"
if DOTENV.is_file():
    env.read_env(DOTENV)

wsgi_app = "scratchpad.wsgi:application"

# A request gives up on a database that stops answering after 2 s rather
# than hold a worker until it is killed (scratchpad/settings.py). Set here,
# for the workers alone: management commands must wait for a long
# migration. Read by the settings, which the workers load after this file.
os.environ.setdefault("DATABASE_TIMEOUT", "2")

# 127.0.0.1 suits a proxy on the same machine; HOST=0.0.0.0 listens on every
# interface (for a load balancer elsewhere).
bind = [f"{env('HOST', default='127.0.0.1')}:{env.int('PORT', default=8000)}"]

# Sync workers serve one request at a time each; (2 x cores) + 1 is
# gunicorn's advice to start from. Every worker keeps a database connection
# open (CONN_MAX_AGE): workers x app servers must stay below the database's
# max_connections.
workers = env.int("WEB_CONCURRENCY", default=2 * (os.cpu_count() or 1) + 1)

# A worker silent this long is stuck and gets restarted.
timeout = 30
graceful_timeout = 30

# Workers are not recycled: a worker's memory stays flat under load (the
# benchmark's five-minute run measures its peak, docs/performance.md), and
# recycling every thousand requests cost about 40 % of the throughput, a
# worker restarting every second or so under load, each restart loading
# Django again. Should a leak appear, GUNICORN_MAX_REQUESTS=N replaces each
# worker after N requests, give or take a tenth so that they do not all
# restart at once.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=0)
max_requests_jitter = max_requests // 10

# Nothing is written to local disk, so app servers are interchangeable:
# logs go to stdout and stderr for the process manager to collect, worker
# heartbeats to memory, and there is no control socket (a file in the home
# directory that two servers on one machine would also fight over).
# The proxy in front (nginx, deploy/nginx.conf) keeps its access log already;
# gunicorn's own access log, a line per request to stdout, costs about a
# tenth of the throughput and is written only with GUNICORN_ACCESS_LOG=1.
accesslog = "-" if env.bool("GUNICORN_ACCESS_LOG", default=False) else None
errorlog = "-"
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True
