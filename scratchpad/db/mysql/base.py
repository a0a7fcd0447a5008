"""
Django's MySQL/MariaDB backend, whose health check skips the ping while the
connection has just answered.

With CONN_HEALTH_CHECKS, Django pings a kept connection before the first
query of every request: a round trip to the server for every page, which
cost a page served from the cache about a fifth of its time. A connection
that answered the previous request without an error a moment ago is as good
as a ping would show; one idle for longer (the server restarted, or dropped
it after its wait_timeout) is pinged as before, and replaced if it fails.
"""

import time

from django.db.backends.mysql import base

# How long after a request a connection that served it without an error is
# used again without a ping, in seconds: shorter than any restart of the
# server takes.
ANSWERED_RECENTLY_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    # When the connection last served a request without an error, plus
    # ANSWERED_RECENTLY_SECONDS (time.monotonic()).
    answered_until = 0.0

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() < self.answered_until
        ):
            self.health_check_done = True
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # Called as a request starts and as it ends. health_check_done says
        # the connection was used since the last call (the check, or the
        # connect, comes before the first query). After an error Django
        # pings it here, and closes it if it fails.
        used = self.connection is not None and self.health_check_done
        super().close_if_unusable_or_obsolete()
        if used and self.connection is not None:
            self.answered_until = time.monotonic() + ANSWERED_RECENTLY_SECONDS

    def close(self):
        self.answered_until = 0.0
        super().close()
