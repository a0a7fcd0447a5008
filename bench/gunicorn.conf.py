"""
The benchmark's gunicorn settings, the same for the site and the ceiling.

Not the deployment's gunicorn.conf.py: its access log to stdout and its
recycling of workers every thousand requests would be measured along with
the pages. The worker count and class are given on the command line.
"""

accesslog = None
max_requests = 0
timeout = 30
