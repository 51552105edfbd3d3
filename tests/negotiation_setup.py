"""Shared setup of the negotiation tests (no tests here): a LIMITED draft decision of the
clearing house, circulated to the members, negotiated on a title, one preambular and three
operative paragraphs in English and Russian."""
from __future__ import annotations

from datetime import timedelta

from secretariat_app.documents.models import DistributionLevel, DocumentType
from secretariat_app.documents.services.circulation import Audience, CirculationData, circulate
from secretariat_app.negotiations.models import NegotiatedText
from secretariat_app.negotiations.services import texts
from tests.documents_setup import World, make_document
from tests.forum_day import SUITE_DAY

DRAFT_EN = """Statement on dialogue

PP1. Recalling the Almaty Act,

OP1. The Member States agree to hold consultations.

OP2. They welcome the report of the Secretariat.

OP3. They thank the host."""
DRAFT_RU = """Заявление о диалоге

ПП1. Ссылаясь на Алматинский акт,

ОП1. Государства-члены договорились провести консультации.

ОП2. Они приветствуют доклад Секретариата.

ОП3. Они благодарят принимающую сторону."""



def start_negotiation(world: World, positions_by_name: bool = False) -> NegotiatedText:
    document = make_document(world, doc_type=DocumentType.DRAFT_DECISION, level=DistributionLevel.LIMITED,
                             title_en="Statement on dialogue", title_ru="Заявление о диалоге", year=SUITE_DAY.year)
    circulate(world.officer, document, CirculationData(Audience.MEMBERS))
    return texts.start(world.officer, document, DRAFT_EN, DRAFT_RU, SUITE_DAY + timedelta(days=7),
                       positions_by_name)
