"""permissions.negotiations both ways: who may open a negotiation, take part in it and see
others' positions by name, over every kind of reader."""
from __future__ import annotations

import pytest

from secretariat_app.documents.services.documents import create_document
from secretariat_app.extensions import db
from secretariat_app.negotiations.models import TextStatus
from secretariat_app.negotiations.services import texts
from secretariat_app.permissions import Action, can
from tests.documents_setup import document_data
from tests.factories import delegate
from tests.forum_day import SUITE_DAY
from tests.negotiation_setup import DRAFT_EN, DRAFT_RU, start_negotiation

pytestmark = pytest.mark.usefixtures("steady_forum_day")


def answers(user, text) -> tuple[bool, bool, bool, bool]:
    return (can(user, Action.MANAGE_NEGOTIATIONS), can(user, Action.READ_NEGOTIATION, text),
            can(user, Action.TAKE_PART_IN_NEGOTIATION, text), can(user, Action.SEE_POSITION_NAMES, text))


def test_who_may_do_what_in_a_circulated_negotiation(world):
    text = start_negotiation(world)
    former = delegate(world.former)
    assert answers(world.officer, text) == (True, True, False, True)
    assert answers(world.a1, text) == (False, True, True, False)
    assert answers(world.b1, text) == (False, True, True, False)
    assert answers(world.obs1, text) == (False, False, False, False)  # an observer: never
    assert answers(former, text) == (False, False, False, False)  # no longer a member
    assert answers(None, text) == (False, False, False, False)
    text.positions_by_name = True
    assert answers(world.a1, text)[3] and not answers(world.obs1, text)[3]
    text.status = TextStatus.SUBMITTED
    db.session.commit()
    assert answers(world.a1, text) == (False, True, False, True)


def test_a_negotiation_on_a_draft_nobody_received_is_the_secretariats_alone(world):
    document = create_document(world.officer, document_data(world, year=SUITE_DAY.year))
    text = texts.start(world.officer, document, DRAFT_EN, DRAFT_RU, None)
    assert answers(world.officer, text)[:2] == (True, True)
    for user in (world.a1, world.b1, world.obs1):
        assert answers(user, text) == (False, False, False, False)
