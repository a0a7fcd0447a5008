"""The renderer (comments.formatting): each allowed element, each refusal,
and the comment's format kept through every way a comment is written."""

import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.defaultfilters import linebreaksbr
from django.test import Client
from django.urls import reverse
from linkify_it import LinkifyIt
from pytest_django.asserts import assertContains, assertNotContains

from comments.formatting import REL, Linkify, render_markdown, render_plain
from comments.models import Comment
from scratchpad.tests.processes import manage, production_environ

from .factories import CommentFactory

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
PREVIEW_URL = reverse("comments:preview")
HELP_URL = reverse("comments:formatting_help")


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("plain words", "<p>plain words</p>"),
        ("*em* _em_", "<p><em>em</em> <em>em</em></p>"),
        ("**strong**", "<p><strong>strong</strong></p>"),
        ("~~gone~~", "<p><s>gone</s></p>"),
        ("`x < y`", "<p><code>x &lt; y</code></p>"),
        ("```py\nx = 1\n```", "<pre><code>x = 1\n</code></pre>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("3. c", '<ol start="3">\n<li>c</li>\n</ol>'),
        ("one\ntwo", "<p>one<br>\ntwo</p>"),
        ("# Title", "<p><strong>Title</strong></p>"),
        ("---", "<p>---</p>"),
        (
            "[docs](https://docs.djangoproject.com/)",
            f'<p><a href="https://docs.djangoproject.com/" rel="{REL}">docs</a></p>',
        ),
        (
            "see http://example.com",
            f'<p>see <a href="http://example.com" rel="{REL}">http://example.com</a></p>',
        ),
        (
            "[mail](mailto:a@example.com)",
            f'<p><a href="mailto:a@example.com" rel="{REL}">mail</a></p>',
        ),
        (
            "![cat](https://example.com/cat.png)",
            f'<p><a href="https://example.com/cat.png" rel="{REL}">cat</a></p>',
        ),
    ],
    ids=repr,
)
def test_markdown_renders_allowed_elements(source, html):
    assert render_markdown(source) == html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x]( javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "![x](javascript:alert(1))",
        "[x](/relative/path)",
        "[x](ftp://example.com/)",
    ],
    ids=repr,
)
def test_markdown_links_only_to_http_https_mailto(source):
    assert "href" not in render_markdown(source)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        "<div>\n<b>raw</b>\n</div>",
        "<!-- a comment -->",
    ],
    ids=repr,
)
def test_markdown_shows_raw_html_as_text(source):
    html = render_markdown(source)
    assert "<script" not in html
    assert "<img" not in html
    assert "<div" not in html
    assert "&lt;" in html


def test_pathological_nesting_renders():
    for source in [">" * 4096, "[" * 4096, "*" * 2048 + "a" * 2048, "- " * 2048]:
        html = render_markdown(source)
        assert "<script" not in html


def punycode_hosts(labels):
    """Hosts of punycode labels that end in no host, which linkify-it's own
    pattern takes 2**labels steps to give up on (comments.formatting.Linkify)."""
    return ["xn--a." * labels + "xn--", "www." + "xn--b-c." * labels + "xn--"]


def test_hosts_of_punycode_labels_render_at_once():
    # In a process of its own, which a pattern that backtracks would hold for
    # days, far past the timeout: a hang, not a duration, is what fails.
    script = (
        "from comments.formatting import render_markdown, render_plain\n"
        f"for text in {punycode_hosts(40)!r}:\n"
        "    render_markdown(text)\n"
        "    render_plain(text)\n"
        "print('done')\n"
    )
    result = manage(
        "shell",
        "--verbosity=0",
        "--command",
        script,
        environ=production_environ(),
        timeout=60,
    )
    assert result.stdout.strip() == "done", result.stderr


def as_found(linkify, text):
    return [(m.index, m.last_index, m.url) for m in linkify.match(text) or []]


@pytest.mark.parametrize(
    "text",
    [
        "see xn--80ak6aa92e.com now",
        "http://xn--80ak6aa92e.xn--p1ai/path?q=1",
        "www.xn--a-.com and xn--a-b.example.org",
        "xn---.com, xn--a-.xn--b.net.",
        "mail a@xn--b.com or x@xn--c-.xn--d.org",
        "http://a.b.xn--e.org/x (www.xn--f.com)",
        "foo.xn--a.com www.google.com xn--ab-cd.xn--p1ai",
        *punycode_hosts(8),
    ],
)
def test_bare_urls_are_found_as_linkify_it_finds_them(text):
    assert as_found(Linkify(), text) == as_found(LinkifyIt(), text)


def test_random_text_links_as_linkify_it_links_it():
    pieces = ["xn--", "a", "é", "1", ".", "-", "_", "www.", "http://", "@", "/"]
    pieces += ["|", " ", ":", "<", ">", "(", ")", "com", "org", "xn--p1ai"]
    ours, theirs = Linkify(), LinkifyIt()
    randomness = random.Random(20261201)
    for _ in range(2000):
        count = randomness.randint(1, 12)
        text = "".join(randomness.choice(pieces) for _ in range(count))
        assert as_found(ours, text) == as_found(theirs, text), text


def test_plain_text_is_escaped_with_line_breaks_and_links():
    assert render_plain("a <b> & 'c'\r\nsee https://example.com/?a=1&b=2") == (
        "a &lt;b&gt; &amp; &#x27;c&#x27;<br>see "
        f'<a href="https://example.com/?a=1&amp;b=2" rel="{REL}">'
        "https://example.com/?a=1&amp;b=2</a>"
    )


@pytest.mark.django_db
def test_plain_comment_keeps_its_markdown_characters_as_typed():
    comment = CommentFactory(content="**not bold**", format=Comment.Format.PLAIN)
    assert comment.html == "**not bold**"


@pytest.mark.django_db
def test_bulk_writes_render_the_html():
    (created,) = Comment.objects.bulk_create([Comment(content="**a**")])
    Comment.objects.bulk_create_keeping_times([Comment(content="*b*")])
    assert list(Comment.objects.values_list("html", flat=True)) == [
        "<p><strong>a</strong></p>",
        "<p><em>b</em></p>",
    ]
    Comment.objects.filter(pk=created.pk).update(content="~~c~~")
    assert Comment.objects.get(pk=created.pk).html == "<p><s>c</s></p>"
    created.content = "`d`"
    Comment.objects.bulk_update([created], ["content"])
    assert Comment.objects.get(pk=created.pk).html == "<p><code>d</code></p>"


@pytest.mark.django_db
def test_update_of_text_renders_each_row_in_its_format():
    old = CommentFactory(format=Comment.Format.PLAIN)
    new = CommentFactory()
    Comment.objects.update(content="**x**")
    assert Comment.objects.get(pk=old.pk).html == "**x**"
    assert Comment.objects.get(pk=new.pk).html == "<p><strong>x</strong></p>"


def test_posting_stores_markdown_and_shows_it(bob_client):
    bob_client.post(CREATE_URL, {"content": "**bold** and https://example.com"})
    comment = Comment.objects.get()
    assert comment.format == Comment.Format.MARKDOWN
    response = bob_client.get(LIST_URL)
    assertContains(response, "<strong>bold</strong>")
    assertContains(response, f'<a href="https://example.com" rel="{REL}">')


def test_preview_without_script_stores_nothing_and_keeps_the_text(bob_client):
    response = bob_client.post(CREATE_URL, {"content": "**soon**", "preview": "1"})
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    assertContains(response, "<strong>soon</strong>")
    assertContains(response, ">\n**soon**</textarea>")


def test_preview_of_refused_text_shows_the_error(bob_client):
    response = bob_client.post(CREATE_URL, {"content": " ", "preview": "1"})
    assert Comment.objects.count() == 0
    assertContains(response, "Write something before posting.")


def test_edit_preview_changes_nothing(bob_client, bob):
    comment = CommentFactory(commenter=bob, content="before")
    response = bob_client.post(
        reverse("comments:edit", args=[comment.pk]),
        {"content": "*after*", "preview": "1"},
    )
    assertContains(response, "<em>after</em>")
    assertContains(response, ">\n*after*</textarea>")
    assert Comment.objects.get(pk=comment.pk).content == "before"


def test_preview_endpoint_returns_the_fragment(bob_client):
    response = bob_client.post(PREVIEW_URL, {"content": "**x**"})
    assert response.status_code == 200
    assert response.content.decode() == "<p><strong>x</strong></p>"
    assert Comment.objects.count() == 0


def test_preview_endpoint_previews_a_plain_comment_as_plain(bob_client, bob):
    comment = CommentFactory(commenter=bob, format=Comment.Format.PLAIN)
    response = bob_client.post(
        PREVIEW_URL, {"content": "**x**", "comment": str(comment.pk)}
    )
    assert response.content.decode() == "**x**"


def test_preview_endpoint_refuses_empty_text(bob_client):
    response = bob_client.post(PREVIEW_URL, {"content": ""})
    assert response.status_code == 400
    assertContains(response, "Write something", status_code=400)


@pytest.mark.django_db
def test_preview_endpoint_is_for_logged_in_users_by_post(bob_client):
    assert Client().post(PREVIEW_URL, {"content": "x"}).status_code == 302
    assert bob_client.get(PREVIEW_URL).status_code == 405


@pytest.mark.django_db
def test_help_page_shows_each_example_and_its_rendering(client):
    response = client.get(HELP_URL)
    assertContains(response, "**strong** or __strong__")
    assertContains(response, "<strong>strong</strong> or <strong>strong</strong>")
    assertNotContains(response, "<img")


def test_form_links_the_help_page(bob_client):
    assertContains(bob_client.get(LIST_URL), f'href="{HELP_URL}">Markdown</a>')


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_stored_comments_plain_and_shown_as_before():
    text = 'it\'s <b>"bold"</b> & **not**\nsecond line'
    before = [("comments", "0004_board_version")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_comment = executor.loader.project_state(before).apps.get_model(
        "comments", "Comment"
    )
    old_comment.objects.create(content=text)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    comment = Comment.objects.get()
    assert comment.format == Comment.Format.PLAIN
    # What the page showed before Markdown, byte for byte.
    assert comment.html == linebreaksbr(text, autoescape=True)


def test_edit_page_of_a_plain_comment_says_it_stays_plain(bob_client, bob):
    comment = CommentFactory(commenter=bob, format=Comment.Format.PLAIN)
    response = bob_client.get(reverse("comments:edit", args=[comment.pk]))
    assertContains(response, "Plain text: written before Markdown")
    assertNotContains(response, f'href="{HELP_URL}"')


def test_editing_a_plain_comment_keeps_it_plain(bob_client, bob):
    comment = CommentFactory(commenter=bob, format=Comment.Format.PLAIN)
    bob_client.post(reverse("comments:edit", args=[comment.pk]), {"content": "*x*"})
    comment.refresh_from_db()
    assert (comment.format, comment.html) == (Comment.Format.PLAIN, "*x*")
