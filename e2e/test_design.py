"""
The board's design, as people meet it: at a phone's width (375 px) and a
desktop's (1280 px), in the light theme and the dark one.

Where the conversation is, each comment's hierarchy, the dark theme, the
phone's menu and writing a comment; axe checks the pages' contrast in both
themes.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory

from .test_accessibility import assert_no_blocking_violations
from .test_layout import LONG_USERNAME, overflow

WIDTHS = [375, 1280]
THEMES = ["light", "dark"]
POSTED_BY = re.compile(r"^Posted \w+day, \d\d \w+ \d{4} at \d\d:\d\d by (\S+)$")
PARAGRAPH = (
    "A board is read far more often than it is written, so its lines should "
    "be easy to follow from one end to the other and back again. "
) * 6


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request):
    return request.param


@pytest.fixture(params=THEMES)
def theme(request):
    return request.param


@pytest.fixture
def open_page(new_context, width, theme):
    """A new tab at the test's width, its browser asking for its theme."""

    def open_page(**options):
        context = new_context(
            viewport={"width": width, "height": 800}, color_scheme=theme, **options
        )
        return context.new_page()

    return open_page


@pytest.fixture
def board(bob):
    """A page of conversation, longer than a screen at any width."""
    alice = UserFactory(username="alice.smith")
    for n in range(1, 13):
        CommentFactory(content=f"Comment number {n}", commenter=alice)
    CommentFactory(content=PARAGRAPH, commenter=alice)
    CommentFactory(
        content="  indented as typed\n\n\nafter two blank lines",
        commenter=None,
        format=Comment.Format.PLAIN,
    )
    return CommentFactory(content="Bob has the last word.", commenter=bob)


def log_in(page, username="bob"):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def in_view(page, locator):
    expect(locator).to_be_in_viewport()


# A page with a heading and a purpose, in the reader's theme from the start.


RECORD_THEME_AT_BODY = """
new MutationObserver((mutations, observer) => {
  if (document.body) {
    window.themeAtBody = document.documentElement.getAttribute("data-bs-theme");
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_front_page_has_the_boards_name_and_purpose_in_the_readers_theme(
    open_page, board, theme
):
    page = open_page()
    page.context.add_init_script(RECORD_THEME_AT_BODY)
    page.goto(reverse("comments:list"))
    # The theme was set before the body was there to draw: no flash.
    assert page.evaluate("window.themeAtBody") == theme
    expect(page).to_have_title(settings.SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_have_text(settings.SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_text(settings.SITE_DESCRIPTION)).to_be_visible()
    expect(page.locator('meta[name="description"]')).to_have_attribute(
        "content", settings.SITE_DESCRIPTION
    )
    for landmark in ("banner", "navigation", "main"):
        expect(page.get_by_role(landmark).first).to_be_attached()
    assert overflow(page) == 0
    assert_no_blocking_violations(page)


# Where the conversation is.


def test_newest_comment_and_box_are_one_tap_from_the_top(open_page, board):
    page = open_page()
    log_in(page)
    page.goto(reverse("comments:list"))
    newest = page.locator(f"#comment-{board.pk}")
    expect(newest).not_to_be_in_viewport()

    page.get_by_role("link", name="Newest comment").click()
    in_view(page, newest)

    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("link", name="Write a comment").click()
    textbox = page.get_by_role("textbox", name="Comment")
    expect(textbox).to_be_focused()
    in_view(page, textbox)


def test_skip_link_is_the_first_tab_stop_and_leads_to_the_main_content(
    open_page, board
):
    page = open_page()
    page.goto(reverse("comments:list"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    # The next Tab goes into the page, past the bar.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "document.querySelector('main').contains(document.activeElement)"
    )


def test_logging_in_lands_at_the_newest_comment(open_page, board):
    page = open_page()
    log_in(page)
    expect(page).to_have_url(re.compile(r"/#newest$"))
    in_view(page, page.locator(f"#comment-{board.pk}"))


def test_logging_in_from_a_page_keeps_its_next(open_page, board):
    page = open_page()
    page.goto(reverse("login") + "?next=" + reverse("comments:formatting_help"))
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("comments:formatting_help"))))


def test_posting_lands_on_ones_own_comment_highlighted(open_page, board):
    page = open_page()
    log_in(page)
    page.get_by_role("textbox", name="Comment").fill("Fresh off the press")
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    own = Comment.objects.get(content="Fresh off the press")
    expect(page).to_have_url(re.compile(rf"#comment-{own.pk}$"))
    comment = page.locator(f"#comment-{own.pk}")
    in_view(page, comment)
    background = comment.evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != body, "the new comment is not highlighted"
    # Readable in its highlight, in either theme.
    assert_no_blocking_violations(page)


# Each comment: who, when, what.


def test_each_comment_shows_who_when_and_what(open_page, board, width):
    page = open_page()
    log_in(page)
    comments = page.locator(".comment")
    expect(comments).to_have_count(Comment.objects.count())

    lines = page.locator(".comment-posted").all_text_contents()
    authors = [POSTED_BY.match(" ".join(line.split())).group(1) for line in lines]
    assert authors[-2:] == ["anonymous", "bob"]

    own = page.locator(f"#comment-{board.pk}")
    author = own.locator(".comment-author")
    assert int(author.evaluate("e => getComputedStyle(e).fontWeight")) >= 600
    avatar = own.locator(".avatar")
    expect(avatar).to_have_text("B")
    expect(avatar).to_be_visible()
    expect(avatar).not_to_have_attribute("style", re.compile("."))
    expect(own.locator(".comment-content")).to_have_attribute("dir", "auto")

    # Edit and Delete: quiet, yet shown, and big enough to tap.
    for name in ("Edit", "Delete"):
        link = own.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (name, box)

    # A readable measure: at most 80 characters a line, 60 at least where
    # the screen is wide enough.
    long = page.locator(".comment-content").filter(has_text="A board is read")
    counts = long.evaluate(CHARACTERS_PER_LINE)
    assert max(counts) <= 80, counts
    if width >= 768:
        assert max(counts) >= 60, counts

    # A plain comment keeps the spaces and blank lines it was typed with.
    plain = page.locator(".comment-content-plain")
    assert plain.evaluate("e => e.innerText") == (
        "  indented as typed\n\n\nafter two blank lines"
    )


# How many characters each rendered line of an element's text holds.
CHARACTERS_PER_LINE = """element => {
  const text = element.querySelector("p") || element;
  const node = text.firstChild;
  const range = document.createRange();
  const counts = new Map();
  for (let i = 0; i < node.length; i++) {
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rect = range.getClientRects()[0];
    if (!rect) continue;
    const top = Math.round(rect.top);
    counts.set(top, (counts.get(top) || 0) + 1);
  }
  return [...counts.values()];
}"""


# Dark mode.


def test_theme_button_switches_and_is_remembered(open_page, theme):
    page = open_page()
    page.goto(reverse("comments:list"))
    html = page.locator("html")
    expect(html).to_have_attribute("data-bs-theme", theme)
    toggle = page.get_by_role("button", name="Dark theme")
    expect(toggle).to_have_attribute("aria-pressed", str(theme == "dark").lower())

    toggle.click()
    other = "light" if theme == "dark" else "dark"
    expect(html).to_have_attribute("data-bs-theme", other)
    expect(toggle).to_have_attribute("aria-pressed", str(other == "dark").lower())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == (
        "rgb(33, 37, 41)" if other == "dark" else "rgb(255, 255, 255)"
    )

    # Remembered: on the next page, and after a reload.
    page.goto(reverse("login"))
    expect(html).to_have_attribute("data-bs-theme", other)
    page.reload()
    expect(html).to_have_attribute("data-bs-theme", other)
    assert_no_blocking_violations(page)

    # Back to what the browser asks for: following it again.
    page.get_by_role("button", name="Dark theme").click()
    expect(html).to_have_attribute("data-bs-theme", theme)
    assert page.evaluate("localStorage.getItem('theme')") is None


# The navigation bar.


@pytest.fixture
def long_named(transactional_db):
    return UserFactory(username=LONG_USERNAME)


def test_bar_fits_and_its_account_links_work_by_keyboard(open_page, long_named, width):
    page = open_page()
    log_in(page, LONG_USERNAME)
    assert overflow(page) == 0
    brand = page.get_by_role("link", name=settings.SITE_NAME, exact=True)
    # The board's name whole, not cut by the buttons beside it.
    assert brand.evaluate("e => e.scrollWidth <= e.clientWidth")
    log_out = page.get_by_role("button", name="Log out")
    change_password = page.get_by_role("link", name="Change password")
    if width < 768:
        toggle = page.get_by_role("button", name="Account")
        # One row: the brand beside the menu's button, nothing wrapped.
        assert abs(brand.bounding_box()["y"] - toggle.bounding_box()["y"]) < 16
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_have_attribute("aria-controls", "account-menu")
        expect(log_out).to_be_hidden()
        toggle.focus()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(change_password).to_be_visible()
        expect(log_out).to_be_visible()
        # The whole name, in the menu.
        expect(page.locator("#account-menu")).to_contain_text(LONG_USERNAME)
        assert overflow(page) == 0
        page.keyboard.press("Escape")
        expect(log_out).to_be_hidden()
        expect(toggle).to_be_focused()
    else:
        expect(page.get_by_role("button", name="Account")).to_be_hidden()
        expect(change_password).to_be_visible()
        expect(log_out).to_be_visible()
        name = page.locator(".account-name .nav-link")
        # An ellipsis, the whole name in its title.
        expect(name).to_have_attribute("title", LONG_USERNAME)
        assert name.evaluate("e => e.scrollWidth > e.clientWidth")
        for element in (brand, change_password, log_out):
            assert element.bounding_box()["height"] < 48
    assert_no_blocking_violations(page)


def test_without_script_every_link_is_reachable_and_posting_works(
    open_page, board, width
):
    page = open_page(java_script_enabled=False)
    log_in(page)
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("button", name="Dark theme")).to_be_hidden()
    assert overflow(page) == 0
    page.get_by_role("textbox", name="Comment").fill("Written without script")
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(content="Written without script")
    in_view(page, page.locator(f"#comment-{comment.pk}"))


# Writing.


def test_box_grows_and_counts_what_is_left_without_cutting_a_paste(open_page, bob):
    page = open_page()
    log_in(page)
    textbox = page.get_by_role("textbox", name="Comment")
    height = textbox.bounding_box()["height"]
    textbox.fill("line\n" * 12)
    assert textbox.bounding_box()["height"] > height + 100

    counter = page.locator("[data-char-count]")
    expect(counter).to_be_hidden()
    limit = Comment._meta.get_field("content").max_length
    textbox.fill("x" * (limit - 10))
    expect(counter).to_have_text("10 characters left")
    # Pasted beyond the limit: kept whole, and said so.
    textbox.fill("y" * (limit + 4))
    expect(textbox).to_have_value("y" * (limit + 4))
    expect(counter).to_have_text("4 characters too many")
    # Read out once typing pauses, politely.
    announcer = page.locator("[data-char-count-announce]")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("4 characters too many")
    # The server's own error, the text still whole in the box.
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("alert")).to_contain_text("at most 4096 characters")
    expect(textbox).to_have_value("y" * (limit + 4))


# What the Post button showed while its post was under way, kept across the
# navigation that follows. Run after the page's own handler.
RECORD_BUTTON_WHILE_POSTING = """() => {
  const post = document.querySelector("button[data-post]");
  post.form.addEventListener("submit", () => setTimeout(() => {
    sessionStorage.setItem("posting", JSON.stringify(
      [post.disabled, post.textContent.trim()]));
  }));
}"""


def test_ctrl_enter_posts_once_and_the_button_says_it_is_posting(open_page, bob):
    page = open_page()
    log_in(page)
    create_url = reverse("comments:create")
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and request.url.endswith(create_url)
            else None
        ),
    )
    page.evaluate(RECORD_BUTTON_WHILE_POSTING)
    textbox = page.get_by_role("textbox", name="Comment")
    textbox.fill("Sent from the keyboard")
    with page.expect_navigation():
        textbox.press("Control+Enter")
    expect(page.locator(".comment")).to_contain_text(["Sent from the keyboard"])
    assert page.evaluate("JSON.parse(sessionStorage.getItem('posting'))") == [
        True,
        "Posting…",
    ]

    # Pressed twice (or the button clicked twice) before the page goes: one
    # post.
    page.get_by_role("textbox", name="Comment").fill("Said only once")
    with page.expect_navigation():
        page.evaluate(
            """() => {
              const box = document.querySelector("textarea");
              for (let i = 0; i < 3; i++) {
                box.dispatchEvent(new KeyboardEvent("keydown",
                  {key: "Enter", metaKey: true, bubbles: true, cancelable: true}));
              }
            }"""
        )
    expect(page.locator(".comment")).to_contain_text(["Said only once"])
    assert len(posts) == 2
    assert Comment.objects.filter(content="Said only once").count() == 1


@pytest.fixture
def plain_page(browser, live_server, width, theme):
    """A tab of its own: the conftest's fails a test at any dialog, and this
    one waits for the dialog that asks before leaving."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 800},
        color_scheme=theme,
    )
    yield context.new_page()
    context.close()


def test_leaving_with_unsent_text_asks_first_but_posting_does_not(plain_page, bob):
    page = plain_page
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    log_in(page)
    page.get_by_role("textbox", name="Comment").press_sequentially("Half a thought")
    page.get_by_role("link", name="Markdown").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    # Stayed, the text still there.
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("Half a thought")

    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    assert dialogs == ["beforeunload"]
    assert Comment.objects.filter(content="Half a thought").exists()


def test_preview_still_shows_in_place(open_page, bob):
    page = open_page()
    log_in(page)
    page.get_by_role("textbox", name="Comment").fill("Some **bold** words")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-preview-content] strong")).to_have_text("bold")
    expect(page.locator("button[data-post]")).to_be_enabled()
