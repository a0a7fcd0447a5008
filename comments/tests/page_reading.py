import html
import re

from django.utils.html import strip_tags

POSTED_LINE = re.compile(r'<span class="comment-posted">(.*?)</span>', re.DOTALL)


def posted_lines(response) -> list[str]:
    """Each comment's "Posted … by …" line as a reader sees it, in page order."""
    return [
        " ".join(html.unescape(strip_tags(line)).split())
        for line in POSTED_LINE.findall(response.content.decode())
    ]


COMMENT_ID = re.compile(r'<article class="comment" id="comment-(\d+)"')


def comment_ids(response) -> list[int]:
    """The ids of the comments on the page, in page order (read from the
    HTML: a page served from the cache has no template context)."""
    return [int(pk) for pk in COMMENT_ID.findall(response.content.decode())]
