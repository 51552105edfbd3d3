"""The forum's rules on the database: the history's chairmanship decisions, the
command line with any rules file, the RULES_FILE setting of the daily check, and
versions uploaded with an effective date that never rewrite past findings."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from secretariat_app.accounts.services.reference_data import DATA_DIR
from secretariat_app.audit.models import AuditEntry
from secretariat_app.cycles.models import CycleFinding, CycleRulesVersion
from secretariat_app.cycles.services import check as cycle_check
from secretariat_app.cycles.services import rules as rules_service
from secretariat_app.cycles.services.history_import import HistoryImportError, import_history
from secretariat_app.decisions.models import ChairmanshipDecision, Decision, DecisionStatus
from secretariat_app.domain.forum_rules import RulesFileError
from secretariat_app.domain.violations import RuleViolations
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from tests.cica_rules import CICA_RULES_FILE
from tests.factories import officer

AS_OF = date(2025, 6, 1)
TRIENNIAL = Path(__file__).resolve().parents[1] / "forums" / "triennial"


@pytest.fixture
def history(reference):
    import_history(DATA_DIR, today=AS_OF)


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


# The history's decisions on the chairmanship -------------------------------------------

def test_each_chairmanship_decision_is_a_decision_of_its_meeting_linked_to_the_chairmanship(history):
    links = db.session.scalars(select(ChairmanshipDecision).order_by(ChairmanshipDecision.id)).all()
    assert len(links) == 7
    turkiye = next(link for link in links if link.kind == "extended")
    decision = turkiye.decision
    assert (decision.reference, decision.status, decision.adopted_on) == (
        "MFA/2012/CHAIR/TUR", DecisionStatus.ADOPTED, date(2012, 9, 1))
    meeting = db.session.get(Meeting, decision.meeting_id)
    assert (meeting.body.code, meeting.number, meeting.city) == ("MFA", 4, "Astana")
    assert (turkiye.chairmanship.state.name_en, turkiye.chairmanship.starts_on) == ("Türkiye", date(2010, 1, 1))
    assert decision.title_en == "Chairmanship of Türkiye: extended" and "Турция" in decision.title_ru
    handed = next(link for link in links if link.decision.reference == "MFA_INFORMAL/2020/CHAIR/KAZ")
    assert db.session.get(Meeting, handed.decision.meeting_id).format.value == "online"
    assert not import_history(DATA_DIR, today=AS_OF).changed  # a second import changes nothing
    assert db.session.scalar(select(func.count(Decision.id))) == 7


def test_a_decision_of_a_meeting_not_in_the_history_stops_the_import(reference, tmp_path):
    shutil.copytree(TRIENNIAL, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "chairmanship_decisions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("SUMMIT,2015,6", "SUMMIT,2015,7"), encoding="utf-8")
    with pytest.raises(HistoryImportError) as error:
        import_history(tmp_path, today=AS_OF)
    assert str(error.value) == ("chairmanship_decisions.csv, row 2, column month: "
                                "no SUMMIT meeting in 2015-07 in the history")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0  # all or nothing


def test_a_decision_on_a_chairmanship_the_ledger_does_not_hold(app, reference, tmp_path):
    shutil.copytree(TRIENNIAL, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "chairmanship_decisions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("China,2015", "China,2016"), encoding="utf-8")
    result = cli(app, "cycles", "import-history", str(tmp_path))
    assert result.exit_code != 0
    assert ("nothing imported: chairmanship_decisions.csv, row 2, column start_year: no chairmanship of China "
            "from 2016 in chairmanships_history.csv") in result.output


# The command line -----------------------------------------------------------------------

def test_check_json_gives_each_findings_justifying_decision_and_the_rules(app, history):
    result = cli(app, "cycles", "check", "--as-of", "2025-06-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rules"]["forum"] == "CICA" and data["rules"]["file"].endswith("cica.toml")
    assert data["rules"]["version"] == "2009 amendment" and data["rules"]["effective_on"] is None
    chair = {f["state"]: f for f in data["findings"] if f["rule"] == "chair-follows-host"}
    assert {state: f["severity"] for state, f in chair.items()} == {
        "Türkiye": "info", "Tajikistan": "info", "Kazakhstan": "info"}
    assert chair["Türkiye"]["justified_by"] == "MFA/2012/CHAIR/TUR"
    assert chair["Türkiye"]["justifying_decision"]["text"] == "the 4th MFA (Astana, September 2012)"
    assert chair["Türkiye"]["justifying_decision"]["kind"] == "extended"
    assert chair["Tajikistan"]["justifying_decision"]["text"] == "the informal MFA (New York, September 2018)"
    assert chair["Kazakhstan"]["justifying_decision"]["text"] == "the informal MFA (online, September 2020)"
    assert chair["Türkiye"]["message"].endswith("; justified by the 4th MFA (Astana, September 2012)")
    summit = next(f for f in data["findings"] if f["rule"] == "summit-every-4-years")
    assert (summit["severity"], summit["justified_by"], summit["justifying_decision"]) == ("warning", None, None)


def test_check_with_cicas_rules_file_gives_what_the_rules_in_force_give(app, history):
    by_file = cli(app, "cycles", "check", "--rules", str(CICA_RULES_FILE), "--as-of", "2025-06-01", "--json")
    in_force = cli(app, "cycles", "check", "--as-of", "2025-06-01", "--json")
    assert by_file.exit_code == 0, by_file.output
    file_data, force_data = json.loads(by_file.output), json.loads(in_force.output)
    assert file_data["findings"] == force_data["findings"]
    assert file_data["next_due"] == force_data["next_due"]
    text = cli(app, "cycles", "check", "--rules", str(CICA_RULES_FILE), "--as-of", "2025-06-01").output
    assert "Rules: CICA (" in text and "SUMMIT         2026" in text


def test_check_refuses_a_bad_rules_file_with_its_problems(app, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[forum]\nname = "B"\ntime_zone = "Asia/Almaty"\n[[rhythm]]\nbody = "SUMMIT"\n'
                   'every_years = "four"\nfirst_year = 2002\n', encoding="utf-8")
    result = cli(app, "cycles", "check", "--rules", str(bad))
    assert result.exit_code != 0
    assert "bad.toml, rhythm[1].every_years: must be a whole number from 1 to 100, not 'four'" in result.output
    missing = cli(app, "cycles", "check", "--rules", str(tmp_path / "none.toml"))
    assert missing.exit_code != 0 and "rules not usable" in missing.output
    assert cli(app, "cycles", "check", "--rules", str(bad), "--record").exit_code != 0


def test_another_forums_history_and_rules_through_the_command_line(app, reference):
    imported = cli(app, "cycles", "import-history", str(TRIENNIAL))
    assert imported.exit_code == 0, imported.output
    expected = json.loads((TRIENNIAL / "expected.json").read_text(encoding="utf-8"))
    result = cli(app, "cycles", "check", "--rules", str(TRIENNIAL / "rules.toml"), "--as-of", expected["as_of"],
                 "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {n["body"]: n["due_year"] for n in data["next_due"]} == expected["next_due"]
    found = sorted((f["rule"], f["kind"], f["due_year"], f["held_year"], f.get("state"), f["severity"])
                   for f in data["findings"])
    assert found == sorted(tuple(d) for d in expected["departures"])
    china = next(f for f in data["findings"] if f.get("state") == "China")
    assert china["justifying_decision"]["text"] == "the 4th Summit (Beijing, June 2015)"
    assert data["rules"]["forum"] == "Triennial Dialogue"


def test_another_forum_checked_from_its_files_states_unknown_to_the_database(app, reference, tmp_path):
    for path in TRIENNIAL.iterdir():  # a state no reference file knows
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8").replace("Mongolia", "Ruritania"),
                                          encoding="utf-8")
    expected = json.loads((TRIENNIAL / "expected.json").read_text(encoding="utf-8"))
    result = cli(app, "cycles", "check", "--rules", str(tmp_path / "rules.toml"), "--history", str(tmp_path),
                 "--as-of", expected["as_of"], "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    found = sorted((f["rule"], f["kind"], f["due_year"], f["held_year"], f.get("state"), f["severity"])
                   for f in data["findings"])
    assert found == sorted(tuple(d) for d in expected["departures"])
    assert db.session.scalar(select(func.count(Meeting.id))) == 0  # nothing was imported
    refused = cli(app, "cycles", "check", "--rules", str(tmp_path / "rules.toml"), "--as-of", "2025-06-01")
    assert refused.exit_code != 0 and "chair[1].order: unknown state 'Ruritania'" in refused.output


# The daily check by the RULES_FILE setting --------------------------------------------------

def test_the_daily_check_follows_the_rules_file_setting(app, reference, monkeypatch):
    import_history(TRIENNIAL, today=AS_OF)
    monkeypatch.setitem(app.config, "RULES_FILE", str(TRIENNIAL / "rules.toml"))
    monkeypatch.setitem(app.extensions, "forum_rules", rules_service.read_base(TRIENNIAL / "rules.toml"))
    from workers.tasks.cycles import run_daily_check

    with freeze_time("2025-06-01 03:00:00"):
        assert run_daily_check() == 5  # the sixth departure, China's, is justified
    rules = set(db.session.scalars(select(CycleFinding.rule)))
    assert rules == {"summit-every-3-years", "mfa-every-3-years", "chair-rotation"}


def test_a_bad_rules_file_setting_stops_the_start(tmp_path):
    from config import TestConfig
    from secretariat_app import create_app

    bad = tmp_path / "forum.toml"
    bad.write_text('[forum]\nname = "X"\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"forum.toml, forum.time_zone: missing"):
        create_app(TestConfig, {"RULES_FILE": str(bad)})


def test_the_rules_files_time_zone_is_the_forums_unless_the_setting_names_one():
    from config import TestConfig
    from secretariat_app import create_app

    rules = str(TRIENNIAL / "rules.toml")
    assert create_app(TestConfig, {"RULES_FILE": rules, "FORUM_TIMEZONE": ""}).config["FORUM_TIMEZONE"] == \
        "Asia/Ulaanbaatar"
    assert create_app(TestConfig, {"RULES_FILE": rules, "FORUM_TIMEZONE": "Asia/Tokyo"}).config[
        "FORUM_TIMEZONE"] == "Asia/Tokyo"
    assert create_app(TestConfig, {"FORUM_TIMEZONE": ""}).config["FORUM_TIMEZONE"] == "Asia/Almaty"


# Versions uploaded by officers ------------------------------------------------------------

REFORM = CICA_RULES_FILE.read_text(encoding="utf-8").replace(
    'version = "2009 amendment"', 'version = "2026 reform"').replace(
    "every_years = 4\nfirst_year = 2002\nsince = 2002", "every_years = 3\nfirst_year = 2026\nsince = 2026")


def _stored() -> dict[str, tuple]:
    return {f.key: (f.message, f.severity, f.resolved_at, f.first_seen_at)
            for f in db.session.scalars(select(CycleFinding))}


def test_a_new_version_applies_from_its_date_and_never_rewrites_past_findings(history):
    user = officer()
    with freeze_time("2025-06-01 03:00:00"):
        cycle_check.check_and_record()
        before = _stored()
        version = rules_service.upload(user, "reform.toml", REFORM.encode(), date(2026, 1, 1))
        assert version.number == 1 and version.label == "2026 reform"
        assert cycle_check.check_and_record().new_warnings == []  # not in force yet: nothing new
        assert _stored() == before
        assert rules_service.source_on(date(2025, 6, 1)).number is None
    assert rules_service.source_on(date(2026, 1, 1)).number == 1
    with freeze_time("2030-01-01 03:00:00"):
        recorded = cycle_check.check_and_record()
    after = _stored()
    for key, (message, severity, _resolved_at, first_seen) in before.items():  # the past stays as it was
        assert after[key] == (message, severity, None, first_seen)
    new = {(f.rule, f.kind, f.due_year) for f in recorded.result.findings if f.due_year and f.due_year >= 2026}
    assert ("summit-every-3-years", "missing", 2029) in new  # the new rhythm governs from 2026
    assert not [f for f in recorded.result.findings if f.rule == "summit-every-4-years" and (f.due_year or 0) >= 2026]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cycle_rules_version.create"))
    assert entry.actor_id == user.id and entry.after["effective_on"] == "2026-01-01"
    assert entry.after["version"] == "2026 reform"


def test_an_upload_is_refused_for_a_past_day_another_time_zone_or_a_bad_file(history):
    user = officer()
    with freeze_time("2025-06-01 03:00:00"):
        with pytest.raises(RuleViolations) as past:
            rules_service.upload(user, "reform.toml", REFORM.encode(), date(2025, 5, 31))
        assert past.value.violations[0].field == "effective_on"
        with pytest.raises(RulesFileError) as zone:
            rules_service.upload(user, "reform.toml", REFORM.replace("Asia/Almaty", "Asia/Tokyo").encode(),
                                 date(2026, 1, 1))
        assert zone.value.problems[0].render().startswith("reform.toml, forum.time_zone: is 'Asia/Tokyo', but")
        with pytest.raises(RulesFileError) as bad:
            rules_service.upload(user, "bad.toml", REFORM.replace('body = "MFA"', 'body = "COUNCIL"').encode(),
                                 date(2026, 1, 1))
        assert bad.value.problems[0].render().startswith("bad.toml, rhythm[2].body: unknown body 'COUNCIL'")
    assert db.session.scalar(select(func.count(CycleRulesVersion.id))) == 0
    uploads = select(func.count(AuditEntry.id)).where(AuditEntry.action == "cycle_rules_version.create")
    assert db.session.scalar(uploads) == 0
