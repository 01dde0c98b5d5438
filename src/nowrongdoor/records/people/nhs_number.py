"""NHS number validation: ten digits with a modulus-11 check digit (NHS Data Dictionary)."""

from __future__ import annotations


def is_valid_nhs_number(value: str) -> bool:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def spaced_nhs_number(value: str) -> str:
    """As the NHS shows it, 3-3-4: "943 476 5919"."""
    digits = value.replace(" ", "")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value
