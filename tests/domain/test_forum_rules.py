"""A forum's rules file: read, checked, every problem named by file, key and what is wrong."""
from __future__ import annotations

import pytest

from secretariat_app.domain.forum_rules import (
    HOST_OF_LAST,
    ROTATION,
    ChairRule,
    Rhythm,
    RulesFileError,
    parse_rules,
    read_rules_file,
)
from tests.cica_rules import CICA_RULES_FILE

BODIES = {"SUMMIT", "MFA", "MFA_INFORMAL", "SOC", "SWG"}
STATES = {"Azerbaijan", "China", "India", "Kazakhstan"}
FORUM = '[forum]\nname = "F"\ntime_zone = "Asia/Almaty"\n'


def problems(text: str, **known) -> list[str]:
    with pytest.raises(RulesFileError) as error:
        parse_rules(text, "f.toml", **known)
    return [p.render() for p in error.value.problems]


def test_cicas_file_reads_as_the_issue_writes_it():
    rules = read_rules_file(CICA_RULES_FILE, bodies=BODIES)
    assert (rules.name, rules.time_zone, rules.version) == ("CICA", "Asia/Almaty", "2009 amendment")
    assert rules.rhythms == (Rhythm("SUMMIT", 4, 2002, 2002), Rhythm("MFA", 4, 2004, 2004), Rhythm("SOC", 1),
                             Rhythm("SWG", before="SOC", days=14))
    assert rules.chairs == (ChairRule("none", 2002), ChairRule(HOST_OF_LAST, 2009, ("SUMMIT", "MFA"), 2))


def test_a_rotation_and_the_keys_of_the_issue():
    rules = parse_rules(FORUM + '[[rhythm]]\nbody = "SUMMIT"\nevery_years = 3\nfirst_year = 2005\nsince = 2005\n'
                        '[[chair]]\nsince = 2005\nrule = "rotation"\norder = ["China", "India"]\n'
                        'first_year = 2005\nterm_years = 2\n', bodies=BODIES, states=STATES)
    assert rules.rhythms == (Rhythm("SUMMIT", 3, 2005, 2005),)
    assert rules.chairs == (ChairRule(ROTATION, 2005, order=("China", "India"), first_year=2005, term_years=2),)


@pytest.mark.parametrize("text, expected", [
    ("[forum\n", "f.toml: not a valid TOML file: "),
    ('name = "x"\n', "f.toml, name: unknown key (known here: forum, rhythm, chair)"),
    ("", "f.toml, forum: missing: a [forum] table with name and time_zone is required"),
    ('[forum]\ntime_zone = "Asia/Almaty"\n', "f.toml, forum.name: missing: a text is required"),
    ('[forum]\nname = "F"\ntime_zone = "Mars/Olympus"\n',
     "f.toml, forum.time_zone: unknown time zone 'Mars/Olympus' (use a name such as Asia/Almaty)"),
    ('[forum]\nname = ""\ntime_zone = "UTC"\n', "f.toml, forum.name: must be a text that is not empty, not ''"),
    ('rhythm = 3\n' + FORUM, "f.toml, rhythm: must be written as [[rhythm]] tables"),
    (FORUM + '[[rhythm]]\nbody = "SUMMIT"\nevery_year = 4\nfirst_year = 2002\n',
     "f.toml, rhythm[1].every_year: unknown key (known here: body, every_years, first_year, since, before, days)"),
    (FORUM + '[[rhythm]]\nbody = "SUMMIT"\nevery_years = "four"\nfirst_year = 2002\n',
     "f.toml, rhythm[1].every_years: must be a whole number from 1 to 100, not 'four'"),
    (FORUM + '[[rhythm]]\nbody = "SUMMIT"\nevery_years = true\nfirst_year = 2002\n',
     "f.toml, rhythm[1].every_years: must be a whole number from 1 to 100, not True"),
    (FORUM + '[[rhythm]]\nbody = "SUMMIT"\nevery_years = 4\n',
     "f.toml, rhythm[1].first_year: missing: a whole number from 1900 to 2200 is required"),
    (FORUM + '[[rhythm]]\nbody = "SUMMIT"\nevery_years = 4\nfirst_year = 20020\n',
     "f.toml, rhythm[1].first_year: must be a whole number from 1900 to 2200, not 20020"),
    (FORUM + '[[rhythm]]\nbody = "COUNCIL"\nevery_years = 1\n',
     "f.toml, rhythm[1].body: unknown body 'COUNCIL' (known: MFA, MFA_INFORMAL, SOC, SUMMIT, SWG)"),
    (FORUM + '[[rhythm]]\nbody = "SWG"\nbefore = "SOC"\ndays = 3\nevery_years = 1\n',
     "f.toml, rhythm[1].every_years: not with 'before': a body meets either every n years or before each "
     "meeting of another body"),
    (FORUM + '[[rhythm]]\nbody = "SWG"\nbefore = "SWG"\ndays = 3\n',
     "f.toml, rhythm[1].before: a body cannot meet before its own meetings"),
    (FORUM + '[[rhythm]]\nbody = "SWG"\nbefore = "SOC"\ndays = 400\n',
     "f.toml, rhythm[1].days: must be a whole number from 0 to 366, not 400"),
    (FORUM + '[[rhythm]]\nbody = "SWG"\nbefore = "SOC"\n',
     "f.toml, rhythm[1].days: missing: a whole number from 0 to 366 is required"),
    (FORUM + '[[rhythm]]\nbody = "SOC"\nevery_years = 1\ndays = 3\n',
     "f.toml, rhythm[1].days: only with 'before' (the body it prepares)"),
    (FORUM + '[[rhythm]]\nbody = "SOC"\nevery_years = 1\nsince = 2002\n'
     '[[rhythm]]\nbody = "SOC"\nevery_years = 2\nfirst_year = 2002\nsince = 2002\n',
     "f.toml, rhythm[2].since: SOC already has a rhythm from that year (rhythm[1]): give each rhythm of a body "
     "the year it took effect"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "follows"\n',
     "f.toml, chair[1].rule: must be one of host-of-last, host-of-next, rotation, none, not 'follows'"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "host-of-last"\n',
     "f.toml, chair[1].bodies: must be a list of one or more names, not None"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "host-of-last"\nbodies = ["SUMMIT", "COUNCIL"]\n',
     "f.toml, chair[1].bodies: unknown body 'COUNCIL'"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "rotation"\norder = ["China"]\nterm_years = 2\n',
     "f.toml, chair[1].first_year: missing: a whole number from 1900 to 2200 is required"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "rotation"\norder = ["China", "Atlantis"]\nfirst_year = 2009\n'
     'term_years = 2\n', "f.toml, chair[1].order: unknown state 'Atlantis'"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "rotation"\norder = ["China", "China"]\nfirst_year = 2009\n'
     'term_years = 2\n', "f.toml, chair[1].order: 'China' is named twice"),
    (FORUM + '[[chair]]\nsince = 2009\nrule = "none"\n[[chair]]\nsince = 2009\nrule = "none"\n',
     "f.toml, chair[2].since: another chair rule takes effect that year (chair[1])"),
])
def test_each_problem_names_the_file_the_key_and_what_is_wrong(text, expected):
    found = problems(text, bodies=BODIES, states=STATES)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_at_once():
    found = problems('[forum]\nname = "F"\ntime_zone = "Nowhere/Land"\n'
                     '[[rhythm]]\nbody = "SUMMIT"\nevery_years = 0\nfirst_year = 2002\n'
                     '[[chair]]\nrule = "rotation"\norder = []\nterm_years = 0\n', bodies=BODIES)
    assert [p.split(":")[0] for p in found] == [
        "f.toml, forum.time_zone", "f.toml, rhythm[1].every_years", "f.toml, chair[1].order",
        "f.toml, chair[1].first_year", "f.toml, chair[1].term_years"]


def test_a_key_of_another_chair_rule_is_left_unused():
    rules = parse_rules(FORUM + '[[chair]]\nrule = "rotation"\norder = ["China"]\nfirst_year = 2005\n'
                        'bodies = ["SUMMIT"]\n[[chair]]\nsince = 2010\nrule = "none"\nterm_years = 2\n')
    assert rules.chairs == (ChairRule(ROTATION, None, order=("China",), first_year=2005, term_years=2),
                            ChairRule("none", 2010))


def test_a_rotations_term_is_two_years_unless_said():
    rules = parse_rules(FORUM + '[[chair]]\nrule = "rotation"\norder = ["China", "India"]\nfirst_year = 2005\n')
    assert rules.chairs[0].term_years == 2


def test_names_are_only_checked_when_known():
    rules = parse_rules(FORUM + '[[rhythm]]\nbody = "COUNCIL"\nevery_years = 2\nfirst_year = 2000\n'
                        '[[chair]]\nrule = "rotation"\norder = ["Atlantis"]\nfirst_year = 2000\nterm_years = 1\n')
    assert rules.rhythms[0].body == "COUNCIL" and rules.chairs[0].order == ("Atlantis",)


def test_a_problem_is_written_in_the_readers_language():
    [problem] = pytest.raises(RulesFileError, parse_rules, FORUM + '[[chair]]\nrule = "x"\n', "f.toml").value.problems
    assert (problem.file, problem.key) == ("f.toml", "chair[1].rule")
    shouted = problem.render(lambda message: message.replace("must be", "MUST BE"))  # through the catalogue
    assert shouted.startswith("f.toml, chair[1].rule: MUST BE one of host-of-last")


def test_a_file_that_is_not_utf8_or_not_there(tmp_path):
    assert problems(b"\xff\xfe[forum]") == ["f.toml: not a text file in UTF-8"]
    with pytest.raises(RulesFileError) as error:
        read_rules_file(tmp_path / "absent.toml")
    assert error.value.problems[0].render().startswith("absent.toml: cannot be read: ")
