"""
The reports queue, and bans, in Django's admin.

The queue lists comments, not reports: a moderator decides about a comment
once, however many readers flagged it. It shows the comments with open
reports (or, filtered, every comment ever reported), the one reported last
first, with how many open reports each has and why; its actions hide,
restore, dismiss the reports, or delete. Each action is written to the
admin's history against the comment (moderation.models).

The users' list gains "Ban and hide all their comments": the users are
deactivated (moderation.bans ends their sessions) and everything they wrote
is hidden.
"""

from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import dateformat, timezone

from accounts.admin import UserAdmin
from comments.caching import bump_board_version

from .bans import end_sessions
from .models import ModeratedComment, Report

User = get_user_model()


class ReportStatusFilter(admin.SimpleListFilter):
    """Open reports unless asked otherwise: the queue is what is left to do."""

    title = "reports"
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("all", "All, handled too")]

    def choices(self, changelist):
        for value, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset.filter(
                models.Exists(Report.objects.filter(comment=models.OuterRef("pk")))
            )
        return queryset.with_open_reports()


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return Report.Reason.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        reports = Report.objects.filter(
            comment=models.OuterRef("pk"), reason=self.value()
        )
        if request.GET.get(ReportStatusFilter.parameter_name) != "all":
            reports = reports.open()
        return queryset.filter(models.Exists(reports))


class ReportInline(admin.TabularInline):
    model = Report
    fields = ["created", "reporter", "reason", "note", "resolved"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ModeratedComment)
class ModeratedCommentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "commenter",
        "open_reports",
        "reasons",
        "latest_report_time",
        "is_hidden",
    ]
    list_filter = [ReportStatusFilter, ReasonFilter]
    list_select_related = ["commenter"]
    search_fields = ["content", "commenter__username"]
    actions = ["hide", "restore", "dismiss_reports", "delete_selected"]
    fields = ["content", "commenter", "posted", "hidden"]
    readonly_fields = fields
    inlines = [ReportInline]

    def get_queryset(self, request):
        open_reports = models.Q(reports__resolved__isnull=True)
        # Not ModelAdmin's, which orders before the annotations exist.
        return (
            self.model._default_manager.annotate(
                latest_report=models.Max("reports__created"),
                latest_open_report=models.Max("reports__created", filter=open_reports),
                open_report_count=models.Count("reports", filter=open_reports),
            )
            .prefetch_related(
                models.Prefetch(
                    "reports",
                    queryset=Report.objects.open().only("comment_id", "reason"),
                    to_attr="open_report_list",
                )
            )
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        # The latest reported first, open reports before handled ones (an
        # annotation: the ordering attribute's checks know only fields).
        return [
            models.F("latest_open_report").desc(nulls_last=True),
            "-latest_report",
            "-pk",
        ]

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, comment):
        return comment.open_report_count

    @admin.display(description="Reasons")
    def reasons(self, comment):
        counts = Counter(
            report.get_reason_display() for report in comment.open_report_list
        )
        return (
            ", ".join(
                f"{reason} ×{count}" if count > 1 else reason
                for reason, count in counts.most_common()
            )
            or self.get_empty_value_display()
        )

    @admin.display(description="Latest report", ordering="latest_report")
    def latest_report_time(self, comment):
        return dateformat.format(
            timezone.localtime(comment.latest_report), "j M Y, H:i T"
        )

    @admin.display(description="Hidden", boolean=True, ordering="hidden")
    def is_hidden(self, comment):
        return comment.hidden is not None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_hide_permission(self, request):
        return ModeratedComment.can_moderate(request.user)

    def has_delete_permission(self, request, obj=None):
        # Deleting here is deleting the comment: the comments' own permission.
        return request.user.has_perm("comments.delete_comment")

    @admin.action(description="Hide selected comments", permissions=["hide"])
    def hide(self, request, queryset):
        count = queryset.hide(request.user, "Hid the comment from the reports queue.")
        self.message_user(
            request,
            f"Hid {count} comment{'s' if count != 1 else ''}.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore selected comments", permissions=["hide"])
    def restore(self, request, queryset):
        count = queryset.restore(
            request.user, "Restored the comment from the reports queue."
        )
        self.message_user(
            request,
            f"Restored {count} comment{'s' if count != 1 else ''}.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Dismiss the reports of selected comments", permissions=["hide"]
    )
    def dismiss_reports(self, request, queryset):
        count = queryset.dismiss_reports(request.user)
        self.message_user(
            request,
            f"Dismissed the reports of {count} comment{'s' if count != 1 else ''}.",
            messages.SUCCESS,
        )


admin.site.unregister(User)


@admin.register(User)
class BanningUserAdmin(UserAdmin):
    """The users' admin of accounts, with the ban beside its actions."""

    actions = [*UserAdmin.actions, "ban"]

    @admin.action(description="Ban and hide all their comments", permissions=["ban"])
    def ban(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=[u.pk for u in users]).update(
                is_active=False
            )
            # Their pages are gone and their names link nowhere, comments
            # or not.
            bump_board_version()
            for user in users:
                hidden = ModeratedComment.objects.filter(commenter=user).hide(
                    request.user, f"Hid the comment: {user.get_username()} was banned."
                )
                LogEntry.objects.log_actions(
                    request.user.pk,
                    [user],
                    CHANGE,
                    f"Banned: deactivated, sessions ended, {hidden} comment"
                    f"{'s' if hidden != 1 else ''} hidden.",
                )
            end_sessions(users)
        self.message_user(
            request,
            f"Banned {len(users)} user{'s' if len(users) != 1 else ''}.",
            messages.SUCCESS,
        )
        if len(users) < queryset.count():
            self.message_user(request, "You cannot ban yourself.", messages.WARNING)

    def has_ban_permission(self, request):
        # Both: it changes the users and hides their comments.
        return self.has_change_permission(request) and ModeratedComment.can_moderate(
            request.user
        )
