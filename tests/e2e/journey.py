"""The people of the whole journey and what each does, in either interface language.

Every step saves a screenshot to ``test-artifacts/e2e/journey/`` and runs axe-core on the page; a
person reading Chinese also has the page searched for English left untranslated. The test's own
words go through the app's catalogue (``t``), so one script drives both languages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import Page, expect

from grants.demo.pdf import one_page_pdf
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.demo_people import type_code_if_asked
from tests.e2e.languages import translator, untranslated
from tests.integration.live.smtp import SmtpSink

DEMO_PASSWORD = "flagship-demo-2018"
OFFICER = "officer@ukri.example.org"
CALL = "2018 Flagship Challenge: agricultural science and technology"


@dataclass
class Journey:
    """What the people share: the served app, its mail server, the screenshot folder, the data
    people typed (never translated), and the pages checked so far."""

    origin: str
    smtp: SmtpSink
    folder: Path
    data: list[str]
    checked: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, origin: str, smtp: SmtpSink, name: str, data: list[str]) -> Journey:
        folder = ARTIFACTS / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        return cls(origin, smtp, folder, data)

    def email(self, recipient: str, subject: str, timeout: float = 30) -> EmailMessage:
        """The newest message to ``recipient`` with ``subject`` that reached the mail server."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.smtp.messages()):
                if recipient in str(message["To"]) and message["Subject"] == subject:
                    return message
            time.sleep(0.2)
        seen = [(str(m["To"]), str(m["Subject"])) for m in self.smtp.messages()]
        raise AssertionError(f"no email {subject!r} to {recipient} after {timeout} s; seen {seen}")

    def recipients_by_language(self, subject: str, since: int = 0) -> list[tuple[str, str]]:
        """Who was sent ``subject`` after the first ``since`` messages, each with the language it
        was written in for them."""
        written = {translator(language)(subject): language for language in ("en", "zh_Hans")}
        wait_until = time.monotonic() + 30
        while time.monotonic() < wait_until:
            found = [
                (str(m["To"]), written[m["Subject"]])
                for m in self.smtp.messages()[since:]
                if m["Subject"] in written
            ]
            if len(found) >= 2:
                return found
            time.sleep(0.2)
        return found


class Person:
    """One person's browser, in their interface language."""

    def __init__(self, journey: Journey, page: Page, name: str, email: str, language: str = "en"):
        self.journey = journey
        self.page = page
        self.name = name
        self.email = email
        self.language = language
        self.password = DEMO_PASSWORD
        journey.data.extend([name, email])

    def step(self, name: str) -> None:
        """A page reached: screenshot, accessibility and, in Chinese, no English left."""
        self.page.wait_for_load_state("load")
        number = len(self.journey.checked) + 1
        self.page.screenshot(path=str(self.journey.folder / f"{number:02d}-{name}.png"), full_page=True)
        assert_accessible(self.page, name)
        if self.language != "en":
            left = untranslated(self.page, self.journey.data)
            assert not left, f"English left on {name} ({self.page.url}):\n" + "\n".join(left)
        self.journey.checked.append(name)

    def button(self, text: str, exact: bool = True, **slots):
        """A button in the page's content (the header has its own: ``menu``); not ``exact`` when
        its accessible name goes on (a hidden "for <title>", say)."""
        return self.page.locator("main").get_by_role("button", name=self.t(text, **slots), exact=exact)

    def link(self, text: str, exact: bool = True, **slots):
        return self.page.locator("main").get_by_role("link", name=self.t(text, **slots), exact=exact)

    def field(self, text: str, **slots):
        return self.page.get_by_label(self.t(text, **slots), exact=True)

    def success(self):
        return self.page.locator(".flashes .notice-success")

    def follow(self, message: EmailMessage) -> None:
        """Open the link in an email, as its reader would."""
        body = message.get_body(("plain",)).get_content()
        link = next(word for word in body.split() if word.startswith(self.journey.origin))
        self.page.goto(link)

    def switch_language(self, language: str, keyboard: bool = False) -> None:
        """Use the switcher in the page header (with the keyboard alone: the skip link, then the
        switcher's button), then read on in ``language``."""
        names = {"en": "English", "zh_Hans": "简体中文"}
        switch = self.page.locator(".language-switcher").get_by_role("button", name=names[language])
        if keyboard:
            self.page.keyboard.press("Tab")
            self.page.keyboard.press("Tab")
            expect(switch).to_be_focused()
            self.page.keyboard.press("Enter")
        else:
            switch.click()
        html_lang = "zh-Hans" if language == "zh_Hans" else "en"
        expect(self.page.locator("html")).to_have_attribute("lang", html_lang)
        self.language = language

    @property
    def t(self):
        """The person's words for the test's English: ``t("Sign in")`` reads 登录 in Chinese."""
        return translator(self.language)

    def fits(self, width: int) -> None:
        """Nothing on the page is wider than a ``width``-pixel screen."""
        self.page.set_viewport_size({"width": width, "height": 800})
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{self.page.url} is {scroll_width} px wide at {width} px"

    def register(self, password: str) -> None:
        """Create an account, confirm it from the emailed link and sign in."""
        self.password = password
        self.field("Full name").fill(self.name)
        self.field("Email address").fill(self.email)
        self.field("Password").fill(password)
        self.field("Confirm password").fill(password)
        self.step("register-form")
        self.button("Create account").click()
        expect(self.page.get_by_role("heading", name=self.t("Check your email"))).to_be_visible()
        self.step("check-your-email")
        self.follow(self.journey.email(self.email, self.t("Confirm your email address for Grants")))
        self.step("confirm-email")
        self.button("Confirm my email address").click()
        expect(self.page.get_by_text(self.t("Your email address is confirmed."))).to_be_visible()
        self.sign_in()

    def sign_in(self) -> None:
        if not self.page.url.split("?")[0].endswith("/sign-in"):
            self.page.goto("/sign-in")
        self.field("Email address").fill(self.email)
        self.field("Password").fill(self.password)
        self.button("Sign in").click()
        type_code_if_asked(self.page)
        expect(self.menu().get_by_role("button", name=self.t("Sign out"))).to_be_visible()

    def menu(self):
        return self.page.get_by_role("navigation", name=self.t("Main"))

    def open_menu(self, text: str) -> None:
        self.menu().get_by_role("link", name=self.t(text), exact=True).click()


def pdf_file(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.write_bytes(one_page_pdf(title))
    return path
