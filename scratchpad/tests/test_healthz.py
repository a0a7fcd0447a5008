import pytest
from django.urls import reverse

from .processes import Browser, free_port

HEALTHZ_URL = reverse("healthz")


@pytest.mark.django_db
def test_answers_200_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(HEALTHZ_URL)
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_needs_no_login_and_sets_no_cookie(client):
    response = client.get(HEALTHZ_URL)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_is_never_cached(client):
    response = client.get(HEALTHZ_URL)
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_answers_over_http_while_everything_else_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(HEALTHZ_URL).status_code == 200
    response = client.get(reverse("comments:list"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_refuses_post(client):
    assert client.post(HEALTHZ_URL).status_code == 405


@pytest.mark.parametrize(
    "dead_database",
    ["mysql", "sqlite"],
)
def test_answers_503_when_the_database_does_not(
    start_app_server, tmp_path, dead_database
):
    if dead_database == "mysql":
        # Nothing listens on the port: the connection is refused.
        url = f"mysql://scratchpad@127.0.0.1:{free_port()}/scratchpad"
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
    server = start_app_server(url)
    response = Browser().get(server.url + HEALTHZ_URL)
    assert response.status == 503
    assert response.text == "database unavailable\n"
    assert "Set-Cookie" not in response.headers
