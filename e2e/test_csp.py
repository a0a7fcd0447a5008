"""The Content-Security-Policy, as Chromium enforces it on every page."""

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from comments.tests.factories import CommentFactory

from .conftest import RECORD_CSP_VIOLATIONS


def violations(page):
    return page.evaluate("() => window.cspViolations")


def test_no_page_breaks_the_policy(page, staff, make_comments, password):
    seen = {}

    def visit(name, url=None):
        """Opens a page (or takes the one on screen) and notes what it blocked."""
        if url is not None:
            page.goto(url)
        page.wait_for_load_state("load")
        seen[name] = violations(page)

    make_comments(51)
    own = CommentFactory(commenter=staff, content="Sam's own comment")

    visit("front page, logged out", reverse("comments:list"))
    page.get_by_role("link", name="Older comments").click()
    expect(page.get_by_role("link", name="Newer comments")).to_be_visible()
    visit("older comments")
    visit("login", reverse("login"))
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("mallory")
        page.get_by_label("Password").fill(f"guess {attempt}")
        page.get_by_role("button", name="Log in").click()
        if attempt == 0:
            expect(page.get_by_role("alert")).to_have_text(
                "Incorrect username or password"
            )
            visit("login, with an error")
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    visit("locked out")
    visit("not found", "/no-such-page/")

    visit("admin login", reverse("admin:index"))
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Manage the board")).to_be_visible()
    visit("admin index")
    visit("admin comments", reverse("admin:comments_comment_changelist"))
    visit("admin comment", reverse("admin:comments_comment_change", args=[own.pk]))
    visit("admin add user", reverse("admin:auth_user_add"))
    visit("admin lockouts", reverse("admin:axes_accessattempt_changelist"))
    visit("admin access log", reverse("admin:axes_accesslog_changelist"))

    visit("front page, logged in", reverse("comments:list"))
    visit("edit", reverse("comments:edit", args=[own.pk]))
    visit("delete", reverse("comments:delete", args=[own.pk]))
    visit("password change", reverse("password_change"))
    page.get_by_label("Old password").fill(password)
    page.get_by_label("New password", exact=True).fill("a new and long passphrase")
    page.get_by_label("New password confirmation").fill("a new and long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    visit("password changed")
    visit("log out, asked first", reverse("logout"))

    assert seen == dict.fromkeys(seen, [])


def test_a_violation_is_seen(browser, live_server):
    # Without the guards of the other tests, which would fail this one: the
    # check above proves something only if a blocked inline style shows up.
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.goto(reverse("login"))
        page.evaluate("() => document.body.setAttribute('style', 'color: red')")
        page.wait_for_function("() => window.cspViolations.length > 0")
        assert violations(page)[0].startswith("style-src-attr blocked inline")
    finally:
        context.close()
