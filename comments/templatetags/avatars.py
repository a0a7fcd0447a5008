"""
Avatars drawn from a name, on the site itself: the name's initials on a
colour picked from a fixed palette by a hash of the name, so a person keeps
the same colours on every page and every server. No image, no third-party
service: nothing about a reader leaves the site.

The colour is a CSS class (avatar-0 to avatar-7 in scratchpad.css, each dark
enough for white initials in either theme): the Content-Security-Policy
allows no inline style.
"""

import re
import zlib

from django import template
from django.utils.html import format_html

register = template.Library()

# The number of avatar-N classes in scratchpad.css.
PALETTE_SIZE = 8

# Where a name splits into the words its initials come from.
WORD_BREAK = re.compile(r"[\W_]+")


def initials(name: str) -> str:
    """Up to two letters standing for the name: the first letters of its
    first two words ("alice.smith" is "AS"), or of the name itself."""
    words = [word for word in WORD_BREAK.split(name) if word]
    if not words:
        return name[:1].upper() or "?"
    return "".join(word[0] for word in words[:2]).upper()


def colour(name: str) -> int:
    """The name's colour in the palette, the same on every server: a CRC of
    its text, not Python's hash(), which changes with each process."""
    return zlib.crc32(name.encode()) % PALETTE_SIZE


@register.simple_tag
def avatar(user, size=""):
    """The user's avatar, or a neutral one for a comment without its author.
    Hidden from screen readers: the name beside it says who it is."""
    if user is None:
        return format_html(
            '<span class="avatar avatar-anonymous{}" aria-hidden="true">?</span>',
            f" avatar-{size}" if size else "",
        )
    name = user.get_username()
    return format_html(
        '<span class="avatar avatar-{}{}" aria-hidden="true">{}</span>',
        colour(name),
        f" avatar-{size}" if size else "",
        initials(name),
    )
