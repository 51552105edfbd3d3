"""The meeting page a delegate sees links the meeting's documents, only those the
delegate may read (permissions.documents): both ways, for a member's delegate and
an observer's."""
from __future__ import annotations

from secretariat_app.documents.models import DistributionLevel
from secretariat_app.documents.services.circulation import Audience, CirculationData, circulate
from tests.documents_setup import make_document


def _page(client, login, user, meeting) -> str:
    login(user)
    response = client.get(f"/delegation/meetings/{meeting.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _circulated(world, level: DistributionLevel, audience: Audience, title: str, delegations=(), meeting=None):
    document = make_document(world, level=level, title_en=title, title_ru=title + " (ru)",
                             meeting_id=(meeting or world.meeting).id)
    circulate(world.officer, document, CirculationData(audience, [d.id for d in delegations]))
    return document


def test_a_members_delegate_reads_the_meetings_documents_circulated_to_them(client, login, world):
    general = _circulated(world, DistributionLevel.GENERAL, Audience.MEMBERS_AND_OBSERVERS, "Provisional agenda")
    limited = _circulated(world, DistributionLevel.LIMITED, Audience.MEMBERS, "Draft declaration")
    draft = make_document(world, title_en="Unfinished note", meeting_id=world.meeting.id)
    elsewhere = _circulated(world, DistributionLevel.LIMITED, Audience.DELEGATIONS, "For Borduria only",
                            delegations=[world.member_b])
    other_meeting = _circulated(world, DistributionLevel.GENERAL, Audience.MEMBERS, "SWG paper",
                                meeting=world.other_meeting)
    html = _page(client, login, world.a1, world.meeting)
    for document in (general, limited):
        assert f'href="/inbox/{document.id}"' in html and document.symbol in html
    for document in (draft, elsewhere, other_meeting):
        assert f'href="/inbox/{document.id}"' not in html and document.symbol not in html
    assert client.get(f"/inbox/{limited.id}").status_code == 200  # the link leads somewhere it may read


def test_an_observer_is_not_shown_the_limited_document(client, login, world):
    general = _circulated(world, DistributionLevel.GENERAL, Audience.MEMBERS_AND_OBSERVERS, "Provisional agenda")
    limited = _circulated(world, DistributionLevel.LIMITED, Audience.MEMBERS, "Draft declaration")
    html = _page(client, login, world.obs1, world.meeting)
    assert f'href="/inbox/{general.id}"' in html
    assert f'href="/inbox/{limited.id}"' not in html and limited.symbol not in html and "Draft declaration" not in html
    assert client.get(f"/inbox/{limited.id}").status_code == 404


def test_a_meeting_without_documents_says_so(client, login, world):
    html = _page(client, login, world.a1, world.meeting)
    assert "No document of this meeting has been circulated to you yet." in html
