"""What one row of a register becomes in the dry run – create, match, or refused with one sentence naming
why (`vocabulary.RowAction`) – and the one way a row is refused: `refuse` anywhere in its planning, caught
by `planned_row`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import RowAction

# What `apply_import` needs of a row, by register: plain values keyed by name (the new household's input,
# the loan's rows already built, the payment's loan …); each plan_* module says what it puts in.
RowData = dict[str, Any]


@dataclass
class RowPlan:
    sheet: str
    row: int  # as the spreadsheet shows it (1-based)
    action: RowAction
    text: Text  # what will be made, what it matched, or why it is refused
    record_id: str | None = None  # the existing record a match found
    data: RowData = field(default_factory=dict, repr=False, compare=False)  # what apply_import needs

    @property
    def matched(self) -> str:
        """The id of the record a match found (a row planned as a match always names one)."""
        if self.record_id is None:
            raise ValueError(f"row {self.row} of {self.sheet} matched nothing")
        return self.record_id

    @property
    def ref(self) -> str:
        return f"{self.sheet}\x1f{self.row}"

    def to_json(self) -> dict[str, object]:
        return {"row": self.row, "action": self.action.value, "th": self.text.th, "en": self.text.en,
                "record_id": self.record_id}


class Refused(Exception):
    def __init__(self, text: Text):
        super().__init__(str(text))
        self.text = text


def refuse(th: str, en: str) -> NoReturn:
    raise Refused(Text(th, en))


def planned_row(sheet: str, number: int, plan_row: Callable[..., RowPlan], *args: object) -> RowPlan:
    """`plan_row(*args)`, or the row refused with the sentence it (or a value it read) refused it with."""
    try:
        return plan_row(*args)
    except Refused as r:
        return RowPlan(sheet, number, RowAction.REFUSED, r.text)
    except InputError as e:
        return RowPlan(sheet, number, RowAction.REFUSED, e.text or Text(str(e), str(e)))
