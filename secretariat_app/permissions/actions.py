"""The actions a person may be allowed to do, each with the audience that may
ever do it (the first gate of a page that names the action), whether its rule
needs the object acted on, and whether a refusal hides the object (404, as if
it did not exist) rather than refuses the act (403). The rules themselves are
permissions.RULES; a name that is not here fails where it is written."""
from __future__ import annotations

import enum

from secretariat_app.permissions.roles import Audience


class Action(enum.Enum):
    audience: Audience
    on_object: bool
    hides: bool

    def __new__(cls, value: str, audience: Audience, on_object: bool = False, hides: bool = False):
        member = object.__new__(cls)
        member._value_ = value
        member.audience = audience
        member.on_object = on_object
        member.hides = hides
        return member

    # Accounts and reference data
    GRANT_ROLE = "grant_role", Audience.SECRETARIAT, True          # obj: the Role
    INVITE_USER = "invite_user", Audience.SECRETARIAT               # a new account (at least a delegate's)
    EDIT_USER = "edit_user", Audience.SECRETARIAT, True             # obj: the User
    RESET_SECOND_FACTOR = "reset_second_factor", Audience.ADMIN, True  # obj: the User (another one)
    MANAGE_REFERENCE_DATA = "manage_reference_data", Audience.SECRETARIAT
    MANAGE_STAFF = "manage_staff", Audience.SECRETARIAT
    MANAGE_DELEGATIONS = "manage_delegations", Audience.SECRETARIAT
    READ_AUDIT = "read_audit", Audience.SECRETARIAT
    VIEW_DELEGATION = "view_delegation", Audience.AUTHENTICATED, True   # obj: the Delegation

    # Meetings (permissions.meetings)
    READ_MEETING = "read_meeting", Audience.AUTHENTICATED, True, True  # obj: the Meeting

    # Decisions
    READ_DECISION = "read_decision", Audience.AUTHENTICATED, True, True  # obj: the Decision
    BREAK_SILENCE = "break_silence", Audience.DELEGATE, True  # obj: the Decision (permissions.decisions)
    READ_SILENCE_OBJECTION = "read_silence_objection", Audience.AUTHENTICATED, True, True  # obj: the objection

    # Succession to the chairmanship (permissions.succession)
    MANAGE_SUCCESSION = "manage_succession", Audience.SECRETARIAT
    READ_SUCCESSION = "read_succession", Audience.AUTHENTICATED

    # Confidence building measures (permissions.cbm)
    MANAGE_CBM = "manage_cbm", Audience.SECRETARIAT
    READ_CBM_OVERVIEW = "read_cbm_overview", Audience.AUTHENTICATED
    COORDINATE_CBM_AREA = "coordinate_cbm_area", Audience.AUTHENTICATED, True  # obj: an area or what is in one
    READ_CBM_REPORT = "read_cbm_report", Audience.AUTHENTICATED, True, True    # obj: a report or what is in one
    READ_CBM_PAPER = "read_cbm_paper", Audience.AUTHENTICATED, True, True      # obj: a paper or an activity
    COMMENT_CBM_PAPER = "comment_cbm_paper", Audience.AUTHENTICATED, True      # obj: the paper

    # Negotiated texts (permissions.negotiations)
    MANAGE_NEGOTIATIONS = "manage_negotiations", Audience.SECRETARIAT
    READ_NEGOTIATION = "read_negotiation", Audience.AUTHENTICATED, True, True       # obj: the NegotiatedText
    TAKE_PART_IN_NEGOTIATION = "take_part_in_negotiation", Audience.DELEGATE, True  # obj: the NegotiatedText
    SEE_POSITION_NAMES = "see_position_names", Audience.AUTHENTICATED, True        # obj: the NegotiatedText
