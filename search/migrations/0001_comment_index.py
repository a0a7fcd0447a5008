"""The comments' full-text index: FULLTEXT on MySQL/MariaDB, FTS5 on SQLite
(search.backends explains both)."""

from django.db import migrations

from search import backends


def run(statements_by_vendor):
    def run_for_vendor(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(
                f"No search engine for the {schema_editor.connection.vendor} database."
            )
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run_for_vendor


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_replies_mentions_hidden"),
    ]

    operations = [
        migrations.RunPython(
            run(
                {
                    "mysql": backends.MYSQL_CREATE,
                    "sqlite": [
                        *backends.SQLITE_CREATE,
                        *backends.SQLITE_TRIGGERS.values(),
                    ],
                }
            ),
            run({"mysql": backends.MYSQL_DROP, "sqlite": backends.SQLITE_DROP}),
            # MySQL cannot run DDL in a transaction; SQLite's migration is
            # one anyway.
            atomic=False,
        ),
    ]
