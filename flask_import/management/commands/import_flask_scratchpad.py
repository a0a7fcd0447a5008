"""
``manage.py import_flask_scratchpad SOURCE_URL``: move the users and
comments of the Flask tutorial's site into this one.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError

from flask_import.importer import (
    FlaskSource,
    ImportReport,
    SourceError,
    StrictImportRefused,
    import_flask_database,
)


class ProgressBar:
    """One line on a terminal, redrawn in place as comments are read."""

    width = 30

    def __init__(self, stream):
        self.stream = stream
        self.drawn = False

    def __call__(self, done, total):
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {done:,}/{total:,} comments", style_func=str, ending=""
        )
        self.stream.flush()
        self.drawn = True

    def close(self):
        if self.drawn:
            self.stream.write("", style_func=str)


def printable(text: str) -> str:
    """``text`` with every character a terminal could act on or hide (ESC,
    newlines and other controls, bidirectional overrides) written as its
    Python escape, as repr() does: the source's text is shown, never run."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


class Command(BaseCommand):
    help = (
        "Import the users (with their passwords) and the comments of a "
        "database of the Flask tutorial's site, at any stage of the tutorial. "
        "Everything happens in one transaction, and running it again imports "
        "only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source_url",
            metavar="SOURCE_URL",
            help=(
                "The Flask site's database: mysql://USER:PASSWORD@HOST/NAME "
                "or sqlite:////absolute/path/to/file.db"
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be imported and write nothing.",
        )
        parser.add_argument(
            "--source-timezone",
            default="UTC",
            metavar="ZONE",
            help=(
                "The time zone of the Flask site's server, in which it stored "
                "the comments' times (default: UTC), e.g. Europe/London."
            ),
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=(
                "Write nothing at all if any row cannot be imported unchanged, "
                "instead of importing the rest."
            ),
        )

    def handle(self, *args, **options):
        try:
            zone = ZoneInfo(options["source_timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                f"Unknown time zone {options['source_timezone']!r}: use a name "
                "such as UTC or Europe/London."
            ) from None
        verbose = options["verbosity"] > 0
        try:
            source = FlaskSource.open(options["source_url"])
        except SourceError as error:
            raise CommandError(printable(str(error))) from None
        try:
            if verbose:
                self.say(
                    f"Reading {source.identity}: the Flask tutorial's database "
                    f"at {source.stage}."
                )
                if options["dry_run"]:
                    self.say("Dry run: nothing will be written.")
            progress = (
                ProgressBar(self.stderr) if verbose and self.stderr.isatty() else None
            )
            try:
                report = import_flask_database(
                    source,
                    source_timezone=zone,
                    dry_run=options["dry_run"],
                    strict=options["strict"],
                    progress=progress,
                )
            finally:
                if progress:
                    progress.close()
        except SourceError as error:
            raise CommandError(printable(str(error))) from None
        except StrictImportRefused as refused:
            self.write_refusals(refused.report)
            raise CommandError(
                "Nothing was imported (--strict): this site cannot hold "
                f"{refused.report.refused} of the source's rows, listed above."
            ) from None
        finally:
            source.close()
        if verbose:
            self.write_summary(report)
        if report.refused and report.dry_run:
            raise CommandError(
                f"Source rows that would not be imported: {report.refused} "
                "(listed above); everything else would be."
            )
        if report.refused:
            raise CommandError(
                f"Source rows not imported: {report.refused} (listed above); "
                "everything else was."
            )

    def say(self, line: str):
        # Every line may hold the source's text: usernames, the Alembic
        # revision, its path.
        self.stdout.write(printable(line))

    def write_summary(self, report: ImportReport):
        would = report.dry_run
        created = "to create" if would else "created"
        imported = "to import" if would else "imported"
        self.say(
            f"Users: {len(report.users_created)} {created}, "
            f"{len(report.users_matched)} matched by username "
            "(existing users and their passwords are left alone)."
        )
        self.say(
            f"Passwords: {report.passwords_kept} kept, "
            f"{len(report.unusable_passwords)} unusable."
        )
        if report.unusable_passwords:
            self.say("  Staff must set a new password for (username: why):")
            for username, reason in report.unusable_passwords:
                self.say(f"    {username}: {reason}")
        self.say(
            f"Comments: {report.comments_imported} {imported}, "
            f"{report.comments_already_there} already there, "
            f"{len(report.comments_refused)} refused."
        )
        self.write_refusals(report)

    def write_refusals(self, report: ImportReport):
        if report.users_refused:
            self.say("Users not imported (source id: why):")
            for source_id, reason in report.users_refused:
                self.say(f"  {source_id}: {reason}")
        if report.comments_refused:
            self.say("Comments not imported (source id: why):")
            for source_id, reason in report.comments_refused:
                self.say(f"  {source_id}: {reason}")
