"""
Gunicorn's settings for `make serve`: the values a deployer tunes.

Like the site's settings they come from the environment: HOST and PORT to
listen on, WEB_CONCURRENCY worker processes. Gunicorn's command-line options
take precedence over this file.
"""

import os

wsgi_app = "scratchpad.wsgi:application"

# 127.0.0.1 suits a proxy or load balancer agent on the same machine; HOST=0.0.0.0
# listens on every interface (for a load balancer elsewhere).
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Sync workers serve one request at a time each; (2 x cores) + 1 is
# gunicorn's advice to start from. Every worker keeps a database connection
# open (CONN_MAX_AGE): workers x app servers must stay below the database's
# max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))

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
