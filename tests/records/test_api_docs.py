"""The OpenAPI docs page works without reaching any other origin, under the app's CSP."""

from __future__ import annotations

import re

from django.test import Client


def test_docs_load_only_same_origin_assets_under_the_csp(db: None) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "default-src 'self'" in policy


def test_the_docs_page_runs_no_inline_script(db: None) -> None:
    """The policy allows only our own script files, so every script must be one (the
    settings are a JSON data block, which the browser does not run)."""
    page = Client().get("/api/docs").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts
    assert all("src=" in s or 'type="application/json"' in s for s in scripts), scripts
