"""Demo meetings and documents for `make run`: the December SWG and SOC with
an agenda, and documents circulated at each level, so that the inbox, the
calendar and the archive show something on a fresh machine. Created once."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from secretariat_app.extensions import db
from secretariat_app.models.documents import Document, DistributionLevel, DocumentType, Originator
from secretariat_app.models.meetings import Meeting
from secretariat_app.models.people import User
from secretariat_app.models.states import Body
from secretariat_app.services import documents, documents_circulation, documents_versions, meetings
from secretariat_app.services.meetings_agenda import AgendaItemData, add_item

AGENDA = [
    ("Opening of the meeting and adoption of the agenda", "Открытие заседания и утверждение повестки дня"),
    ("CBM Plan of Implementation for 2027", "План реализации мер доверия на 2027 год"),
    ("Budget of the Secretariat for 2027", "Бюджет Секретариата на 2027 год"),
    ("Any other business", "Разное"),
]


def _body(code: str) -> int:
    return db.session.scalar(select(Body.id).where(Body.code == code))


def _meeting(actor: User, code: str, day: date, title_en: str, title_ru: str, **extra) -> Meeting:
    start = datetime.combine(day, time(10, 0))
    return meetings.create_meeting(actor, meetings.MeetingData(
        body_id=_body(code), title_en=title_en, title_ru=title_ru, starts_at=start,
        ends_at=start + timedelta(hours=7), timezone="Asia/Almaty", city="Astana",
        registration_deadline=start - timedelta(days=3), invite_observers=True, **extra))


def _document(actor: User, meeting: Meeting, kind: DocumentType, level: DistributionLevel,
              titles: tuple[str, str], texts: dict[str, str]) -> Document:
    document = documents.create_document(actor, documents.DocumentData(
        doc_type=kind, originator=Originator.SECRETARIAT, level=level, title_en=titles[0],
        title_ru=titles[1], meeting_id=meeting.id))
    for language, text in texts.items():
        documents_versions.upload(actor, document, documents_versions.UploadData(
            language=language, stream=io.BytesIO(text.encode("utf-8"))))
    return document


def create_demo_content(today: date | None = None) -> bool:
    """Create the demo meetings and documents unless documents exist; True when created."""
    if db.session.scalar(select(func.count(Document.id))):
        return False
    actor = db.session.scalar(select(User).where(User.email == "officer@secretariat.cica.example"))
    today = today or date.today()
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
    documents_circulation.circulate(actor, agenda, documents_circulation.CirculationData(audience.MEMBERS_AND_OBSERVERS))
    documents_circulation.circulate(actor, budget, documents_circulation.CirculationData(audience.MEMBERS))
    documents_circulation.circulate(actor, concept, documents_circulation.CirculationData(audience.MEMBERS))
    _document(actor, soc, DocumentType.REPORT, DistributionLevel.LIMITED,
              ("Report of the Secretariat (draft)", "Доклад Секретариата (проект)"), {"en": "Draft."})
    return True
