"""Reference data: the real CICA members and observers, loaded idempotently."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import (
    Body,
    Membership,
    MembershipStatus,
    State,
    states_with_status_on,
)
from secretariat_app.accounts.services.reference_data import load_reference_data
from secretariat_app.audit.models import AuditEntry
from secretariat_app.extensions import db
from tests.forum_day import SUITE_DAY

pytestmark = pytest.mark.usefixtures("steady_forum_day")


def _codes(day: date, status: MembershipStatus) -> set[str]:
    return {s.code for s in db.session.scalars(states_with_status_on(day, status))}


def _counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (State, Membership, Body, Delegation, AuditEntry))


def test_members_and_observers_of_2015_and_today(reference):
    assert len(_codes(date(2015, 6, 1), MembershipStatus.MEMBER)) == 26
    observers_2015 = _codes(date(2015, 6, 1), MembershipStatus.OBSERVER)
    assert len(observers_2015) == 11 and {"LKA", "UN", "OSCE", "LAS", "TURKPA", "USA"} <= observers_2015
    members_now = _codes(date(2023, 1, 1), MembershipStatus.MEMBER)
    assert len(members_now) == 28 and {"LKA", "KWT"} <= members_now
    assert "LKA" not in _codes(date(2023, 1, 1), MembershipStatus.OBSERVER)
    assert "KWT" not in _codes(date(2022, 6, 1), MembershipStatus.MEMBER)


def test_names_in_both_languages_and_bodies(reference):
    kaz = db.session.scalar(select(State).where(State.code == "KAZ"))
    assert (kaz.name("en"), kaz.name("ru"), kaz.iso2) == ("Kazakhstan", "Казахстан", "KZ")
    assert {b.code for b in db.session.scalars(select(Body))} == {"SUMMIT", "MFA", "MFA_INFORMAL", "SOC", "SWG"}
    assert kaz.status_on(date(2024, 1, 1)) is MembershipStatus.MEMBER


def test_every_participant_has_a_delegation(reference):
    assert db.session.scalar(select(func.count(Delegation.id))) == db.session.scalar(select(func.count(State.id)))


def test_loading_twice_changes_nothing(reference):
    before = _counts()
    report = load_reference_data()
    assert not report.changed
    assert _counts() == before


def test_a_changed_name_in_the_data_is_updated_not_duplicated(reference, tmp_path):
    from secretariat_app.accounts.services.reference_data import DATA_DIR

    for name in ("states.csv", "memberships.csv", "bodies.csv"):
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        if name == "states.csv":
            text = text.replace("Viet Nam,Вьетнам", "Viet Nam,Вьетнам (СРВ)")
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = load_reference_data(tmp_path)
    assert report.updated == {"states": 1} and report.created == {}
    assert db.session.scalar(select(State.name_ru).where(State.code == "VNM")) == "Вьетнам (СРВ)"


def test_a_bad_file_loads_nothing(app_ctx, tmp_path):
    from secretariat_app.accounts.services.reference_data import DATA_DIR

    for name in ("states.csv", "bodies.csv"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "memberships.csv").write_text(
        "code,status,valid_from,valid_to,precision,note\nKAZ,member,not-a-date,,day,x\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_reference_data(tmp_path)
    assert db.session.scalar(select(func.count(State.id))) == 0


def test_seed_command_loads_data_and_demo_users_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "admin@secretariat.cica.example" in first.output and "cica-demo-2026" in first.output
    assert "History: created" in first.output
    second = runner.invoke(args=["seed"])
    assert "nothing changed" in second.output and "History: already up to date." in second.output
    from secretariat_app.accounts.models.people import User

    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 5
        # Demo documents (four, and the CBM demo's concept papers and action plans,
        # four more, circulated to members only): the observer got only the GENERAL agenda.
        from secretariat_app.accounts.models.people import Delegation
        from secretariat_app.accounts.models.states import State
        from secretariat_app.documents.models import (
            Circulation,
            Document,
            DocumentStatus,
        )

        assert db.session.scalar(select(func.count(Document.id))) == 4 + 4
        circulated = select(func.count(Document.id)).where(Document.status == DocumentStatus.CIRCULATED)
        assert db.session.scalar(circulated) == 3 + 4
        japan = db.session.scalar(select(Delegation.id).join(State).where(State.code == "JPN"))
        reached = db.session.scalars(select(Document.symbol).join(Circulation)
                                     .where(Circulation.delegation_id == japan)).all()
        assert reached == [f"CICA/SOC/{SUITE_DAY.year}/1"]
