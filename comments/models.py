import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from . import formatting

# Where the rendered text breaks a line: line breaks and the end of blocks.
LINE_END = re.compile(r"<br>\n?|</(?:p|li|pre|blockquote)>")


def list_url(**params) -> str:
    """The front page's address, at the position given by before= or after=."""
    url = reverse("comments:list")
    return f"{url}?{urlencode(params)}" if params else url


@dataclass
class Page:
    """A page of comments, oldest first, and the addresses of its neighbours."""

    comments: list["Comment"]
    older_url: str | None = None
    newer_url: str | None = None
    # Where to send the reader instead: the position asked for is not one the
    # site's own links give (no comment has that id), or nothing lies that way.
    redirect_url: str | None = None


class CommentQuerySet(models.QuerySet):
    """The comments' pages, and bulk writes that keep the cached pages fresh.

    update(), bulk_create() and bulk_update() (which writes through update())
    send no signals, so they replace the cached pages' version themselves,
    in the write's own transaction (comments.caching explains the cache).
    """

    def update(self, **kwargs):
        if ("content" in kwargs or "format" in kwargs) and "html" not in kwargs:
            kwargs["html"] = _html_for_update(kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            rows = super().update(**kwargs)
            if rows:
                _pages_changed()
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = _rendered(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            objs = super().bulk_create(objs, *args, **kwargs)
            if objs:
                _pages_changed()
        return objs

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if ("content" in fields or "format" in fields) and "html" not in fields:
            objs = _rendered(objs)
            fields.append("html")
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True

    def bulk_create_keeping_times(self, objs, *, replace_version=True) -> None:
        """Insert comments that bring their own ``posted``, kept as it is
        (None stays NULL: said at an unknown time) rather than stamped with
        the present, as bulk_create() does: comments from before this site.

        One INSERT per batch and nothing read back, so it works the same
        where the database gives no ids back from a bulk insert (MySQL): the
        comments are left without their pk.

        A caller that writes many batches in one transaction of its own (the
        importer) passes ``replace_version=False`` and replaces the pages'
        version once, last: the version's row stays locked from its update
        until the commit, and every post on the site waits for it meanwhile.
        """
        objs = _rendered(objs)
        if not objs:
            return
        # What bulk_create() checks first: a commenter not yet saved is an
        # error, not a comment silently by anonymous.
        self._prepare_for_bulk_create(objs)
        # Django's own raw insert, the one loaddata's saves use: each field's
        # value as it is, without pre_save()'s auto_now_add. Private API, but
        # the public ways are worse: bulk_create() always stamps the present,
        # putting the times back by pk needs the ids MySQL does not return,
        # and a save() per comment is a round trip per row.
        fields = [
            field
            for field in self.model._meta.concrete_fields
            if not field.primary_key and not field.generated
        ]
        batch_size = connections[self.db].ops.bulk_batch_size(fields, objs)
        with transaction.atomic(using=self.db, savepoint=False):
            for start in range(0, len(objs), batch_size):
                self._insert(
                    objs[start : start + batch_size],
                    fields=fields,
                    raw=True,
                    using=self.db,
                )
            if replace_version:
                _pages_changed()

    bulk_create_keeping_times.alters_data = True

    def for_listing(self):
        """With what a listed comment shows besides its own row: its author,
        the comment it answers and that one's author, and its replies (one
        query more for a whole page)."""
        replies = self.model.objects.select_related("commenter").order_by("pk")
        return (
            self.select_related("commenter", "parent__commenter")
            # Only the parent's author and link are shown, never its text.
            .defer("parent__content", "parent__html")
            # Into a list of each comment's: Django makes a queryset for each
            # comment's replies otherwise, a fifth of a page's query.
            .prefetch_related(
                models.Prefetch("replies", queryset=replies, to_attr="listed_replies")
            )
        )

    def visible(self):
        """The comments whose text is on the board: not hidden by a moderator."""
        return self.filter(hidden__isnull=True)

    def newest_first(self, url: str, before: int | None = None) -> Page:
        """The page of comments, newest first, older than the one before
        names (the page at url?before=<id>); the newest without before. A
        person's page (views.user_comments).

        Keyset paging, as page() explains: a page costs the same deep in the
        history. Only a comment of these is a position: any other id gives
        the redirect_url of the page it falls in, the one before the next
        newer comment of these.
        """
        per_page = settings.COMMENTS_PER_PAGE
        comments = self.for_listing().order_by("-pk")
        if before is not None:
            comments = comments.filter(pk__lte=before)
        rows = list(comments[: per_page + 2])
        named = before is not None and bool(rows) and rows[0].pk == before
        if before is not None and not named:
            newer = (
                self.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
            )
            newer = newer.first()
            return Page(
                [], redirect_url=url if newer is None else f"{url}?before={newer}"
            )
        rows = rows[1:] if named else rows[: per_page + 1]
        page = rows[:per_page]
        return Page(
            comments=page,
            older_url=f"{url}?before={page[-1].pk}" if len(rows) > per_page else None,
            newer_url=url if before is not None else None,
        )

    def page(self, before: int | None = None, after: int | None = None) -> Page:
        """The page of comments just before or just after an id, oldest first.

        Keyset paging: the primary key's index finds the page directly, and one
        row more than a page tells whether there is more. No OFFSET and no COUNT,
        so a page deep in the history costs what the latest one does. Without
        before or after, this is the latest page.

        The site's own links name the id of a comment (the first or last of the
        page they leave, or the one before a permalink's; after=0 for the oldest
        page), so there are at most two positions per comment, and only those
        are pages: the cache keeps each under its address (comments.middleware),
        and an attacker who makes up positions would otherwise fill it with one
        copy of a page per number. Any other id gives the redirect_url of its
        page, found with one more query of the index.
        """
        per_page = settings.COMMENTS_PER_PAGE
        comments = self.for_listing()
        ids = self.values_list("pk", flat=True)
        redirect_url = None
        if after is not None:
            # The comment the position names, when there is one, then the page.
            rows = list(comments.filter(pk__gte=after).order_by("pk")[: per_page + 2])
            named = bool(rows) and rows[0].pk == after
            rows = rows[1:] if named else rows[: per_page + 1]
            page = rows[:per_page]
            has_newer = len(rows) > per_page
            if not page:
                # Nothing lies that way (the link outlived the comments it
                # pointed at): the nearest page is the latest.
                return Page([], redirect_url=list_url())
            # after=0, the oldest page, has nothing before it.
            has_older = named
            if not named and after != 0:
                older = ids.filter(pk__lt=after).order_by("-pk").first()
                redirect_url = list_url(after=0 if older is None else older)
        else:
            if before is not None:
                comments = comments.filter(pk__lte=before)
            rows = list(comments.order_by("-pk")[: per_page + 2])
            named = before is not None and bool(rows) and rows[0].pk == before
            rows = rows[1:] if named else rows[: per_page + 1]
            page = rows[:per_page][::-1]
            has_older = len(rows) > per_page
            if not page and before is not None:
                # Nothing lies that way: the nearest page is the oldest.
                return Page([], redirect_url=list_url(after=0))
            has_newer = named
            if before is not None and not named:
                newer = ids.filter(pk__gt=before).order_by("pk").first()
                has_newer = newer is not None
                # Before an id newer than every comment is the latest page.
                redirect_url = list_url(before=newer) if has_newer else list_url()
        return Page(
            comments=page,
            older_url=list_url(before=page[0].pk) if has_older else None,
            newer_url=list_url(after=page[-1].pk) if has_newer else None,
            redirect_url=redirect_url,
        )


def _rendered(comments) -> list:
    """The comments, each with its HTML rendered from its text."""
    comments = list(comments)
    users = mentionable_users(comment.content for comment in comments)
    for comment in comments:
        comment.render(users)
    return comments


def mentionable_users(texts) -> dict:
    """The active users the texts may mention (@username), by username,
    matched exactly (comments.formatting says how a mention is read)."""
    names = set()
    for text in texts:
        names |= formatting.mention_candidates(text)
    if not names:
        return {}
    User = get_user_model()
    found, names_list = {}, sorted(names)
    # In batches: an import's many texts stay within any database's limit
    # of a query's parameters.
    for start in range(0, len(names_list), 500):
        batch = names_list[start : start + 500]
        lookup = {f"{User.USERNAME_FIELD}__in": batch, "is_active": True}
        for user in User.objects.filter(**lookup):
            # MySQL compares names without case: only the exact name counts.
            if user.get_username() in names:
                found[user.get_username()] = user
    return found


def mention_links(users: dict) -> dict[str, str]:
    """Each user's name and the address of their page."""
    return {name: reverse("comments:user", args=[name]) for name in users}


def _html_for_update(kwargs):
    """The html column's value for an update() that sets the text or the
    format: rendered from the text given, in each row's own format."""
    content = kwargs.get("content")
    if "content" in kwargs and not isinstance(content, str):
        # An expression: its text is only known to the database.
        raise TypeError("update() can set a comment's content only to a string.")
    if "content" not in kwargs:
        raise TypeError("update() can set a comment's format only with its content.")
    links = mention_links(mentionable_users([content]))
    if "format" in kwargs:
        return formatting.render(content, kwargs["format"], links)
    return models.Case(
        models.When(
            format=formatting.PLAIN,
            then=models.Value(formatting.render(content, formatting.PLAIN, links)),
        ),
        default=models.Value(formatting.render(content, formatting.MARKDOWN, links)),
    )


def _pages_changed():
    # Imported here: comments.caching reads these models.
    from .caching import bump_board_version

    bump_board_version()


class Comment(models.Model):
    class Format(models.TextChoices):
        # Comments from before Markdown, and those imported from Flask.
        PLAIN = formatting.PLAIN, "Plain text"
        MARKDOWN = formatting.MARKDOWN, "Markdown"

    content = models.CharField(max_length=4096)
    # What the text was written in: it keeps its meaning whatever new
    # comments are written in (comments.formatting). A row written outside
    # Django (a SQL console) is plain text, as the rows from before were.
    format = models.CharField(
        max_length=8,
        choices=Format.choices,
        default=Format.MARKDOWN,
        db_default=Format.PLAIN,
    )
    # The text rendered, on every save (comments.formatting says why); empty
    # for a row written outside Django, until refresh_pages renders it.
    html = models.TextField(blank=True, editable=False, db_default="")
    # Nullable: comments from before the site stored times (imported from
    # its Flask ancestor) say "at an unknown time".
    posted = models.DateTimeField(auto_now_add=True, null=True, db_index=True)
    # SET_NULL: deleting a user must never delete what was said; their
    # comments then read "by anonymous".
    commenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # When the commenter last changed the text; NULL for a comment never
    # edited, so readers can tell the two apart.
    edited = models.DateTimeField(null=True, blank=True, editable=False)
    # The comment this one answers. SET_NULL: deleting a comment never
    # deletes its replies; is_reply keeps that it answered one, so the reply
    # can say it answered a deleted comment.
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
    )
    is_reply = models.BooleanField(default=False, db_default=False, editable=False)
    # The users its text mentions (@username), recorded when it is saved for
    # their notifications.
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    # When a moderator took the text off the board; NULL while it is shown.
    hidden = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        # Insertion order is chronological order, and it also holds for the
        # rows without a time.
        ordering = ["id"]
        indexes = [
            # A user's latest comments, for the rate limit and the duplicate
            # check (comments.limits).
            models.Index(
                fields=["commenter", "posted"], name="comment_commenter_posted"
            ),
        ]

    def __str__(self):
        return Truncator(self.content).chars(50)

    def save(self, *args, **kwargs):
        # One transaction with the post_save receiver that replaces the
        # cached pages' version (comments.caching): a comment is never
        # stored without the pages learning of it.
        self.render()
        # A reply stays one when the comment it answers is deleted.
        if self.parent_id is not None:
            self.is_reply = True
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"content", "format"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "html"}
        adding = self._state.adding
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            # Whom the text mentions, in the same transaction: read them in
            # transaction.on_commit(), not in a post_save receiver.
            if update_fields is None or "content" in update_fields:
                if not adding:
                    self.mentions.set(self._mentioned)
                elif self._mentioned:
                    self.mentions.add(*self._mentioned)

    def get_absolute_url(self):
        return reverse("comments:permalink", args=[self.pk])

    def render(self, users: dict | None = None) -> None:
        """Renders the text into html, as its format says, with its mentions
        of active users linked; ``users`` are those the text may mention
        (mentionable_users()), looked up when not given."""
        if users is None:
            users = mentionable_users([self.content])
        found = set()
        self.html = formatting.render(
            self.content, self.format, mention_links(users), found=found
        )
        # Who the text mentions, recorded by save().
        self._mentioned = [users[name] for name in sorted(found)]

    def shown_replies(self) -> list:
        """Its replies, oldest first, with their authors: brought along by
        CommentQuerySet.for_listing(), else read now."""
        try:
            return self.listed_replies
        except AttributeError:
            return list(self.replies.select_related("commenter").order_by("pk"))

    def content_html(self) -> SafeString:
        """The text as HTML, safe to show: rendered and sanitized when saved
        (or now, for a row written outside Django without it)."""
        if not self.html:
            self.render()
        return mark_safe(self.html)

    def plain_text(self) -> str:
        """The text as a reader sees it, without its markup (a feed's title)."""
        text = unescape(strip_tags(LINE_END.sub("\n", self.html)))
        return re.sub("\n{2,}", "\n", text).strip("\n")

    def edit_deadline(self):
        """Until when the text may change; None when it never may."""
        if self.posted is None:
            # A comment without a time: its window cannot be known.
            return None
        return self.posted + settings.COMMENTS_EDIT_WINDOW

    def is_in_edit_window(self) -> bool:
        deadline = self.edit_deadline()
        return deadline is not None and timezone.now() < deadline

    def can_edit(self, user) -> bool:
        """Only the author edits, only within the edit window, and not once
        a moderator hid it (a restored comment shows what was hidden)."""
        return (
            self.is_authored_by(user)
            and self.hidden is None
            and self.is_in_edit_window()
        )

    def can_delete(self, user) -> bool:
        """The author at any time, and staff allowed to delete in the admin."""
        return self.is_authored_by(user) or self.may_delete_others(user)

    @staticmethod
    def may_delete_others(user) -> bool:
        """Staff allowed to delete comments in the admin, on the board too."""
        # is_staff first: a regular user's permissions are never loaded.
        return user.is_staff and user.has_perm("comments.delete_comment")

    def can_reply(self, user) -> bool:
        """Any logged-in reader answers a comment on the board (not hidden)."""
        return user.is_authenticated and self.hidden is None

    def has_links_for(self, user) -> bool:
        """Whether this reader gets any link on the comment (Reply, Edit,
        Delete)."""
        return self.can_reply(user) or self.has_own_links_for(user)

    def has_own_links_for(self, user) -> bool:
        """Whether this reader gets links on the comment beyond those every
        logged-in reader gets (Edit, Delete): what the cached listing asks
        of each comment (comments.listing)."""
        return self.can_edit(user) or self.can_delete(user)

    def is_authored_by(self, user) -> bool:
        return (
            user.is_authenticated
            and self.commenter_id is not None
            and self.commenter_id == user.pk
        )


class CommentEdit(models.Model):
    """A saved edit, counted for the edits' rate limit (comments.limits).

    Only the last hour's matter: older rows are removed as the editor saves
    another edit.
    """

    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    edited = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["editor", "edited"], name="comment_edit_editor_edited")
        ]

    def __str__(self):
        return f"{self.editor_id} at {self.edited}"


class ImportedComment(models.Model):
    """A comment row of a Flask tutorial database that has been imported.

    Remembered so that importing the same database again adds only what is
    new there. Kept even when the comment is later deleted here, so that a
    comment removed by staff does not come back with the next import.

    The importer is the flask_import app's (flask_import.importer); the
    model stays here, where its table's migrations are.
    """

    # The source database, as the importer names it (its URL without the
    # password, or the SQLite file's absolute path).
    source = models.CharField(max_length=255)
    source_id = models.BigIntegerField()
    imported = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="unique_imported_comment"
            ),
        ]

    def __str__(self):
        return f"{self.source} #{self.source_id}"


class BoardVersion(models.Model):
    """One row: the version the comment pages are cached under, and the
    front page's list of comments as of that version (comments.caching)."""

    version = models.CharField(max_length=32)
    # A pickled (address prefix, comments.listing.Listing), rendered by the
    # change that made the version; NULL until one is.
    front_page = models.BinaryField(null=True, editable=False)

    def __str__(self):
        return self.version
