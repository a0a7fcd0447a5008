from django.core.checks import Error
from django.db import connections

# The collation the fixes name: case-insensitive like MySQL's defaults, with
# Unicode's rules rather than the older utf8mb4_general_ci approximation.
COLLATION = "utf8mb4_unicode_ci"


def check_mysql_utf8mb4(app_configs=None, databases=None, **kwargs):
    """
    Refuse a MySQL database whose text cannot hold 4-byte characters (emoji).

    Tables take the database's default character set when they are created,
    and many hosted servers still default to latin1 or utf8mb3: migrating
    into such a database would make tables that refuse every emoji. Tables
    left over from before a database was fixed are reported too, since
    ALTER DATABASE changes only the default for new tables.
    """
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "mysql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT DATABASE(), @@character_set_database")
            name, charset = cursor.fetchone()
            if charset != "utf8mb4":
                errors.append(
                    Error(
                        f"The database {name} stores text as {charset}, which "
                        "cannot hold emoji or other 4-byte characters.",
                        hint=(
                            f"Run ALTER DATABASE `{name}` CHARACTER SET utf8mb4 "
                            f"COLLATE {COLLATION}; then try again."
                        ),
                        obj=f"DATABASES[{alias!r}]",
                        id="comments.E001",
                    )
                )
            tables = connection.introspection.django_table_names(only_existing=True)
            if not tables:
                continue
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT DISTINCT TABLE_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME <> 'utf8mb4' "
                f"AND TABLE_NAME IN ({placeholders}) ORDER BY TABLE_NAME",
                tables,
            )
            errors.extend(
                Error(
                    f"The table {table} has text columns that cannot hold emoji "
                    "or other 4-byte characters.",
                    hint=(
                        f"Run ALTER TABLE `{table}` CONVERT TO CHARACTER SET "
                        f"utf8mb4 COLLATE {COLLATION};"
                    ),
                    obj=f"DATABASES[{alias!r}]",
                    id="comments.E002",
                )
                for (table,) in cursor.fetchall()
            )
    return errors


def check_mysql_isolation_level(app_configs=None, **kwargs):
    """
    Refuse a MySQL database set to an isolation level other than Django's
    default, READ COMMITTED.

    A change renders the front page's list in its own transaction
    (comments.caching.bump_board_version), again after another change that
    committed meanwhile: under REPEATABLE READ that second rendering would
    read the transaction's first snapshot, without the other change.
    """
    errors = []
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "mysql":
            continue
        level = connection.settings_dict.get("OPTIONS", {}).get(
            "isolation_level", "read committed"
        )
        if level != "read committed":
            errors.append(
                Error(
                    f"The database's isolation level is {level!r}: the cached "
                    "front page could miss a comment.",
                    hint=(
                        "Leave isolation_level out of DATABASE_URL's options "
                        "(Django's default is 'read committed')."
                    ),
                    obj=f"DATABASES[{alias!r}]",
                    id="comments.E003",
                )
            )
    return errors
