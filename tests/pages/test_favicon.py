"""Browsers ask every site for /favicon.ico by themselves: it answers, to anyone, without
a sign-in and without a 404 in the logs; the pages link the drawing it is made from."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_favicon_answers_at_the_root_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_every_page_links_the_icon(client, office):
    client.force_login(office)
    page = client.get(reverse("pages:proposals")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert finders.find("favicon.svg")
    client.logout()
    login = client.get(reverse("login"))
    assert 'rel="icon"' in login.content.decode()
