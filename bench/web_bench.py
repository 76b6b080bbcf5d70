"""Requests per second of `sesame serve`, against argon2's own verify rate.

    python bench/web_bench.py [--seconds 10] [--clients 8] [--workers 1,N]

For each worker count (default 1 and N = the CPU count), a throw-away home
(SQLite, the policy's real default argon2 parameters, one member, no
per-source limit: every request comes from 127.0.0.1) and the installed
`sesame serve --workers W`. Concurrent clients (threads, one `http.client`
connection a request, as the sync workers close it) then, each for
`--seconds`:

1. GET the sign-in page;
2. POST a wrong sign-in (a wrong password for the member, never locked here:
   `max_failed_attempts` is lifted so that every answer is the form again with
   « Identifiant ou mot de passe incorrect. »), the CSRF token and cookie
   taken from the form. Each is one argon2 verification and one short write
   transaction (the failure counted, audited).

argon2's own rate is `PasswordHasher.verify` of a wrong password in a loop
with the same parameters, in W processes, measured just before and just after
the server's W workers (their mean is the limit; their spread, the noise of
a shared machine). The ratio sign-ins/s ÷
argon2 verifies/s (W workers against W processes) is how close the server
gets to the physical limit of sign-ins. Any answer other than the expected
page (a 403 for CSRF, a 429, a 5xx) stops the bench: its rate would mean nothing.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the server fixture: tests/web_server.py

NIR = "2 95 10 99 126 111 93"
DOB = "15/10/1995"
PASSWORD = "Correct horse battery staple"
WRONG = "Pas le bon mot de passe"
SIGN_IN_PATH = "/"
AUTH_FAILED = "Identifiant ou mot de passe incorrect."


# --- argon2 alone --------------------------------------------------------------


def _verify_for(seconds: float) -> int:
    """Wrong-password verifications done in `seconds`, real default parameters."""
    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError

    from engine.policy import Argon2Params

    params = Argon2Params()
    hasher = PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
    )
    stored = hasher.hash(PASSWORD)
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        try:
            hasher.verify(stored, WRONG)
        except VerifyMismatchError:
            done += 1
    return done


def argon2_rate(processes: int, seconds: float) -> float:
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        counts = pool.map(_verify_for, [seconds] * processes)
    return sum(counts) / seconds


# --- HTTP clients --------------------------------------------------------------


class FormReader(HTMLParser):
    """The first POST form of a page: its action and its inputs (name, type, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.inputs: list[tuple[str, str, str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None and attr.get("method", "").lower() == "post":
            self.action, self._inside = attr.get("action", ""), True
        elif tag == "input" and self._inside and attr.get("name"):
            self.inputs.append((attr["name"], attr.get("type", "text"), attr.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@dataclass
class Client:
    """One browser-like client: its cookies, and the sign-in form it last saw."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        finally:
            connection.close()
        self.statuses[response.status] += 1
        return response.status, text

    def wrong_sign_in_form(self, page: str, base: str) -> tuple[str, str]:
        """The sign-in form filled in with the NIR and a wrong password: (path, body)."""
        form = FormReader()
        form.feed(page)
        if form.action is None:
            raise SystemExit(f"no POST form on the sign-in page:\n{page[:2000]}")
        fields = []
        for name, kind, value in form.inputs:
            if kind == "password":
                fields.append((name, WRONG))
            elif kind in ("text", "email", "tel", ""):
                fields.append((name, NIR))
            elif kind == "hidden":
                fields.append((name, value))
        return urlsplit(urljoin(base, form.action or SIGN_IN_PATH)).path, urlencode(fields)


def run_clients(url: str, clients: int, seconds: float, post: bool) -> tuple[float, Counter[int]]:
    """Requests a second over `clients` threads for `seconds` (GET the page, or
    POST a wrong sign-in); every status seen."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    done = [0] * clients
    start = threading.Barrier(clients + 1)
    workers_of: list[Client] = []

    def loop(index: int) -> None:
        client = Client(host, port)
        workers_of.append(client)
        _, page = client.request("GET", SIGN_IN_PATH)
        path, body = client.wrong_sign_in_form(page, url)
        client.statuses.clear()
        start.wait()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if post:
                _, answer = client.request("POST", path, body)
                if AUTH_FAILED not in answer:
                    client.statuses[0] += 1  # "0": not the page a wrong password gets
                    continue
                path, body = client.wrong_sign_in_form(answer, url)  # its (new) token
            else:
                client.request("GET", SIGN_IN_PATH)
            done[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    statuses: Counter[int] = Counter()
    for client in workers_of:
        statuses.update(client.statuses)
    return sum(done) / elapsed, statuses


def expect(statuses: Counter[int], allowed: set[int], what: str) -> None:
    unexpected = {status: n for status, n in statuses.items() if status not in allowed}
    if unexpected:
        raise SystemExit(f"{what}: unexpected statuses {unexpected} (all: {dict(statuses)})")


# --- the server ------------------------------------------------------------------


def measure_server(workers: int, clients: int, seconds: float) -> tuple[float, float]:
    from web_server import free_port, serve, write_config

    with tempfile.TemporaryDirectory(prefix="sesame-web-bench-") as folder:
        home, port = Path(folder) / "home", free_port()
        home.mkdir()
        # No [argon2] section: the policy's real defaults. The member is never
        # locked and every request comes from 127.0.0.1: no per-source limit.
        write_config(
            home,
            port,
            argon2="",
            policy="max_failed_attempts = 1000000\n",
            web="[web]\nmax_attempts_per_source = 0\n",
        )
        with serve(home, port, workers=workers) as served:
            served.add_member(NIR, DOB, PASSWORD)
            run_clients(served.url, clients, 1.0, post=False)  # warm-up
            run_clients(served.url, clients, 1.0, post=True)
            pages, page_statuses = run_clients(served.url, clients, seconds, post=False)
            expect(page_statuses, {200}, "GET sign-in page")
            sign_ins, post_statuses = run_clients(served.url, clients, seconds, post=True)
            expect(post_statuses, {200}, "POST wrong sign-in")
    return pages, sign_ins


def main() -> None:
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", default=f"1,{cpus}")
    args = parser.parse_args()
    counts = sorted({int(w) for w in args.workers.split(",")})

    from engine.policy import Argon2Params

    params = Argon2Params()
    print(
        f"{cpus} CPUs, argon2id t={params.time_cost} m={params.memory_cost} KiB "
        f"p={params.parallelism}, {args.clients} clients, {args.seconds:g} s a measure, "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    rows = []
    for workers in counts:
        # argon2 just before and just after the server: their mean is the limit
        # the server ran against (their spread, this machine's noise).
        before = argon2_rate(workers, args.seconds)
        pages, sign_ins = measure_server(workers, args.clients, args.seconds)
        after = argon2_rate(workers, args.seconds)
        argon2 = (before + after) / 2
        rows.append((workers, pages, sign_ins, before, after, sign_ins / argon2))
    print()
    print(
        "| workers | sign-in page GET/s | wrong sign-in POST/s "
        "| argon2 verify/s, W processes (before, after) | ratio |"
    )
    print("|--:|--:|--:|--:|--:|")
    for workers, pages, sign_ins, before, after, ratio in rows:
        print(
            f"| {workers} | {pages:.0f} | {sign_ins:.1f} "
            f"| {(before + after) / 2:.1f} ({before:.1f}, {after:.1f}) | {ratio:.2f} |"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
