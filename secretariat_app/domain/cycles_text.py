"""The words of the cycle findings: each finding carries a code and plain
parameters (numbers, years, body codes, the English names of states, a
decision's reference), and `finding_text` writes it out in a language.

The messages are English templates marked with N_ so that Babel extracts them;
the caller gives `gettext` (the page's or the mail's catalogue; the default
leaves English, as `flask cycles check` prints it), the language (for ordinals
and dates) and `state_name` (a state's name in that language, from its English
name). No Flask, no database: the web layer passes those in.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from babel.dates import format_date

from secretariat_app.domain.violations import N_

Translate = Callable[[str], str]

# Finding codes
RHYTHM_LATE, RHYTHM_EARLY = "rhythm_late", "rhythm_early"
RHYTHM_MISSING, RHYTHM_EXTRA = "rhythm_missing", "rhythm_extra"
ANNUAL_MISSING, PREPARATION_MISSING, WRONG_CHAIR = "annual_missing", "preparation_missing", "wrong_chair"
WRONG_CHAIR_NEXT, WRONG_CHAIR_ROTATION = "wrong_chair_next", "wrong_chair_rotation"

MESSAGES = {
    RHYTHM_LATE: N_("%(meeting)s, due in %(due_year)d: %(gap)s late"),
    RHYTHM_EARLY: N_("%(meeting)s, due in %(due_year)d: %(gap)s early"),
    RHYTHM_MISSING: N_("%(body)s due in %(due_year)d was not held"),
    RHYTHM_EXTRA: N_("%(meeting)s answers no due year of the %(rhythm)s rhythm"),
    ANNUAL_MISSING: N_("No %(body)s met in %(year)d: it must meet at least once a year"),
    PREPARATION_MISSING: N_("No %(body)s prepared the %(target)s of %(day)s (none in the %(max_days)d days before it)"),
    WRONG_CHAIR: N_("%(holder)s chaired %(span)s; by the rule %(host)s, host of the %(meeting)s (%(year)d),"
                    " should have chaired"),
    WRONG_CHAIR_NEXT: N_("%(holder)s chaired %(span)s; by the rule %(host)s, host of the next %(meeting)s"
                         " (%(year)d), should have chaired"),
    WRONG_CHAIR_ROTATION: N_("%(holder)s chaired %(span)s; by the rotation %(expected)s should have chaired"),
}
APPROVED = N_("%(message)s (approved by %(reference)s)")
JUSTIFIED = N_("%(message)s; justified by %(decision)s")
# A decision by the meeting it was taken at: "the 4th MFA (Astana, September 2012)".
DECISION_AT = N_("the %(meeting)s (%(place)s)")
ONLINE = N_("online")

# The bodies as the findings name them, alone and with their number ("5th Summit").
BODY_WORDS = {"SUMMIT": N_("Summit"), "MFA": N_("MFA"), "MFA_INFORMAL": N_("informal MFA"), "SOC": N_("SOC"),
              "SWG": N_("SWG")}
NUMBERED_BODY_WORDS = {"SUMMIT": N_("%(nth)s Summit"), "MFA": N_("%(nth)s MFA"),
                       "MFA_INFORMAL": N_("%(nth)s informal MFA"), "SOC": N_("%(nth)s SOC"), "SWG": N_("%(nth)s SWG")}
STATUS_WORDS = {"held": N_("%(meeting)s held in %(year)d"), "planned": N_("%(meeting)s planned for %(year)d"),
                "confirmed": N_("%(meeting)s confirmed for %(year)d"),
                "postponed": N_("%(meeting)s postponed to %(year)d")}
YEARS_WORDS = {1: N_("one year"), 2: N_("two years"), 3: N_("three years"), 4: N_("four years"),
               5: N_("five years"), 6: N_("six years"), 7: N_("seven years"), 8: N_("eight years"),
               9: N_("nine years")}
MANY_YEARS = N_("%(n)d years")
RHYTHM_WORDS = {2: N_("two-year"), 3: N_("three-year"), 4: N_("four-year"), 5: N_("five-year")}
OTHER_RHYTHM = N_("%(n)d-year")
ONE_YEAR_SPAN, YEARS_SPAN = N_("in %(year)d"), N_("in %(first)d-%(last)d")
NO_STATE = N_("No state")
DUE = N_("%(body)s due in %(year)d")


def _english(message: str) -> str:
    return message


def _same(name: str) -> str:
    return name


def ordinal(n: int, language: str) -> str:
    """'5th' in English; elsewhere the number alone, the catalogue's message
    adding the ending that agrees with the noun ("%(nth)s-й саммит")."""
    if language != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Words:
    """The pieces the messages are made of, in one language."""

    def __init__(self, gettext: Translate = _english, language: str = "en", state_name: Translate = _same):
        self._, self.language, self.state_name = gettext, language, state_name

    def body(self, code: str) -> str:
        return self._(BODY_WORDS[code]) if code in BODY_WORDS else code

    def meeting(self, meeting: Mapping[str, Any]) -> str:
        """'5th Summit', or 'Summit' when the meeting has no number."""
        body, number = meeting["body"], meeting.get("number")
        if not number:
            return self.body(body)
        if body not in NUMBERED_BODY_WORDS:
            return f"{ordinal(number, self.language)} {body}"
        return self._(NUMBERED_BODY_WORDS[body]) % {"nth": ordinal(number, self.language)}

    def meeting_when(self, meeting: Mapping[str, Any]) -> str:
        """'5th Summit held in 2019', '7th Summit planned for 2026'."""
        template = STATUS_WORDS.get(meeting.get("status", "held"), STATUS_WORDS["held"])
        return self._(template) % {"meeting": self.meeting(meeting), "year": meeting["year"]}

    def years(self, n: int) -> str:
        return self._(YEARS_WORDS[n]) if n in YEARS_WORDS else self._(MANY_YEARS) % {"n": n}

    def rhythm(self, period: int) -> str:
        """'four-year'."""
        return self._(RHYTHM_WORDS[period]) if period in RHYTHM_WORDS else self._(OTHER_RHYTHM) % {"n": period}

    def span(self, from_year: int, to_year: int) -> str:
        """'in 2018' or 'in 2012-2013' for the years [from_year, to_year)."""
        last = to_year - 1
        if last == from_year:
            return self._(ONE_YEAR_SPAN) % {"year": from_year}
        return self._(YEARS_SPAN) % {"first": from_year, "last": last}

    def due(self, body: str, year: int) -> str:
        """'MFA due in 2028'."""
        return self._(DUE) % {"body": self.body(body), "year": year}

    def day(self, iso_day: str) -> str:
        return str(format_date(date.fromisoformat(iso_day), "d MMMM y", locale=self.language))

    def state(self, name: str | None) -> str:
        return self.state_name(name) if name else self._(NO_STATE)

    def month(self, year: int, month: int | None) -> str:
        """'September 2012' (the month's standalone name), or the year alone."""
        if not month:
            return str(year)
        return str(format_date(date(year, month, 1), "LLLL y", locale=self.language))

    def decision(self, decision: Mapping[str, Any]) -> str:
        """'the 4th MFA (Astana, September 2012)'; online when the meeting had no city."""
        city = (decision.get("city_ru") if self.language == "ru" else "") or decision.get("city") or self._(ONLINE)
        place = f"{city}, {self.month(decision['year'], decision.get('month'))}"
        return self._(DECISION_AT) % {"meeting": self.meeting(decision), "place": place}


def finding_text(code: str, params: Mapping[str, Any], words: Words | None = None) -> str:
    """The finding `code` with `params`, in the language of `words` (English by default)."""
    w = words or Words()
    p = params
    if code in (RHYTHM_LATE, RHYTHM_EARLY):
        values = {"meeting": w.meeting_when(p["meeting"]), "due_year": p["due_year"], "gap": w.years(p["gap"])}
    elif code == RHYTHM_MISSING:
        values = {"body": w.body(p["body"]), "due_year": p["due_year"]}
    elif code == RHYTHM_EXTRA:
        values = {"meeting": w.meeting_when(p["meeting"]), "rhythm": w.rhythm(p["period"])}
    elif code == ANNUAL_MISSING:
        values = {"body": w.body(p["body"]), "year": p["year"]}
    elif code == PREPARATION_MISSING:
        values = {"body": w.body(p["body"]), "target": w.meeting(p["target"]), "day": w.day(p["day"]),
                  "max_days": p["max_days"]}
    elif code in (WRONG_CHAIR, WRONG_CHAIR_NEXT):
        values = {"holder": w.state(p["holder"]), "span": w.span(p["from_year"], p["to_year"]),
                  "host": w.state(p["host"]), "meeting": w.meeting(p["meeting"]), "year": p["meeting"]["year"]}
    elif code == WRONG_CHAIR_ROTATION:
        values = {"holder": w.state(p["holder"]), "span": w.span(p["from_year"], p["to_year"]),
                  "expected": w.state(p["expected"])}
    else:
        raise ValueError(f"unknown finding code {code!r}")
    message = w._(MESSAGES[code]) % values
    if p.get("decision"):
        message = w._(JUSTIFIED) % {"message": message, "decision": w.decision(p["decision"])}
    elif p.get("justified_by"):
        message = w._(APPROVED) % {"message": message, "reference": p["justified_by"]}
    return message


def decision_text(decision: Mapping[str, Any], words: Words | None = None) -> str:
    """A decision of the history by its meeting: 'the 4th MFA (Astana, September 2012)'."""
    return (words or Words()).decision(decision)


# The rules by their ids (domain/cycles_rules.py makes the ids from the rules file).
RULE_LABELS = {"chair-follows-host": N_("Chair follows the host"),
               "chair-host-of-next": N_("Chair: the host of the next meeting"),
               "chair-rotation": N_("Chair rotates in a fixed order")}
EVERY_YEARS_LABEL, EVERY_YEAR_LABEL = N_("%(body)s every %(years)s"), N_("%(body)s every year")
BEFORE_LABEL = N_("%(body)s before each %(before)s")
_EVERY_YEARS = re.compile(r"^([a-z_]+)-every-(\d+)-years$")
_EVERY_YEAR = re.compile(r"^([a-z_]+)-every-year$")
_BEFORE = re.compile(r"^([a-z_]+)-before-([a-z_]+)$")


def rule_label(rule_id: str, words: Words | None = None) -> str:
    """'Summit every four years', 'SWG before each SOC', 'Chair follows the host'; an id it does not know, as is."""
    w = words or Words()
    if rule_id in RULE_LABELS:
        return w._(RULE_LABELS[rule_id])
    if match := _EVERY_YEARS.match(rule_id):
        return w._(EVERY_YEARS_LABEL) % {"body": w.body(match[1].upper()), "years": w.years(int(match[2]))}
    if match := _EVERY_YEAR.match(rule_id):
        return w._(EVERY_YEAR_LABEL) % {"body": w.body(match[1].upper())}
    if match := _BEFORE.match(rule_id):
        return w._(BEFORE_LABEL) % {"body": w.body(match[1].upper()), "before": w.body(match[2].upper())}
    return rule_id
