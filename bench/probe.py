"""
Queries and bytes per request for each benchmarked page, measured in-process
with Django's test client against the database named by DATABASE_URL, for an
anonymous reader and for each user named. Prints one JSON object:
{"<label> <path>": {"queries": n, "bytes": n, "status": n}}, the label being
"anonymous" or the username.

    python -m bench.probe USERNAME[,USERNAME...] PATH [PATH ...]
"""

import json
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scratchpad.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    usernames, paths = sys.argv[1].split(","), sys.argv[2:]
    clients = [("anonymous", Client())]
    for username in usernames:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients.append((username, client))
    figures = {}
    for label, client in clients:
        for path in paths:
            client.get(path)  # fill whatever caches the site keeps
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            figures[f"{label} {path}"] = {
                "queries": len(queries),
                "bytes": len(response.content),
                "status": response.status_code,
            }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
