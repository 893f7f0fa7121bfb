"""What a page offers a browser: its forms (with each field's kind, value and options) and links.

Read with the standard library's HTML parser, so the hostile tests see exactly what a browser
would submit rather than what the form classes say.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.hostile_strategies import encode_pairs


@dataclass
class Field:
    name: str
    kind: str  # an input's type, or "select" / "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)
    # The script's autosave posts the same fields to another address and reads JSON back.
    autosave: str = ""
    xhr: bool = False

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def value(self, name: str) -> str | None:
        return next((f.value for f in self.fields if f.name == name), None)

    def defaults(self) -> list[tuple[str, str]]:
        """What the browser sends untouched: values, checked boxes, selected options."""
        pairs = []
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind in ("button", "file", "reset", "image"):
                continue
            pairs.append((f.name, f.value))
        return pairs


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, action, a.get("method", "get").lower(), a.get("enctype", ""))
            if a.get("data-autosave"):
                self._form.autosave = urljoin(self.page, a["data-autosave"])
                self._form.fields.append(Field("section", "hidden", a.get("data-section", "")))
            self.forms.append(self._form)
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input" and a.get("type", "").lower() != "submit":
            kind = a.get("type", "text").lower()
            self._form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value", "on" if kind == "checkbox" else ""),
                    checked="checked" in a,
                )
            )
        elif tag == "button" or (tag == "input" and a.get("type", "").lower() == "submit"):
            # The clicked button's name and value go with the form.
            self._form.fields.append(Field(a["name"], "button", a.get("value", "")))
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._option is not None:
                self._select.options.append(self._option)
                if "selected" in a or len(self._select.options) == 1:
                    self._select.value = self._option
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            if self._form.autosave:
                form = self._form
                self.forms.append(
                    Form(form.page, form.autosave, "post", form.enctype, list(form.fields), xhr=True)
                )
                # The page's own submit does not send the script's section field.
                form.fields = [f for f in form.fields if f.name != "section"]
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_page(url: str, html: str) -> tuple[list[Form], list[str]]:
    """The forms and same-site link paths (with their query strings) of the page at ``url``."""
    parser = _Parser(url)
    parser.feed(html)
    links = [
        link for link in parser.links if not urlsplit(link).netloc or urlsplit(link).netloc == "localhost"
    ]
    return parser.forms, [_path(link) for link in links]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def post_as_shown(client, page: str, action: str, values: dict[str, str | bytes]):
    """Post the form of ``page`` that goes to ``action`` as a person would: what the page shows,
    a select left on its placeholder set to its first real option, and ``values`` typed in."""
    forms, _ = read_page(page, client.get(page).get_data(as_text=True))
    form = next(f for f in forms if urlsplit(f.action).path == action and not f.xhr)
    chosen = {f.name: next((o for o in f.options if o), "") for f in form.fields if f.kind == "select"}
    pairs = [(name, value or chosen.get(name, "")) for name, value in form.defaults() if name not in values]
    body = encode_pairs([*pairs, *values.items()])
    return client.post(action, data=body, content_type="application/x-www-form-urlencoded")
