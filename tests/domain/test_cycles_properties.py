"""Properties of the cycle rules on generated histories.

A history kept on the rhythm (Summits and MFAs on their grids, an SOC every
year with an SWG a few days before it, a chair ledger following the hosts)
gives no warning. Moving one Summit or MFA, or leaving out one in the past,
gives exactly one finding of the meeting rules, about that meeting or due year.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat_app.domain.cycles import (
    EARLY,
    LATE,
    MFA,
    MISSING,
    SOC,
    SUMMIT,
    SWG,
    WARNING,
    ChairTerm,
    CycleHistory,
    HeldMeeting,
    with_params,
)
from secretariat_app.domain.cycles import check as engine_check
from tests.cica_rules import CICA_RULES as RULES


def check(history, as_of, rules=RULES):
    return engine_check(history, as_of, rules)


SUMMIT_RULE, MFA_RULE, CHAIR_RULE = "summit-every-4-years", "mfa-every-4-years", "chair-follows-host"
MEETING_RULES = (SUMMIT_RULE, MFA_RULE)
PERIOD = 4
STATES = ("Azerbaijan", "China", "India", "Kazakhstan", "Mongolia", "Tajikistan", "Thailand", "Türkiye")

SETTINGS = settings(max_examples=150, deadline=None, database=None)


@dataclass(frozen=True)
class Case:
    anchor: int
    as_of: date
    rules: tuple
    history: CycleHistory

    def first_due(self, body: str) -> int:
        return self.anchor if body == SUMMIT else self.anchor + 2


def chair_ledger(meetings) -> tuple[ChairTerm, ...]:
    """Each host chairs from its meeting to the next Summit or MFA; the last one has no end."""
    hosting = sorted((m for m in meetings if m.body in (SUMMIT, MFA)), key=lambda m: m.year)
    return tuple(ChairTerm(m.host, m.year, hosting[i + 1].year if i + 1 < len(hosting) else None)
                 for i, m in enumerate(hosting))


@st.composite
def on_rhythm(draw) -> Case:
    anchor = draw(st.integers(1990, 2015), label="anchor")
    as_of = draw(st.dates(date(anchor, 1, 1), date(2040, 12, 31)), label="as_of")
    rnd = draw(st.randoms(use_true_random=False))
    rules = with_params(RULES, SUMMIT_RULE, anchor=anchor, since=None)
    rules = with_params(rules, MFA_RULE, anchor=anchor + 2, since=None)  # two years after the Summit
    rules = with_params(rules, CHAIR_RULE, since=draw(st.integers(anchor - 5, anchor + 10), label="chair since"))

    def status(year: int) -> str:
        return "held" if year < as_of.year else rnd.choice(("held", "planned", "confirmed"))

    meetings: list[HeldMeeting] = []
    for body, first in ((SUMMIT, anchor), (MFA, anchor + 2)):
        for number, year in enumerate(range(first, as_of.year + 1, PERIOD), 1):
            meetings.append(HeldMeeting(body, year, rnd.randint(1, 12), number=number,
                                        host=rnd.choice(STATES), status=status(year)))
    chairs = chair_ledger(meetings)

    next_id = 1
    for year in range(anchor, as_of.year):
        soc_day = date(year, rnd.randint(1, 12), rnd.randint(1, 28))
        soc = HeldMeeting(SOC, year, soc_day.month, soc_day, meeting_id=next_id)
        swg_day = soc_day - timedelta(days=rnd.randint(0, 14))
        linked = rnd.random() < 0.5  # half the SWGs name their SOC, the others are simply a few days before
        swg = HeldMeeting(SWG, swg_day.year, swg_day.month, swg_day, meeting_id=next_id + 1,
                          prepares_id=next_id if linked else None)
        meetings += [soc, swg]
        next_id += 2
    rnd.shuffle(meetings)  # the engine must not rely on the order it is given
    return Case(anchor, as_of, rules, CycleHistory(tuple(meetings), chairs))


@SETTINGS
@given(on_rhythm())
def test_history_on_the_rhythm_gives_no_warning(case: Case):
    result = check(case.history, case.as_of, case.rules)
    assert [f for f in result.findings if f.severity == WARNING] == []
    assert result.findings == ()


@SETTINGS
@given(on_rhythm())
def test_next_due_on_the_rhythm(case: Case):
    due = {n.body: n.due_year for n in check(case.history, case.as_of, case.rules).next_due}
    for body in (SUMMIT, MFA):
        first = case.first_due(body)
        slot = first + max(0, -(-(case.as_of.year - first) // PERIOD)) * PERIOD
        held_then = any(m.body == body and m.year == slot and m.status == "held" for m in case.history.meetings)
        assert due[body] == slot + (PERIOD if held_then else 0)
    assert due[SOC] == due[SWG] == case.as_of.year


def _meeting_findings(case: Case, meetings) -> list:
    history = replace(case.history, meetings=tuple(meetings))
    result = check(history, case.as_of, case.rules)
    assert all(f.rule in MEETING_RULES + (CHAIR_RULE,) for f in result.findings)
    return [f for f in result.findings if f.rule in MEETING_RULES]


@SETTINGS
@given(on_rhythm(), st.data())
def test_one_meeting_moved_gives_one_finding(case: Case, data):
    targets = [m for m in case.history.meetings if m.body in (SUMMIT, MFA)]
    target = data.draw(st.sampled_from(targets), label="moved")
    first = case.first_due(target.body)
    # Not before the rule's first due year: such a meeting would be outside the rule.
    # Moving by at most 3 years keeps it off its neighbours' years (4 years away).
    delta = data.draw(st.sampled_from((-3, -2, -1, 1, 2, 3)).filter(lambda d: target.year + d >= first), label="by")
    new_year = target.year + delta
    moved = replace(target, year=new_year, status="held" if new_year < case.as_of.year else "planned")
    others = [m for m in case.history.meetings if m is not target]

    [finding] = _meeting_findings(case, others + [moved])
    assert finding.body == target.body
    assert finding.held_year == new_year
    assert finding.kind == (LATE if new_year > finding.due_year else EARLY)
    assert 1 <= abs(new_year - finding.due_year) <= PERIOD - 1
    if target.year < case.as_of.year:
        assert finding.due_year == target.year  # a past due year keeps its meeting, late or early


@SETTINGS
@given(on_rhythm(), st.data())
def test_one_past_meeting_left_out_gives_one_finding(case: Case, data):
    past = [m for m in case.history.meetings if m.body in (SUMMIT, MFA) and m.year < case.as_of.year]
    if not past:
        return
    target = data.draw(st.sampled_from(past), label="left out")
    [finding] = _meeting_findings(case, [m for m in case.history.meetings if m is not target])
    assert (finding.body, finding.kind) == (target.body, MISSING)
    assert (finding.due_year, finding.held_year) == (target.year, None)


BODIES = st.sampled_from((SUMMIT, MFA, SOC, SWG))
ANY_MEETING = st.builds(
    HeldMeeting, body=BODIES, year=st.integers(1995, 2035), month=st.none() | st.integers(1, 12),
    number=st.none() | st.integers(1, 9), host=st.none() | st.sampled_from(STATES),
    status=st.sampled_from(("held", "planned", "confirmed", "postponed")),
)
ANY_CHAIR = st.builds(ChairTerm, state=st.sampled_from(STATES), start_year=st.integers(2000, 2030),
                      end_year=st.none() | st.integers(2000, 2035))


@SETTINGS
@given(st.lists(ANY_MEETING, max_size=25), st.lists(ANY_CHAIR, max_size=5),
       st.dates(date(1995, 1, 1), date(2040, 1, 1)))
def test_any_history_gives_sorted_findings_in_json(meetings, chairs, as_of):
    result = check(CycleHistory(tuple(meetings), tuple(chairs)), as_of)
    keys = [f.sort_key()[:3] for f in result.findings]
    assert keys == sorted(keys)
    assert json.loads(json.dumps(result.as_dict(), ensure_ascii=False)) == result.as_dict()
    assert [n.body for n in result.next_due] == [SUMMIT, MFA, SOC, SWG]
    assert all(n.due_year >= as_of.year for n in result.next_due)
    for body in (SUMMIT, MFA):
        # Each meeting answers at most one due year and each due year at most one meeting.
        paired = [f for f in result.findings if f.body == body and f.kind in (LATE, EARLY)]
        assert len({f.due_year for f in paired}) == len(paired)
        assert len(paired) <= sum(1 for m in meetings if m.body == body)
