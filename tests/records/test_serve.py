"""`nwd serve`: a real server on loopback answering the API with a token from `nwd token`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import NWD, ROOT, free_port


@pytest.mark.parametrize("workers", ["1", "2"])
def test_served_api_answers_with_a_token(tmp_path: Path, workers: str) -> None:
    env = {**os.environ, "NWD_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def nwd(*args: str) -> str:
        done = subprocess.run(
            [str(NWD), *args], capture_output=True, text=True, cwd=ROOT, env=env, check=True
        )
        return done.stdout.strip()

    nwd("seed", "--people", "1", "--seed", "1")
    token = nwd("token", "create", "--as", "iapt-practitioner")
    port = free_port()
    server = subprocess.Popen(
        [str(NWD), "serve", "--port", str(port), "--workers", workers], cwd=ROOT, env=env
    )
    try:
        url = f"http://127.0.0.1:{port}/api/score/phq9"
        request = urllib.request.Request(
            url,
            data=json.dumps({"answers": [1] * 9}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        deadline = time.monotonic() + 60  # start-up is slow on a loaded 2-core machine
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = json.load(response)
                    headers = response.headers
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise AssertionError("server did not answer within 60 s") from None
                time.sleep(0.2)
        assert body["total"] == 9
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
    finally:
        server.terminate()
        server.wait(timeout=10)
    time.sleep(0.5)  # the workers stop with the parent: nothing listens any more
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
