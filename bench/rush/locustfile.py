"""The people of a deadline rush, for Locust (run by ``bench/deadline_rush.py``, one phase at a time).

``RUSH_DATA`` names the JSON file the benchmark wrote: the call, the seeded drafts with their leads
and partners, the shared password and the form values. ``RUSH_RESULTS`` names a file each
successful submission's application id is appended to, so the benchmark can check afterwards that
every submission answered with success is in the database exactly once. ``RUSH_PROGRESS`` names a
file holding how many drafts earlier phases took, so each phase starts on untouched drafts.

- ``Researcher``: the rush itself. Takes the next draft, signs in as its lead, opens "my
  applications", the draft and its details, saves as autosave does while typing, opens "check and
  submit", submits, signs out, and takes the next draft. Thinks 1-3 s between steps.
- ``Browser``: signs in as a partner once, then reads the call page and "my applications".
- ``Writer``: the same draft work without thinking or reading other pages, and with ten saves
  per draft rather than four (someone typing for the last hour saves often), for the write
  throughput.
- ``SignInBurst``: signs in once, as a partner, and stops.
- ``CeilingWriter``: one POST per step to the ceiling app (``bench/rush/ceiling_app.py``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

DATA = json.loads(Path(os.environ["RUSH_DATA"]).read_text()) if os.environ.get("RUSH_DATA") else {}
RESULTS = os.environ.get("RUSH_RESULTS")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')

PROGRESS = Path(os.environ["RUSH_PROGRESS"]) if os.environ.get("RUSH_PROGRESS") else None
_first = int(PROGRESS.read_text()) if PROGRESS and PROGRESS.exists() else 0
_taken = 0
_partners = itertools.cycle(reversed(DATA.get("drafts", [])))
_lock = threading.Lock()
_submitted: list[int] = []


def next_draft() -> dict | None:
    global _taken
    with _lock:
        drafts = DATA.get("drafts", [])
        if _first + _taken >= len(drafts):
            return None
        _taken += 1
        return drafts[_first + _taken - 1]


def next_partner() -> str:
    with _lock:
        return next(_partners)["partner"]


@events.test_stop.add_listener
def _write_results(**_kwargs) -> None:
    if RESULTS:
        with open(RESULTS, "a") as out:
            out.writelines(f"{application_id}\n" for application_id in _submitted)
    if PROGRESS and _taken:
        PROGRESS.write_text(str(_first + _taken))


def forwarded_for() -> dict[str, str]:
    """A made-up address of this person's own (the app trusts one proxy hop)."""
    return {
        "X-Forwarded-For": f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    }


class Person(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        self.address = forwarded_for()
        self.csrf = ""

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, headers=self.address, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return ""
            found = CSRF.search(response.text or "")
            if found:
                self.csrf = found.group(1)
            return response.text or ""

    def post(self, url: str, name: str, data: dict, expect: int):
        with self.client.post(
            url,
            name=name,
            data={"csrf_token": self.csrf, **data},
            headers=self.address,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return None
            return response

    def sign_in(self, email: str) -> bool:
        self.client.cookiejar.clear()
        self.page("/sign-in", "sign-in page")
        signed_in = self.post("/sign-in", "sign in", {"email": email, "password": DATA["password"]}, 302)
        return signed_in is not None

    def sign_out(self) -> None:
        self.post("/sign-out", "sign out", {}, 302)


class DraftWork(Person):
    """Saving and submitting one draft after another."""

    abstract = True
    read_pages = True
    saves_per_draft = 4

    @task
    def work_on_a_draft(self) -> None:
        draft = next_draft()
        if draft is None:
            self.stop()
            return
        if not self.sign_in(draft["lead"]):
            return
        base = f"/applications/{draft['id']}"
        if self.read_pages:
            self.wait()
            self.page("/applications", "my applications")
            self.wait()
            self.page(base, "application overview")
        self.wait()
        # Autosave runs on the page it saves: its form carries the version and the CSRF token
        # (a new one, since signing in starts a new session).
        version = _version(self.page(f"{base}/details", "details page")) or draft["details_version"]
        for n in range(self.saves_per_draft):
            self.wait()
            if n % 2 == 0:
                version = self.save(base, "details", version, draft, n) or version
            else:
                self.save(base, "questions", draft["answers_version"], draft, n)
        if self.read_pages:
            self.wait()
            self.page(f"{base}/submit", "check and submit page")
        self.wait()
        if self.post(f"{base}/submit", "submit", {}, 303) is not None:
            _submitted.append(draft["id"])
        self.sign_out()

    def save(self, base: str, section: str, version: int, draft: dict, n: int) -> int | None:
        fields = (
            {**draft["details"], "abstract": f"{draft['details']['abstract']} Revision {n}."}
            if section == "details"
            else draft["answers"]
        )
        response = self.post(
            f"{base}/autosave",
            f"save draft ({section})",
            {"section": section, "version": version, **fields},
            200,
        )
        if response is None:
            return None
        saved = response.json()
        if section == "questions":
            draft["answers_version"] = saved["version"]
        return saved["version"]


def _version(page: str) -> int:
    found = VERSION.search(page)
    return int(found.group(1) or found.group(2)) if found else 0


class Researcher(DraftWork):
    weight = 4
    wait_time = between(1, 3)


class Browser(Person):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(next_partner())

    @task(2)
    def call_page(self) -> None:
        self.page(f"/calls/{DATA['call_id']}", "call page")

    @task(1)
    def my_applications(self) -> None:
        self.page("/applications", "my applications (partner)")


class Writer(DraftWork):
    """No thinking and no reading but the page being saved: what the server can take of saving
    and submitting."""

    read_pages = False
    saves_per_draft = 10
    wait_time = constant(0)


class SignInBurst(Person):
    wait_time = constant(0)

    @task
    def sign_in_once(self) -> None:
        self.sign_in(next_partner())
        self.stop()


class CeilingWriter(FastHttpUser):
    wait_time = constant(0)

    @task
    def insert(self) -> None:
        self.client.post("/rows", name="ceiling insert")
