"""A phone number as people read it, the same on every page: 081-234-5678, 02-123-4567, 045-123-456.

Numbers are stored as their digits (`fieldtool.thai.validate_phone` reads what was typed); this is the one
way they are shown, so the household page, the loan page and the today list read a number alike and an
officer can read it out or dial it without counting digits.
"""

from __future__ import annotations


def format_phone(digits: str) -> str:
    """Mobile 10 digits 081-234-5678; Bangkok landline (02) 02-123-4567; other landlines 045-123-456;
    anything else as stored, and "–" for none."""
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) == 9 and digits.startswith("02"):
        return f"{digits[:2]}-{digits[2:5]}-{digits[5:]}"
    if len(digits) == 9:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits or "–"
