"""Hostile input that reached the database (PostgreSQL refuses what SQLite takes): long
user names, NUL in cookies and in the admin's searches. A clear answer, never a 500.
Runs on both databases."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import make_publication

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [255, 256, 300, 5000])
def test_a_long_user_name_gets_the_usual_answer(client, length):
    response = client.post(reverse("admin:login"), {"username": "u" * length, "password": "x"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.parametrize("username", ["ad\x00min", "\x00" * 300, "a\x0bb", "é" * 400])
def test_a_user_name_with_control_characters_gets_the_usual_answer(client, username):
    User.objects.create_user("admin2", password="right", is_staff=True)
    response = client.post(reverse("admin:login"), {"username": username, "password": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "cookie", ['"\\000aaaa"', "\x00aaaaaaaaaa", "AAAA" * 20, "../../etc", "'; DROP"]
)
def test_a_malformed_session_cookie_is_no_session(client, cookie):
    entry = make_publication(slug="cookie-test")
    client.cookies["sessionid"] = cookie
    assert client.get(entry.get_absolute_url()).status_code == 200
    assert client.get("/catalogue/").status_code == 200
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302  # to the sign-in page, as for anyone without a session


@pytest.mark.parametrize(
    "params",
    [
        {"app_label": "unumn", "model_name": "entry", "field_name": "related", "term": "mi\x00g"},
        {"app_label": "unumn", "model_name": "entry", "field_name": "part_of", "term": "\x00"},
        {"app_label": "publications", "model_name": "publication", "field_name": "institutes",
         "term": "\x00\x00"},
    ],
)  # fmt: skip
def test_admin_autocomplete_with_nul(admin_client, params):
    response = admin_client.get(reverse("admin:autocomplete"), params)
    assert response.status_code in {200, 403}


@pytest.mark.parametrize(
    "name", ["admin:unumn_person_changelist", "admin:publications_publication_changelist"]
)
def test_admin_search_with_nul(admin_client, name):
    assert admin_client.get(reverse(name), {"q": "gissel\x00quist"}).status_code == 200


def unique_words(size):
    """Distinct words (letters only) adding up to about ``size`` characters."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words, number, total = [], 0, 0
    while total < size:
        word, n = "", number
        while True:
            word = letters[n % 26] + word
            n //= 26
            if not n:
                break
        words.append("q" + word)
        total += len(word) + 2
        number += 1
    return " ".join(words)


def test_a_body_of_a_million_and_a_half_unique_words_saves_and_is_found(client):
    body = unique_words(1_500_000)
    entry = make_publication(slug="huge-body", title="Huge body", body=body)
    entry.refresh_from_db()
    assert len(entry.body) == len(body)
    found = client.get("/catalogue/", {"q": body.split()[3]})
    assert "/huge-body/" in found.content.decode()
    assert client.get(entry.get_absolute_url()).status_code == 200


def test_the_entry_form_says_how_much_of_the_body_searches_read(admin_client):
    page = admin_client.get(reverse("admin:publications_publication_add")).content.decode()
    assert "Searches read its first 200,000 characters" in page
