"""The member pages."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def sign_in() -> str:
    return "sesame"
