"""Hostile input over every form: never a 500; a refusal is a 4xx with a clear message and changes
nothing.

The forms are not listed here: a crawl as each kind of person (``hostile_site``) finds every form
that posts to an endpoint of ``app.url_map``, and Hypothesis fills its fields with hostile values
(markup, SQL, control and bidi characters, emoji, invalid UTF-8, 100,000 characters, wrong types,
missing and repeated fields, huge, negative and non-finite numbers). Each example runs in a
savepoint that is rolled back, so one example's success does not change the next one's page.
"""

import json
import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from grants.extensions import db
from tests.hostile_strategies import encode_pairs, hostile_date, hostile_number, hostile_text, hostile_value
from tests.integration.security.hostile_site import build_world, crawl, fingerprint, rolled_back
from tests.integration.security.page_forms import Field, Form, post_as_shown

# A few examples per form keep the file near a minute; HOSTILE_EXAMPLES=100 digs deeper.
EXAMPLES_PER_FORM = int(os.environ.get("HOSTILE_EXAMPLES", "6"))
FORM_ENCODED = "application/x-www-form-urlencoded"
MIN_COVERED = 0.6
# What a refused form shows: the error summary, a field's message, a flashed error, an error page
# with its message, or (to the autosave script) a JSON body with the errors or the error message.
CLEAR_REFUSAL = (
    'class="error-summary"',
    'class="error-message"',
    "notice-error",
    "Go to the home page",
    '"errors":',
    '"message":',
)
# Statuses whose error page explains itself (the object is gone, not allowed, in use, too big...).
EXPLAINED = {403, 404, 405, 409, 413, 429}
# The error page for a request nobody looked at: a form answering it has not said what is wrong.
UNCLEAR = "The request could not be understood."
SKIPPED_KINDS = {"reset", "image", "file"}


def _strategy_for(item: Field) -> st.SearchStrategy:
    if item.kind == "number":
        return st.one_of(hostile_number, hostile_text)
    if item.kind in ("date", "datetime-local"):
        return st.one_of(hostile_date, hostile_text)
    if item.kind in ("select", "radio", "hidden", "checkbox"):
        return hostile_value
    return st.one_of(hostile_text, hostile_number)


@st.composite
def hostile_posts(draw, form: Form) -> list[tuple[str, str | bytes]]:
    """The form's fields, each kept, made hostile, left out or sent twice; the CSRF token kept."""
    pairs: list[tuple[str, str | bytes]] = []
    seen: set[str] = set()
    for item in form.fields:
        if item.kind in SKIPPED_KINDS or item.name in seen:
            continue
        seen.add(item.name)
        if item.name.endswith("csrf_token"):
            pairs.append((item.name, item.value))
            continue
        choice = draw(st.sampled_from(["keep", "keep", "hostile", "hostile", "missing", "twice"]))
        if choice == "keep" and item.kind == "button":
            pairs.append((item.name, item.value))  # the first button, clicked
        elif choice == "keep":
            pairs.extend((f.name, f.value) for f in form.fields if f.name == item.name and _sent(f))
        elif choice == "hostile":
            pairs.append((item.name, draw(_strategy_for(item))))
        elif choice == "twice":
            pairs.extend([(item.name, draw(_strategy_for(item))), (item.name, item.value)])
    return pairs


def _sent(item: Field) -> bool:
    return item.checked or item.kind not in ("checkbox", "radio", "button")


def _check(endpoint: str, response, before: tuple[int, ...], handed_over: int, app, client) -> None:
    body = response.get_data(as_text=True)
    status = response.status_code
    assert status < 500, f"{endpoint}: {status}"
    if status < 400:
        # Accepted: the page it leads to shows what was stored.
        location = response.headers.get("Location", "")
        if location.startswith("/"):
            shown = client.get(location).status_code
            assert shown < 500, f"{endpoint}: accepted, then {shown} on {location}"
        return
    assert fingerprint() == before, f"{endpoint}: refused with {status} but rows changed"
    assert len(app.extensions["outbox_handed_over"]) == handed_over, f"{endpoint}: mail on refusal"
    if status in EXPLAINED:
        return
    clear = any(marker in body for marker in CLEAR_REFUSAL) and UNCLEAR not in body
    assert clear, f"{endpoint}: {status} without a clear message: {body[-1500:]!r}"


def _attack(app, site, endpoint: str, persona: str, form: Form) -> None:
    client = site.clients[persona]
    headers = {"Accept": "application/json"} if form.xhr else {}

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(pairs=hostile_posts(form))
    def attempt(pairs):
        with rolled_back(client):
            before, handed_over = fingerprint(), len(app.extensions["outbox_handed_over"])
            response = client.post(
                form.action, data=encode_pairs(pairs), content_type=FORM_ENCODED, headers=headers
            )
            _check(endpoint, response, before, handed_over, app, client)

    attempt()


# A failing example with 100,000-character values: Hypothesis warns that its repr is large.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_no_form_answers_hostile_input_with_a_server_error(app, factory, caplog):
    site = crawl(app, build_world(factory))
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    # The crawl reaches most forms (those behind an emailed token or a state the world does not
    # build stay out); far fewer means it broke, as when a sign-in step is added.
    assert len(site.forms) >= MIN_COVERED * len(posting), sorted(posting - set(site.forms))
    failures = {}
    for endpoint, found in sorted(site.forms.items()):
        # Files are the upload checks' business; a form without a file field is attacked whole.
        usable = [(persona, form) for persona, form in found if not form.has_file]
        for persona, form in usable[:1]:
            try:
                _attack(app, site, endpoint, persona, form)
            except AssertionError as error:
                failures[endpoint] = str(error).splitlines()[0]
    db.session.rollback()
    errors = [
        record.getMessage() + "\n" + (record.exc_text or "")
        for record in caplog.records
        if record.levelname == "ERROR"
    ]
    assert failures == {}, json.dumps(failures, indent=1) + "\n" + "\n".join(errors[:5])


CONTROL_REFUSED = "invisible control characters"


def test_a_nul_byte_is_refused_with_a_message_and_stores_nothing(client, factory, sign_in):
    """PostgreSQL cannot store NUL: a title with one was a server error there, and SQLite kept it."""
    draft = factory.complete_application()
    sign_in(draft.lead_applicant)
    page = f"/applications/{draft.id}/details"
    before = fingerprint()
    response = post_as_shown(client, page, page, {"title": "Heat\x00-tolerant wheat\x0b"})
    assert response.status_code == 400
    assert CONTROL_REFUSED in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.title == "Heat-tolerant wheat"
    assert fingerprint() == before
    assert CONTROL_REFUSED in client.get("/applications?q=%00").get_data(as_text=True)


PLAIN_TEXT = "Field trials in both countries."
NUMBERS = ("number", "select", "radio", "hidden", "text")
# Each sweep puts one extreme value in every field of the given kinds, the rest filled in.
SWEEPS = {
    "last day": {"date": "9999-12-31", "datetime-local": "9999-12-31T23:59"},
    "first day": {"date": "0001-01-01", "datetime-local": "0001-01-01T00:00"},
    "huge number": dict.fromkeys(NUMBERS, str(10**30)),
    "negative": dict.fromkeys(NUMBERS, "-1"),
    "not a number": dict.fromkeys(NUMBERS, "NaN"),
    "overflowing float": dict.fromkeys(NUMBERS, "1e309"),
}


def _filled(form: Form, extremes: dict[str, str]) -> list[tuple[str, str | bytes]]:
    """The form filled as a person would (empty text typed in, first real option picked), with
    ``extremes[kind]`` in every field of that kind (the CSRF token kept)."""
    pairs = []
    chosen: set[str] = set()
    for item in form.fields:
        # Every box ticked; the first of each radio group and the first button chosen.
        if item.kind in SKIPPED_KINDS or (item.kind in ("radio", "button") and item.name in chosen):
            continue
        chosen.add(item.name)
        if item.kind in extremes and not item.name.endswith("csrf_token"):
            pairs.append((item.name, extremes[item.kind]))
        elif item.kind in ("text", "textarea") and not item.value.strip():
            pairs.append((item.name, PLAIN_TEXT))
        elif item.kind == "select" and not item.value:
            pairs.append((item.name, next((option for option in item.options if option), "")))
        else:
            pairs.append((item.name, item.value))
    return pairs


def test_no_form_fails_on_extreme_values(app, factory):
    """Dates near 9999 once overflowed an award's schedule (an extension, a new start date) and an
    institution id of 10**30 the database's integers: every form gets each sweep of extremes."""
    site = crawl(app, build_world(factory))
    failures = {}
    for endpoint, found in sorted(site.forms.items()):
        for persona, form in [entry for entry in found if not entry[1].has_file][:1]:
            client = site.clients[persona]
            for sweep, extremes in SWEEPS.items():
                if not any(item.kind in extremes for item in form.fields):
                    continue
                with rolled_back(client):
                    before, handed_over = fingerprint(), len(app.extensions["outbox_handed_over"])
                    body = encode_pairs(_filled(form, extremes))
                    response = client.post(form.action, data=body, content_type=FORM_ENCODED)
                    try:
                        _check(endpoint, response, before, handed_over, app, client)
                    except AssertionError as error:
                        failures[f"{endpoint} ({sweep})"] = str(error).splitlines()[0]
    assert failures == {}
