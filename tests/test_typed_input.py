"""What an officer types is read by the domain, once, for the app and the command line alike: a GPS position,
a fiscal year, a plan written as JSON."""

from __future__ import annotations

from datetime import date

import pytest

from fieldtool.plans import plan_from_json
from fieldtool.thai import InputError, parse_fiscal_year
from fieldtool.visits import parse_position


@pytest.mark.parametrize("typed", ["15.2401, 105.2302", "15.2401,105.2302", "15.2401 105.2302", " ๑๕.๒๔๐๑,๑๐๕.๒๓๐๒ "])
def test_a_position_is_read_with_a_comma_or_a_space_between_latitude_and_longitude(typed):
    assert parse_position(typed) == (15.2401, 105.2302)


def test_no_position_typed_is_none_and_a_bad_one_says_how_to_write_it():
    assert parse_position("") == (None, None) and parse_position("   ") == (None, None)
    for typed in ("north", "15.24", "15.24,105.23,7", "สิบห้า"):
        with pytest.raises(InputError) as refused:
            parse_position(typed)
        assert str(refused.value) == (f'พิกัดต้องเขียนแบบ 15.2401, 105.2302: "{typed}" '
                                      f'(a GPS position looks like 15.2401, 105.2302: "{typed}")')


def test_a_fiscal_year_is_four_buddhist_era_digits_thai_or_arabic():
    assert parse_fiscal_year("2570") == parse_fiscal_year(" ๒๕๗๐ ") == 2570
    for typed in ("2026", "70", "25700", "สองห้าเจ็ดศูนย์"):
        with pytest.raises(InputError, match="4-digit Buddhist Era year"):
            parse_fiscal_year(typed)


def test_a_plan_file_is_read_with_baht_budgets_thai_dates_and_today_when_undated():
    plan = plan_from_json({"findings": {"attitude": "อยากมีรายได้เสริม"},
                           "actions": [{"part": "skills", "what": "อบรมทอผ้า", "due_on": "31/01/2570", "budget": "1,500.50"}]},
                          today=date(2026, 11, 22))
    assert plan.made_on == date(2026, 11, 22) and plan.findings == {"attitude": "อยากมีรายได้เสริม"}
    (action,) = plan.actions
    assert (action.due_on, action.budget_satang, action.status) == (date(2027, 1, 31), 150_050, "planned")
    for raw, says in (([], "must be a JSON object"), ({"actions": {}}, "actions a list"),
                      ({"actions": [1]}, "each action must be a JSON object"), ({"decision": 5}, "must be text")):
        with pytest.raises(InputError, match=says):
            plan_from_json(raw, today=date(2026, 11, 22))
