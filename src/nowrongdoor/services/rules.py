"""The rule set in force: the shipped rules plus a service's own (`NWD_LOCAL_RULES`).

One place for every caller (CLI, pages, API, stored assessments), so a local rule applies
wherever an assessment is made, and each assessment records the rule set it used.
"""

from __future__ import annotations

import functools
import os

from nowrongdoor.errors import DataError, InputError
from nowrongdoor.guidance.pathway import ruleset


def active_rules() -> ruleset.RuleSet:
    """The shipped rules, plus the rule files in the folder `NWD_LOCAL_RULES` names."""
    return _load(os.environ.get("NWD_LOCAL_RULES", ""))


@functools.cache
def _load(local: str) -> ruleset.RuleSet:
    if not local:
        return ruleset.default()
    try:
        return ruleset.load(extra_folders=[local])
    except OSError as error:
        raise InputError("NWD_LOCAL_RULES", f"NWD_LOCAL_RULES: {local}: {error.strerror}") from None
    except DataError as error:  # a service's own file: its error is theirs to fix, in one line
        raise InputError("NWD_LOCAL_RULES", f"NWD_LOCAL_RULES: {error}") from None
