"""The checks run on every page the browser tests visit (checkers.py) find
what they are there to find: they cannot pass by checking nothing."""

from .checkers import Document, PageChecks, structure, vnu_errors

VALID = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Valid</title></head>
<body><main><h1>Fine</h1><p>A paragraph.</p></main></body>
</html>
"""

INVALID = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Invalid</title></head>
<body><main><p>A paragraph <div>with a block inside</div></p></main></body>
</html>
"""


def test_vnu_reports_the_errors_of_invalid_documents_only():
    errors = vnu_errors({"valid": VALID, "invalid": INVALID})
    assert errors == {
        "invalid": ["line 4: No “p” element in scope but a “p” end tag seen."]
    }


# Readable in the light scheme; grey on grey in the dark one, and an image
# without a text alternative in both.
TWO_SCHEMES = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Schemes</title>
<style>
  body { color: #000; background: #fff; }
  @media (prefers-color-scheme: dark) { body { color: #444; background: #333; } }
</style></head>
<body><main><h1>Schemes</h1><p>Some text.</p><img src="data:," width="1" height="1">
</main></body>
</html>
"""


def test_axe_reports_each_schemes_violations(axe_page, live_server):
    checks = PageChecks()
    url = f"{live_server.url}/no-such-page/"
    checks.add(Document(url, 200, {"content-type": "text/html"}, TWO_SCHEMES, "t"))
    light, dark = checks.run_axe(axe_page)
    assert light.startswith(f"axe, light scheme, {url}")
    assert "image-alt" in light
    assert "color-contrast" not in light
    assert dark.startswith(f"axe, dark scheme, {url}")
    assert "image-alt" in dark
    assert "color-contrast" in dark


def board(*comments, form_class="form-control"):
    items = "".join(f'<article class="comment"><p>{c}</p></article>' for c in comments)
    return (
        f'<main>{items}<form><textarea class="{form_class}"></textarea></form></main>'
    )


def test_a_page_is_checked_by_axe_once_whatever_its_number_of_comments():
    one = structure("/", 200, board("First"))
    assert structure("/", 200, board("First", "Second", "Third")) == one
    assert (
        structure("/", 200, board("First", form_class="form-control is-invalid")) != one
    )
    assert structure("/", 404, board("First")) != one
