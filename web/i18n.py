"""The page's language: `?lang=` (the visible switch, remembered in a cookie),
then that cookie, then `Accept-Language`; French by default."""

from __future__ import annotations

from flask import Request, Response, g, request

from engine import messages
from engine.languages import DEFAULT_LANGUAGE, LANGS

LANG_COOKIE = "lang"


def choose_lang(req: Request) -> str:
    for given in (req.args.get("lang"), req.cookies.get(LANG_COOKIE)):
        if given in LANGS:
            return given
    best = req.accept_languages.best_match(LANGS)
    return best or DEFAULT_LANGUAGE


def lang() -> str:
    if "lang" not in g:
        g.lang = choose_lang(request)
    chosen = g.lang
    assert isinstance(chosen, str)
    return chosen


def t(key: str, **params: object) -> str:
    """A catalogue text in the page's language."""
    return messages.text(key, lang(), params)


def remember(response: Response) -> Response:
    """The switch's choice (`?lang=`) is kept for the next pages and forms."""
    chosen = request.args.get("lang")
    if chosen in LANGS:
        response.set_cookie(LANG_COOKIE, chosen, httponly=True, samesite="Strict", path="/")
    return response
