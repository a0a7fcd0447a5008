"""
The benchmark's gunicorn settings, the same for the site and the ceiling.

Not the deployment's gunicorn.conf.py: its access log to stdout and its
recycling of workers every thousand requests would be measured along with
the pages. As there, HOST, PORT and WEB_CONCURRENCY say where to listen and
how many workers to run (bench/servers.py sets them); the application is
given on the command line.
"""

import os

bind = [f"{os.environ['HOST']}:{os.environ['PORT']}"]
workers = int(os.environ["WEB_CONCURRENCY"])
worker_class = "sync"
loglevel = "warning"
accesslog = None
max_requests = 0
timeout = 30
