"""
A ban through one app server ends the banned user's sessions on every
server at once: two gunicorn processes sharing one database, as behind a
load balancer (scratchpad/tests/test_scale_out.py).
"""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from scratchpad.tests.processes import Browser, site_shell

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
LOGIN_URL = reverse("login")
ADMIN_LOGIN_URL = reverse("admin:login")
USERS_URL = reverse("admin:auth_user_changelist")


@pytest.fixture
def users(shared_database_url):
    """alice, and the staff member sam; alice's id."""
    code = (
        "from django.contrib.auth import get_user_model; "
        "User = get_user_model(); "
        f"User.objects.create_superuser('sam', 'sam@example.com', {PASSWORD!r}); "
        f"print(User.objects.create_user('alice', password={PASSWORD!r}).pk)"
    )
    return int(site_shell(shared_database_url, code).strip())


def log_in(browser, server, username, url=LOGIN_URL):
    return browser.submit(
        server.url + url, server.url + url, {"username": username, "password": PASSWORD}
    )


def test_a_ban_through_one_server_ends_the_sessions_on_the_other(
    shared_database_url, start_app_server, users
):
    first, second = (start_app_server(shared_database_url) for _ in range(2))
    alice = Browser()
    assert log_in(alice, second, "alice").status == 302
    response = alice.submit(
        second.url + LIST_URL, second.url + CREATE_URL, {"content": "Rude words"}
    )
    assert response.status == 302
    assert "Log out" in alice.get(second.url + LIST_URL).text

    staff = Browser()
    assert log_in(staff, first, "sam", url=ADMIN_LOGIN_URL).status == 302
    response = staff.submit(
        first.url + USERS_URL,
        first.url + USERS_URL,
        {"action": "ban", "_selected_action": str(users)},
    )
    assert response.status == 302

    # Her next request, through the other server, is anonymous, and her
    # comment is gone from its cached page.
    page = alice.get(second.url + LIST_URL)
    assert "Log out" not in page.text
    assert "Rude words" not in page.text
    assert "This comment was removed by a moderator." in page.text
    # And she cannot log in again, through either.
    for server in (first, second):
        assert log_in(alice, server, "alice").status == 200
