"""Start Django on demand: the pure core and `nwd score` never pay for it."""

from __future__ import annotations

import os


def boot() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nowrongdoor.config.settings")
    import django

    django.setup()
