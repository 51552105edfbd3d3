"""@access names its requirement as an enum, so that a misspelt audience or
action fails where it is written; the pages open to any signed-in person are
only the person's own (their account, notices, calendar feed) and those whose
rule is a listing (the decisions register, document downloads, the search); every other
page names the Audience or Action it requires."""
from __future__ import annotations

import pytest

from secretariat_app.permissions import Action, Audience, Load, access, can, requirement_of
from tests.factories import officer

OWN_PAGES = {
    "auth.logout", "auth.change_password",
    "auth.second_factor_enrol", "auth.two_step", "auth.renew_recovery_codes", "auth.two_step_off",
    "calendar.settings", "calendar.regenerate", "calendar.revoke",
    "my_notices.index", "my_notices.preferences",
    "my_sessions.index", "my_sessions.sign_out", "my_sessions.sign_out_others",  # the service refuses others' (404)
    "my_profile.index",
    "decisions.index",  # the register lists adopted decisions only outside the Secretariat
    "documents.download",  # documents/services/reading decides, per version
    "documents.side_by_side_text",  # permissions.documents decides, per document (404 otherwise)
    # A meeting's kit: 404 unless the reader may read a document of it; the kit holds only those they may read.
    "documents.meeting_kit", "documents.meeting_kit_prepare", "documents.meeting_kit_download",
    "search.index",  # each kind of result cut by its own rule (permissions/search.py)
    "negotiations.index",  # lists only the negotiations permissions/negotiations.py lets the reader open
    "my_tokens.index", "my_tokens.revoke",  # the person's own API tokens (the service refuses others', 404)
    # The JSON API's doors whose rule is the pages' own listing or per-object rule (api/v1/), and who a token is.
    "api.document", "api.version_file", "api.meetings", "api.decisions", "api.me",
    "api.negotiations",  # as negotiations.index: only the texts permissions/negotiations.py lets the reader open
}


def test_only_the_persons_own_pages_are_open_to_anyone_signed_in(app):
    with app.test_request_context():
        open_ = {r.endpoint for r in app.url_map.iter_rules()
                 if requirement_of(r.endpoint) == Audience.AUTHENTICATED}
    assert open_ == OWN_PAGES


def test_the_pages_that_act_on_an_object_name_their_action(app):
    with app.test_request_context():
        actions = {r.endpoint: requirement_of(r.endpoint) for r in app.url_map.iter_rules()
                   if isinstance(requirement_of(r.endpoint), Action)}
    assert actions["cbm.annual_report"] == Action.READ_CBM_REPORT
    assert actions["cbm.report_submit"] == Action.COORDINATE_CBM_AREA
    assert actions["cbm.overview"] == Action.READ_CBM_OVERVIEW
    assert actions["admin.user_edit"] == Action.EDIT_USER
    assert actions["decisions.detail"] == Action.READ_DECISION
    assert actions["calendar.meeting_ics"] == Action.READ_MEETING


def test_a_string_is_refused_where_it_is_written():
    with pytest.raises(TypeError):
        access("authenticated")
    with pytest.raises(AttributeError):
        Action.MANAGE_CMB  # noqa: B018


def test_an_action_on_an_object_says_how_the_object_is_loaded():
    with pytest.raises(TypeError):
        access(Action.READ_CBM_REPORT)
    with pytest.raises(TypeError):
        access(Audience.SECRETARIAT, load=Load("id", "thing", lambda id_: None))
    access(Action.READ_CBM_REPORT, load=Load("report_id", "report", lambda id_: None))


def test_can_takes_actions_only(app_ctx):
    user = officer()
    assert can(user, Action.MANAGE_CBM)
    with pytest.raises(TypeError):
        can(user, "manage_cbm")


def test_every_action_has_an_audience_and_a_rule():
    from secretariat_app.permissions import RULES

    assert set(RULES) == set(Action)
    assert all(isinstance(action.audience, Audience) for action in Action)
