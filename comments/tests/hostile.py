"""
The hostile input corpus: requests a careless or malicious client sends, one
``Hostile`` each, against every form and URL of the site that takes input.

``test_hostile.py`` sends each one and checks what came back and what the
database holds afterwards. What each case expects:

- ``REFUSED``: a 4xx in the site's style, a form error that says what is
  wrong, or (for an anonymous visitor) the way to the login page.
- ``KEPT``: valid text that only looks dangerous (SQL, template tags, HTML):
  stored exactly as typed, and shown escaped, never run.
- ``SHOWN``: a page that echoes the input back escaped, changing nothing.
- ``STAYS``: an off-site ``next`` that is not followed: the redirect, if any,
  stays on the site.

In URLs and bodies, ``{mine}`` is a comment of the requesting user, and
``{theirs}`` someone else's; ``{csrf}`` in a raw body is a valid CSRF token.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import reverse

REFUSED = "refused"
KEPT = "kept"
SHOWN = "shown"
STAYS = "stays"

FORM = "application/x-www-form-urlencoded"
TEN_MEGABYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str
    method: str
    url: str
    expect: str = REFUSED
    # "bob", "staff" or None for an anonymous visitor.
    user: str | None = "bob"
    # A form body, as (name, value) pairs so that a name can repeat; the CSRF
    # token is added.
    fields: tuple[tuple[str, str], ...] = ()
    # Or a raw body, sent as it is.
    body: bytes | None = None
    content_type: str = FORM
    # KEPT: the text the comment must hold afterwards.
    stored: str | None = None
    # Text that must never appear, unescaped, in the answer.
    never_shown: str | None = None

    def __str__(self):
        return self.name


CREATE = reverse("comments:create")
LIST = reverse("comments:list")
LOGIN = reverse("login")
LOGOUT = reverse("logout")
PASSWORD = reverse("password_change")
FEED = reverse("comments:feed")
PREVIEW = reverse("comments:preview")
ADMIN_SEARCH = reverse("admin:comments_comment_changelist")
ADMIN_LOGIN = reverse("admin:login")
SEARCH = reverse("search:search")
EDIT = "/comments/{id}/edit/"
DELETE = "/comments/{id}/delete/"
PERMALINK = "/comments/{id}/"
REPLY = "/comments/{id}/reply/"
USER = "/users/{name}/"

# Text that is harmless as data and dangerous if the site ever ran it.
INJECTIONS = {
    "sql-drop": "'; DROP TABLE comments_comment; --",
    "sql-or": "' OR '1'='1",
    "template-variable": "{{ settings.SECRET_KEY }}",
    "template-tag": "{% debug %}",
    "script": "<script>alert(1)</script>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "attribute-break": '"><svg onload=alert(1)>',
    "javascript-url": "javascript:alert(document.cookie)",
    "path-traversal": "../../etc/passwd",
}
# Markdown that tries to make a link run script, or markup break out.
MARKDOWN_ATTACKS = {
    "md-javascript-link": "[click](javascript:alert(1))",
    "md-javascript-case": "[click](JaVaScRiPt:alert(1))",
    "md-javascript-entity": "[click](&#106;avascript:alert(1))",
    "md-javascript-hex-entity": "[click](&#x6A;avascript&#x3A;alert(1))",
    "md-javascript-tab-entity": "[click](java&#x09;script:alert(1))",
    "md-javascript-spaces": "[click]( javascript:alert(1) )",
    "md-javascript-newline": "[click](java\nscript:alert(1))",
    "md-javascript-autolink": "<javascript:alert(1)>",
    "md-javascript-reference": "[click][x]\n\n[x]: javascript:alert(1)",
    "md-javascript-image": "![x](javascript:alert(1))",
    "md-data-link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-data-autolink": "<data:text/html,<script>alert(1)</script>>",
    "md-vbscript-link": "[click](vbscript:msgbox(1))",
    "md-raw-script": "<script>alert(1)</script>",
    "md-raw-event": '<a href="https://example.com" onmouseover="alert(1)">x</a>',
    "md-raw-block": "<div onclick=alert(1)>\n\n**inside**\n\n</div>",
    "md-link-title-break": '[x](https://example.com "a\\" onclick=\\"alert(1)")',
    "md-code-with-html": "`<script>alert(1)</script>`",
    "md-unbalanced": "**bold *em [link](https://example.com ~~x` <b>",
    "md-nested-quotes": ">" * 4096,
    "md-nested-brackets": "[" * 4096,
    "md-nested-emphasis": "*" * 2048 + "_" * 2048,
    "md-nested-lists": "- " * 2047 + "-",
    "md-nested-links": "[a](" * 1024,
    # Script's schemes in more spellings: each stays text or is dropped.
    "md-javascript-colon-entity": "[click](javascript&colon;alert(1))",
    "md-javascript-padded-entity": "[click](&#0000106avascript:alert(1))",
    "md-javascript-control-entity": "[click](&#1;javascript:alert(1))",
    "md-javascript-nbsp": "[click](\u00a0javascript:alert(1))",
    "md-javascript-percent": "[click](%6Aavascript:alert(1))",
    "md-javascript-angle-destination": "[click](<javascript:alert(1)>)",
    "md-javascript-upper-autolink": "<JAVASCRIPT:alert(1)>",
    "md-javascript-reference-entity": "[click]\n\n[click]: &#106;avascript:alert(1)",
    "md-javascript-reference-angle": '[click][x]\n\n[x]: <javascript:alert(1)> "t"',
    "md-javascript-bare": "javascript:alert(1) and www.example.com",
    "md-javascript-in-quote-list": "> - [click](javascript:alert(1))",
    "md-link-in-link": "[[a](https://a.example)](javascript:alert(1))",
    "md-vbscript-case": "[click](VBScript:msgbox(1))",
    "md-vbscript-autolink": "<vbscript:msgbox(1)>",
    "md-data-image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "md-data-reference": "[x][d]\n\n[d]: data:text/html,<script>alert(1)</script>",
    "md-data-case": "[click](DATA:text/html,<script>alert(1)</script>)",
    # Raw HTML and event attributes: text, never elements.
    "md-raw-img-onerror": "<img src=x onerror=alert(1)>",
    "md-raw-svg": "<svg/onload=alert(1)>",
    "md-raw-iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "md-raw-style": "<style>*{display:none}</style>",
    "md-raw-inline-event": "text <b onmouseover=alert(1)>x</b>",
    "md-raw-comment": "<!-- <script>alert(1)</script> -->",
    "md-raw-cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "md-raw-form": '<form action="javascript:alert(1)"><button>x</button></form>',
    "md-raw-in-code-fence": "```html\n<script>alert(1)</script>\n```",
    # Unbalanced and unclosed markup.
    "md-unclosed-fence": "```\n<script>alert(1)",
    "md-unclosed-link-title": '[x](https://example.com "unclosed',
    "md-unbalanced-emphasis": "***a**b*c_d__e~~f",
    "md-stray-closers": "]]]) ** __ ~~ ``` > x",
    # Pathological nesting at the longest comment (4096 characters).
    "md-quotes-2000": ">" * 2000 + " deep",
    "md-brackets-2000": "[" * 2000 + "x",
    "md-brackets-balanced": "[" * 2000 + "x" + "]" * 2000,
    "md-images-open": "![[" * 1365,
    "md-star-runs": "*a" * 2048,
    "md-star-underscore": "*_" * 2048,
    "md-stars-4096": "*" * 4096,
    "md-backticks-alternating": "`a" * 2048,
    "md-parens-destination": "[x](" + "(" * 2000 + ")" * 2000 + ")",
    "md-angle-brackets": "<" * 4096,
    "md-entities": "&#x26;" * 682,
    "md-reference-openers": "[a]: <" * 682,
    # Mentions: a name is only ever text or a link to the person's page.
    "md-mention-script": "@<script>alert(1)</script>",
    "md-mention-attribute": '@bob" onmouseover="alert(1)',
    "md-mention-in-link": "[@bob](javascript:alert(1)) <@bob>",
    "md-mention-in-code": "`@bob` and\n\n    @bob",
    "md-mention-flood": " ".join(["@bob"] * 819),
    "md-at-signs": "@" * 4096,
    # A host of punycode labels that ends in no host: linkify-it's pattern
    # had 2**labels ways to fail (comments.formatting.Linkify).
    "md-punycode-labels": "xn--a." * 682 + "xn--",
}
# Script's scheme with a control character: the form refuses the text.
CONTROL_ATTACKS = {
    "md-javascript-control-char": "[click](java\x01script:alert(1))",
    "md-javascript-nul": "[click](java\x00script:alert(1))",
}
# Positions and ids that are no number the site could hold.
BAD_NUMBERS = {
    "huge": str(10**30),
    "negative": "-1",
    "float": "1e5",
    "traversal": "../../etc/passwd",
    "empty": "",
    "word": "abc",
    "nul": "\x00",
}
# What a full-text engine would read as its own syntax, and text no word is
# made of.
SEARCH_SYNTAX = {
    "boolean-operators": '+cat -dog >mouse <bird ~fish (owl | hen) "un closed',
    "only-operators": '+-*@~<>()"|&:',
    "prefix-star-alone": "*",
    "at-sign": "@bob @@ @",
    "fts5-keywords": "NEAR(cat dog) AND OR NOT cat:dog ^cat",
    "quoted-quotes": '"""cat"" ""dog"""',
    "empty-phrase": '""',
    "emoji": "😀🎉 👍🏽",
    "4-byte-letters": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁𠀂",
    "nul-and-controls": "cat\x00dog\x1b[2J\x08\x7f",
    "ten-thousand-characters": "walrus " * 1428 + "ab",
    "one-long-word": "w" * 10_000,
    "many-phrases": '"cat dog" ' * 200,
    "long-phrase": '"' + "walrus " * 400 + '"',
    "backslashes": '\\cat\\ \\"dog',
    "percent-and-underscore": "100% _cat_ %_",
    "zero-width": "\u200bcat\u200d",
    "rtl-override": "\u202ecat dog",
}
OFF_SITE = {
    "scheme-relative": "//evil.example",
    "scheme-no-slashes": "https:evil.example",
    "backslashes": "\\\\evil.example",
    "slash-backslash": "/\\evil.example",
    "encoded-slashes": "%2F%2Fevil.example",
    "javascript": "javascript:alert(1)",
}


def _cases():
    # Posting a comment.
    for name, text in INJECTIONS.items():
        yield Hostile(
            f"post-{name}",
            "POST",
            CREATE,
            KEPT,
            fields=(("content", text),),
            stored=text,
        )
    for name, text in MARKDOWN_ATTACKS.items():
        yield Hostile(
            f"post-{name}", "POST", CREATE, KEPT, fields=(("content", text),),
            stored=text,
        )  # fmt: skip
        yield Hostile(
            f"preview-{name}", "POST", PREVIEW, SHOWN, fields=(("content", text),)
        )
    for name, text in CONTROL_ATTACKS.items():
        yield Hostile(f"post-{name}", "POST", CREATE, fields=(("content", text),))
    yield Hostile(
        "post-4-byte-characters", "POST", CREATE, KEPT,
        fields=(("content", "emoji 😀 and 𝔘"),), stored="emoji 😀 and 𝔘",
    )  # fmt: skip
    yield Hostile("post-over-long", "POST", CREATE, fields=(("content", "x" * 4097),))
    yield Hostile("post-empty", "POST", CREATE, fields=(("content", ""),))
    yield Hostile("post-only-spaces", "POST", CREATE, fields=(("content", " \n\t "),))
    yield Hostile("post-missing-field", "POST", CREATE)
    yield Hostile("post-nul", "POST", CREATE, fields=(("content", "a\x00b"),))
    yield Hostile("post-escape", "POST", CREATE, fields=(("content", "\x1b[2Ja"),))
    yield Hostile(
        "post-zero-width", "POST", CREATE, fields=(("content", "\u200b\u200d"),)
    )
    yield Hostile(
        "post-duplicated-field", "POST", CREATE, KEPT,
        fields=(("content", "first"), ("content", "second")), stored="second",
    )  # fmt: skip
    yield Hostile(
        "post-invalid-utf8", "POST", CREATE, KEPT,
        body=b"csrfmiddlewaretoken={csrf}&content=a%FF%FEb", stored="a\ufffd\ufffdb",
    )  # fmt: skip
    # A body that is not UTF-8 at all is read as Latin-1, as Django does:
    # every byte is a character there, so nothing is lost or invented.
    yield Hostile(
        "post-raw-invalid-utf8-bytes", "POST", CREATE, KEPT,
        body=b"csrfmiddlewaretoken={csrf}&content=a\xc3\x28b", stored="a\xc3(b",
    )  # fmt: skip
    yield Hostile(
        "post-lone-surrogate", "POST", CREATE, KEPT,
        body=b"csrfmiddlewaretoken={csrf}&content=x%ED%A0%80y",
        stored="x\ufffd\ufffd\ufffdy",
    )  # fmt: skip
    yield Hostile(
        "post-utf16-charset", "POST", CREATE,
        body="csrfmiddlewaretoken={csrf}&content=hi".encode("utf-16"),
        content_type=f"{FORM}; charset=utf-16",
    )  # fmt: skip
    yield Hostile(
        "post-latin1-charset", "POST", CREATE,
        body=b"csrfmiddlewaretoken={csrf}&content=caf\xe9",
        content_type=f"{FORM}; charset=latin-1",
    )  # fmt: skip
    yield Hostile(
        "post-ten-megabytes", "POST", CREATE,
        body=b"csrfmiddlewaretoken={csrf}&content=" + b"x" * TEN_MEGABYTES,
    )  # fmt: skip
    yield Hostile(
        "post-multipart-without-boundary", "POST", CREATE,
        body=b"content=hi", content_type="multipart/form-data",
    )  # fmt: skip
    yield Hostile(
        "post-broken-multipart", "POST", CREATE,
        body=b"--b\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhi",
        content_type="multipart/form-data; boundary=b",
    )  # fmt: skip
    yield Hostile(
        "post-json", "POST", CREATE,
        body=b'{"content": "hi"}', content_type="application/json",
    )  # fmt: skip
    yield Hostile(
        "post-text-plain", "POST", CREATE,
        body=b"csrfmiddlewaretoken={csrf}&content=hi", content_type="text/plain",
    )  # fmt: skip
    yield Hostile(
        "post-anonymous", "POST", CREATE, user=None, fields=(("content", "hi"),)
    )
    # Leads to the front page's form, storing nothing.
    yield Hostile("post-by-get", "GET", CREATE + "?content=hi", STAYS)

    # Editing.
    mine = EDIT.format(id="{mine}")
    for name in ["sql-drop", "template-variable", "script", "attribute-break"]:
        text = INJECTIONS[name]
        yield Hostile(
            f"edit-{name}", "POST", mine, KEPT, fields=(("content", text),), stored=text
        )
    yield Hostile("edit-over-long", "POST", mine, fields=(("content", "x" * 4097),))
    yield Hostile("edit-empty", "POST", mine, fields=(("content", ""),))
    yield Hostile("edit-missing-field", "POST", mine)
    yield Hostile("edit-nul", "POST", mine, fields=(("content", "\x00"),))
    yield Hostile("edit-backspace", "POST", mine, fields=(("content", "a\x08"),))
    yield Hostile(
        "edit-utf16-charset", "POST", mine,
        body="csrfmiddlewaretoken={csrf}&content=hi".encode("utf-16"),
        content_type=f"{FORM}; charset=utf-16",
    )  # fmt: skip
    yield Hostile(
        "edit-ten-megabytes", "POST", mine,
        body=b"csrfmiddlewaretoken={csrf}&content=" + b"x" * TEN_MEGABYTES,
    )  # fmt: skip
    theirs = EDIT.format(id="{theirs}")
    yield Hostile("edit-theirs-page", "GET", theirs)
    yield Hostile("edit-theirs", "POST", theirs, fields=(("content", "mine now"),))
    yield Hostile("edit-anonymous", "POST", mine, user=None, fields=(("content", "x"),))
    yield Hostile("edit-by-put", "PUT", mine, fields=(("content", "x"),))
    for name in ["huge", "negative", "traversal"]:
        url = EDIT.format(id=quote(BAD_NUMBERS[name]))
        yield Hostile(f"edit-id-{name}", "POST", url, fields=(("content", "x"),))

    # Deleting.
    yield Hostile("delete-theirs", "POST", DELETE.format(id="{theirs}"))
    yield Hostile("delete-theirs-page", "GET", DELETE.format(id="{theirs}"))
    yield Hostile("delete-anonymous", "POST", DELETE.format(id="{mine}"), user=None)
    # A GET only asks whether to delete.
    url = DELETE.format(id="{mine}") + "?post=yes"
    yield Hostile("delete-by-get-query", "GET", url, SHOWN)
    for name in ["huge", "negative", "float", "traversal"]:
        url = DELETE.format(id=quote(BAD_NUMBERS[name]))
        yield Hostile(f"delete-id-{name}", "POST", url)

    # Logging in.
    for name in ["sql-or", "template-variable", "script", "attribute-break"]:
        text = INJECTIONS[name]
        yield Hostile(
            f"login-username-{name}", "POST", LOGIN, user=None,
            fields=(("username", text), ("password", "x")), never_shown=text,
        )  # fmt: skip
        yield Hostile(
            f"login-password-{name}", "POST", LOGIN, user=None,
            fields=(("username", "bob"), ("password", text)), never_shown=text,
        )  # fmt: skip
    yield Hostile(
        "login-username-over-long", "POST", LOGIN, user=None,
        fields=(("username", "b" * 10_000), ("password", "x")),
    )  # fmt: skip
    yield Hostile(
        "admin-login-username-over-long", "POST", ADMIN_LOGIN, user=None,
        fields=(("username", "b" * 10_000), ("password", "x")),
    )  # fmt: skip
    yield Hostile(
        "login-empty", "POST", LOGIN, user=None,
        fields=(("username", ""), ("password", "")),
    )  # fmt: skip
    yield Hostile("login-missing-fields", "POST", LOGIN, user=None)
    yield Hostile(
        "login-nul", "POST", LOGIN, user=None,
        fields=(("username", "bob\x00"), ("password", "x")),
    )  # fmt: skip
    yield Hostile(
        "login-duplicated-username", "POST", LOGIN, user=None,
        fields=(("username", "bob"), ("username", "staff"), ("password", "x")),
    )  # fmt: skip
    yield Hostile(
        "login-utf16-charset", "POST", LOGIN, user=None,
        body="csrfmiddlewaretoken={csrf}&username=bob".encode("utf-16"),
        content_type=f"{FORM}; charset=utf-16",
    )  # fmt: skip
    yield Hostile(
        "login-ten-megabytes", "POST", LOGIN, user=None,
        body=b"csrfmiddlewaretoken={csrf}&username=" + b"x" * TEN_MEGABYTES,
    )  # fmt: skip
    yield Hostile(
        "login-invalid-utf8", "POST", LOGIN, user=None,
        body=b"csrfmiddlewaretoken={csrf}&username=%FF%FE&password=\xff",
    )  # fmt: skip
    for name, target in OFF_SITE.items():
        yield Hostile(
            f"login-next-{name}", "POST", LOGIN, STAYS, user=None,
            fields=(("username", "bob"), ("password", "{password}"), ("next", target)),
        )  # fmt: skip
        yield Hostile(
            f"login-page-next-{name}", "GET", f"{LOGIN}?next={quote(target)}", SHOWN,
            user=None, never_shown=target.replace("%2F", "/"),
        )  # fmt: skip

    # Logging out.
    # Asks first: the page with the Log out button.
    yield Hostile("logout-by-get", "GET", LOGOUT, SHOWN)
    for name in ["scheme-relative", "backslashes", "encoded-slashes", "javascript"]:
        yield Hostile(
            f"logout-next-{name}", "POST", LOGOUT, STAYS,
            fields=(("next", OFF_SITE[name]),),
        )  # fmt: skip

    # Changing one's password.
    yield Hostile(
        "password-wrong-old", "POST", PASSWORD,
        fields=(("old_password", "' OR '1'='1"), ("new_password1", "A-long-new-pass-1"),
                ("new_password2", "A-long-new-pass-1")),
    )  # fmt: skip
    yield Hostile(
        "password-mismatch", "POST", PASSWORD,
        fields=(("old_password", "{password}"), ("new_password1", "A-long-new-pass-1"),
                ("new_password2", "A-long-new-pass-2")),
    )  # fmt: skip
    yield Hostile(
        "password-too-common", "POST", PASSWORD,
        fields=(("old_password", "{password}"), ("new_password1", "password"),
                ("new_password2", "password")),
    )  # fmt: skip
    yield Hostile(
        "password-nul", "POST", PASSWORD,
        fields=(("old_password", "{password}"), ("new_password1", "A-long\x00-pass"),
                ("new_password2", "A-long\x00-pass")),
    )  # fmt: skip
    yield Hostile("password-missing-fields", "POST", PASSWORD)
    yield Hostile(
        "password-empty", "POST", PASSWORD,
        fields=(("old_password", ""), ("new_password1", ""), ("new_password2", "")),
    )  # fmt: skip
    yield Hostile(
        "password-anonymous", "POST", PASSWORD, user=None,
        fields=(("old_password", "x"), ("new_password1", "A-long-new-pass-1"),
                ("new_password2", "A-long-new-pass-1")),
    )  # fmt: skip
    yield Hostile(
        "password-utf16-charset", "POST", PASSWORD,
        body="csrfmiddlewaretoken={csrf}&old_password=x".encode("utf-16"),
        content_type=f"{FORM}; charset=utf-16",
    )  # fmt: skip

    # Replies: what they answer is the address's comment, shown and not
    # hidden; the text is any comment's.
    for name in ["md-javascript-link", "md-raw-script", "md-mention-attribute"]:
        text = MARKDOWN_ATTACKS[name]
        yield Hostile(
            f"reply-{name}", "POST", REPLY.format(id="{theirs}"), KEPT,
            fields=(("content", text),), stored=text,
        )  # fmt: skip
    yield Hostile(
        "reply-parent-in-form", "POST", REPLY.format(id="{theirs}"), KEPT,
        fields=(("content", "to carol"), ("parent", "{mine}")), stored="to carol",
    )  # fmt: skip
    yield Hostile(
        "reply-anonymous", "POST", REPLY.format(id="{theirs}"), user=None,
        fields=(("content", "x"),),
    )  # fmt: skip
    yield Hostile(
        "reply-missing-comment", "POST", REPLY.format(id="999999"),
        fields=(("content", "x"),),
    )  # fmt: skip
    for name in ["huge", "negative", "traversal", "word"]:
        url = REPLY.format(id=quote(BAD_NUMBERS[name]))
        yield Hostile(f"reply-id-{name}", "POST", url, fields=(("content", "x"),))
    yield Hostile(
        "reply-empty", "POST", REPLY.format(id="{theirs}"), fields=(("content", ""),)
    )

    # People's pages.
    for name in ["script", "sql-or", "template-variable", "attribute-break"]:
        url = USER.format(name=quote(INJECTIONS[name], safe=""))
        yield Hostile(f"user-page-{name}", "GET", url, user=None)
    yield Hostile("user-page-traversal", "GET", USER.format(name="../admin"), user=None)
    for name in ["huge", "negative", "float", "word", "nul"]:
        url = f"{USER.format(name='bob')}?before={quote(BAD_NUMBERS[name])}"
        expect = STAYS if name == "huge" else REFUSED
        yield Hostile(f"user-page-before-{name}", "GET", url, expect, user=None)
    yield Hostile(
        "user-page-after", "GET", f"{USER.format(name='bob')}?after=1", user=None
    )

    # Paging.
    for param in ["before", "after"]:
        for name, value in BAD_NUMBERS.items():
            # An empty position is no position: the latest page. Any whole
            # number is one, the largest too (PageForm says why), and one that
            # is no comment's id leads the way to its page: before it lies
            # the latest page, after it nothing, so the way to the latest.
            expect = REFUSED
            if name == "empty":
                expect = SHOWN
            elif name == "huge":
                expect = STAYS
            url = f"{LIST}?{param}={quote(value)}"
            yield Hostile(f"paging-{param}-{name}", "GET", url, expect)
    yield Hostile("paging-before-and-after", "GET", f"{LIST}?before=5&after=2")
    yield Hostile("paging-duplicated", "GET", f"{LIST}?before=5&before=x")

    # Permalinks.
    for name in ["huge", "negative", "float", "traversal", "word"]:
        url = PERMALINK.format(id=quote(BAD_NUMBERS[name]))
        yield Hostile(f"permalink-{name}", "GET", url, user=None)

    # The admin's search, as staff.
    for name in ["sql-or", "script", "template-variable", "path-traversal"]:
        text = INJECTIONS[name]
        yield Hostile(
            f"admin-search-{name}", "GET", f"{ADMIN_SEARCH}?q={quote(text)}", SHOWN,
            user="staff", never_shown=text if "<" in text else None,
        )  # fmt: skip
    yield Hostile(
        "admin-search-nul", "GET", f"{ADMIN_SEARCH}?q=%00", SHOWN, user="staff"
    )
    yield Hostile(
        "admin-search-over-long", "GET", f"{ADMIN_SEARCH}?q={'x' * 5000}", SHOWN,
        user="staff",
    )  # fmt: skip
    yield Hostile(
        "admin-search-anonymous", "GET", f"{ADMIN_SEARCH}?q=x", STAYS, user=None
    )

    # The search box: whatever is typed gives a page of results or "No
    # comments match", never an error, and the engines never see it as it is.
    for name, text in {
        **INJECTIONS,
        **SEARCH_SYNTAX,
        "md-javascript-link": MARKDOWN_ATTACKS["md-javascript-link"],
    }.items():
        yield Hostile(
            f"search-{name}", "GET", f"{SEARCH}?q={quote(text)}", SHOWN, user=None,
            never_shown=text if "<" in text else None,
        )  # fmt: skip
    yield Hostile(
        "search-by-script", "GET", f"{SEARCH}?q=words&by={quote(INJECTIONS['script'])}",
        SHOWN, user=None, never_shown=INJECTIONS["script"],
    )  # fmt: skip
    for name in ["huge", "negative", "word", "nul"]:
        url = f"{SEARCH}?q=words&before={quote(BAD_NUMBERS[name])}"
        yield Hostile(f"search-before-{name}", "GET", url, user=None)
    yield Hostile(
        "search-by-over-long", "GET", f"{SEARCH}?q=words&by={'b' * 200}", user=None
    )
    yield Hostile("search-by-post", "POST", SEARCH, user=None, fields=(("q", "x"),))

    # The feed takes no parameters; it ignores those it is sent.
    yield Hostile(
        "feed-script-parameter", "GET", f"{FEED}?q=%3Cscript%3E", SHOWN, user=None,
        never_shown="<script>",
    )  # fmt: skip
    yield Hostile("feed-by-post", "POST", FEED, SHOWN, user=None)


CORPUS = list(_cases())

# How the corpus fared in this run, counted by test_hostile.py.
tally = pytest.StashKey[dict[str, int]]()


def hostile_summary(config) -> str | None:
    """The corpus's one-line figure, once any of it ran: what was refused
    apart from what was accepted on purpose, each counted once its case
    passed."""
    counts = config.stash.get(tally, None)
    if not counts:
        return None
    stored, shown, stays = (counts.get(what, 0) for what in (KEPT, SHOWN, STAYS))
    return (
        f"hostile inputs: {counts['tried']} tried: "
        f"{counts.get(REFUSED, 0)} refused, "
        f"{stored + shown + stays} accepted as intended ({stored} stored as typed, "
        f"{shown} shown escaped, {stays} redirected within the site), "
        f"{counts.get('errors', 0)} errors, "
        f"{counts.get('rows changed', 0)} rows changed unexpectedly"
    )
