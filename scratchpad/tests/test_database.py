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


def test_a_connection_the_server_dropped_while_idle_is_replaced(monkeypatch):
    monkeypatch.setattr(base, "ANSWERED_RECENTLY_SECONDS", 0)
    request()
    dropped = connection_id()
    with connections.create_connection("default").cursor() as other:
        other.execute(f"KILL {dropped}")
    # No error: the ping failed, and the query ran on a new connection.
    request()
    assert connection_id() != dropped


def test_a_connection_lost_during_a_request_is_replaced_after_it(pings):
    request()
    lost = connection_id()
    with connections.create_connection("default").cursor() as other:
        other.execute(f"KILL {lost}")
    with pytest.raises(OperationalError):
        request()
    # The end of the failed request, which Django's handler always reaches.
    connection.close_if_unusable_or_obsolete()
    assert pings == ["default"]
    request()
    assert connection_id() != lost
