"""Lists of states and delegations follow the reader's language: a Russian
reader finds them in the alphabetical order of the Russian names shown, an
English reader in that of the English names (tables, select choices, the
delegations a document is circulated to, invitations, acknowledgements)."""
from __future__ import annotations

import html as html_lib
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from secretariat_app.accounts.models.people import Delegation
from secretariat_app.accounts.models.states import (
    MembershipStatus,
    State,
    states_with_status_on,
)
from secretariat_app.core.localisation import by_name, name_key
from secretariat_app.extensions import db
from tests.conftest import log_in
from tests.documents_helpers import circulate, make_document, meeting
from tests.factories import officer
from tests.forum_day import SUITE_DAY

pytestmark = pytest.mark.usefixtures("steady_forum_day")

LANGUAGES = ("en", "ru")
# A pair whose order flips with the language: China/Китай comes after India/Индия only in Russian.
EARLIER_LATER = {"en": ("China", "India"), "ru": ("Индия", "Китай")}


def alphabetical(names: list[str]) -> list[str]:
    """The order a reader expects, computed without the application's helper."""
    return sorted(names, key=str.casefold)


def assert_in_reader_order(shown: list[str], expected_names: list[str], language: str) -> None:
    assert sorted(shown) == sorted(expected_names)  # every name, once, in the page's language
    assert shown == alphabetical(expected_names)
    earlier, later = EARLIER_LATER[language]
    assert shown.index(earlier) < shown.index(later)


def options(page: str, field_id: str) -> list[str]:
    """The labels of a select's options, without the blank one."""
    select_html = re.search(rf'<select id="{field_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [html_lib.unescape(label) for value, label in
            re.findall(r'<option (?:selected )?value="([^"]*)"[^>]*>([^<]*)</option>', select_html) if value]


def state_names(language: str, statement=None) -> list[str]:
    """The names in `language` of the states `statement` selects (every state by default)."""
    states = db.session.scalars(statement if statement is not None else select(State))
    return [state.name(language) for state in states]


def delegation_names(language: str) -> list[str]:
    return state_names(language, select(State).join(Delegation))


@pytest.fixture(params=LANGUAGES)
def reader(request, reference, app_ctx, client):
    """An officer reading in English or in Russian, logged in."""
    log_in(client, officer(language=request.param).email)
    return SimpleNamespace(language=request.param, client=client)


# The helper --------------------------------------------------------------------------------------

def test_names_sort_without_case_and_with_yo_as_ye():
    names = ["жуково", "Ёлкино", "елово", "Абакан", "ялта"]
    assert sorted(names, key=name_key) == ["Абакан", "Ёлкино", "елово", "жуково", "ялта"]
    assert sorted(["viet Nam", "Uzbekistan", "afghanistan"], key=name_key) == ["afghanistan", "Uzbekistan", "viet Nam"]


def test_by_name_sorts_things_with_names_and_rows_holding_them():
    class Named:
        def __init__(self, en: str, ru: str):
            self.en, self.ru = en, ru

        def name(self, language: str = "en") -> str:
            return self.ru if language == "ru" else self.en

    china, india = Named("China", "Китай"), Named("India", "Индия")
    assert by_name([india, china], "en") == [china, india]
    assert by_name([china, india], "ru") == [india, china]
    rows = [SimpleNamespace(delegation=china), SimpleNamespace(delegation=india)]
    assert [r.delegation for r in by_name(rows, "ru", of=lambda r: r.delegation)] == [india, china]


# Pages and forms ---------------------------------------------------------------------------------

def test_the_delegations_table(reader):
    page = reader.client.get("/admin/delegations").get_data(as_text=True)
    shown = [html_lib.unescape(n) for n in re.findall(r'href="/admin/delegations/\d+">([^<]+)</a>', page)]
    assert_in_reader_order(shown, delegation_names(reader.language), reader.language)


def test_the_members_on_the_states_page(reader):
    page = reader.client.get("/admin/states").get_data(as_text=True)
    members = page[page.index('id="status-member"'):page.index('id="status-observer"')]
    shown = [html_lib.unescape(n) for n in re.findall(r'href="/admin/states/\w+">([^<]+)</a>', members)]
    expected = state_names(reader.language, states_with_status_on(SUITE_DAY, MembershipStatus.MEMBER))
    assert_in_reader_order(shown, expected, reader.language)


def test_the_host_states_of_the_meeting_form(reader):
    page = reader.client.get("/meetings/new").get_data(as_text=True)
    assert_in_reader_order(options(page, "host_state_id"), state_names(reader.language), reader.language)


def test_the_delegations_a_document_is_circulated_to(reader):
    document = make_document()
    page = reader.client.get(f"/documents/{document.id}/circulate").get_data(as_text=True)
    assert_in_reader_order(options(page, "delegation_ids"), delegation_names(reader.language), reader.language)


def test_the_delegations_still_to_invite(reader):
    held = meeting("Autumn SOC")
    page = reader.client.get(f"/meetings/{held.id}/invitations").get_data(as_text=True)
    assert_in_reader_order(options(page, "delegation_id"), delegation_names(reader.language), reader.language)


def test_the_acknowledgements_of_a_circulated_document(reader):
    document = make_document()
    circulate(document, *db.session.scalars(select(Delegation)))
    page = reader.client.get(f"/documents/{document.id}/acknowledgements").get_data(as_text=True)
    shown = [html_lib.unescape(n) for n in re.findall(r'<tr data-delegation="\d+"[^>]*>\s*<td>([^<]+)</td>', page)]
    assert_in_reader_order(shown, delegation_names(reader.language), reader.language)
