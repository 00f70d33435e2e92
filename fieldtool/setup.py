"""What a laptop needs before real work: the officer, the place, villages, funds, groups, the letterhead.

`setup_view` is the one read model of it (the command line's `setup show`, the app's settings and its
first-run wizard); `missing` says in words what is still to do before a loan can be entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldtool import funds, groups, letterhead, places
from fieldtool.limits import NAME, check_text
from fieldtool.registry import set_setting, setting
from fieldtool.text import Text
from fieldtool.thai import InputError


@dataclass
class SetupView:
    officer: str
    place: places.Place | None
    villages: list[places.VillageView]
    funds: list[funds.FundView]
    groups: list[groups.GroupView]
    letterhead: dict[str, str]
    office_district: str  # the district of the office key this laptop trusts, "" if none
    missing: list[Text] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, object]:
        return {
            "officer": self.officer,
            "place": self.place.to_json() if self.place else None,
            "villages": [v.to_json() for v in self.villages],
            "funds": [f.to_json() for f in self.funds],
            "groups": [g.to_json() for g in self.groups],
            "letterhead": self.letterhead,
            "office_district": self.office_district or None,
            "ready": self.ready,
            "missing": [str(m) for m in self.missing],
        }


def setup_view(session: Session) -> SetupView:
    officer = setting(session, "officer")
    place = places.current_place(session)
    villages = places.village_views(session)
    fund_list = funds.fund_views(session)
    missing = []
    if not officer:
        missing.append(Text("ชื่อพัฒนากรผู้ใช้เครื่อง", "the officer's name"))
    if place is None:
        missing.append(Text("จังหวัด อำเภอ และตำบล", "the province, district and subdistrict"))
    if not villages:
        missing.append(Text("หมู่บ้านอย่างน้อยหนึ่งหมู่", "at least one village"))
    if not fund_list:
        missing.append(Text("กองทุนอย่างน้อยหนึ่งกองทุน", "at least one fund"))
    return SetupView(
        officer=officer,
        place=place,
        villages=villages,
        funds=fund_list,
        groups=groups.group_views(session),
        letterhead=letterhead.office_settings(session),
        office_district=places.office_district_code(session),
        missing=missing,
    )


def is_new(session: Session) -> bool:
    """A database nobody has set up: no subdistrict (the first-run wizard opens on it)."""
    return places.own_subdistrict(session) is None and not setting(session, "district_code")


def set_officer(session: Session, name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InputError(Text("ต้องระบุชื่อพัฒนากร", "the officer's name is required"))
    check_text(name, Text("ชื่อพัฒนากร", "the officer's name"), NAME)
    set_setting(session, "officer", name)
    session.info["officer"] = name  # the change log names the officer from now on
    return name
