"""The cycle rules, on CICA's real history and on small hand-made histories."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

import secretariat_app
from secretariat_app.domain.cycles import (
    CHAIR,
    EARLY,
    EXTRA,
    INFO,
    LATE,
    MFA,
    MFA_INFORMAL,
    MISSING,
    SOC,
    SUMMIT,
    SWG,
    WARNING,
    WRONG_CHAIR,
    ChairTerm,
    CheckResult,
    CycleHistory,
    HeldMeeting,
    Justification,
    NextDue,
    Rule,
    with_params,
)
from secretariat_app.domain.cycles import check as engine_check
from secretariat_app.domain.cycles_rhythm import Grid, align
from tests.cica_rules import CICA_RULES as RULES

DATA = Path(secretariat_app.__file__).parent / "data"


def check(history: CycleHistory, as_of: date, rules=RULES) -> CheckResult:
    return engine_check(history, as_of, rules)
SUMMIT_RULE, MFA_RULE = "summit-every-4-years", "mfa-every-4-years"
SOC_RULE, SWG_RULE, CHAIR_RULE = "soc-every-year", "swg-before-soc", "chair-follows-host"


def real_history(justifications: tuple[Justification, ...] = ()) -> CycleHistory:
    """The three CSV files as the rules see them: the 7th Summit (2026) is planned."""
    meetings = []
    with open(DATA / "meetings_history.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            meetings.append(HeldMeeting(
                body=row["body"], year=int(row["year"]), month=int(row["month"]), number=int(row["number"]),
                host=row["host_state"] or None,
                status="planned" if row["note"].strip() == "Planned" else "held"))
    with open(DATA / "informal_ministerial_history.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            meetings.append(HeldMeeting(MFA_INFORMAL, int(row["year"]), int(row["month"])))
    with open(DATA / "chairmanships_history.csv", encoding="utf-8") as f:
        chairs = [ChairTerm(row["state"], int(row["start_year"]), int(row["end_year"]) if row["end_year"] else None)
                  for row in csv.DictReader(f)]
    return CycleHistory(tuple(meetings), tuple(chairs), justifications)


def only(rule_id: str, result: CheckResult) -> list:
    return [f for f in result.findings if f.rule == rule_id]


def summits(*years: int, **extra) -> tuple[HeldMeeting, ...]:
    return tuple(HeldMeeting(SUMMIT, y, number=i, **extra) for i, y in enumerate(years, 1))


def mfas(*years: int, **extra) -> tuple[HeldMeeting, ...]:
    return tuple(HeldMeeting(MFA, y, number=i, **extra) for i, y in enumerate(years, 1))


def rhythm(meetings, as_of: date, justifications=(), rules=RULES[:2]) -> CheckResult:
    """The Summit and MFA rules, keeping only the findings on the bodies the meetings are of
    (a history of Summits alone would otherwise miss every MFA)."""
    bodies = {m.body for m in meetings}
    result = check(CycleHistory(tuple(meetings), (), tuple(justifications)), as_of, rules=rules)
    return CheckResult(result.as_of, result.next_due, tuple(f for f in result.findings if f.body in bodies))


# The real history ------------------------------------------------------------

@pytest.fixture(scope="module")
def real_2025() -> CheckResult:
    return check(real_history(), date(2025, 6, 1))


def test_real_history_next_due(real_2025):
    due = {n.body: n.due_year for n in real_2025.next_due}
    assert due[SUMMIT] == 2026
    assert due[MFA] == 2028
    assert [n.body for n in real_2025.next_due] == [SUMMIT, MFA, SOC, SWG]


def test_real_history_late_fifth_summit_and_sixth_mfa(real_2025):
    [summit] = only(SUMMIT_RULE, real_2025)
    assert (summit.kind, summit.due_year, summit.held_year, summit.severity) == (LATE, 2018, 2019, WARNING)
    assert summit.message == "5th Summit held in 2019, due in 2018: one year late"
    [mfa] = only(MFA_RULE, real_2025)
    assert (mfa.kind, mfa.due_year, mfa.held_year, mfa.severity) == (LATE, 2020, 2021, WARNING)
    assert mfa.justified_by is None


def test_real_history_no_finding_for_meetings_on_the_rhythm(real_2025):
    flagged = {(f.body, f.held_year) for f in real_2025.findings if f.held_year is not None}
    for year in (2002, 2006, 2010, 2014, 2022):
        assert (SUMMIT, year) not in flagged
    for year in (1999, 2004, 2008, 2012, 2016, 2024):
        assert (MFA, year) not in flagged
    assert not [f for f in real_2025.findings if f.kind in (MISSING, EXTRA, EARLY)]
    assert not [f for f in real_2025.findings if f.body == MFA_INFORMAL]


def test_real_history_turkiye_chairmanship_extended(real_2025):
    turkiye = [f for f in only(CHAIR_RULE, real_2025) if f.state == "Türkiye"]
    assert len(turkiye) == 1
    f = turkiye[0]
    assert (f.kind, f.body, f.from_year, f.to_year) == (WRONG_CHAIR, MFA, 2012, 2014)
    assert (f.due_year, f.held_year) == (2012, None)
    assert "Kazakhstan" in f.message and "4th MFA" in f.message


def test_real_history_other_chairmanship_departures(real_2025):
    runs = {(f.state, f.from_year, f.to_year) for f in only(CHAIR_RULE, real_2025)}
    assert runs == {("Türkiye", 2012, 2014), ("Tajikistan", 2018, 2019), ("Kazakhstan", 2020, 2021)}


def test_real_history_justified_mfa_2020_is_info():
    ref = "CICA/SOC/2020/5"
    result = check(real_history((Justification(MFA, 2020, ref),)), date(2025, 6, 1))
    [mfa] = only(MFA_RULE, result)
    assert (mfa.severity, mfa.justified_by) == (INFO, ref)
    assert ref in mfa.message
    [summit] = only(SUMMIT_RULE, result)
    assert summit.severity == WARNING


def test_real_history_findings_sorted(real_2025):
    keys = [(f.due_year if f.due_year is not None else f.from_year, f.body, f.rule) for f in real_2025.findings]
    assert keys == sorted(keys)


# Rules 1-2: the four-year grid ---------------------------------------------------

def test_summit_late():
    [f] = rhythm(summits(2002, 2006, 2011), date(2013, 1, 1)).findings
    assert (f.kind, f.due_year, f.held_year, f.body, f.rule) == (LATE, 2010, 2011, SUMMIT, SUMMIT_RULE)
    assert f.message == "3rd Summit held in 2011, due in 2010: one year late"


def test_summit_early():
    [f] = rhythm(summits(2002, 2006, 2008, 2014), date(2015, 1, 1)).findings
    assert (f.kind, f.due_year, f.held_year) == (EARLY, 2010, 2008)
    assert f.message.endswith("two years early")


def test_summit_back_on_the_rhythm_after_a_late_one():
    findings = rhythm(summits(2002, 2006, 2010, 2014, 2019, 2022), date(2023, 1, 1)).findings
    assert [(f.kind, f.held_year) for f in findings] == [(LATE, 2019)]


def test_summit_missing_in_a_past_year():
    [f] = rhythm(summits(2002, 2006, 2014), date(2015, 1, 1)).findings
    assert (f.kind, f.due_year, f.held_year, f.severity) == (MISSING, 2010, None, WARNING)
    assert f.message == "Summit due in 2010 was not held"


def test_due_year_in_current_or_future_year_without_meeting_is_not_a_finding():
    assert rhythm(summits(2002, 2006), date(2010, 11, 30)).findings == ()
    assert rhythm(summits(2002, 2006), date(2009, 1, 1)).findings == ()


def test_extra_meeting():
    findings = rhythm(summits(2002, 2006, 2007, 2010), date(2011, 1, 1)).findings
    [f] = findings
    assert (f.kind, f.due_year, f.held_year) == (EXTRA, None, 2007)
    assert "3rd Summit held in 2007" in f.message


def test_meetings_before_the_first_due_year_are_outside_the_rule():
    assert rhythm(mfas(1999, 2004, 2008), date(2009, 1, 1)).findings == ()


def test_mfa_grid_two_years_after_summit_anchor():
    result = rhythm(mfas(2005), date(2006, 1, 1))
    [f] = result.findings
    assert (f.body, f.kind, f.due_year, f.held_year) == (MFA, LATE, 2004, 2005)
    # The MFA grid has its own first year (2004 in CICA's file): move it, the finding goes.
    moved = with_params(RULES, MFA_RULE, anchor=2005)
    assert rhythm(mfas(2005), date(2006, 1, 1), rules=moved[:2]).findings == ()


def test_planned_and_postponed_meetings_are_matched_too():
    meetings = summits(2002, 2006) + (HeldMeeting(SUMMIT, 2011, number=3, status="planned"),)
    [f] = rhythm(meetings, date(2010, 6, 1)).findings
    assert (f.kind, f.due_year, f.held_year) == (LATE, 2010, 2011)
    assert f.message == "3rd Summit planned for 2011, due in 2010: one year late"


def test_late_meeting_is_late_not_early_for_the_next_due_year():
    # Held in 2021: three years late for 2018 rather than early for 2022 with 2018 missing.
    [f] = rhythm(summits(2002, 2006, 2010, 2014, 2021), date(2021, 12, 1)).findings
    assert (f.kind, f.due_year, f.held_year) == (LATE, 2018, 2021)


def test_halfway_between_two_due_years_is_late_for_the_first():
    findings = rhythm(summits(2002, 2008), date(2011, 1, 1)).findings
    assert [(f.kind, f.due_year, f.held_year) for f in findings] == [(LATE, 2006, 2008), (MISSING, 2010, None)]


def test_three_years_early_for_the_current_due_year():
    [f] = rhythm(summits(2002, 2006, 2007), date(2010, 1, 1)).findings
    assert (f.kind, f.due_year, f.held_year) == (EARLY, 2010, 2007)


def test_as_of_may_be_a_datetime():
    from datetime import datetime
    assert check(real_history(), datetime(2025, 6, 1, 12, 0)).as_of == date(2025, 6, 1)


def test_meetings_own_justification_makes_info():
    meetings = summits(2002, 2006) + (HeldMeeting(SUMMIT, 2011, number=3, justified_by="CICA/MFA/2008/1"),)
    [f] = rhythm(meetings, date(2012, 1, 1)).findings
    assert (f.severity, f.justified_by) == (INFO, "CICA/MFA/2008/1")


def test_justification_for_a_missing_meeting():
    j = Justification(SUMMIT, 2010, "CICA/SOC/2009/7")
    [f] = rhythm(summits(2002, 2006, 2014), date(2015, 1, 1), (j,)).findings
    assert (f.kind, f.severity, f.justified_by) == (MISSING, INFO, "CICA/SOC/2009/7")


def test_justification_of_another_body_or_year_does_not_count():
    js = (Justification(MFA, 2010, "x"), Justification(SUMMIT, 2014, "y"))
    [f] = rhythm(summits(2002, 2006, 2014), date(2015, 1, 1), js).findings
    assert (f.severity, f.justified_by) == (WARNING, None)


def test_align_pairs_in_order():
    assert align([2002, 2006, 2011], [2002, 2006, 2010, 2014], 4, 2012) == [
        (0, 2002), (1, 2006), (2, 2010), (None, 2014)]
    assert align([2003], [2002, 2006], 4, 2010) == [(0, 2002), (None, 2006)]


def test_grid():
    grid = Grid(2002, 4)
    assert grid.first_at_or_after(2019) == 2022
    assert grid.first_at_or_after(2022) == 2022
    assert grid.first_at_or_after(1990) == 2002
    assert grid.slots_through(2012) == [2002, 2006, 2010, 2014]


# next_due ----------------------------------------------------------------------

def due_of(result: CheckResult) -> dict[str, int]:
    return {n.body: n.due_year for n in result.next_due}


def test_next_due_in_a_due_year_before_the_meeting():
    meetings = summits(2002, 2006) + (HeldMeeting(SUMMIT, 2010, number=3, status="planned"),)
    assert due_of(rhythm(meetings, date(2010, 3, 1)))[SUMMIT] == 2010


def test_next_due_in_a_due_year_after_the_meeting():
    assert due_of(rhythm(summits(2002, 2006, 2010), date(2010, 11, 1)))[SUMMIT] == 2014


def test_next_due_planned_meeting_does_not_count_as_held():
    meetings = summits(2002, 2006) + (HeldMeeting(SUMMIT, 2011, number=3, status="planned"),)
    assert due_of(rhythm(meetings, date(2010, 6, 1)))[SUMMIT] == 2010
    held = summits(2002, 2006, 2011)
    assert due_of(rhythm(held, date(2011, 12, 1)))[SUMMIT] == 2014


def test_next_due_skips_a_missed_past_year():
    assert due_of(rhythm(summits(2002, 2006), date(2013, 1, 1)))[SUMMIT] == 2014


def test_next_due_mfa_and_empty_history():
    result = check(CycleHistory(), date(2001, 1, 1))
    assert result.next_due == (NextDue(SUMMIT, 2002), NextDue(MFA, 2004), NextDue(SOC, 2001), NextDue(SWG, 2001))
    assert result.findings == ()


def test_next_due_soc_and_swg():
    socs = (HeldMeeting(SOC, 2024), HeldMeeting(SOC, 2025, status="held"))
    due = due_of(check(CycleHistory(socs), date(2025, 6, 1)))
    assert (due[SOC], due[SWG]) == (2026, 2026)
    planned = (HeldMeeting(SOC, 2024), HeldMeeting(SOC, 2025, status="planned"))
    due = due_of(check(CycleHistory(planned), date(2025, 6, 1)))
    assert (due[SOC], due[SWG]) == (2025, 2025)


# Rule 3: the SOC every year --------------------------------------------------------

def test_soc_missing_year():
    socs = (HeldMeeting(SOC, 2020), HeldMeeting(SOC, 2022), HeldMeeting(SOC, 2022))
    assert [f.due_year for f in only(SOC_RULE, check(CycleHistory(socs), date(2023, 3, 1)))] == [2021]
    findings = only(SOC_RULE, check(CycleHistory(socs), date(2025, 3, 1)))
    assert [(f.kind, f.due_year, f.held_year, f.body) for f in findings] == [
        (MISSING, 2021, None, SOC), (MISSING, 2023, None, SOC), (MISSING, 2024, None, SOC)]
    assert findings[0].message == "No SOC met in 2021: it must meet at least once a year"


def test_soc_current_year_not_yet_missing():
    assert only(SOC_RULE, check(CycleHistory((HeldMeeting(SOC, 2020),)), date(2021, 12, 31))) == []


def test_soc_no_history_no_findings():
    assert only(SOC_RULE, check(CycleHistory(summits(2002)), date(2025, 1, 1))) == []


def test_soc_since_parameter():
    rules = with_params(RULES, SOC_RULE, since=2018)
    findings = only(SOC_RULE, check(CycleHistory((HeldMeeting(SOC, 2020),)), date(2021, 1, 1), rules))
    assert [f.due_year for f in findings] == [2018, 2019]


def test_soc_missing_year_justified():
    history = CycleHistory((HeldMeeting(SOC, 2019), HeldMeeting(SOC, 2021)),
                           justifications=(Justification(SOC, 2020, "CICA/SOC/2019/9"),))
    [f] = only(SOC_RULE, check(history, date(2022, 1, 1)))
    assert (f.severity, f.justified_by) == (INFO, "CICA/SOC/2019/9")


# Rule 4: an SWG before each SOC ------------------------------------------------------

def soc(day: date, meeting_id: int = 100) -> HeldMeeting:
    return HeldMeeting(SOC, day.year, day.month, day, meeting_id=meeting_id)


def swg(day: date | None, prepares: int | None = None, year: int = 2022) -> HeldMeeting:
    return HeldMeeting(SWG, day.year if day else year, day.month if day else None, day, prepares_id=prepares)


AS_OF = date(2023, 1, 1)


def swg_findings(*meetings, as_of=AS_OF, rules=RULES):
    return only(SWG_RULE, check(CycleHistory(tuple(meetings)), as_of, rules))


def test_swg_a_few_days_before():
    assert swg_findings(soc(date(2022, 12, 14)), swg(date(2022, 12, 12))) == []
    assert swg_findings(soc(date(2022, 12, 14)), swg(date(2022, 11, 30))) == []  # 14 days
    assert swg_findings(soc(date(2022, 12, 14)), swg(date(2022, 12, 14))) == []  # same day


def test_swg_missing():
    [f] = swg_findings(soc(date(2022, 12, 14)), swg(date(2022, 11, 29)))  # 15 days
    assert (f.kind, f.body, f.due_year, f.held_year, f.severity) == (MISSING, SWG, 2022, None, WARNING)
    assert f.message == "No SWG prepared the SOC of 14 December 2022 (none in the 14 days before it)"
    [f] = swg_findings(soc(date(2022, 12, 14)), swg(date(2022, 12, 15)))  # after it
    assert f.due_year == 2022


def test_swg_linked_by_prepares_id():
    assert swg_findings(soc(date(2022, 12, 14), 7), swg(date(2022, 10, 1), prepares=7)) == []
    assert swg_findings(soc(date(2022, 12, 14), 7), swg(None, prepares=7)) == []
    assert len(swg_findings(soc(date(2022, 12, 14), 7), swg(date(2022, 10, 1), prepares=8))) == 1


def test_swg_not_checked_for_soc_known_to_the_month_or_not_yet_held():
    assert swg_findings(HeldMeeting(SOC, 2022, 12)) == []
    assert swg_findings(soc(date(2023, 6, 1)), as_of=date(2023, 5, 1)) == []
    assert swg_findings(HeldMeeting(SOC, 2022, 12, date(2022, 12, 14), status="postponed")) == []


def test_swg_max_days_parameter():
    rules = with_params(RULES, SWG_RULE, max_days=3)
    [f] = swg_findings(soc(date(2022, 12, 14)), swg(date(2022, 12, 10)), rules=rules)
    assert "3 days" in f.message


def test_swg_missing_justified():
    history = CycleHistory((soc(date(2022, 12, 14)),), justifications=(Justification(SWG, 2022, "CICA/SOC/2022/4"),))
    [f] = only(SWG_RULE, check(history, AS_OF))
    assert (f.severity, f.justified_by) == (INFO, "CICA/SOC/2022/4")


# Rule 5: the chair follows the host -------------------------------------------------------

def hosted(body: str, year: int, host: str, number: int = 1, **extra) -> HeldMeeting:
    return HeldMeeting(body, year, number=number, host=host, **extra)


def chair_check(meetings, chairs, as_of=date(2017, 1, 1), rules=RULES):
    return only(CHAIR_RULE, check(CycleHistory(tuple(meetings), tuple(chairs)), as_of, rules))


MEETINGS = (hosted(SUMMIT, 2010, "A", 3), hosted(MFA, 2012, "B", 4), hosted(SUMMIT, 2014, "C", 4))


def test_chair_following_the_host_is_fine():
    chairs = (ChairTerm("A", 2010, 2012), ChairTerm("B", 2012, 2014), ChairTerm("C", 2014, None))
    assert chair_check(MEETINGS, chairs) == []


def test_wrong_chair():
    chairs = (ChairTerm("A", 2010, 2014), ChairTerm("C", 2014, None))
    [f] = chair_check(MEETINGS, chairs)
    assert (f.kind, f.body, f.state, f.from_year, f.to_year, f.due_year, f.held_year) == (
        WRONG_CHAIR, MFA, "A", 2012, 2014, 2012, None)
    assert f.severity == WARNING
    assert f.message == "A chaired in 2012-2013; by the rule B, host of the 4th MFA (2012), should have chaired"


def test_wrong_chair_justified_by_the_ledger():
    chairs = (ChairTerm("A", 2010, 2014, justified_by="CICA/MFA/2012/2"), ChairTerm("C", 2014, None))
    [f] = chair_check(MEETINGS, chairs)
    assert (f.severity, f.justified_by) == (INFO, "CICA/MFA/2012/2")


def test_no_chair_in_the_ledger():
    chairs = (ChairTerm("A", 2010, 2012), ChairTerm("C", 2014, None))
    [f] = chair_check(MEETINGS, chairs)
    assert (f.state, f.from_year, f.to_year) == (None, 2012, 2014)
    assert f.message.startswith("No state chaired in 2012-2013")
    assert f.as_dict()["state"] is None


def test_runs_split_by_actual_holder():
    chairs = (ChairTerm("A", 2010, 2012), ChairTerm("X", 2012, 2013), ChairTerm("Y", 2013, 2014),
              ChairTerm("C", 2014, None))
    runs = [(f.state, f.from_year, f.to_year) for f in chair_check(MEETINGS, chairs)]
    assert runs == [("X", 2012, 2013), ("Y", 2013, 2014)]


def test_only_past_years_are_checked():
    chairs = (ChairTerm("A", 2010, None),)
    [f] = chair_check(MEETINGS, chairs, as_of=date(2013, 6, 1))
    assert (f.from_year, f.to_year) == (2012, 2013)


def test_meetings_before_since_and_without_host_give_no_chair():
    meetings = (hosted(SUMMIT, 2006, "K", 2), HeldMeeting(MFA, 2008, number=3))
    assert chair_check(meetings, (ChairTerm("Z", 2000, None),), as_of=date(2012, 1, 1)) == []


def test_last_meeting_chairs_until_the_next_due_year_of_the_other_body():
    # Summit 2014 hosted by C: the next MFA is due 2016, so C is expected in 2014-2015 only.
    chairs = (ChairTerm("A", 2010, 2012), ChairTerm("B", 2012, 2014), ChairTerm("C", 2014, 2015),
              ChairTerm("D", 2015, None))
    [f] = chair_check(MEETINGS, chairs, as_of=date(2020, 1, 1))
    assert (f.state, f.from_year, f.to_year, f.body) == ("D", 2015, 2016, SUMMIT)


def test_chair_since_parameter():
    rules = with_params(RULES, CHAIR_RULE, since=2011)
    chairs = (ChairTerm("Z", 2010, 2012), ChairTerm("B", 2012, 2014), ChairTerm("C", 2014, None))
    assert chair_check(MEETINGS, chairs, rules=rules) == []
    assert len(chair_check(MEETINGS, chairs)) == 1


# JSON form -------------------------------------------------------------------------------

BASE_KEYS = {"rule", "body", "kind", "due_year", "held_year", "severity", "justified_by", "justifying_decision",
             "message"}


def test_json_shape(real_2025):
    data = real_2025.as_dict()
    assert set(data) == {"as_of", "next_due", "findings"}
    assert data["as_of"] == "2025-06-01"
    assert data["next_due"][0] == {"body": SUMMIT, "due_year": 2026}
    assert all(set(n) == {"body", "due_year"} for n in data["next_due"])
    for finding, raw in zip(real_2025.findings, data["findings"], strict=True):
        if finding.kind == WRONG_CHAIR:
            assert set(raw) == BASE_KEYS | {"state", "from_year", "to_year"}
        else:
            assert set(raw) == BASE_KEYS
    late = next(f for f in data["findings"] if f["rule"] == SUMMIT_RULE)
    assert late == {"rule": SUMMIT_RULE, "body": SUMMIT, "kind": LATE, "due_year": 2018, "held_year": 2019,
                    "severity": WARNING, "justified_by": None, "justifying_decision": None,
                    "message": "5th Summit held in 2019, due in 2018: one year late"}
    assert json.loads(json.dumps(data)) == data


# The rules as data --------------------------------------------------------------------------

def test_rules_are_data_with_parameters():
    assert [r.kind for r in RULES] == ["every_n_years", "every_n_years", "annual", "precedes", "chair_follows_host"]
    assert [r.id for r in RULES] == [SUMMIT_RULE, MFA_RULE, SOC_RULE, SWG_RULE, CHAIR_RULE]
    assert RULES[0].params == {"period": 4, "anchor": 2002, "since": 2002, "until": None}
    assert RULES[4].body == CHAIR and RULES[4].params["since"] == 2009
    assert all(r.description for r in RULES)


def test_other_period_and_anchor():
    rules = (Rule("every-3", "every_n_years", SUMMIT, {"period": 3, "anchor": 2000}),)
    result = check(CycleHistory(summits(2000, 2003, 2007)), date(2010, 1, 1), rules)
    assert [(f.kind, f.due_year, f.held_year) for f in result.findings] == [(LATE, 2006, 2007), (MISSING, 2009, None)]
    assert result.next_due == (NextDue(SUMMIT, 2012),)


def test_no_rules_no_findings():
    assert check(real_history(), date(2025, 6, 1), rules=()) == CheckResult(date(2025, 6, 1), (), ())


def test_unknown_kind_or_missing_anchor_is_an_error():
    with pytest.raises(ValueError):
        check(CycleHistory(), date(2025, 1, 1), (Rule("x", "fortnightly", SOC),))
    with pytest.raises(ValueError):
        check(CycleHistory(), date(2025, 1, 1), (Rule("x", "every_n_years", MFA, {"period": 4, "after": "nope"}),))
    with pytest.raises(KeyError):
        with_params(RULES, "nope", since=1)
