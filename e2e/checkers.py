"""
Checks run on every page the browser tests visit, besides what each test
checks itself: the Nu HTML Checker (vnu) and axe-core's WCAG 2.2 AA rules in
the light and the dark theme.

Each HTML document the live server sends to a test's browser is kept, as
the browser got it (headers and body). The same page is visited many times
by the suite, so each is checked once:

- vnu reads documents distinct by content, all in one run of the checker at
  the end of the session: the JVM takes seconds to start, and then checks
  hundreds of documents in a few more.
- axe runs on documents distinct by their structure (the view that served
  them, the status, and which kinds of element they hold: a board of one
  comment and of fifty are one page, a form with errors or a logged-in
  navbar another), when the test that first met them ends. It loads each,
  as the server sent it, in a browser page of its own, once in each colour
  scheme, so the test's own page is left as the test had it.

Django's admin is checked too, less what Django's own templates and styles
get wrong there (DJANGO_ADMIN_*): the site does not restyle the admin.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AxeResults
from django.urls import Resolver404, resolve, reverse

BASE_DIR = Path(__file__).resolve().parent.parent
VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("JAVA", "java")
VNU_TIMEOUT = 600

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules axe-core tags so.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}
COLOR_SCHEMES = ["light", "dark"]

# What Django 5.2's admin gets wrong by itself, left out on its pages only:
# small filter links and calendar buttons (target-size), breadcrumb links
# told apart by colour alone (link-in-text-block), the date and time inputs
# of a user's last login and the user's group and permission choosers
# without their own label (label, select-name), and the read-only password
# hash's <div disabled>.
DJANGO_ADMIN_AXE_RULES = ["target-size", "link-in-text-block", "label", "select-name"]
DJANGO_ADMIN_VNU_ERRORS = [
    "Attribute “disabled” not allowed on element “div” at this point."
]
NOT_REPLAYED_HEADERS = {"content-length", "set-cookie"}

# Lines for the end of the test run's report: what was checked, how fast.
SUMMARY = pytest.StashKey[list[str]]()


def vnu_missing() -> str | None:
    """Why vnu cannot run here, or None."""
    if not shutil.which(JAVA):
        return "Java not found: apt-get install default-jre-headless"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR.relative_to(BASE_DIR)} not found: npm ci"
    return None


def vnu_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """
    Run the Nu HTML Checker once on ``documents`` (a name for each HTML
    text) and return each one's errors, as ``line N: message``.

    Warnings and notes are not errors: the issue asks for no errors.
    """
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"{number}.html"
            path.write_text(html, encoding="utf-8")
            names[path.as_uri().removeprefix("file://")] = name
        result = subprocess.run(
            [JAVA, "-jar", str(VNU_JAR), "--format", "json", "--stdout"]
            + ["--exit-zero-always", "--skip-non-html", folder],
            capture_output=True,
            text=True,
            timeout=VNU_TIMEOUT,
        )
    if result.returncode != 0:
        raise RuntimeError(f"vnu exited with {result.returncode}:\n{result.stderr}")
    errors = {}
    for message in json.loads(result.stdout)["messages"]:
        # "non-document-error": vnu could not read the file at all.
        if message["type"] not in ("error", "non-document-error"):
            continue
        name = names.get(message.get("url", "").removeprefix("file:"), "vnu")
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        errors.setdefault(name, []).append(where + message["message"])
    return errors


class _Structure(HTMLParser):
    """The kinds of element in a document: tag, classes, attribute names,
    and the type and role, whose values change what an element is."""

    def __init__(self):
        super().__init__()
        self.kinds = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.kinds.add(
            (
                tag,
                " ".join(sorted((attrs.get("class") or "").split())),
                " ".join(sorted(attrs)),
                attrs.get("type"),
                attrs.get("role"),
            )
        )


def structure(url: str, status: int, html: str) -> str:
    """A page's kind for axe: its view, its status and its elements' kinds."""
    try:
        view = resolve(urlsplit(url).path).view_name
    except Resolver404:
        view = None
    parser = _Structure()
    parser.feed(html)
    kinds = sorted(parser.kinds, key=repr)
    return hashlib.sha256(repr((view, status, kinds)).encode()).hexdigest()


def is_admin(url: str) -> bool:
    return urlsplit(url).path.startswith(reverse("admin:index"))


@dataclass
class Document:
    url: str
    status: int
    headers: dict[str, str]
    html: str
    test: str

    def __str__(self):
        return f"{self.url} ({self.status}, as {self.test} got it)"


@dataclass
class PageChecks:
    """The pages the live server sent, and what was found in them."""

    # The test running, whose browsers the pages are sent to.
    test: str = ""
    by_content: dict[str, Document] = field(default_factory=dict)
    axe_checked: set[str] = field(default_factory=set)
    axe_pending: list[Document] = field(default_factory=list)
    axe_seconds: float = 0.0
    axe_runs: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def served(self, request, response):
        """Keep ``response`` if it is a page: called by the live server.
        What a page's script fetches (a preview's fragment) is not one:
        Chromium tells them apart for the server in Sec-Fetch-Dest."""
        if (
            request.headers.get("Sec-Fetch-Dest") != "document"
            or response.streaming
            or 300 <= response.status_code < 400
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in NOT_REPLAYED_HEADERS
        }
        html = response.content.decode(response.charset)
        url = request.build_absolute_uri()
        self.add(Document(url, response.status_code, headers, html, self.test))

    def add(self, document: Document):
        digest = hashlib.sha256(document.html.encode()).hexdigest()
        kind = structure(document.url, document.status, document.html)
        with self.lock:
            self.by_content.setdefault(digest, document)
            if kind not in self.axe_checked:
                self.axe_checked.add(kind)
                self.axe_pending.append(document)

    def html_errors(self) -> dict[str, list[str]]:
        """The Nu HTML Checker's errors in every distinct page, in one run."""
        documents = {str(document): document for document in self.by_content.values()}
        errors = vnu_errors({name: doc.html for name, doc in documents.items()})
        for name, found in list(errors.items()):
            if is_admin(documents[name].url):
                found = [
                    error
                    for error in found
                    if error.partition(": ")[2] not in DJANGO_ADMIN_VNU_ERRORS
                ]
            if found:
                errors[name] = found
            else:
                del errors[name]
        return errors

    def run_axe(self, page) -> list[str]:
        """axe on each page not yet checked, in ``page``, in both schemes:
        the violations found. ``page``'s context has AXE_SCRIPT loaded."""
        started = time.monotonic()
        problems = []
        with self.lock:
            pending, self.axe_pending = self.axe_pending, []
        for document in pending:
            options = AXE_OPTIONS
            if is_admin(document.url):
                disabled = {rule: {"enabled": False} for rule in DJANGO_ADMIN_AXE_RULES}
                options = {**AXE_OPTIONS, "rules": disabled}
            page.route(document.url, _serve(document))
            try:
                for scheme in COLOR_SCHEMES:
                    page.emulate_media(color_scheme=scheme)
                    page.goto(document.url)
                    results = AxeResults(
                        page.evaluate("options => axe.run(document, options)", options)
                    )
                    self.axe_runs += 1
                    if results.violations_count:
                        problems.append(
                            f"axe, {scheme} scheme, {document}:\n"
                            + results.generate_report()
                        )
            finally:
                page.unroute(document.url)
        self.axe_seconds += time.monotonic() - started
        return problems


def _serve(document: Document):
    """A route handler that answers as the live server answered."""

    def fulfill(route):
        route.fulfill(
            status=document.status, headers=document.headers, body=document.html
        )

    return fulfill
