"""Names folded for searching: the same key whatever the accents, case or punctuation typed,
so "Zoë O'Brien" is found by "zoe obrien" on SQLite and PostgreSQL alike (a stored column
compared with plain LIKE, no database collation or extension needed)."""

from __future__ import annotations

import unicodedata

# Letters Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
    }
)
# Inside a name these join parts of one word ("O'Brien"); anything else separates words.
_JOINERS = {"'", "\u2019", "`", "."}


def fold_name(text: str) -> str:
    """Lower case, no accents, apostrophes dropped, hyphens and other marks as spaces,
    single spaces between words: `fold_name("  Zoë  O'Brien-Smith ")` is
    `"zoe obrien smith"`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    kept = []
    for char in decomposed:
        if unicodedata.combining(char) or char in _JOINERS:
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).split())
