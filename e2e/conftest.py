"""
Browser tests: Debian's Chromium, driven by Playwright, against the site on
pytest-django's live server.

Every test in this folder is marked ``e2e``. Without Chromium they are
skipped on a developer's machine, and are an error in CI (``CI`` set), where
a green run that never opened the browser would prove nothing.

A failing test leaves a full-page screenshot and the HTML of each of its
tabs in ``artifacts/e2e/<test>/``.

Every page the tests' browsers get is also checked by the Nu HTML Checker
and by axe in both colour schemes (e2e/checkers.py).
"""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from accounts.tests.factories import PASSWORD, UserFactory
from comments.models import Comment

from .checkers import SUMMARY, PageChecks, vnu_missing

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No GPU, no sandbox (CI runs as root) and none of Chromium's own traffic
# to the outside (updates, sync, QUIC probes): the tests talk to the live
# server and nothing else.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages of this site answer in milliseconds: a locator that has not matched
# after ten seconds (on a busy machine) never will, and waiting Playwright's
# default thirty only makes a failure slow.
TIMEOUT_MS = 10_000

# Chromium fires securitypolicyviolation in the page for everything its
# policy blocked (an inline script or style, a foreign source). Each page
# keeps them in window.cspViolations and passes them on to the test. Added
# before the page's own scripts run.
CSP_REPORTER = "reportCspViolation"
RECORD_CSP_VIOLATIONS = f"""
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {{
  const violation =
    `${{event.effectiveDirective}} blocked ${{event.blockedURI || "inline"}}` +
    ` at ${{event.sourceFile || event.documentURI}}:${{event.lineNumber}}` +
    (event.sample ? ` (${{event.sample}})` : "");
  window.cspViolations.push(violation);
  window.{CSP_REPORTER}?.(violation);
}});
"""

HERE = Path(__file__).resolve().parent
phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()

# The whole suite gets more distinct documents than this from the live
# server (see the summary line it prints): fewer means pages went unseen.
MIN_CHECKED_PAGES = 100
# What the Preview button fetches, which refuses on purpose (400, 429).
PREVIEW_PATH = reverse("comments:preview")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the marker must be on the items before `-m e2e` selects.
    browser_tests = [item for item in items if HERE in item.path.parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
    if not browser_tests or shutil.which(CHROMIUM):
        return
    install = "apt-get install chromium (or set CHROMIUM to its path)"
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"Chromium not found at {CHROMIUM}: CI must run the browser tests. {install}"
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: {install}")
    for item in browser_tests:
        item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item):
    # Keeps each phase's outcome on the test, for the `context` fixture to
    # know at teardown whether to save what the browser showed.
    report = yield
    item.stash.setdefault(phase_reports, {})[report.when] = report
    return report


@pytest.fixture(autouse=True)
def _empty_cache():
    """Not emptied for each test, as the other tests' are (conftest.py at
    the root): the live server's process keeps its cache for the session."""


@pytest.fixture(autouse=True)
def _limits_in_the_cache_lifted(settings):
    """The whole browser suite searches from one address, and previews as
    users whose ids may come back with a test's new database, into one cache
    (above): the limits counted there (comments.limits.count_in_cache) would
    count every test's together. The tests of those limits set their own,
    and count in windows of their own (the clock fixture)."""
    settings.SEARCH_RATE_LIMIT = ((1_000_000, 1),)
    settings.COMMENTS_PREVIEW_RATE_LIMIT = ((1_000_000, 1),)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an asyncio event loop running in this
    # thread while it is open, and Django then refuses every ORM call made
    # here (SynchronousOnlyOperation), as if it came from async code. The
    # tests' own ORM calls (factories, checks of what was stored) never run
    # while the loop is working: each Playwright call has returned before
    # the next line runs, and the site itself answers from the live
    # server's threads. So the check is lifted while the browser is open,
    # and only then.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page_checks(request):
    """
    The pages the live server sent to the tests' browsers; at the end of
    the session, the Nu HTML Checker's errors in them fail the run.

    When the session ran every module of the browser tests, it must have
    checked at least MIN_CHECKED_PAGES distinct documents: a count that
    drops says that pages are no longer collected.
    """
    checks = PageChecks()

    # Kept as the live server sends them, in its threads: the browser may
    # have navigated on, and dropped a page's body, before a test's handler
    # could read it. Only the site's pages go through WSGIHandler's
    # get_response; the static files' handler has its own.
    def get_response(handler, request_):
        response = BaseHandler.get_response(handler, request_)
        checks.served(request_, response)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WSGIHandler, "get_response", get_response)
        yield checks
    summary = request.config.stash.setdefault(SUMMARY, [])
    summary.append(
        f"axe: {len(checks.axe_checked)} distinct pages, {checks.axe_runs} runs"
        f" (light and dark) in {checks.axe_seconds:.1f} s"
    )
    if not checks.by_content:
        return
    if missing := vnu_missing():
        if os.environ.get("CI"):
            pytest.fail(f"The Nu HTML Checker cannot run: {missing}", pytrace=False)
        summary.append(f"Nu HTML Checker: not run: {missing}")
        return
    started = time.monotonic()
    errors = checks.html_errors()
    summary.append(
        f"Nu HTML Checker: {len(checks.by_content)} distinct pages"
        f" in {time.monotonic() - started:.1f} s"
    )
    if errors:
        pytest.fail(
            "The Nu HTML Checker found errors:\n"
            + "\n".join(
                f"{name}\n" + "\n".join(f"  {error}" for error in found)
                for name, found in errors.items()
            ),
            pytrace=False,
        )
    modules = {item.path for item in request.session.items if HERE in item.path.parents}
    if modules >= set(HERE.glob("test_*.py")):
        assert len(checks.by_content) >= MIN_CHECKED_PAGES, (
            f"Only {len(checks.by_content)} distinct pages checked by the whole"
            f" browser suite, fewer than {MIN_CHECKED_PAGES}"
        )


@pytest.fixture(scope="session")
def axe_page(browser, live_server):
    """A tab of its own in which axe checks the pages the tests got."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    # Loaded with each page, before the page's own scripts, rather than sent
    # over for each check.
    context.add_init_script(AXE_SCRIPT)
    yield context.new_page()
    context.close()


def pytest_terminal_summary(terminalreporter, config):
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)


@pytest.fixture
def new_context(browser, live_server, request, page_checks, axe_page):
    """Opens a fresh browser profile (cookies, tabs) on the live server: one
    per person in the test.

    Fails the test if any page opens a dialog (``alert()`` run by injected
    script), throws an uncaught error, logs an error to the console (a
    blocked script), breaks its Content-Security-Policy or fails to load a
    stylesheet, script, image or icon; and if axe finds a WCAG 2.2 AA
    violation in a page it got, in either colour scheme (``page_checks``
    keeps them, for the Nu HTML Checker too).
    """
    contexts = []
    problems = []

    def on_dialog(dialog):
        problems.append(f"a {dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def on_console(message):
        # Failed loads are judged by on_response, which knows what failed.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            problems.append(f"console error: {message.text}")

    def on_response(response):
        # A page itself may answer with an error on purpose (a 404 page, a
        # refusal), and so may what its script fetches refuse (a preview of
        # text refused, or one too many: 400, 429); what it loads never should.
        kind = response.request.resource_type
        if response.status < 400 or kind == "document":
            return
        if response.status in {400, 429} and response.url.endswith(PREVIEW_PATH):
            return
        problems.append(f"{response.status} for {response.url}")

    def on_csp_violation(source, violation):
        problems.append(
            f"Content-Security-Policy violation on {source['page'].url}: {violation}"
        )

    def new_context(**options):
        # options: Playwright's, such as timezone_id for the reader's zone.
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("dialog", on_dialog)
        context.on("console", on_console)
        context.on("response", on_response)
        context.on(
            "weberror", lambda error: problems.append(f"uncaught error: {error.error}")
        )
        context.expose_binding(CSP_REPORTER, on_csp_violation)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        contexts.append(context)
        return context

    page_checks.test = request.node.name
    yield new_context

    problems.extend(page_checks.run_axe(axe_page))
    reports = request.node.stash.get(phase_reports, {}).values()
    if problems or any(report.failed for report in reports):
        folder = request.config.rootpath / "artifacts" / "e2e"
        folder /= re.sub(r"[^\w.-]+", "_", request.node.nodeid).strip("_")
        save_artifacts(contexts, folder)
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def save_artifacts(contexts, folder):
    folder.mkdir(parents=True, exist_ok=True)
    for person, context in enumerate(contexts, start=1):
        for tab, page in enumerate(context.pages, start=1):
            name = f"browser{person}-tab{tab}"
            page.screenshot(path=folder / f"{name}.png", full_page=True)
            (folder / f"{name}.html").write_text(page.content(), encoding="utf-8")


@pytest.fixture
def context(new_context):
    """The browser of the test's first (often only) person."""
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def bob(transactional_db):
    return UserFactory(username="bob")


@pytest.fixture
def staff(transactional_db):
    return UserFactory(username="sam", is_staff=True, is_superuser=True)


@pytest.fixture
def log_in():
    """Log in through the login page, as a person types it."""

    def log_in(page, username, password=PASSWORD):
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        # In the bar, or on a phone in its account menu.
        expect(
            page.get_by_role("button", name="Log out", include_hidden=True)
        ).to_be_attached()

    return log_in


@pytest.fixture
def post_comment():
    """Type a comment into the front page's form and post it."""

    def post_comment(page, text):
        page.get_by_role("textbox", name="Comment").fill(text)
        # The answer is a redirect back to the same address: wait for that
        # navigation to finish, not for the address to change.
        with page.expect_navigation():
            page.get_by_role("button", name="Post comment").click()

    return post_comment


@pytest.fixture
def bob_page(page, bob, log_in):
    """A tab in which bob has logged in, on the front page."""
    log_in(page, "bob")
    return page


@pytest.fixture
def staff_page(page, staff):
    """A tab in which a staff member has logged in to the admin."""
    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Manage the board")).to_be_visible()
    return page


@pytest.fixture
def make_comments(transactional_db):
    """Makes n comments by alice, oldest first, "Comment number 1" to n."""

    def make(n):
        alice = UserFactory(username="alice")
        Comment.objects.bulk_create(
            Comment(content=f"Comment number {i}", commenter=alice)
            for i in range(1, n + 1)
        )
        # Read back rather than taken from bulk_create(), which gives no ids
        # on MySQL: the newest n are these.
        return list(reversed(Comment.objects.order_by("-pk")[:n]))

    return make
