"""A lost laptop's key revoked at the office, on SQLite and on PostgreSQL: its later bundles are refused in one
sentence whatever date they claim, what it sent before stays, nothing is sent to it any more."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from fieldtool.models import ChangeLog
from tests.sync.conftest import snapshot, target_args
from tests.sync.test_seed_handover import cli, cli_json, error_line, paid


def test_a_revoked_keys_later_bundles_are_refused_and_what_it_sent_before_stays(laptop, office, capsys):
    a = laptop("a", office=office, officer="นางสาวมาลี เดิมที")
    loan = a.loan()
    a.pay(loan, 150_000)
    merged = a.export()
    cli(capsys, "bundle", "import", merged, *target_args(office))
    a.pay(loan, 50_000, date(2026, 2, 20))
    made_before = a.export()  # written before the revocation, still in a bag when the laptop was stolen
    out = cli_json(capsys, "office", "revoke", "นางสาวมาลี เดิมที", "--reason", "เครื่องหาย", *target_args(office))
    assert out["key_id"] == a.card()["key_id"] and out["reason"] == "เครื่องหาย"
    assert out["revoked_upto"] == max(e.seq for e in _entries(office, a.device_id))

    before = snapshot(office)
    for late in (made_before, a.export()):
        line = error_line(capsys, "bundle", "import", late, *target_args(office))
        assert "revoked" in line and "what it sent before stays" in line
    assert snapshot(office) == before
    assert paid(office, loan) == 150_000  # the merged bundle's payment stays, the later ones never came in
    # the bundle merged before the revocation, brought again, changes nothing and says so
    assert "already imported" in cli(capsys, "bundle", "import", merged, *target_args(office))


def test_the_office_lists_revoked_keys_and_sends_them_nothing(laptop, office, capsys, tmp_path):
    a = laptop("a", office=office, officer="นางสาวมาลี เดิมที")
    b = laptop("b", code="341906", office=office, officer="นายบุญ ทำดี")
    cli(capsys, "bundle", "import", a.export(), b.export(), *target_args(office))
    cli(capsys, "office", "revoke", a.card()["key_id"][:8], *target_args(office))

    listed = {i["device_id"]: i for i in cli_json(capsys, "office", "devices", *target_args(office))["items"]}
    assert listed[a.device_id]["revoked_at"] and listed[b.device_id]["revoked_at"] is None
    text = cli(capsys, "office", "devices", *target_args(office))
    (a_line,) = [line for line in text.splitlines() if a.device_id in line]
    assert "เพิกถอนแล้ว" in a_line and all("เพิกถอน" not in line for line in text.splitlines() if b.device_id in line)

    card = tmp_path / "a.pub"
    card.write_text(json.dumps(a.card(), ensure_ascii=False), encoding="utf-8")
    assert "not enrolled again" in error_line(capsys, "office-keys", "enrol", card, *target_args(office))
    assert "nothing is sent to it" in error_line(capsys, "office", "return-bundle", "--device", a.device_id,
                                                 "--out", tmp_path / "r.ftb", *target_args(office))
    assert "nothing is sent to it" in error_line(capsys, "office", "seed", "--subdistrict", "341905", "--key", card,
                                                 "--out", tmp_path / "s.ftb", *target_args(office))
    assert not (tmp_path / "r.ftb").exists() and not (tmp_path / "s.ftb").exists()


def test_a_key_is_named_by_its_id_its_device_or_its_officer_and_two_of_one_name_are_refused(laptop, office, capsys):
    a = laptop("a", office=office, officer="นายสมชาย ใจงาม")
    b = laptop("b", code="341906", office=office, officer="นายสมชาย ใจงาม")
    line = error_line(capsys, "office", "revoke", "นายสมชาย ใจงาม", *target_args(office))
    assert "several keys match" in line and a.card()["key_id"][:12] in line and b.card()["key_id"][:12] in line
    assert "no officer key" in error_line(capsys, "office", "revoke", "นางนิรนาม", *target_args(office))
    cli(capsys, "office", "revoke", b.device_id[:8], *target_args(office))
    assert "already revoked" in error_line(capsys, "office", "revoke", b.card()["key_id"], *target_args(office))
    # with b's key revoked, the name now means a's key alone
    assert cli_json(capsys, "office", "revoke", "นายสมชาย ใจงาม", *target_args(office))["device_id"] == a.device_id


def test_a_restored_laptops_key_is_revoked_by_the_device_id_of_the_laptop_that_died(laptop, office, capsys,
                                                                                     tmp_path):
    from exports import backup
    from tests.sync.test_restored_laptop import restored

    a = laptop("a", office=office, officer="นางสาวมาลี เดิมที")
    b = laptop("b", code="341906", office=office, officer="นายบุญ ทำดี")
    loan = a.loan()
    cli(capsys, "bundle", "import", a.export(), b.export(), *target_args(office))
    made = backup.write_backup(a.db, tmp_path)
    old_device = a.device_id  # written on the dead laptop's sticker, in the officer's notebook
    restored(a, made, office)
    a.pay(loan, 20_000)
    cli(capsys, "bundle", "import", a.export(), *target_args(office))  # the office moves the key to the new laptop
    assert a.device_id != old_device

    out = cli_json(capsys, "office", "revoke", old_device[:8], "--reason", "เครื่องหายอีก", *target_args(office))
    assert (out["key_id"], out["device_id"]) == (a.card()["key_id"], a.device_id)
    assert "already revoked" in error_line(capsys, "office", "revoke", old_device, *target_args(office))
    listed = {i["device_id"]: i for i in cli_json(capsys, "office", "devices", *target_args(office))["items"]}
    assert listed[a.device_id]["revoked_at"] and listed[b.device_id]["revoked_at"] is None
    line = error_line(capsys, "bundle", "import", a.export(), *target_args(office))
    assert "revoked" in line and "what it sent before stays" in line


def test_the_revocation_is_in_the_offices_audit_trail(laptop, office, capsys):
    a = laptop("a", office=office)
    cli(capsys, "office", "revoke", a.device_id, "--reason", "เครื่องหาย", *target_args(office))
    with office.session() as s:
        (entry,) = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "sync_key")).all()
    assert entry.record_id == a.card()["key_id"] and entry.officer == "นายอำเภอ ทดสอบ (พัฒนาการอำเภอ)"
    assert json.loads(entry.data)["revoked_reason"] == "เครื่องหาย"


def test_the_office_window_shows_revoked_keys_and_revokes_one(laptop, office, capsys, qtbot, monkeypatch):
    from ui import worker
    from ui.office.devices import DevicesView, RevokeDialog

    a = laptop("a", office=office, officer="นางสาวมาลี เดิมที")
    b = laptop("b", code="341906", office=office, officer="นายบุญ ทำดี")
    cli(capsys, "office", "revoke", b.device_id, *target_args(office))
    view = DevicesView(office, date(2026, 3, 1))
    qtbot.addWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: worker.pending() == 0 and bool(view.model.rows), timeout=60_000)
    column = view.model.column_of("office.col.revoked")

    def shown(lap) -> str:
        row = [d.device_id for d in view.model.rows].index(lap.device_id)
        return view.model.data(view.model.index(row, column))

    assert shown(a) == "–" and shown(b) != "–"
    view.view.selectRow([d.device_id for d in view.model.rows].index(b.device_id))
    assert not view.revoke_button.isEnabled() and not view.return_button.isEnabled()

    monkeypatch.setattr(RevokeDialog, "ask", classmethod(lambda cls, parent, item: "เครื่องหาย"))
    view.view.selectRow([d.device_id for d in view.model.rows].index(a.device_id))
    assert view.revoke_selected()
    qtbot.waitUntil(lambda: worker.pending() == 0 and shown(a) != "–", timeout=60_000)
    assert "นางสาวมาลี เดิมที" in view.message.text()


def _entries(db, device_id: str) -> list[ChangeLog]:
    with db.session() as s:
        return list(s.scalars(select(ChangeLog).where(ChangeLog.device_id == device_id)))
