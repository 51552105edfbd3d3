"""The registry of notice kinds (secretariat_app/notices/kinds.py): every
NotificationKind has exactly one complete entry, registered by one feature:
a label and a preference label translated into Russian, a registered subject,
a renderer, mail templates in .txt and .html whose every text has a Russian
translation, a box on the preferences page, and a mail that is written in
English and in Russian."""
from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from freezegun import freeze_time
from sqlalchemy import select

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.accounts.models.states import Body
from secretariat_app.cbm.models import ReportStatus
from secretariat_app.cbm.services import reports as cbm_reports
from secretariat_app.cycles.models import CycleFinding
from secretariat_app.extensions import db
from secretariat_app.meetings.services import meetings
from secretariat_app.meetings.services.meetings import MeetingData
from secretariat_app.notices import kinds
from secretariat_app.notices.models import Notification, NotificationKind
from secretariat_app.notices.services import rendering
from tests import cbm_builders as cbm_build
from tests.documents_helpers import make_document
from tests.factories import delegate, officer

PACKAGE = Path(__file__).resolve().parents[2] / "secretariat_app"
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


@pytest.fixture(scope="module")
def registry_app():
    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture(scope="module")
def russian():
    with (PACKAGE / "translations" / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="ru")


def registrations() -> dict[str, list[str]]:
    """Where the source registers each kind: register_kind(subject, NotificationKind.X, ...),
    or register(NoticeKind(kind=NotificationKind.X, ...)) (what register_kind itself calls,
    with a name, not a kind, in notices/kinds.py)."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = getattr(node.func, "id", None)
            kinds_named = [keyword.value for keyword in node.keywords if keyword.arg == "kind"]
            if function == "register_kind" and len(node.args) > 1:
                kinds_named.append(node.args[1])
            if function not in ("NoticeKind", "register_kind"):
                continue
            for value in kinds_named:
                if isinstance(value, ast.Attribute):
                    found.setdefault(value.attr, []).append(str(path.relative_to(PACKAGE)))
    return found


def translated(catalog, msgid) -> bool:
    message = catalog.get(msgid)
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def test_each_kind_is_registered_once_by_its_feature(registry_app):
    where = registrations()
    assert sorted(where) == sorted(kind.name for kind in NotificationKind)
    for name, modules in where.items():
        assert len(modules) == 1, f"{name} is registered in {modules}"
        assert modules[0].endswith("notice_kinds.py") and not modules[0].startswith("notices/")
    assert [entry.kind for entry in kinds.all_kinds()] == list(NotificationKind)


def test_a_kind_registered_twice_is_refused(registry_app):
    entry = kinds.get(NotificationKind.CYCLE_FINDING)
    with pytest.raises(ValueError, match="registered twice"):
        kinds.register(entry)
    assert kinds.get(NotificationKind.CYCLE_FINDING) is entry


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.value)
def test_each_kind_has_a_complete_entry(registry_app, russian, kind):
    entry = kinds.get(kind)
    assert entry.kind is kind and callable(entry.render)
    subject = kinds.subject(entry.subject_type)
    assert subject is not None and callable(subject.describe) and hasattr(subject.model, "id")
    assert entry.preference == kind.value
    with registry_app.test_request_context():
        for text in (entry.label, entry.preference_label):
            english = str(text)
            assert english and translated(russian, english), f"{english!r} has no Russian translation"
            with force_locale("ru"):
                assert CYRILLIC.search(str(text)), f"{english!r} is not shown in Russian"


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.value)
def test_each_kinds_mail_templates_exist_and_are_translated(registry_app, russian, kind):
    entry = kinds.get(kind)
    assert entry.templates, f"{kind.value} names no mail template"
    environment = registry_app.jinja_env
    for name in entry.templates:
        for suffix in ("txt", "html"):
            source, _filename, _uptodate = environment.loader.get_source(environment, f"mail/{name}.{suffix}")
            texts = [message for _line, _function, message in environment.extract_translations(source)]
            assert texts, f"mail/{name}.{suffix} has no translatable text"
            missing = [message for message in texts if not translated(russian, message)]
            assert not missing, f"mail/{name}.{suffix}: no Russian for {missing}"


def test_each_kind_is_offered_on_the_preferences_page(registry_app, monkeypatch):
    from secretariat_app.accounts.models.people import User
    from secretariat_app.notices.my_notices import forms

    person = User(name="Dana", email="dana@example.org", mail_opt_out=["meeting_reminder"], document_digest=False)
    with registry_app.test_request_context():
        monkeypatch.setattr(forms, "is_secretariat", lambda user: True)
        form = forms.PreferencesForm.for_user(person)
        assert form.kinds == list(NotificationKind)  # a box for every kind
        assert [str(field.label.text) for field in form.kind_fields()] == \
            [str(kinds.get(kind).preference_label) for kind in NotificationKind]
        assert [field.data for field in form.kind_fields()] == [kind != NotificationKind.MEETING_REMINDER
                                                                 for kind in NotificationKind]
        monkeypatch.setattr(forms, "is_secretariat", lambda user: False)
        assert forms.kinds_for(person) == [entry.kind for entry in kinds.all_kinds() if not entry.secretariat_only]
        assert NotificationKind.CYCLE_FINDING not in forms.kinds_for(person)


# Every kind's mail, written in English and in Russian ----------------------------------------------

NOW = datetime(2027, 1, 11, 6, 0, tzinfo=UTC)


def _row(kind: NotificationKind, subject_type: str, subject_id: int, user, due_at: datetime = NOW) -> Notification:
    row = Notification(kind=kind, subject_type=subject_type, subject_id=subject_id, recipient_id=user.id,
                       due_at=due_at)
    db.session.add(row)
    db.session.commit()
    return row


def _document(kind, language):
    return _row(kind, "document", make_document("Annual report", "Ежегодный доклад").id, delegate(language=language))


def _digest(kind, language):
    reader = delegate(language=language, document_digest=True)
    first = _row(kind, "document", make_document("Annual report", "Ежегодный доклад").id, reader)
    _row(kind, "document", make_document("Work plan", "План работы", year=2025).id, reader)
    return first


def _meeting(kind, language):
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    with freeze_time("2027-01-10 12:00:00"):
        meeting = meetings.create_meeting(None, MeetingData(
            body_id=soc.id, title_en="Senior Officials Committee", title_ru="Комитет старших должностных лиц",
            starts_at=datetime(2027, 6, 1, 10), ends_at=datetime(2027, 6, 2, 18), timezone="Asia/Almaty",
            city="Astana"))
    return _row(kind, "meeting", meeting.id, delegate(language=language))


def _finding(kind, language):
    found = CycleFinding(key=f"rhythm|SUMMIT|late|2018|{language}", rule="rhythm", body="SUMMIT", due_year=2018,
                         held_year=2019, severity="warning", message="The 5th Summit was held in 2019, due in 2018.",
                         raised_at=NOW, first_seen_at=NOW, last_seen_at=NOW)
    db.session.add(found)
    db.session.commit()
    return _row(kind, "cycle_finding", found.id, officer(language=language))


def _report(kind, language):
    cast = cbm_build.cbm_cast(f"smes{language}")
    reader = cbm_build.coordinator_user(cast.area, language=language)
    with freeze_time("2026-09-01 08:00:00"):
        report = cbm_reports.open_report(cast.officer, cast.area, 2026)
    return db.session.scalar(select(Notification).where(
        Notification.kind == kind, Notification.subject_id == report.id, Notification.recipient_id == reader.id)
        .order_by(Notification.due_at).limit(1))


def _report_step(kind, language):
    cast = cbm_build.cbm_cast(f"smes{language}")
    reader = cbm_build.coordinator_user(cast.area, language=language)
    report = cbm_build.annual_report(cast.area, 2026, due=date(2026, 11, 20), status=ReportStatus.SUBMITTED)
    if kind == NotificationKind.REPORT_REOPENED:
        cbm_reports.reopen_report(cast.officer, report, "The outcome is missing.", now=NOW)
    else:
        cbm_reports.publish_report(cast.officer, report, now=NOW)
    return db.session.scalar(select(Notification).where(
        Notification.kind == kind, Notification.subject_id == report.id, Notification.recipient_id == reader.id))


def _succession(kind, language):
    from secretariat_app.accounts.models.states import State
    from secretariat_app.decisions.succession.models import ChairCandidature, ChairSuccession

    start = date(2028, 1, 1) if language == "en" else date(2030, 1, 1)
    term = ChairSuccession(starts_on=start, ends_on=date(start.year + 1, 12, 31))
    kazakhstan = db.session.scalar(select(State).where(State.code == "KAZ"))
    candidature = ChairCandidature(succession=term, state=kazakhstan, letter_on=date(2027, 1, 5))
    db.session.add_all([term, candidature])
    db.session.commit()
    if kind == NotificationKind.CHAIR_CANDIDATURE:
        return _row(kind, "chair_candidature", candidature.id, delegate(language=language))
    return _row(kind, "chair_succession", term.id, officer(language=language))


def _negotiation(kind, language):
    from secretariat_app.negotiations.models import ProposalKind, ProposalStatus, TextProposal
    from secretariat_app.negotiations.services import texts
    from secretariat_app.negotiations.services.notices import reminder_due
    from tests.negotiation_setup import DRAFT_EN, DRAFT_RU

    text = texts.start(None, make_document("Statement on dialogue", "Заявление о диалоге"), DRAFT_EN, DRAFT_RU,
                       date(2027, 1, 20))
    reader = delegate(language=language)
    if kind == NotificationKind.PROPOSAL_DEADLINE:
        return _row(kind, "negotiated_text", text.id, reader, reminder_due(date(2027, 1, 20)))
    proposal = TextProposal(text_id=text.id, paragraph_id=text.paragraphs[2].id, delegation_id=reader.delegation_id,
                            kind=ProposalKind.DELETE, language="en", status=ProposalStatus.DROPPED)
    db.session.add(proposal)
    db.session.commit()
    return _row(kind, "text_proposal", proposal.id, reader)


# One example row per kind (a new kind needs one here), and the instant its mail is written at.
def _silence(kind, language):
    from secretariat_app.decisions.models import Decision, DecisionStatus, Procedure, SilenceCirculation

    reader = delegate(language=language)
    soc = db.session.scalar(select(Body).where(Body.code == "SOC"))
    decision = Decision(reference=f"SOC/2027/DEC/{reader.id}", body_id=soc.id, procedure=Procedure.SILENCE,
                        status=DecisionStatus.UNDER_SILENCE, title_en="Venue of the next SOC",
                        title_ru="Место проведения следующего КСДЛ", silence_circulated_on=date(2027, 1, 11),
                        silence_deadline=date(2027, 1, 25))
    decision.circulations.append(SilenceCirculation(delegation_id=reader.delegation_id, as_member=True,
                                                    circulated_at=NOW))
    db.session.add(decision)
    db.session.commit()
    return _row(kind, "decision", decision.id, reader)


EXAMPLES = {
    NotificationKind.MEETING_REMINDER: (_meeting, NOW),
    NotificationKind.MEETING_CANCELLED: (_meeting, NOW),
    NotificationKind.MEETING_INVITATION: (_meeting, NOW),
    NotificationKind.MEETING_UPDATED: (_meeting, NOW),
    NotificationKind.DOCUMENT_CIRCULATED: (_document, NOW),
    NotificationKind.ACKNOWLEDGEMENT_CHASER: (_document, NOW),
    NotificationKind.REPORT_DEADLINE: (_report, datetime(2026, 10, 16, 19, 0, tzinfo=UTC)),
    NotificationKind.CYCLE_FINDING: (_finding, NOW),
    NotificationKind.REPORT_REOPENED: (_report_step, NOW),
    NotificationKind.REPORT_PUBLISHED: (_report_step, NOW),
    NotificationKind.CHAIR_CANDIDATURE: (_succession, NOW),
    NotificationKind.CHAIR_SUCCESSOR_DUE: (_succession, NOW),
    NotificationKind.SILENCE_CIRCULATED: (_silence, NOW),
    NotificationKind.SILENCE_REMINDER: (_silence, NOW),
    NotificationKind.PROPOSAL_DECIDED: (_negotiation, NOW),
    NotificationKind.PROPOSAL_DEADLINE: (_negotiation, NOW),
}


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.value)
def test_each_kinds_mail_is_written_in_english_and_in_russian(reference, kind):
    assert kind in EXAMPLES, f"add an example row of {kind.value} to EXAMPLES"
    make, instant = EXAMPLES[kind]
    mails = {}
    for language in ("en", "ru"):
        row = make(kind, language)
        with freeze_time(instant):
            message = rendering.build(row)
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert message["Message-ID"] == row.message_id and text.strip() and html.strip()
        mails[language] = (message["Subject"], text)
    (subject_en, text_en), (subject_ru, text_ru) = mails["en"], mails["ru"]
    assert not CYRILLIC.search(subject_en) and CYRILLIC.search(subject_ru)
    assert CYRILLIC.search(text_ru) and "Dear" in text_en and "Dear" not in text_ru


def test_the_daily_digest_is_written_in_english_and_in_russian(reference):
    kind = next(entry.kind for entry in kinds.all_kinds() if entry.digest)
    subjects = {}
    for language, titles in (("en", ("Annual report", "Work plan")), ("ru", ("Ежегодный доклад", "План работы"))):
        message = rendering.build(_digest(kind, language))
        subjects[language] = message["Subject"]
        text = message.get_body(("plain",)).get_content()
        assert all(title in text for title in titles)
    assert subjects["en"] == "CICA: 2 documents circulated to you" and CYRILLIC.search(subjects["ru"])
