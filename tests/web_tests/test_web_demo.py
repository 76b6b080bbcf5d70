"""`sesame demo --web`: the server on a throw-away home with a member ready; it says
where the pages and the outbox are, and Ctrl-C stops it and deletes the home."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import clean_environment
from web_pages import browser, fetch
from web_server import free_port

DEMO_NIR = "2 95 10 99 126 111 93"
DEMO_PASSWORD = "Ma phrase de passe 2024"


def test_demo_web_serves_a_ready_member_until_ctrl_c() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "--lang", "fr", "demo", "--web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_environment(),
        start_new_session=True,
    )
    assert process.stdout is not None
    seen = []
    try:
        for line in process.stdout:
            seen.append(line)
            if "Ctrl-C" in line:
                break
        text = "".join(seen)
        assert f"Les pages du membre : http://127.0.0.1:{port}" in text, text
        sms = re.search(r"Les SMS arrivent dans (\S+)", text)
        assert sms and sms[1].endswith("outbox/sms/new")
        home = Path(sms[1]).parents[2]
        url = f"http://127.0.0.1:{port}"
        opener = browser()
        for _ in range(100):  # the server starts after the text
            try:
                status, _, page = fetch(opener, url + "/")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert token
        form = {"ident": DEMO_NIR, "password": DEMO_PASSWORD, "csrf": token[1]}
        status, _, page = fetch(opener, url + "/login", form)
        assert status == 200 and "Connexion réussie" in page
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
    assert not home.exists()
