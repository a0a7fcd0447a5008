"""
Gunicorn's settings for `make serve`: the values a deployer tunes.

Like the site's settings they come from the environment, or from the same
`.env` file beside manage.py: HOST and PORT to listen on, WEB_CONCURRENCY
worker processes. Gunicorn's command-line options take precedence.
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

# Workers are replaced after about a thousand requests, at staggered times,
# so that a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100

# Nothing is written to local disk, so app servers are interchangeable:
# logs go to stdout and stderr for the process manager to collect, worker
# heartbeats to memory, and there is no control socket (a file in the home
# directory that two servers on one machine would also fight over).
accesslog = "-"
errorlog = "-"
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True
