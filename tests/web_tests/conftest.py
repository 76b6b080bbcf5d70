"""The member pages through Flask's test client, on both backends (the `home` fixture)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from helpers import Home, Run
from web_pages import Pages, make_pages


@pytest.fixture
def pages(home: Home, member: Callable[..., Run]) -> Iterator[Pages]:
    """The pages on a home with the procedure's member (both channels)."""
    member()
    made = make_pages(home)
    yield made
    made.client.application.config["SESAME_STORE"].close()
