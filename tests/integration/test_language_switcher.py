"""The language switcher on every page, and which language a page is in: the signed-in person's
profile, else the visitor's choice, else the browser's."""

import json
import re
from html import unescape

import pytest
from babel.support import Translations

from grants.audit.models import AuditEvent
from grants.templating import language_switch_target
from tests.e2e.languages import CATALOGUES
from tests.integration.conftest import post_form

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
SWITCHER = re.compile(r'<form method="post" action="/language" class="language-switcher">')


@pytest.fixture(scope="module")
def zh():
    catalogue = Translations.load(str(CATALOGUES), ["zh_Hans"])
    assert isinstance(catalogue, Translations), "the catalogue is compiled by `make setup`"
    return catalogue.gettext


def page_language(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.get_data(as_text=True)).group(1)


def test_the_switcher_is_on_every_kind_of_page(client, factory, sign_in):
    for url in ("/", "/sign-in", "/register", "/calls", "/no-such-page"):
        assert SWITCHER.search(client.get(url).get_data(as_text=True)), url
    sign_in(factory.user())
    for url in ("/profile", "/applications"):
        assert SWITCHER.search(client.get(url).get_data(as_text=True)), url


def test_a_visitor_follows_the_browser_until_they_choose(client, zh):
    assert page_language(client.get("/")) == "en"
    chinese = client.get("/", headers=CHINESE)
    assert page_language(chinese) == "zh-Hans"
    assert zh("Funding calls") in chinese.get_data(as_text=True)

    response = post_form(client, "/language", {"language": "en", "next": "/calls?page=1"}, headers=CHINESE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/calls?page=1"
    assert page_language(client.get("/calls", headers=CHINESE)) == "en"


def test_a_visitor_choosing_chinese_reads_chinese(client, zh):
    post_form(client, "/language", {"language": "zh_Hans", "next": "/sign-in"})
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert zh("Sign in") != "Sign in" and zh("Sign in") in html
    assert zh("Skip to main content") in html
    # The script's words travel in a data attribute, translated, not in an inline script.
    assert "<script>" not in html
    attribute = re.search(r'data-messages="([^"]*)"', html).group(1)
    messages = json.loads(unescape(attribute))
    assert messages["closed"] == zh("Closed") and messages["days"] == zh("{n} days")


def test_a_signed_in_choice_is_kept_on_the_profile_and_audited(client, factory, sign_in, db_session):
    user = factory.user()
    sign_in(user)
    response = post_form(client, "/language", {"language": "zh_Hans", "next": "/profile"})
    assert response.status_code == 303
    db_session.refresh(user)
    assert user.language == "zh_Hans"
    event = db_session.query(AuditEvent).filter_by(action="profile.updated", subject_id=user.id).one()
    assert event.changes == {"language": ["en", "zh_Hans"]}
    assert event.subject_type == "User"  # not the name of current_user's proxy
    # The profile beats the browser.
    assert page_language(client.get("/profile", headers={"Accept-Language": "en"})) == "zh-Hans"
    # Choosing the language already chosen records nothing more.
    post_form(client, "/language", {"language": "zh_Hans"})
    assert db_session.query(AuditEvent).filter_by(action="profile.updated").count() == 1


def test_the_profile_beats_a_choice_made_before_signing_in(client, factory, sign_in):
    post_form(client, "/language", {"language": "zh_Hans"})
    sign_in(factory.user(language="en"))
    assert page_language(client.get("/profile")) == "en"


def test_bad_choices_are_refused_and_change_nothing(client, factory, sign_in, db_session):
    for language in ("", "fr", "zh_Hans\x00", "x" * 500):
        response = post_form(client, "/language", {"language": language})
        assert response.status_code == 400, language
    assert page_language(client.get("/")) == "en"
    no_token = client.post("/language", data={"language": "zh_Hans"})
    assert no_token.status_code == 400
    assert page_language(client.get("/")) == "en"

    user = factory.user()
    sign_in(user)
    assert post_form(client, "/language", {"language": "de"}).status_code == 400
    db_session.refresh(user)
    assert user.language == "en"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", ""])
def test_the_way_back_stays_on_this_site(client, target):
    response = post_form(client, "/language", {"language": "zh_Hans", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_dates_and_money_follow_the_language(client, factory):
    call = factory.call()
    english = client.get(f"/calls/{call.id}").get_data(as_text=True)
    chinese = client.get(f"/calls/{call.id}", headers=CHINESE).get_data(as_text=True)
    assert "CN¥1,800,000.00" in english and "£200,000.00" in english
    assert "¥1,800,000.00" in chinese.replace("CN¥", "") and "CN¥" not in chinese
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", chinese)
    assert not re.search(r"\d{4}年", english)


@pytest.mark.parametrize(
    ("method", "path", "back"),
    [
        ("GET", "/calls?page=2", "/calls?page=2"),
        ("POST", "/profile", "/profile"),  # a form answered with its errors: the form again
        ("POST", "/language", "/"),  # an address with no page to show: the home page
    ],
)
def test_the_switcher_returns_to_a_page_that_can_be_shown(app, method, path, back):
    with app.test_request_context(path, method=method):
        assert language_switch_target() == back
