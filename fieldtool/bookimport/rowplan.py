"""What one row of a register becomes in the dry run – create, match, or refused with one sentence naming
why – and the one way a row is refused: `refuse` anywhere in its planning, caught by `planned_row`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from fieldtool.text import Text
from fieldtool.thai import InputError

CREATE, MATCH, REFUSED = "create", "match", "refused"
ACTIONS_TH = {CREATE: "จะสร้าง", MATCH: "มีอยู่แล้ว", REFUSED: "ไม่รับ"}


@dataclass
class RowPlan:
    sheet: str
    row: int  # as the spreadsheet shows it (1-based)
    action: str  # create | match | refused
    text: Text  # what will be made, what it matched, or why it is refused
    record_id: str | None = None  # the existing record a match found
    data: Any = field(default=None, repr=False, compare=False)  # what apply_import needs

    @property
    def ref(self) -> str:
        return f"{self.sheet}\x1f{self.row}"

    def to_json(self) -> dict:
        return {"row": self.row, "action": self.action, "th": self.text.th, "en": self.text.en,
                "record_id": self.record_id}


class Refused(Exception):
    def __init__(self, text: Text):
        self.text = text


def refuse(th: str, en: str) -> NoReturn:
    raise Refused(Text(th, en))


def planned_row(sheet: str, number: int, plan_row, *args) -> RowPlan:
    """`plan_row(*args)`, or the row refused with the sentence it (or a value it read) refused it with."""
    try:
        return plan_row(*args)
    except Refused as r:
        return RowPlan(sheet, number, REFUSED, r.text)
    except InputError as e:
        return RowPlan(sheet, number, REFUSED, e.text or Text(str(e), str(e)))
