"""The member pages through Flask's test client (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from helpers import Home

from web.app import create_app


@dataclass
class Pages:
    """A browser on the member pages: its test client and the home behind it."""

    client: Any
    home: Home
    lang: str = "fr"

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self._headers(kwargs), **kwargs)

    def post(self, path: str, data: dict[str, str], *, csrf: bool = True, **kwargs: Any) -> Any:
        """A form posted as a browser posts it: with the token of the page it came from."""
        if csrf and "csrf" not in data:
            data = {**data, "csrf": self.csrf_token()}
        return self.client.post(path, data=data, headers=self._headers(kwargs), **kwargs)

    def csrf_token(self) -> str:
        body = self.get("/").get_data(as_text=True)
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
        assert found, body
        return found.group(1)

    def _headers(self, kwargs: dict[str, Any]) -> dict[str, str]:
        headers: dict[str, str] = kwargs.pop("headers", {})
        return {"Accept-Language": self.lang, **headers}


def text_of(response: Any) -> str:
    """The page's visible text: tags removed, blanks collapsed, entities decoded."""
    import html

    body = response.get_data(as_text=True)
    body = re.sub(r"<(title|head)>.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def make_pages(home: Home, **options: Any) -> Pages:
    from db.settings import load_settings

    settings = load_settings(home=str(home.path), db=home.db_url, lang="fr")
    app = create_app(settings, **options)
    return Pages(app.test_client(), home)


# --- a browser for the real server (urllib): cookies kept, redirects not followed ---


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def browser() -> urllib.request.OpenerDirector:
    cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    return urllib.request.build_opener(cookies, NoRedirect())


def fetch(opener: urllib.request.OpenerDirector, url: str, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(url, data=data, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
