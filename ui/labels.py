"""The words and colours several features show for the same codes: a household's status, source and needs,
a letter's kind, a 4ท plan's parts, a visit's purposes.

Each label is the vocabulary's (fieldtool.vocabulary) in the screen's language. A feature takes them from
here, not from another feature's widget file: the household dialogs and the register imported each other's,
and the plans' summary took its part titles from the plan editor.
"""

from __future__ import annotations

from fieldtool.vocabulary import (
    Coded,
    Dimension,
    HouseholdSource,
    HouseholdStatus,
    LetterKind,
    PlanPart,
    purposes,
)
from ui.i18n import label_text, language, text_of

STATUS_COLORS = {
    HouseholdStatus.TARGET: "#1c5fa8",
    HouseholdStatus.IN_PROGRESS: "#2e7d32",
    HouseholdStatus.OUT_OF_POVERTY: "#616161",
    HouseholdStatus.MOVED: "#8d6e63",
    HouseholdStatus.DIED: "#424242",
}
_PURPOSES = purposes()


def code_text(kind: type[Coded], code: str, in_sentence: bool = False) -> str:
    """A stored code's label (i18n.label_text); a value that is not one of the kind's codes shows as it is."""
    member = kind.parse(code)
    return label_text(member, in_sentence) if member is not None else code


def status_text(code: str) -> str:
    return code_text(HouseholdStatus, code)


def source_text(code: str) -> str:
    return code_text(HouseholdSource, code)


def dimension_text(code: str) -> str:
    return code_text(Dimension, code)


def letter_kind_text(kind: str) -> str:
    return code_text(LetterKind, kind)


def part_title(part: str) -> str:
    """One T of a 4ท plan: its Thai name, in English the English with the Thai after it."""
    title = PlanPart(part).label
    return title.th if language() == "th" else f"{title.en} ({title.th})"


def purpose_text(code: str) -> str:
    """What a visit was for (prevent:…, follow:…, ask:…, plan, collect, other)."""
    text = _PURPOSES.get(code)
    return text_of(text) if text is not None else code


def purposes_text(codes: list[str]) -> str:
    return "; ".join(purpose_text(c) for c in codes) or "–"
