from django.db import migrations, models

from comments import formatting


def render_existing(apps, schema_editor):
    """Every comment stored so far is plain text (the column's database
    default): rendered as the board always showed it."""
    Comment = apps.get_model("comments", "Comment")
    comments = Comment.objects.using(schema_editor.connection.alias)
    batch = []
    for comment in comments.only("pk", "content").iterator(chunk_size=1000):
        comment.html = formatting.render_plain(comment.content)
        batch.append(comment)
        if len(batch) == 1000:
            comments.bulk_update(batch, ["html"])
            batch = []
    if batch:
        comments.bulk_update(batch, ["html"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_board_version"),
    ]

    operations = [
        # The rows already there take the database's default, plain text;
        # new ones made by Django are Markdown.
        migrations.AddField(
            model_name="comment",
            name="format",
            field=models.CharField(
                choices=[("plain", "Plain text"), ("markdown", "Markdown")],
                db_default="plain",
                default="markdown",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="html",
            field=models.TextField(blank=True, db_default="", editable=False),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
