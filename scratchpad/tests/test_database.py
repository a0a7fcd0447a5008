"""The MySQL/MariaDB backend's health check (scratchpad/db/mysql/base.py):
a kept connection is pinged before reuse unless it answered a moment ago."""

import pytest
from django.db import OperationalError, connection, connections

from scratchpad.db.mysql import base

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pings(monkeypatch):
    """The pings the connection's health check makes, counted as they go
    to the server."""
    count = []
    is_usable = base.DatabaseWrapper.is_usable

    def counted(self):
        count.append(self.alias)
        return is_usable(self)

    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", counted)
    return count


def request(queries=("SELECT 1",)):
    """What a request does with the connection: Django's checks as it starts,
    its queries, and the checks as it ends (request_started and
    request_finished call close_old_connections)."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query)
    connection.close_if_unusable_or_obsolete()


def connection_id():
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return cursor.fetchone()[0]


def test_the_site_uses_the_backend():
    assert isinstance(connections["default"], base.DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


def test_a_connection_that_answered_a_moment_ago_is_not_pinged(pings):
    request()
    request()
    request()
    assert pings == []


def test_a_connection_idle_for_longer_is_pinged_first(pings, monkeypatch):
    monkeypatch.setattr(base, "ANSWERED_RECENTLY_SECONDS", 0)
    request()
    pings.clear()
    request()
    request()
    assert pings == ["default", "default"]


def kill(connection_id):
    """Has the server drop the connection, as a restart or a KILL would."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(f"KILL {connection_id}")
    finally:
        other.close()


def test_a_connection_the_server_dropped_while_idle_is_replaced(monkeypatch):
    monkeypatch.setattr(base, "ANSWERED_RECENTLY_SECONDS", 0)
    request()
    dropped = connection_id()
    kill(dropped)
    # No error: the ping failed, and the query ran on a new connection.
    request()
    assert connection_id() != dropped


def test_a_read_on_a_connection_dropped_a_moment_ago_runs_on_a_new_one(pings):
    request()
    dropped = connection_id()
    kill(dropped)
    # Not pinged: the read finds the connection gone, and runs again.
    request(["SELECT 1", "SELECT 2"])
    assert pings == []
    assert connection_id() != dropped


def test_a_write_on_a_connection_dropped_a_moment_ago_is_not_run_twice(pings):
    request()
    dropped = connection_id()
    kill(dropped)
    with pytest.raises(OperationalError):
        request(["SET @written = 1"])
    # The end of the failed request, which Django's handler always reaches:
    # the connection pinged, found gone, and closed.
    connection.close_if_unusable_or_obsolete()
    assert pings == ["default"]
    request()
    assert connection_id() != dropped


def test_a_connection_lost_after_its_first_query_is_replaced_after_the_request():
    request()
    lost = connection_id()
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        kill(lost)
        # Only a request's first query runs again.
        with pytest.raises(OperationalError):
            cursor.execute("SELECT 2")
    connection.close_if_unusable_or_obsolete()
    request()
    assert connection_id() != lost
