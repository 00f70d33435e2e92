"""A file written for a transaction is kept when it commits and removed when it does not: letters, photos and
bundles name their files once (fieldtool.transaction_files) instead of each caller catching its own failure."""

from __future__ import annotations

from datetime import date

import pytest
import sqlmodel
from sqlalchemy import select
from sqlmodel import Session

from fieldtool import letters, registry, visits
from fieldtool.models import LetterRecord, Photo, Setting, Visit
from fieldtool.transaction_files import pending_files, remove_on_rollback


def _setting(db, key: str) -> str | None:
    with db.session() as s:
        row = s.get(Setting, key)
        return row.value if row else None


def test_a_failure_after_the_file_was_written_leaves_no_file_and_no_row(db, tmp_path):
    out = tmp_path / "written.pdf"
    with pytest.raises(RuntimeError, match="the printer jammed"), db.session() as s:
        registry.set_setting(s, "letter_done", "yes")
        out.write_bytes(b"%PDF-")
        remove_on_rollback(s, out)
        raise RuntimeError("the printer jammed")
    assert not out.exists()
    assert _setting(db, "letter_done") is None


def test_a_commit_that_fails_removes_the_file(db, tmp_path, monkeypatch):
    out = tmp_path / "written.pdf"

    def refuse(self):
        raise OSError("disk full")

    monkeypatch.setattr(sqlmodel.Session, "commit", refuse)
    with pytest.raises(OSError, match="disk full"), db.session() as s:
        registry.set_setting(s, "letter_done", "yes")
        out.write_bytes(b"%PDF-")
        remove_on_rollback(s, out)
    monkeypatch.undo()
    assert not out.exists()
    assert _setting(db, "letter_done") is None


def test_a_committed_file_stays_even_when_the_session_fails_later(db, tmp_path):
    out = tmp_path / "kept.pdf"
    with pytest.raises(RuntimeError), Session(db.engine) as s:
        registry.set_setting(s, "letter_done", "yes")
        out.write_bytes(b"%PDF-")
        remove_on_rollback(s, out)
        s.commit()
        assert pending_files(s) == []
        registry.set_setting(s, "other", "x")
        raise RuntimeError("a later transaction of the same session fails")
    assert out.exists()
    assert _setting(db, "letter_done") == "yes"


def test_a_session_closed_without_a_commit_removes_the_file(db, tmp_path):
    out = tmp_path / "forgotten.pdf"
    with Session(db.engine) as s:
        registry.set_setting(s, "letter_done", "yes")
        out.write_bytes(b"%PDF-")
        remove_on_rollback(s, out)
    assert not out.exists()


def test_a_savepoint_rolled_back_leaves_the_file_to_the_outer_transaction(db, tmp_path):
    out = tmp_path / "kept.pdf"
    with db.session() as s:
        registry.set_setting(s, "letter_done", "yes")
        out.write_bytes(b"%PDF-")
        remove_on_rollback(s, out)
        savepoint = s.begin_nested()
        registry.set_setting(s, "tried", "x")
        savepoint.rollback()
        assert out.exists() and pending_files(s) == [out]
    assert out.exists()
    assert _setting(db, "letter_done") == "yes" and _setting(db, "tried") is None


def test_a_letter_batch_whose_transaction_fails_leaves_no_pdf_and_spends_no_number(office, tmp_path):
    from exports.letters import issue

    office.loan(household=True)
    out = tmp_path / "batch.pdf"
    with pytest.raises(RuntimeError, match="after printing"), office.db.session() as s:
        result = issue(s, letters.letters_due(s, date(2026, 1, 2)), out, date(2026, 1, 2))
        assert out.exists() and result.records
        raise RuntimeError("after printing")
    assert not out.exists() and not list(tmp_path.glob("*.pdf"))
    with office.db.session() as s:
        assert s.scalars(select(LetterRecord)).all() == []


def test_a_visit_whose_transaction_fails_leaves_no_photo_and_no_visit(book, tmp_path):
    from PIL import Image

    picture = tmp_path / "visit.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture)
    photos = tmp_path / "photos"
    with pytest.raises(RuntimeError, match="after the photo"), book.db.session() as s:
        result = visits.add_visit(
            s, visits.VisitInput(visited_on=date(2026, 1, 10), village_id=book.village_id, findings="ทอผ้าได้ ๔ ผืน",
                                 photos=[picture]), photos)
        assert [p.exists() for p in result.written_files] == [True]
        raise RuntimeError("after the photo")
    assert not any(photos.iterdir())
    with book.db.session() as s:
        assert s.scalars(select(Visit)).all() == [] and s.scalars(select(Photo)).all() == []
