"""The account forms' markup, read as a screen reader reads it.

Each input's aria-describedby names the elements read out with it (its help
text, its errors): every id it names must be on the page, and an invalid
input says so (aria-invalid for assistive technology, Bootstrap's is-invalid
for the eye). The browser tests run axe on the same pages.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
PASSWORD_URL = reverse("password_change")


class FormMarkup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs = {}
        self.text_by_id = {}
        self._open = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs
        if "id" in attrs:
            self.text_by_id[attrs["id"]] = ""
        if tag not in ("input", "br", "meta", "link", "img"):
            self._open.append((tag, attrs.get("id")))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id is not None:
                self.text_by_id[element_id] += data


def read(response):
    assert response.status_code == 200
    markup = FormMarkup()
    markup.feed(response.content.decode())
    return markup


def descriptions(markup, name):
    """What a screen reader reads after the input's label, in order."""
    ids = markup.inputs[name].get("aria-describedby", "").split()
    missing = [i for i in ids if i not in markup.text_by_id]
    assert not missing, f"{name}'s aria-describedby names ids not on the page"
    return [" ".join(markup.text_by_id[i].split()) for i in ids]


def assert_every_description_exists(markup):
    for name in markup.inputs:
        descriptions(markup, name)


def is_marked_invalid(attrs):
    return attrs.get("aria-invalid") == "true" and "is-invalid" in attrs.get(
        "class", ""
    ).split(" ")


def test_password_page_reads_out_the_rules_for_a_new_password(bob_client):
    markup = read(bob_client.get(PASSWORD_URL))
    assert_every_description_exists(markup)
    [rules] = descriptions(markup, "new_password1")
    assert "can’t be a commonly used password" in rules
    assert not any(is_marked_invalid(attrs) for attrs in markup.inputs.values())


def test_password_page_reads_out_each_fields_errors(bob_client):
    response = bob_client.post(
        PASSWORD_URL,
        {"old_password": "not it", "new_password1": "bob", "new_password2": "bo"},
    )
    markup = read(response)
    assert_every_description_exists(markup)
    assert descriptions(markup, "old_password") == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
    assert descriptions(markup, "new_password2") == [
        "Enter the same password as before, for verification.",
        "The two password fields didn’t match.",
    ]
    assert is_marked_invalid(markup.inputs["old_password"])
    assert is_marked_invalid(markup.inputs["new_password2"])
    assert not is_marked_invalid(markup.inputs["new_password1"])


def test_password_page_reads_out_the_rules_a_new_password_breaks(bob_client, password):
    response = bob_client.post(
        PASSWORD_URL,
        {"old_password": password, "new_password1": "bob", "new_password2": "bob"},
    )
    markup = read(response)
    assert_every_description_exists(markup)
    # Django puts what the validators say on the confirmation.
    help_text, errors = descriptions(markup, "new_password2")
    assert "This password is too short." in errors
    assert is_marked_invalid(markup.inputs["new_password2"])
    [rules] = descriptions(markup, "new_password1")
    assert "can’t be a commonly used password" in rules


def test_login_page_names_no_missing_description(client):
    markup = read(client.get(LOGIN_URL))
    assert_every_description_exists(markup)
    assert not any(is_marked_invalid(attrs) for attrs in markup.inputs.values())


def test_login_page_reads_out_each_fields_errors(client):
    markup = read(client.post(LOGIN_URL, {"username": "", "password": ""}))
    assert_every_description_exists(markup)
    assert descriptions(markup, "username") == ["This field is required."]
    assert descriptions(markup, "password") == ["This field is required."]
    assert is_marked_invalid(markup.inputs["username"])
    assert is_marked_invalid(markup.inputs["password"])
