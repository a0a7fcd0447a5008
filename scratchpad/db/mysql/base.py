"""
Django's MySQL/MariaDB backend, whose health check skips the ping while the
connection has just answered.

With CONN_HEALTH_CHECKS, Django pings a kept connection before the first
query of every request: a round trip to the server for every page, which
cost a page served from the cache about a fifth of its time. A connection
that served the previous request without an error a moment ago is used
without the ping; one idle for longer is pinged as before, and replaced if
it fails. Should the server drop a connection within that moment (a KILL,
a restart), the request's first query finds out instead of the ping: a
read that fails as the connection is gone is run again on a new one.
"""

import time

from django.db.backends.mysql import base

# How long after a request a connection that served it without an error is
# used again without a ping, in seconds.
ANSWERED_RECENTLY_SECONDS = 1.0

# MySQL's client errors for a connection that is gone: "MySQL server has
# gone away", "Lost connection to MySQL server during query" (also a read
# that timed out, told apart by how long it took).
CONNECTION_GONE = {2006, 2013}
FOUND_GONE_SECONDS = 0.5


class CursorWrapper(base.CursorWrapper):
    def __init__(self, cursor, wrapper):
        super().__init__(cursor)
        self.wrapper = wrapper

    def execute(self, query, args=None):
        started = time.monotonic()
        try:
            result = super().execute(query, args)
        except base.Database.OperationalError as error:
            # Found gone at once: a query that waited for its read timeout
            # (a server that hangs) fails, not waits as long again.
            if time.monotonic() - started > FOUND_GONE_SECONDS:
                raise
            if not self.wrapper.reconnect_for(error, query):
                raise
            self.cursor = self.wrapper.connection.cursor()
            result = super().execute(query, args)
        self.wrapper.unchecked = False
        return result


class DatabaseWrapper(base.DatabaseWrapper):
    # When the connection last served a request without an error, plus
    # ANSWERED_RECENTLY_SECONDS (time.monotonic()).
    answered_until = 0.0
    # Whether this request uses the connection without the ping, and no
    # query has run on it yet.
    unchecked = False

    def create_cursor(self, name=None):
        return CursorWrapper(self.connection.cursor(), self)

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() < self.answered_until
        ):
            self.health_check_done = True
            self.unchecked = True
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # Called as a request starts and as it ends. health_check_done says
        # the connection was used since the last call (the check, or the
        # connect, comes before the first query). After an error Django
        # pings it here, and closes it if it fails.
        used = self.connection is not None and self.health_check_done
        self.unchecked = False
        super().close_if_unusable_or_obsolete()
        if used and self.connection is not None:
            self.answered_until = time.monotonic() + ANSWERED_RECENTLY_SECONDS

    def reconnect_for(self, error, query) -> bool:
        """Whether ERROR, raised by the first query on a connection used
        without the ping, says the server dropped it, and QUERY only reads,
        outside a transaction: then the connection is replaced, for the
        query to run again. A write is never run twice."""
        if not (
            self.unchecked
            and error.args
            and error.args[0] in CONNECTION_GONE
            and query.lstrip()[:6].upper() == "SELECT"
            and self.get_autocommit()
            and not self.in_atomic_block
        ):
            return False
        self.unchecked = False
        self.close()
        self.connect()
        return True

    def close(self):
        self.answered_until = 0.0
        super().close()
