"""Villages are named with their subdistrict only where a database holds several subdistricts."""

from __future__ import annotations

from db import open_database
from fieldtool import registry
from fieldtool.loanbook import village_labels
from fieldtool.models import Subdistrict

PLACE = (("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"))


def test_one_subdistrict_shows_villages_plainly_even_with_a_colleagues_copy_of_its_row(tmp_path):
    db = open_database(tmp_path / "lap.sqlite")
    with db.session() as s:
        sub = registry.setup_subdistrict(s, *PLACE, ("341905", "โนนกลาง"))
        mine = registry.add_village(s, sub.id, 3, "บ้านหนองบัว")
        # a colleague's laptop of the same subdistrict made its own row for it (arrived in a return bundle)
        theirs = Subdistrict(code="341905", name="ตำบลโนนกลาง", district_id=sub.district_id)
        s.add(theirs)
        s.flush()
        other = registry.add_village(s, theirs.id, 5, "บ้านโนนสูง")
        assert village_labels(s) == {mine.id: "หมู่ที่ 3 บ้านหนองบัว", other.id: "หมู่ที่ 5 บ้านโนนสูง"}
    db.dispose()


def test_the_district_database_tells_same_named_villages_apart(tmp_path):
    db = open_database(tmp_path / "office.sqlite")
    with db.session() as s:
        a = registry.setup_subdistrict(s, *PLACE, ("341905", "โนนกลาง"))
        b = registry.setup_subdistrict(s, *PLACE, ("341901", "ตำบลพิบูล"))
        va = registry.add_village(s, a.id, 1, "บ้านหนองบัว")
        vb = registry.add_village(s, b.id, 1, "บ้านหนองบัว")
        assert village_labels(s) == {va.id: "หมู่ที่ 1 บ้านหนองบัว ต.โนนกลาง", vb.id: "หมู่ที่ 1 บ้านหนองบัว ต.พิบูล"}
    db.dispose()
