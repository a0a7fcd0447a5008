"""
A comment's text as HTML: rendered once, when the comment is saved, and
stored beside the text (Comment.html).

Stored rather than rendered when a page is first cached: the feed reads the
comments from the database on every request and would render them each
time, a page's cache is dropped with every change on the board while a
comment's HTML changes only with its own text, and a stored column costs a
page no query. Bulk writes render too (comments.models.CommentQuerySet).

Two formats. A comment written on this site is Markdown (CommonMark, with
markdown-it-py): raw HTML is text, line breaks are kept as typed, bare URLs
become links. Comments from before, and those the Flask importer brings,
are plain text and keep their meaning: escaped, line breaks kept, exactly
as the board always showed them, with their URLs now links.

Two lines of defence for Markdown: markdown-it makes links only for the
allowed schemes and writes no HTML of its own beyond its elements; nh3, an
allow-list sanitizer, then keeps only those elements, links only to
http, https and mailto, every one with REL. Headings are strong text, and
images are links to the image, never loaded (no third-party requests; the
CSP's img-src stays 'self').

Mentions. ``@username`` of an existing active user becomes a link to their
page, in both formats; any other @word stays text. The caller looks the
names up (mention_candidates() says which to look for) and passes the links
of those that exist: this module reads no database. Links are put into the
sanitized HTML, in its text only: never inside a link, inline code or a
code block, nor within a word (an email address). A name ends where the
characters a username may hold (letters, digits and . @ + - _) end; a dot,
@, + or - that ends it is punctuation when the name without it is a user's
("thanks @bob." links bob). A username is matched exactly, case included,
as Django's authentication matches it. Since the HTML is stored, a user who
registers later is not linked in comments written before, until
``manage.py refresh_pages`` renders them again.
"""

import html
import re
from collections.abc import Mapping
from functools import cache

import nh3
from linkify_it import LinkifyIt
from linkify_it.ucre import SRC_DOMAIN, SRC_XN
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

PLAIN = "plain"
MARKDOWN = "markdown"

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
REL = "nofollow ugc noopener"

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def _allowed_link(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.strip().lower() in LINK_SCHEMES


def _heading_open(self, tokens, idx, options, env):
    return "<p><strong>"


def _heading_close(self, tokens, idx, options, env):
    return "</strong></p>\n"


def _image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    text = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(text)}</a>'


class Linkify(LinkifyIt):
    """linkify-it's bare URLs, found in time linear in the labels of a host.

    Its domain label is a punycode label (``xn--`` and up to 59 letters,
    digits or hyphens) or a label of letters and digits with hyphens
    inside. Most punycode labels are both, so a host of k of them followed
    by what ends no host (``xn--a.xn--a. ... xn--``) had 2**k ways to fail,
    each tried by Python's backtracking: 20 such labels, 120 characters,
    took a worker seconds, 30 would take hours. Here the first
    alternative keeps only what the other cannot match, the punycode labels
    that end in a hyphen: the same labels, one way each. _on_compile() is
    linkify-it's place to change its patterns, called before it builds
    them into its regular expressions.
    """

    DOMAIN = SRC_DOMAIN.replace(SRC_XN, r"xn--[a-z0-9\-]{0,58}-", 1)

    def _on_compile(self):
        super()._on_compile()
        for name, pattern in self.re.items():
            if isinstance(pattern, str):
                self.re[name] = pattern.replace(SRC_DOMAIN, self.DOMAIN)


def _markdown() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": False, "breaks": True, "linkify": True, "typographer": False},
    )
    md.linkify = Linkify()
    md.enable(["linkify", "strikethrough"])
    # A line of dashes stays what it was typed as (no <hr>, not allowed).
    md.disable("hr")
    # Only links the sanitizer would keep; the others stay text.
    md.validateLink = _allowed_link
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("image", _image)
    return md


MD = _markdown()
CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(LINK_SCHEMES),
    url_relative="deny",
    link_rel=REL,
)


def render_markdown(text: str) -> str:
    """The Markdown text as sanitized HTML."""
    return CLEANER.clean(MD.render(text)).strip()


def render_plain(text: str) -> str:
    """Plain text as the board always showed it (Django's linebreaksbr:
    escaped, line breaks kept), with its URLs made links."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts, start = [], 0
    for match in MD.linkify.match(text) or []:
        if not _allowed_link(match.url):
            continue
        parts.append(_escape(text[start : match.index]))
        parts.append(
            f'<a href="{_escape(match.url)}" rel="{REL}">{_escape(match.text)}</a>'
        )
        start = match.last_index
    parts.append(_escape(text[start:]))
    return "".join(parts).replace("\n", "<br>")


def _escape(text: str) -> str:
    # What django.utils.html.escape writes, so that old comments' HTML is
    # unchanged.
    return html.escape(text)


def render(
    text: str,
    text_format: str,
    mentions: Mapping[str, str] | None = None,
    found: set | None = None,
) -> str:
    """The comment's text as HTML, in the format it was written in, with
    each @name in ``mentions`` (name: the address of their page) a link;
    the names linked are added to ``found``."""
    rendered = render_plain(text) if text_format == PLAIN else render_markdown(text)
    return link_mentions(rendered, mentions, found) if mentions else rendered


# "@name" where no name character comes before the @ (an email address).
MENTION = re.compile(r"(?<![\w.@+-])@([\w.@+-]+)")
# What may end a name as punctuation rather than as part of it.
TRAILING = ".@+-"
# A tag of the sanitized HTML (its attributes always in double quotes), or
# a stretch of text.
TAG_OR_TEXT = re.compile(r'(<(?:[^>"]|"[^"]*")*>)')
# At most this many names are looked up for one text, each at most as long
# as a username may be: a text of 4096 @s asks for no more.
MAX_CANDIDATES = 200
MAX_NAME_LENGTH = 150
# Elements whose text is never a mention.
NO_MENTIONS = {"a", "code", "pre"}


def mention_candidates(text: str) -> set[str]:
    """The names the text might mention: the ones to look up."""
    names = set()
    for match in MENTION.finditer(text):
        name = match[1]
        for candidate in (name, name.rstrip(TRAILING)):
            if candidate and len(candidate) <= MAX_NAME_LENGTH:
                names.add(candidate)
        if len(names) >= MAX_CANDIDATES:
            break
    return names


def _mention_name(name: str, mentions: Mapping[str, str]) -> str | None:
    """The part of a matched name that is a user's, if any."""
    if name in mentions:
        return name
    stripped = name.rstrip(TRAILING)
    return stripped if stripped in mentions else None


def link_mentions(
    rendered: str, mentions: Mapping[str, str], found: set | None = None
) -> str:
    """The rendered (sanitized) HTML with each @name in mentions a link to
    mentions[name], outside links and code; the names linked are added to
    ``found``."""

    def replace(match):
        name = _mention_name(match[1], mentions)
        if name is None:
            return match[0]
        if found is not None:
            found.add(name)
        link = f'<a href="{_escape(mentions[name])}" class="mention">@{name}</a>'
        return link + match[0][len(name) + 1 :]

    parts, inside = [], []
    for part in TAG_OR_TEXT.split(rendered):
        if part.startswith("<"):
            tag = re.match(r"</?([a-z0-9]+)", part)
            if tag and tag[1] in NO_MENTIONS:
                if part.startswith("</"):
                    if inside:
                        inside.pop()
                elif not part.endswith("/>"):
                    inside.append(tag[1])
        elif part and not inside:
            part = MENTION.sub(replace, part)
        parts.append(part)
    return "".join(parts)


# What the help page shows: each example's source, and its rendering by the
# same code as the comments'.
EXAMPLES = [
    ("Emphasis", "*emphasis* or _emphasis_"),
    ("Strong", "**strong** or __strong__"),
    ("Strikethrough", "~~struck out~~"),
    ("Inline code", "Run `manage.py migrate` first"),
    ("Code block", "```\ndef hello():\n    return 'world'\n```"),
    ("Quote", "> Someone said this\n> over two lines"),
    ("List", "- milk\n- eggs\n- bread"),
    ("Numbered list", "1. first\n2. second\n3. third"),
    ("Link", "[the Django docs](https://docs.djangoproject.com/)"),
    ("Bare address", "See https://www.djangoproject.com for more"),
    ("Email", "<mailto:someone@example.com>"),
    ("Line breaks", "A line\nand the next, as typed"),
    ("Heading", "# A heading is strong text"),
    ("Image", "![an image](https://example.com/cat.png) is shown as a link"),
]


@cache
def rendered_examples() -> list[tuple[str, str, str]]:
    """(title, source, HTML) of each example, rendered once per process."""
    return [(title, source, render_markdown(source)) for title, source in EXAMPLES]
