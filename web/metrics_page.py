"""`/metrics`: the same exposition as `sesame metrics`, for Prometheus to scrape.

The member pages face the internet; the service's counts are for its operators.
So `/metrics` answers only a client on the machine itself (a loopback address,
as `web.client` reads it: behind a trusted proxy, the forwarded client), and is
the ordinary 404 for anyone else.
"""

from __future__ import annotations

import ipaddress

from flask import Blueprint, Response, abort, current_app, request

from web.app import store_of
from web.client import client_source

blueprint = Blueprint("metrics", __name__)


@blueprint.get("/metrics")
def metrics() -> Response:
    if not _loopback(client_source(request)):
        abort(404)
    from db.metrics import content_type, exposition

    return Response(exposition(store_of(current_app)), content_type=content_type())


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
