"""Borrowing groups (a women's group, a กข.คจ. village committee's group …): village, members, committee.

Letters to a group go to its chair (ประธาน), so a group's chair is kept on the group itself as well as
among its members. The committee member responsible for the group (one of the subdistrict's driving team,
ต follow) is kept apart: that person is not a member.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtool import places, registry
from fieldtool.loanbook import person_name
from fieldtool.models import BorrowingGroup, GroupMember, Person
from fieldtool.names import clean, split_name
from fieldtool.text import Text
from fieldtool.thai import InputError, to_arabic_digits, validate_national_id

ROLES = {
    "chair": Text("ประธาน", "chair"),
    "vice_chair": Text("รองประธาน", "vice chair"),
    "treasurer": Text("เหรัญญิก", "treasurer"),
    "secretary": Text("เลขานุการ", "secretary"),
    "committee": Text("กรรมการ", "committee member"),
    "member": Text("สมาชิก", "member"),
}
GROUP_KINDS = {"women": Text("กลุ่มสตรี", "women's group"), "other": Text("กลุ่มอื่น", "other group")}


@dataclass
class PersonSpec:
    """Who is meant: a registered person (by national ID or exact name in the village) or a new one."""

    first_name: str
    last_name: str = ""
    title: str = ""
    national_id: str | None = None
    phone: str = ""


def parse_person(text: str) -> PersonSpec:
    """"นาง,สมศรี,ใจดี[,เลขประจำตัว[,โทรศัพท์]]", "นางสมศรี ใจดี" or a 13-digit national ID."""
    raw = clean(text)
    digits = to_arabic_digits(raw).replace("-", "").replace(" ", "")
    if digits.isdigit() and len(digits) == 13:
        return PersonSpec(first_name="", national_id=validate_national_id(digits))
    if "," in raw:
        parts = [p.strip() for p in raw.split(",")] + [""] * 5
        title, first, last = split_name(f"{parts[1]} {parts[2]}", parts[0])
        return PersonSpec(first, last, title, parts[3] or None, parts[4])
    title, first, last = split_name(raw)
    return PersonSpec(first, last, title)


def resolve_person(session: Session, spec: PersonSpec, village_id: str) -> Person:
    """The registered person the spec names, or a new person in the village."""
    if spec.national_id:
        nid = validate_national_id(spec.national_id)
        found = session.scalars(select(Person).where(Person.national_id == nid)).first()
        if found is not None:
            return found
        if not spec.first_name:
            raise InputError(Text(f"ไม่พบผู้มีเลขประจำตัวประชาชน {nid} ในทะเบียน",
                                  f"nobody with national ID {nid} is registered"))
    same = [
        p for p in session.scalars(select(Person).where(Person.village_id == village_id))
        if clean(p.first_name) == spec.first_name and clean(p.last_name) == spec.last_name
    ]
    if len(same) == 1:
        return same[0]
    return registry.add_person(
        session, first_name=spec.first_name, last_name=spec.last_name, title=spec.title,
        national_id=spec.national_id, phone=spec.phone, village_id=village_id,
    )


def add_group(
    session: Session,
    village,
    name: str,
    kind: str = "women",
    members: list[tuple[str, PersonSpec]] | None = None,
    responsible: PersonSpec | None = None,
) -> BorrowingGroup:
    """A group in a village of this laptop, with its members as (role, person); one chair at most."""
    v = places.find_village(session, village)
    name = clean(name)
    if not name:
        raise InputError(Text("ต้องระบุชื่อกลุ่ม", "the group needs a name"))
    if kind not in GROUP_KINDS:
        raise InputError(Text(f"ประเภทกลุ่มต้องเป็น women หรือ other: {kind}", f"group kind must be women or other: {kind}"))
    same = session.scalars(
        select(BorrowingGroup).where(BorrowingGroup.village_id == v.id, BorrowingGroup.name == name)
    ).first()
    if same is not None:
        raise InputError(Text(f"มีกลุ่ม {name} ในหมู่ที่ {v.moo} แล้ว", f"หมู่ที่ {v.moo} already has a group named {name}"))
    members = members or []
    for role, _ in members:
        if role not in ROLES:
            raise InputError(Text(f"ตำแหน่งในกลุ่มไม่ถูกต้อง: {role}", f"role must be one of {', '.join(ROLES)}: {role}"))
    if sum(1 for role, _ in members if role == "chair") > 1:
        raise InputError(Text("กลุ่มหนึ่งมีประธานได้คนเดียว", "a group has one chair"))
    group = BorrowingGroup(name=name, kind=kind, village_id=v.id)
    session.add(group)
    session.flush()
    seen: set[str] = set()
    for role, spec in members:
        person = resolve_person(session, spec, v.id)
        if person.id in seen:
            raise InputError(Text(f"{person_name(person.title, person.first_name, person.last_name)} ถูกระบุซ้ำในกลุ่ม",
                                  f"{person.first_name} {person.last_name} is named twice in the group"))
        seen.add(person.id)
        session.add(GroupMember(group_id=group.id, person_id=person.id, role=role))
        if role == "chair":
            group.chair_id = person.id
    if responsible is not None:
        group.committee_member_id = resolve_person(session, responsible, v.id).id
    session.flush()
    return group


_UNSET = object()


def _member_of(session: Session, group: BorrowingGroup, spec: PersonSpec) -> GroupMember | None:
    """The membership of the person a spec names, if that person is in the group."""
    rows = session.scalars(select(GroupMember).where(GroupMember.group_id == group.id)).all()
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_([m.person_id for m in rows])))}
    for m in rows:
        p = people.get(m.person_id)
        if p is None:
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
    name=_UNSET,
    kind=_UNSET,
    roles: list[tuple[str, PersonSpec]] | None = None,
    remove: list[PersonSpec] | None = None,
    responsible=_UNSET,
) -> BorrowingGroup:
    """Rename a group, give people roles (a new person joins; a new chair makes the old one a member),
    take members out, change who follows it. Loans of the group stay with it; every change is recorded."""
    group = get_group(session, ref)
    if name is not _UNSET:
        new_name = clean(name)
        if not new_name:
            raise InputError(Text("ต้องระบุชื่อกลุ่ม", "the group needs a name"))
        same = session.scalars(select(BorrowingGroup).where(
            BorrowingGroup.village_id == group.village_id, BorrowingGroup.name == new_name,
            BorrowingGroup.id != group.id)).first()
        if same is not None:
            raise InputError(Text(f"มีกลุ่มชื่อ {new_name} ในหมู่บ้านนี้แล้ว", f"the village already has a group named {new_name}"))
        group.name = new_name
    if kind is not _UNSET:
        if kind not in GROUP_KINDS:
            raise InputError(Text(f"ประเภทกลุ่มต้องเป็น women หรือ other: {kind}", f"group kind must be women or other: {kind}"))
        group.kind = kind
    roles = roles or []
    for role, _ in roles:
        if role not in ROLES:
            raise InputError(Text(f"ตำแหน่งในกลุ่มไม่ถูกต้อง: {role}", f"role must be one of {', '.join(ROLES)}: {role}"))
    if sum(1 for role, _ in roles if role == "chair") > 1:
        raise InputError(Text("กลุ่มหนึ่งมีประธานได้คนเดียว", "a group has one chair"))
    for spec in remove or []:
        member = _member_of(session, group, spec)
        if member is None:
            who = spec.national_id or f"{spec.first_name} {spec.last_name}".strip()
            raise InputError(Text(f"{who} ไม่ได้เป็นสมาชิกของกลุ่ม {group.name}", f"{who} is not a member of {group.name}"))
        if member.person_id == group.chair_id:
            group.chair_id = None
        session.delete(member)
    session.flush()
    for role, spec in roles:
        member = _member_of(session, group, spec)
        person_id = member.person_id if member else resolve_person(session, spec, group.village_id).id
        if role == "chair" and group.chair_id and group.chair_id != person_id:
            for old in session.scalars(select(GroupMember).where(
                    GroupMember.group_id == group.id, GroupMember.person_id == group.chair_id)):
                old.role = "member"
        if member is None:
            session.add(GroupMember(group_id=group.id, person_id=person_id, role=role))
        elif member.role != role:
            member.role = role
        if role == "chair":
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
    members: list[tuple[str, str]] = field(default_factory=list)  # (role, name)

    def to_json(self) -> dict:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "village_id": self.village_id,
            "village": self.village, "chair": self.chair, "responsible": self.responsible,
            "members": [{"role": role, "name": name} for role, name in self.members],
        }


def group_views(session: Session) -> list[GroupView]:
    from fieldtool.loanbook import village_labels

    labels = village_labels(session)
    people = {p.id: person_name(p.title, p.first_name, p.last_name) for p in session.scalars(select(Person))}
    members: dict[str, list[tuple[str, str]]] = {}
    order = list(ROLES)
    for m in session.scalars(select(GroupMember)):
        members.setdefault(m.group_id, []).append((m.role, people.get(m.person_id, "")))
    out = []
    for g in session.scalars(select(BorrowingGroup)):
        ms = sorted(members.get(g.id, []), key=lambda rn: (order.index(rn[0]) if rn[0] in order else 99, rn[1]))
        out.append(GroupView(g.id, g.name, g.kind, g.village_id, labels.get(g.village_id, ""),
                             people.get(g.chair_id or "", ""), people.get(g.committee_member_id or "", ""), ms))
    return sorted(out, key=lambda g: (g.village, g.name))
