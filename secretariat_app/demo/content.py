"""Demo content for `make run`, created once through the services (rules and
audit hold): the December SWG and SOC with an agenda and documents circulated
at each level, so that the inbox, the calendar and the archive show something
on a fresh machine; and the CBM module in use (create_cbm_demo below)."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from secretariat_app.accounts.models.people import User
from secretariat_app.accounts.models.states import Body, State
from secretariat_app.cbm.models import (
    ActivityType,
    CbmActivity,
    CbmAnnualReport,
    CbmArea,
    CbmCoordinator,
    CbmCoordinatorUser,
    CbmPaper,
    CoordinatorRole,
    PaperKind,
)
from secretariat_app.cbm.services import activities as cbm_activities
from secretariat_app.cbm.services import catalogue as cbm_catalogue
from secretariat_app.cbm.services import papers as cbm_papers
from secretariat_app.cbm.services import reports as cbm_reports
from secretariat_app.core.forum_time import forum_today
from secretariat_app.decisions.models import Decision, Procedure
from secretariat_app.decisions.services import decisions
from secretariat_app.demo.guard import refuse_in_production
from secretariat_app.documents.models import (
    DistributionLevel,
    Document,
    DocumentType,
    Originator,
)
from secretariat_app.documents.services import circulation as documents_circulation
from secretariat_app.documents.services import documents
from secretariat_app.documents.services import versions as documents_versions
from secretariat_app.extensions import db
from secretariat_app.meetings.models import Meeting
from secretariat_app.meetings.services import meetings
from secretariat_app.meetings.services.agenda import AgendaItemData, add_item

OFFICER = "officer@secretariat.cica.example"

AGENDA = [
    ("Opening of the meeting and adoption of the agenda", "Открытие заседания и утверждение повестки дня"),
    ("CBM Plan of Implementation for 2027", "План реализации мер доверия на 2027 год"),
    ("Budget of the Secretariat for 2027", "Бюджет Секретариата на 2027 год"),
    ("Any other business", "Разное"),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _body(code: str) -> int | None:
    return db.session.scalar(select(Body.id).where(Body.code == code))


def _meeting(actor: User | None, code: str, day: date, title_en: str, title_ru: str, **extra: Any) -> Meeting:
    start = datetime.combine(day, time(10, 0))
    return meetings.create_meeting(actor, meetings.MeetingData(
        body_id=_body(code), title_en=title_en, title_ru=title_ru, starts_at=start,
        ends_at=start + timedelta(hours=7), timezone="Asia/Almaty", city="Astana", city_ru="Астана",
        registration_deadline=start - timedelta(days=3), invite_observers=True, **extra))


def _document(actor: User | None, meeting: Meeting, kind: DocumentType, level: DistributionLevel,
              titles: tuple[str, str], texts: dict[str, str]) -> Document:
    document = documents.create_document(actor, documents.DocumentData(
        doc_type=kind, originator=Originator.SECRETARIAT, level=level, title_en=titles[0],
        title_ru=titles[1], meeting_id=meeting.id))
    for language, text in texts.items():
        documents_versions.upload(actor, document, documents_versions.UploadData(
            language=language, stream=io.BytesIO(text.encode("utf-8"))))
    return document


def create_demo_content(today: date | None = None) -> bool:
    """Create the demo meetings and documents unless documents exist; True when created.
    Raises guard.DemoRefused in production."""
    refuse_in_production()
    if db.session.scalar(select(func.count(Document.id))):
        return False
    actor = _user(OFFICER)
    today = today or forum_today()
    soc_day = today + timedelta(days=17)
    soc = _meeting(actor, "SOC", soc_day, "Senior Officials Committee, December session",
                   "Комитет старших должностных лиц, декабрьская сессия")
    swg = _meeting(actor, "SWG", soc_day - timedelta(days=2), "Special Working Group, December session",
                   "Специальная рабочая группа, декабрьская сессия", prepares_meeting_id=soc.id)
    for title_en, title_ru in AGENDA:
        add_item(actor, soc, AgendaItemData(title_en=title_en, title_ru=title_ru))
    agenda = _document(actor, soc, DocumentType.AGENDA, DistributionLevel.GENERAL,
                       ("Provisional agenda", "Предварительная повестка дня"),
                       {"en": "\n".join(t for t, _ in AGENDA), "ru": "\n".join(t for _, t in AGENDA)})
    budget = _document(actor, soc, DocumentType.DRAFT_DECISION, DistributionLevel.LIMITED,
                       ("Draft decision on the budget of the Secretariat for 2027",
                        "Проект решения о бюджете Секретариата на 2027 год"),
                       {"en": "The Senior Officials Committee approves the budget...",
                        "ru": "Комитет старших должностных лиц утверждает бюджет..."})
    concept = _document(actor, swg, DocumentType.CONCEPT_PAPER, DistributionLevel.LIMITED,
                        ("Concept paper on tourism", "Концепция по туризму"),
                        {"en": "Concept paper on the priority area of tourism."})
    audience = documents_circulation.Audience
    documents_circulation.circulate(actor, agenda,
                                    documents_circulation.CirculationData(audience.MEMBERS_AND_OBSERVERS))
    documents_circulation.circulate(actor, budget, documents_circulation.CirculationData(audience.MEMBERS))
    documents_circulation.circulate(actor, concept, documents_circulation.CirculationData(audience.MEMBERS))
    _document(actor, soc, DocumentType.REPORT, DistributionLevel.LIMITED,
              ("Report of the Secretariat (draft)", "Доклад Секретариата (проект)"), {"en": "Draft."})
    return True


# Confidence building measures -------------------------------------------------------------------
#
# Two priority areas, appointed and approved by SOC decisions of last year:
# - energy security, coordinated by Kazakhstan (delegate.kaz acts as coordinator):
#   concept paper and action plan approved, two activities this year, one of them
#   reported in this year's draft report, which is due (the walkthrough of the README);
# - countering illicit drug trafficking, coordinated by Russia (delegate.rus) with
#   Tajikistan as co-coordinator: last year's report published, this year's submitted
#   with one activity not reported.
# On the overview this year is "planned" for the first, "missing" for the second, and
# last year "reported".

KAZ_COORDINATOR = "delegate.kaz@cica.example"
RUS_COORDINATOR = "delegate.rus@cica.example"
KAZ_AREA, RUS_AREA = "energy_security", "illicit_drugs"
PARTICIPANTS = ("KAZ", "RUS", "TJK", "AZE", "MNG")
# A due time closer than this is moved two weeks ahead, so that the walkthrough's report is not overdue at once.
DUE_MARGIN = timedelta(days=2)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _state_id(code: str) -> int:
    return db.session.execute(select(State.id).where(State.code == code)).scalar_one()  # the reference data's


def _area(code: str) -> CbmArea | None:
    return db.session.scalar(select(CbmArea).where(CbmArea.code == code))


def _soc_decision(officer: User, adopted_on: date, titles: tuple[str, str], texts: tuple[str, str],
                  today: date) -> Decision:
    return decisions.create_decision(officer, decisions.DecisionData(
        body_id=_body("SOC"), procedure=Procedure.MEETING, title_en=titles[0], title_ru=titles[1], text_en=texts[0],
        text_ru=texts[1], adopted_on=adopted_on), today)


def _appoint(officer: User, area: CbmArea, code: str, role: CoordinatorRole, decision: Decision) -> None:
    cbm_catalogue.appoint(officer, area, cbm_catalogue.AppointmentData(
        state_id=_state_id(code), role=role, term_start=decision.adopted_on, decision_id=decision.id))


def _paper(coordinator: User, officer: User, area: CbmArea, data: cbm_papers.PaperData, drafted: date,
           approval: Decision, comment: tuple[User, str] | None = None) -> CbmPaper:
    """A paper through the whole pipeline: drafted with its English file, submitted,
    reviewed by the SWG (circulated to the members), approved by `approval`."""
    paper = cbm_papers.create_paper(coordinator, area, data, today=drafted)
    text = f"{data.title_en}\n\nDemo text of the paper."
    cbm_papers.upload_file(coordinator, paper, documents_versions.UploadData(
        language="en", stream=io.BytesIO(text.encode("utf-8"))))
    cbm_papers.submit(coordinator, paper, now=_at(drafted))
    cbm_papers.start_review(officer, paper, now=_at(drafted + timedelta(days=14)))
    if comment is not None:
        cbm_papers.add_comment(comment[0], paper, comment[1], now=_at(drafted + timedelta(days=21)))
    assert approval.adopted_on is not None  # _soc_decision adopts it
    return cbm_papers.approve(officer, paper, approval.id, now=_at(approval.adopted_on, 12))


def _activity(coordinator: User, plan: CbmPaper, titles: tuple[str, str], kind: ActivityType, day: date,
              venue: str, responsible: str) -> CbmActivity:
    return cbm_activities.create_activity(coordinator, plan, cbm_activities.ActivityData(
        title_en=titles[0], title_ru=titles[1], activity_type=kind, planned_start=day,
        planned_end=day + timedelta(days=1), venue=venue, host_state_id=_state_id(responsible),
        responsible_state_id=_state_id(responsible)))


def _held(coordinator: User, report: CbmAnnualReport, activity: CbmActivity, people: int,
          outcome: tuple[str, str]) -> None:
    cbm_reports.save_activity_report(coordinator, report, activity, cbm_reports.ActivityReportData(
        held_on=activity.planned_start, held_until=activity.planned_end, venue=activity.venue,
        participating_state_ids=[_state_id(code) for code in PARTICIPANTS], participant_count=people,
        outcome_en=outcome[0], outcome_ru=outcome[1]))


def _year_fraction(today: date, fraction: float) -> date:
    """A day of this year before today: `fraction` of the way from 1 January to today."""
    first = date(today.year, 1, 1)
    return first + timedelta(days=int((today - first).days * fraction))


def _papers(coordinator: User, officer: User, area: CbmArea, topic: tuple[str, str], years: tuple[int, int],
            approval: Decision, comment: tuple[User, str] | None = None) -> CbmPaper:
    """The area's concept paper and action plan (for `years`), drafted in April of the
    first year and approved by `approval`; returns the action plan."""
    drafted = date(years[0], 4, 20)
    period = (date(years[0], 7, 1), date(years[1], 12, 31))
    span = f"{years[0]}-{years[1]}"
    _paper(coordinator, officer, area, cbm_papers.PaperData(
        PaperKind.CONCEPT_PAPER, f"Concept paper on {topic[0]}", f"Концепция по {topic[1]}"), drafted, approval,
        comment)
    return _paper(coordinator, officer, area, cbm_papers.PaperData(
        PaperKind.ACTION_PLAN, f"Action plan on {topic[0]} {span}", f"План действий по {topic[1]} на {span} годы",
        *period), drafted, approval)


def _energy_security(kaz: User, officer: User, plan: CbmPaper, today: date) -> None:
    """This year's report is a draft, due, with one of its two activities reported."""
    forum = _activity(kaz, plan, ("CICA energy security forum", "Форум СВМДА по энергетической безопасности"),
                      ActivityType.CONFERENCE, _year_fraction(today, 0.25), "Astana", "KAZ")
    _activity(kaz, plan, ("Workshop on regional electricity grids", "Семинар по региональным энергосетям"),
              ActivityType.WORKSHOP, _year_fraction(today, 0.75), "Almaty", "KAZ")
    report = cbm_reports.open_report(kaz, plan.area, today.year)
    if report.due_at < datetime.now(UTC) + DUE_MARGIN:
        cbm_reports.set_due(officer, report, today + timedelta(days=14))
    _held(kaz, report, forum, 64, ("Experts of five member states agreed on a list of joint projects.",
                                   "Эксперты пяти государств-членов согласовали перечень совместных проектов."))


def _illicit_drugs(rus: User, officer: User, plan: CbmPaper, today: date) -> None:
    """Last year's report published; this year's submitted without its second activity."""
    last = today.year - 1
    training = _activity(rus, plan, ("Training course for counter-narcotics officers",
                                     "Учебный курс для сотрудников антинаркотических служб"),
                         ActivityType.TRAINING, date(last, 10, 14), "Moscow", "RUS")
    previous = cbm_reports.open_report(rus, plan.area, last, now=_at(date(last, 10, 20)))
    _held(rus, previous, training, 35, ("35 officers trained.", "Обучено 35 сотрудников."))
    cbm_reports.update_summary(rus, previous, "The first activity of the action plan was held.",
                               "Проведено первое мероприятие плана действий.")
    cbm_reports.submit_report(rus, previous, now=_at(date(last, 11, 10)))
    cbm_reports.publish_report(officer, previous, now=_at(date(last, 11, 12)))
    seminar = _activity(rus, plan, ("Seminar on precursor control", "Семинар по контролю над прекурсорами"),
                        ActivityType.SEMINAR, _year_fraction(today, 1 / 3), "Dushanbe", "TJK")
    _activity(rus, plan, ("Joint exercise of border services", "Совместные учения пограничных служб"),
              ActivityType.EXERCISE, _year_fraction(today, 2 / 3), "Dushanbe", "TJK")
    current = cbm_reports.open_report(rus, plan.area, today.year)
    _held(rus, current, seminar, 48, ("Agreed a common list of controlled precursors.",
                                      "Согласован общий перечень контролируемых прекурсоров."))
    cbm_reports.submit_report(rus, current)


def create_cbm_demo(today: date | None = None) -> bool:
    """Create the demo CBM appointments, papers, activities and reports (see above)
    unless some state coordinates an area already, or a demo user or area is
    missing; True when created. Raises guard.DemoRefused in production."""
    refuse_in_production()
    if db.session.scalar(select(func.count(CbmCoordinator.id))):
        return False
    officer, kaz, rus = _user(OFFICER), _user(KAZ_COORDINATOR), _user(RUS_COORDINATOR)
    energy, drugs = _area(KAZ_AREA), _area(RUS_AREA)
    if officer is None or kaz is None or rus is None or energy is None or drugs is None:
        return False
    today = today or forum_today()
    last = today.year - 1
    appointed = _soc_decision(officer, date(last, 3, 18), (
        "Coordinators of priority areas of the Catalogue of CBMs",
        "О координаторах приоритетных областей Каталога мер доверия"),
        ("Kazakhstan coordinates energy security; Russia coordinates, and Tajikistan co-coordinates, "
         "countering illicit drug trafficking.",
         "Казахстан координирует энергетическую безопасность; Россия координирует, а Таджикистан "
         "сокоординирует противодействие незаконному обороту наркотиков."), today)
    approved = _soc_decision(officer, date(last, 6, 24), (
        "Concept papers and action plans of priority areas of the Catalogue of CBMs",
        "О концепциях и планах действий по приоритетным областям Каталога мер доверия"),
        ("The SOC approves the concept papers and action plans on energy security and on countering illicit "
         "drug trafficking.",
         "КСДЛ утверждает концепции и планы действий по энергетической безопасности и по противодействию "
         "незаконному обороту наркотиков."), today)
    _appoint(officer, energy, "KAZ", CoordinatorRole.COORDINATOR, appointed)
    _appoint(officer, drugs, "RUS", CoordinatorRole.COORDINATOR, appointed)
    _appoint(officer, drugs, "TJK", CoordinatorRole.CO_COORDINATOR, appointed)
    cbm_catalogue.assign_coordinator_user(officer, energy, kaz.id)
    cbm_catalogue.assign_coordinator_user(officer, drugs, rus.id)
    years = (last, today.year + 1)
    energy_plan = _papers(kaz, officer, energy, ("energy security", "энергетической безопасности"), years, approved,
                          (rus, "Россия поддерживает концепцию и предлагает добавить семинар по "
                                "возобновляемой энергетике."))
    drugs_plan = _papers(rus, officer, drugs, ("countering illicit drug trafficking",
                                               "противодействию незаконному обороту наркотиков"), years, approved)
    _energy_security(kaz, officer, energy_plan, today)
    _illicit_drugs(rus, officer, drugs_plan, today)
    return True


def demo_coordinators() -> dict[str, list[str]]:
    """The areas each user acts for as coordinator, by e-mail (for the list of demo logins)."""
    rows = db.session.execute(select(User.email, CbmArea.name_en)
                              .join(CbmCoordinatorUser, CbmCoordinatorUser.user_id == User.id)
                              .join(CbmArea, CbmArea.id == CbmCoordinatorUser.area_id)
                              .order_by(CbmArea.name_en))
    found: dict[str, list[str]] = {}
    for email, area in rows:
        found.setdefault(email, []).append(area)
    return found
