"""
The words a search found, marked in a comment's rendered HTML.

Only the text between tags changes: the HTML (sanitized when the comment was
saved, comments.formatting) is read element by element, each piece of text
is unescaped, escaped again and its matching words wrapped in ``<mark>``;
tags and attributes are written back as they were, so no markup is broken
and nothing typed becomes markup.

A word matches as the engines match it: from the start of a word, without
regard to case or accents (``cafe`` marks ``Café``).
"""

import re
import unicodedata
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import Query


def fold(text: str) -> str:
    """The text lowercased and without accents, one character for each of its
    own, so that positions in one are positions in the other."""
    folded = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()
        folded.append(base if len(base) == 1 else char)
    return "".join(folded)


def pattern(query: Query) -> re.Pattern | None:
    """What to mark: each word and what follows it in its word, and each
    word of a phrase whole."""
    prefixes = {fold(word) for word in query.words}
    wholes = {fold(word) for phrase in query.phrases for word in phrase} - prefixes
    alternatives = [rf"{re.escape(word)}\w*" for word in sorted(prefixes)]
    alternatives += [rf"{re.escape(word)}(?!\w)" for word in sorted(wholes)]
    if not alternatives:
        return None
    # Longest first, so that a longer word is marked whole.
    alternatives.sort(key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})")


def mark_text(text: str, found: re.Pattern) -> str:
    """Plain text as HTML, escaped, with what was found marked."""
    pieces = []
    position = 0
    for match in found.finditer(fold(text)):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


class _Marker(HTMLParser):
    def __init__(self, found):
        super().__init__(convert_charrefs=True)
        self.found = found
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(mark_text(data, self.found))

    # Comments, declarations and processing instructions: the sanitizer
    # leaves none; none is written back.


def highlight(html: str, query: Query) -> SafeString:
    """The comment's HTML with the query's words marked."""
    found = pattern(query)
    if found is None:
        return mark_safe(html)
    marker = _Marker(found)
    marker.feed(html)
    marker.close()
    return mark_safe("".join(marker.out))
