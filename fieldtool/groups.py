"""Borrowing groups (a women's group, a กข.คจ. village committee's group …): village, members, committee.

Letters to a group go to its chair (ประธาน), so a group's chair is kept on the group itself as well as
among its members. The committee member responsible for the group (one of the subdistrict's driving team,
ต follow) is kept apart: that person is not a member.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import places, registry
from fieldtool.limits import NAME, check_text
from fieldtool.loanbook import person_name
from fieldtool.models import BorrowingGroup, GroupMember, Person, new_id
from fieldtool.names import clean, parse_title, split_name
from fieldtool.text import Text
from fieldtool.thai import InputError, to_arabic_digits, validate_national_id
from fieldtool.vocabulary import GroupKind, MemberRole

GROUP_NAME = Text("ชื่อกลุ่ม", "the group's name")

# A row as `Model(**row)` takes it: column name -> value.
Row = dict[str, Any]
# One person as `People` reads them: id, title, given name, family name, national ID, village id.
PersonFacts = tuple[str, str, str, str, str | None, str | None]


@dataclass
class PersonSpec:
    """Who is meant: a registered person (by national ID or exact name in the village) or a new one."""

    first_name: str
    last_name: str = ""
    title: str = ""
    national_id: str | None = None
    phone: str = ""
    person_id: str | None = None  # a registered person a screen has in hand: no name to read back


def parse_person(text: str) -> PersonSpec:
    """"นาง,สมศรี,ใจดี[,เลขประจำตัว[,โทรศัพท์]]", "นางสมศรี ใจดี" or a 13-digit national ID."""
    raw = clean(text)
    digits = to_arabic_digits(raw).replace("-", "").replace(" ", "")
    if digits.isdigit() and len(digits) == 13:
        return PersonSpec(first_name="", national_id=validate_national_id(digits))
    if "," in raw:
        # each field in its place: the given name is taken as written, even one that begins like a title
        parts = [p.strip() for p in raw.split(",")] + [""] * 5
        if not parts[1]:
            raise InputError(Text(f"ไม่มีชื่อ: {text}", f"no given name in: {text}"))
        return PersonSpec(parts[1], parts[2], parse_title(parts[0]), parts[3] or None, parts[4])
    title, first, last = split_name(raw)
    return PersonSpec(first, last, title)


class People:
    """Who a `PersonSpec` names: a registered person by national ID, else the one person of that exact name in
    the village, else a new person. Held in memory so that an import resolves thousands of names without a
    query each; the new people it makes are added, so a later name finds them as the book would."""

    def __init__(self, rows: Iterable[PersonFacts] = ()):
        self.by_nid: dict[str, str] = {}
        self.by_name: dict[tuple[str | None, str, str], list[str]] = {}
        self.names: dict[str, tuple[str, str, str]] = {}  # id → (title, given name, family name)
        for pid, title, first, last, nid, village_id in rows:
            self._add(pid, title, first, last, nid, village_id)

    @classmethod
    def load(cls, session: Session, village_id: str | None = None, national_ids: Iterable[str] = ()) -> People:
        """The people of the book; with `village_id`, only those a spec for that village can name."""
        q = select(col(Person.id), col(Person.title), col(Person.first_name), col(Person.last_name),
                   col(Person.national_id), col(Person.village_id))
        if village_id is not None:
            nids = [n for n in national_ids if n]
            q = q.where(or_(col(Person.village_id) == village_id, col(Person.national_id).in_(nids)))
        return cls(session.execute(q))

    def _add(self, pid: str, title: str, first: str, last: str, nid: str | None, village_id: str | None) -> None:
        if nid:
            self.by_nid.setdefault(nid, pid)
        self.by_name.setdefault((village_id, clean(first), clean(last)), []).append(pid)
        self.names[pid] = (title, first, last)

    def add(self, row: Mapping[str, Any]) -> None:
        """A person made since the people were loaded (a row of `registry.person_row`)."""
        self._add(row["id"], row["title"], row["first_name"], row["last_name"], row["national_id"], row["village_id"])

    def resolve(self, spec: PersonSpec, village_id: str) -> tuple[str, Row | None]:
        """(person id, the new person's row or None when the spec names someone already known)."""
        if spec.person_id:
            return spec.person_id, None
        if spec.national_id:
            nid = validate_national_id(spec.national_id)
            found = self.by_nid.get(nid)
            if found is not None:
                return found, None
            if not spec.first_name:
                raise InputError(Text(f"ไม่พบผู้มีเลขประจำตัวประชาชน {nid} ในทะเบียน",
                                      f"nobody with national ID {nid} is registered"))
        same = self.by_name.get((village_id, spec.first_name, spec.last_name), [])
        if len(same) == 1:
            return same[0], None
        row = registry.person_row(first_name=spec.first_name, last_name=spec.last_name, title=spec.title,
                                  national_id=spec.national_id, phone=spec.phone, village_id=village_id)
        self.add(row)
        return row["id"], row


def _national_ids(specs: Iterable[PersonSpec | None]) -> list[str]:
    out = []
    for spec in specs:
        try:
            out.append(validate_national_id(spec.national_id) if spec and spec.national_id else "")
        except InputError:
            pass  # refused when the spec is resolved
    return out


def resolve_person(session: Session, spec: PersonSpec, village_id: str) -> Person:
    """The registered person the spec names, or a new person in the village."""
    pid, row = People.load(session, village_id, _national_ids([spec])).resolve(spec, village_id)
    if row is None:
        known = session.get(Person, pid)
        if known is None:
            raise InputError(Text(f"ไม่พบบุคคล {pid}", f"no such person: {pid}"))
        return known
    person = Person(**row)
    session.add(person)
    session.flush()
    return person


@dataclass
class GroupRows:
    """A new group as rows: the new people its members name, the group, its memberships."""

    people: list[Row]
    group: Row
    members: list[Row]


def new_group_rows(
    village_id: str,
    name: str,
    people: People,
    kind: str = GroupKind.WOMEN,
    members: list[tuple[str, PersonSpec]] | None = None,
    responsible: PersonSpec | None = None,
) -> GroupRows:
    """The rows of a new group, checked: a name, a kind, known roles, one chair at most, nobody twice.

    The village and that no group of the village has the name need the book: `add_group` asks it, an
    import's plan has checked them for the whole file."""
    name = clean(name)
    if not name:
        raise InputError(Text("ต้องระบุชื่อกลุ่ม", "the group needs a name"))
    check_text(name, GROUP_NAME, NAME)
    group_kind = _group_kind(kind)
    checked = _checked_roles(members or [])
    group: Row = {"id": new_id(), "name": name, "kind": group_kind.value, "village_id": village_id, "chair_id": None,
                  "committee_member_id": None}
    new_people: list[Row] = []
    rows: list[Row] = []
    for role, spec in checked:
        pid, new = people.resolve(spec, village_id)
        if new is not None:
            new_people.append(new)
        if any(r["person_id"] == pid for r in rows):
            title, first, last = people.names[pid]
            raise InputError(Text(f"{person_name(title, first, last)} ถูกระบุซ้ำในกลุ่ม",
                                  f"{first} {last} is named twice in the group"))
        rows.append({"id": new_id(), "group_id": group["id"], "person_id": pid, "role": role.value})
        if role is MemberRole.CHAIR:
            group["chair_id"] = pid
    if responsible is not None:
        pid, new = people.resolve(responsible, village_id)
        if new is not None:
            new_people.append(new)
        group["committee_member_id"] = pid
    return GroupRows(new_people, group, rows)


def _group_kind(kind: str) -> GroupKind:
    known = GroupKind.parse(kind)
    if known is None:
        raise InputError(Text(f"ประเภทกลุ่มต้องเป็น women หรือ other: {kind}", f"group kind must be women or other: {kind}"))
    return known


def _checked_roles(roles: list[tuple[str, PersonSpec]]) -> list[tuple[MemberRole, PersonSpec]]:
    """The roles given to people, each a known role, one chair at most."""
    checked = []
    for role, spec in roles:
        known = MemberRole.parse(role)
        if known is None:
            raise InputError(Text(f"ตำแหน่งในกลุ่มไม่ถูกต้อง: {role}", f"role must be one of {', '.join(MemberRole)}: {role}"))
        checked.append((known, spec))
    if sum(1 for role, _ in checked if role is MemberRole.CHAIR) > 1:
        raise InputError(Text("กลุ่มหนึ่งมีประธานได้คนเดียว", "a group has one chair"))
    return checked


def add_group(
    session: Session,
    village: str | int,
    name: str,
    kind: str = GroupKind.WOMEN,
    members: list[tuple[str, PersonSpec]] | None = None,
    responsible: PersonSpec | None = None,
) -> BorrowingGroup:
    """A group in a village of this laptop, with its members as (role, person); one chair at most."""
    v = places.find_village(session, village)
    same = session.scalars(
        select(BorrowingGroup).where(col(BorrowingGroup.village_id) == v.id, col(BorrowingGroup.name) == clean(name))
    ).first()
    if same is not None:
        raise InputError(Text(f"มีกลุ่ม {clean(name)} ในหมู่ที่ {v.moo} แล้ว",
                              f"หมู่ที่ {v.moo} already has a group named {clean(name)}"))
    specs = [spec for _, spec in members or []] + [responsible]
    people = People.load(session, v.id, _national_ids(specs))
    rows = new_group_rows(v.id, name, people, kind, members, responsible)
    # parents before the rows that point at them
    session.add_all([Person(**row) for row in rows.people])
    session.flush()
    group = BorrowingGroup(**rows.group)
    session.add(group)
    session.flush()
    session.add_all([GroupMember(**row) for row in rows.members])
    session.flush()
    return group


class _Unset(Enum):
    """What `edit_group` was not asked to change (None names no one for `responsible`)."""

    UNSET = "unset"


_UNSET = _Unset.UNSET


def _member_of(session: Session, group: BorrowingGroup, spec: PersonSpec) -> GroupMember | None:
    """The membership of the person a spec names, if that person is in the group."""
    rows = session.scalars(select(GroupMember).where(col(GroupMember.group_id) == group.id)).all()
    people = {p.id: p for p in session.scalars(select(Person).where(col(Person.id).in_([m.person_id for m in rows])))}
    for m in rows:
        p = people.get(m.person_id)
        if p is None:
            continue
        if spec.person_id:
            if p.id == spec.person_id:
                return m
            continue
        if spec.national_id and p.national_id == validate_national_id(spec.national_id):
            return m
        if spec.first_name and clean(p.first_name) == spec.first_name and clean(p.last_name) == spec.last_name:
            return m
    return None


def edit_group(
    session: Session,
    ref: str,
    *,
    name: str | Literal[_Unset.UNSET] = _UNSET,
    kind: str | Literal[_Unset.UNSET] = _UNSET,
    roles: list[tuple[str, PersonSpec]] | None = None,
    remove: list[PersonSpec] | None = None,
    responsible: PersonSpec | None | Literal[_Unset.UNSET] = _UNSET,
) -> BorrowingGroup:
    """Rename a group, give people roles (a new person joins; a new chair makes the old one a member),
    take members out, change who follows it. Loans of the group stay with it; every change is recorded."""
    group = get_group(session, ref)
    if name is not _UNSET:
        new_name = clean(name)
        if not new_name:
            raise InputError(Text("ต้องระบุชื่อกลุ่ม", "the group needs a name"))
        check_text(new_name, GROUP_NAME, NAME)
        same = session.scalars(select(BorrowingGroup).where(
            col(BorrowingGroup.village_id) == group.village_id, col(BorrowingGroup.name) == new_name,
            col(BorrowingGroup.id) != group.id)).first()
        if same is not None:
            raise InputError(Text(f"มีกลุ่มชื่อ {new_name} ในหมู่บ้านนี้แล้ว", f"the village already has a group named {new_name}"))
        group.name = new_name
    if kind is not _UNSET:
        group.kind = _group_kind(kind).value
    checked = _checked_roles(roles or [])
    for spec in remove or []:
        member = _member_of(session, group, spec)
        if member is None:
            who = spec.national_id or f"{spec.first_name} {spec.last_name}".strip()
            raise InputError(Text(f"{who} ไม่ได้เป็นสมาชิกของกลุ่ม {group.name}", f"{who} is not a member of {group.name}"))
        if member.person_id == group.chair_id:
            group.chair_id = None
        session.delete(member)
    session.flush()
    for role, spec in checked:
        member = _member_of(session, group, spec)
        person_id = member.person_id if member else resolve_person(session, spec, group.village_id).id
        if role is MemberRole.CHAIR and group.chair_id and group.chair_id != person_id:
            for old in session.scalars(select(GroupMember).where(
                    col(GroupMember.group_id) == group.id, col(GroupMember.person_id) == group.chair_id)):
                old.role = MemberRole.MEMBER.value
        if member is None:
            session.add(GroupMember(group_id=group.id, person_id=person_id, role=role.value))
        elif member.role != role:
            member.role = role.value
        if role is MemberRole.CHAIR:
            group.chair_id = person_id
        elif group.chair_id == person_id:
            group.chair_id = None  # the chair given another role: the group has no chair until one is named
    if responsible is not _UNSET:
        group.committee_member_id = (
            resolve_person(session, responsible, group.village_id).id if responsible is not None else None
        )
    session.flush()
    return group


def get_group(session: Session, ref: str) -> BorrowingGroup:
    group = session.get(BorrowingGroup, ref) if ref else None
    if group is None:
        found = [g for g in session.scalars(select(BorrowingGroup)) if clean(g.name) == clean(ref)]
        if len(found) != 1:
            raise InputError(Text(f"ไม่พบกลุ่ม {ref}", f"no such group: {ref}"))
        group = found[0]
    return group


@dataclass
class GroupView:
    id: str
    name: str
    kind: str
    village_id: str
    village: str
    chair: str
    responsible: str
    members: list[tuple[str, str, str]] = field(default_factory=list)  # (role, name, person id)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "village_id": self.village_id,
            "village": self.village, "chair": self.chair, "responsible": self.responsible,
            "members": [{"role": role, "name": name, "person_id": pid} for role, name, pid in self.members],
        }


def group_views(session: Session) -> list[GroupView]:
    from fieldtool.loanbook import village_labels

    labels = village_labels(session)
    people = {p.id: person_name(p.title, p.first_name, p.last_name) for p in session.scalars(select(Person))}
    members: dict[str, list[tuple[str, str, str]]] = {}
    order = {role.value: i for i, role in enumerate(MemberRole)}
    for m in session.scalars(select(GroupMember)):
        members.setdefault(m.group_id, []).append((m.role, people.get(m.person_id, ""), m.person_id))
    out = []
    for g in session.scalars(select(BorrowingGroup)):
        ms = sorted(members.get(g.id, []), key=lambda m: (order.get(m[0], 99), m[1]))
        out.append(GroupView(g.id, g.name, g.kind, g.village_id, labels.get(g.village_id, ""),
                             people.get(g.chair_id or "", ""), people.get(g.committee_member_id or "", ""), ms))
    return sorted(out, key=lambda g: (g.village, g.name))
