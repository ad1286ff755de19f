"""A small HTTP client for the production-mode run: it talks plain HTTP to gunicorn as the TLS
proxy in front of it would (Host: the public name, X-Forwarded-Proto: https), keeps the session
cookies itself (they are Secure, so a cookie jar would not send them over http://), never follows
redirects on its own, and reads links and forms out of the pages."""

import http.client
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

import time_machine
from django_otp.oath import TOTP

from accounts.demo import demo_totp_key

SECOND_FACTOR_PATH = "/accounts/second-factor/"
_last_step: dict[str, int] = {}


def authenticator_code(username: str) -> str:
    """The demo account's authenticator code by the server's clock, which is the real one (the test
    run's clock may be moved: --today). A code works once, so a second sign-in within 30 seconds
    takes the next step's code, and waits for it to be valid if it is further ahead."""
    hatch = time_machine.escape_hatch
    real_now = hatch.time.time if hatch.is_travelling() else time.time
    step = max(int(real_now()) // 30, _last_step.get(username, -1) + 1)
    while step > int(real_now()) // 30 + 1:  # django-otp accepts one step either side
        time.sleep(1)
    _last_step[username] = step
    code = TOTP(bytes.fromhex(demo_totp_key(username)))
    code.time = step * 30  # not django-otp's own clock, which a moved test clock would move
    return f"{code.token():06d}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, port: int, host: str, *, https: bool = True):
        self.port, self.host, self.https = port, host, https
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"https://{self.host}"

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": self.host}
        if self.https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            data = raw.read()
            for header, value in raw.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        if morsel["max-age"] == "0" or not morsel.value:
                            self.cookies.pop(name, None)
                        else:
                            self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, path)
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]], *, referer: str) -> Response:
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": urljoin(self.origin, referer),
            },
        )

    def internal_path(self, location: str, base: str) -> str | None:
        """The path (and query) of a link or redirect on this site, or None for anything else."""
        url = urlsplit(urljoin(urljoin(self.origin, base), location))
        if url.scheme not in ("http", "https") or url.netloc != self.host:
            return None
        return url.path + (f"?{url.query}" if url.query else "")

    def submit(self, page: Response, form: "Form", **changes) -> Response:
        """Post a form as a browser would: its fields as the page gave them, with `changes`."""
        return self.post(form.action or page.path, form.data(**changes), referer=page.path)

    def sign_in(self, username: str, password: str) -> Response:
        page = self.get("/accounts/sign-in/")
        assert page.status == 200, page.status
        form = next(f for f in forms(page.text) if "username" in f.names)
        response = self.submit(page, form, username=username, password=password)
        assert response.status == 302, f"sign-in as {username}: {response.status}"
        landing = self.get(self.internal_path(response.headers["location"], page.path))
        if landing.status == 302 and SECOND_FACTOR_PATH in landing.headers["location"]:  # officers, admins
            page = self.get(self.internal_path(landing.headers["location"], landing.path))
            form = next(f for f in forms(page.text) if "code" in f.names)
            response = self.submit(page, form, code=authenticator_code(username))
            assert response.status == 302, f"second factor of {username}: {response.status}"
        return response


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # as the page fills them in
    options: dict[str, list[str]] = field(default_factory=dict)  # checkbox, radio and select choices
    submit: tuple[str, str] | None = None  # the first named submit button

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.fields} | set(self.options)

    def data(self, **changes) -> list[tuple[str, str]]:
        """The fields, with each name in `changes` replaced (a list gives several values)."""
        data = [(name, value) for name, value in self.fields if name not in changes]
        for name, value in changes.items():
            data.extend((name, v) for v in (value if isinstance(value, list) else [value]))
        if self.submit:
            data.append(self.submit)
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v if v is not None else "" for k, v in attrs}
        form = self.forms[-1] if self.forms else None
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
        elif form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                form.options.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((a["name"], a.get("value", "on")))
            elif kind == "submit":
                form.submit = form.submit or (a["name"], a.get("value", ""))
            elif kind not in ("button", "reset", "image", "file"):
                form.fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            form.submit = form.submit or (a["name"], a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._buffer = a["name"], ""
        elif tag == "select" and a.get("name"):
            self._select, self._select_first, self._select_chosen = a["name"], None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._buffer += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].fields.append((self._textarea, self._buffer.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1].fields.append((self._select, self._select_first))
            self._select = None


def _parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    return parser


def links(html: str) -> list[str]:
    return _parse(html).links


def forms(html: str) -> list[Form]:
    return _parse(html).forms


def post_form(html: str) -> Form:
    """The page's own POST form (not the header's sign-out form, nor the session warning's "Stay
    signed in", templates/includes/session_timeout.html)."""
    found = [
        f
        for f in forms(html)
        if f.method == "post" and "sign-out" not in f.action and "/accounts/session/" not in f.action
    ]
    assert len(found) == 1, f"expected one POST form, found {len(found)}"
    return found[0]
