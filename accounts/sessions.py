"""
Sessions that bring their user along: one query where Django's database
sessions and its ModelBackend make two on every logged-in request.

The session engine (SESSION_ENGINE = "accounts.sessions") is Django's
database engine extended as its documentation shows ("Extending
database-backed session engines"): the row (accounts.models.Session) keeps
the logged-in user's id in a column as well as in its data, and reading the
session joins the user's row. The authentication middleware
(accounts.middleware) calls Django's own auth.get_user() while that session
is being read, and the backend (accounts.backends.ModelBackend) then takes
the user it brought instead of reading the row again.

Another app may have a value of its own read in the same round trip
(read_along()): the comments' cache reads the board's version this way,
which a logged-in page needs anyway.

Nothing is kept between requests, and every check stays Django's own: the
session is read from the database at each request, so a logout (its row
deleted) or a password change (the session's hash no longer the user's,
checked by auth.get_user()) on one server ends it on every server at once;
an inactive user is refused by the backend's user_can_authenticate(), as
Django's is; the user's row is the one read in this request.
"""

import contextlib
import contextvars
import dataclasses
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connections, router
from django.utils import timezone

# The session whose user is being found (accounts.middleware.get_user).
_reading = contextvars.ContextVar("accounts.sessions.reading", default=None)


@dataclasses.dataclass(frozen=True)
class ReadAlong:
    # SQL of a scalar subquery, and its parameters, for a connection.
    subquery: Callable
    # Called with its value when a session is read; not when none is found.
    receive: Callable


_read_along: dict[str, ReadAlong] = {}


def read_along(name: str, subquery, receive) -> None:
    """Has every session's read bring a value of another app's, in the
    same round trip: SUBQUERY(connection) gives the SQL of a scalar
    subquery and its parameters (None: not on that database's
    connection); RECEIVE(value) is called with its value each time a
    session is read. Call it from AppConfig.ready()."""
    _read_along[name] = ReadAlong(subquery, receive)


class SessionStore(DBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # The user row read with the session: None until it is loaded, and
        # when nobody is logged in on it.
        self.loaded_user = None

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        instance.user_id = (
            None if user_id is None else get_user_model()._meta.pk.to_python(user_id)
        )
        return instance

    def _get_session_from_db(self):
        # Django's own query, with the user's row joined, in SQL made once
        # (session_query): building the ORM's query at every request took
        # longer than the database took to answer it.
        model = self.model
        connection = connections[router.db_for_read(model)]
        query = session_query(connection, model)
        with connection.cursor() as cursor:
            cursor.execute(
                query.sql,
                [
                    *query.along_params,
                    self.session_key,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                ],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        along = len(query.along)
        for read, value in zip(query.along, row[len(row) - along :], strict=True):
            read.receive(value)
        session_data, *user_values = query.convert(row[: len(row) - along], connection)
        if user_values[query.user_pk_index] is not None:
            self.loaded_user = query.user_model.from_db(
                connection.alias, query.user_attnames, user_values
            )
        return model(session_key=self.session_key, session_data=session_data)


@dataclasses.dataclass(frozen=True)
class SessionQuery:
    """A session's row and its user's, read in one query."""

    sql: str
    user_model: type
    user_attnames: list
    user_pk_index: int
    # (index, converters, column) for each value the database gives in
    # another type than the field's (a MySQL boolean, a naive time).
    converters: list
    # The values read along (read_along()), last in the row, in this order.
    along: list
    along_params: list

    def convert(self, row, connection) -> list:
        values = list(row)
        for index, converters, column in self.converters:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        return values


_session_queries = {}


def session_query(connection, model) -> SessionQuery:
    """The SQL of Django's database sessions' read, session_key = %s and
    expire_date > %s, selecting the session's data and every column of its
    user's row, made once per database connection's settings: with the
    converters the ORM applies to each column."""
    along = list(_read_along.values())
    key = (connection.alias, connection.vendor, model, get_user_model(), *along)
    if key not in _session_queries:
        User = get_user_model()
        quote = connection.ops.quote_name
        sessions_table, users_table = model._meta.db_table, User._meta.db_table
        session_data = model._meta.get_field("session_data").get_col(sessions_table)
        user_fields = User._meta.concrete_fields
        columns = [session_data] + [f.get_col(users_table) for f in user_fields]
        user_pk = User._meta.pk
        selected = [
            f"{quote(column.alias)}.{quote(column.target.column)}" for column in columns
        ]
        reads, along_params = [], []
        for read in along:
            if (subquery := read.subquery(connection)) is not None:
                selected.append(f"({subquery[0]})")
                along_params.extend(subquery[1])
                reads.append(read)
        sql = (
            "SELECT {columns} FROM {sessions} LEFT OUTER JOIN {users} "
            "ON {users}.{user_pk} = {sessions}.{user_id} "
            "WHERE {sessions}.{session_key} = %s AND {sessions}.{expire_date} > %s"
        ).format(
            columns=", ".join(selected),
            sessions=quote(sessions_table),
            users=quote(users_table),
            user_pk=quote(user_pk.column),
            user_id=quote(model._meta.get_field("user").column),
            session_key=quote(model._meta.get_field("session_key").column),
            expire_date=quote(model._meta.get_field("expire_date").column),
        )
        converters = []
        for index, column in enumerate(columns):
            found = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if found:
                converters.append((index, found, column))
        _session_queries[key] = SessionQuery(
            sql=sql,
            user_model=User,
            user_attnames=[field.attname for field in user_fields],
            user_pk_index=user_fields.index(user_pk),
            converters=converters,
            along=reads,
            along_params=along_params,
        )
    return _session_queries[key]


@contextlib.contextmanager
def reading(session):
    """While the user of SESSION is found: the backend may take the user
    row it brought (loaded_user)."""
    token = _reading.set(session)
    try:
        yield
    finally:
        _reading.reset(token)


def loaded_user(user_id):
    """The user whose id is USER_ID, as the session being read brought it;
    None when no session is being read or it brought no such user."""
    session = _reading.get()
    user = getattr(session, "loaded_user", None)
    if user is not None and user.pk == user_id:
        return user
    return None
