"""The six parts of the set-up made together and wired to each other, for the wizard and the settings alike.

The place tells the villages their subdistrict code, the villages tell the groups where a group can be,
the district names the office. `save()` writes every part in one transaction, in this order (the officer
first, so the change log names her); `try_out()` runs the same in a transaction that is rolled back.
"""

from __future__ import annotations

from db import Database
from fieldtool import setup
from fieldtool.setup import SetupView
from ui.setup.funds import FundsPart
from ui.setup.groups import GroupsPart
from ui.setup.office import LetterheadPart, OfficerPart
from ui.setup.part import PartRefused, SetupPart, dry_run
from ui.setup.place import PlacePart
from ui.setup.villages import VillagesPart

PART_KEYS = ("office", "place", "villages", "funds", "groups", "letterhead")


def first_missing_tab(view: SetupView) -> str | None:
    """The settings tab of the first thing still missing (the today page's button opens it)."""
    if not view.officer:
        return "office"
    if view.place is None:
        return "place"
    if not view.villages:
        return "villages"
    if not view.funds:
        return "funds"
    return None


class SetupParts:
    def __init__(self, db: Database, wizard: bool = False):
        self.db = db
        with db.session() as s:
            view = setup.setup_view(s)
        self.office = OfficerPart(view, required=wizard)
        self.place = PlacePart(view, required=wizard)
        self.villages = VillagesPart(view)
        self.funds = FundsPart(view)
        self.groups = GroupsPart(view)
        self.letterhead = LetterheadPart(view)
        self.all: list[SetupPart] = [self.office, self.place, self.villages, self.funds, self.groups, self.letterhead]
        self.place.subdistrict_code.connect(self.villages.set_subdistrict_code)
        self.place.district_name.connect(self.office.suggest_office)
        self.villages.villages_changed.connect(
            lambda: self.groups.set_villages([(r.moo, r.label()) for r in self.villages.rows()])
        )
        self.villages.set_subdistrict_code(self.place.checked_code())
        self.office.suggest_office(self.place.names["district"].text().strip())
        self.groups.set_villages([(r.moo, r.label()) for r in self.villages.rows()])

    def part(self, key: str) -> SetupPart:
        return getattr(self, key)

    def apply(self, session, parts: list[SetupPart] | None = None) -> None:
        for part in parts if parts is not None else self.all:
            part.clear_error()
            try:
                part.take_typed()
                part.apply(session)
            except Exception as exc:  # the sentence belongs on that part's page or tab
                raise PartRefused(part, exc) from exc

    def try_out(self, parts: list[SetupPart] | None = None) -> SetupView:
        """What the set-up would be after saving `parts` (all by default); nothing is written."""

        def work(s):
            self.apply(s, parts)
            return setup.setup_view(s)

        return dry_run(self.db, work)

    def save(self) -> None:
        """Everything in one transaction: all of it is written, or (on a refusal) none of it."""
        with self.db.session() as s:
            self.apply(s)
