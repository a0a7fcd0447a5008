"""
The ceiling's gunicorn settings (bench/ceiling.py): gunicorn's defaults,
with the worker count and worker class of the deployment's gunicorn.conf.py,
which serves the site itself in the benchmark. The site's own settings cost
what they cost (its access log, its recycling of workers); the ceiling is
the limit of the stack on this machine.
"""

import runpy
from pathlib import Path

_site = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))

bind = _site["bind"]
workers = _site["workers"]
worker_class = _site.get("worker_class", "sync")
