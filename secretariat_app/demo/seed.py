"""What `flask seed` (and `make run`) loads, in one place: the command line's
`seed` and `reference load` and the tests call these rather than repeat the
steps.

Each step is its own transaction (the loaders and the services it calls
commit) and idempotent, so a seed that stopped half way is completed by
running it again; nothing is mailed (circulating the demo documents queues
notice rows, which the dispatcher sends)."""
from __future__ import annotations

from dataclasses import dataclass, field

from secretariat_app.accounts.services import reference_data
from secretariat_app.cbm.services import catalogue as cbm_catalogue
from secretariat_app.core.loading import LoadReport
from secretariat_app.cycles.services import history_import
from secretariat_app.demo import accounts as demo_accounts
from secretariat_app.demo import content as demo_content
from secretariat_app.demo import guard


@dataclass
class SeedReport:
    reference: LoadReport
    catalogue: LoadReport
    history: LoadReport | None = None  # None: not asked for
    demo_users: list[tuple[str, str]] = field(default_factory=list)  # (e-mail, description) of every demo user
    demo_content: bool = False  # the December SWG and SOC and their documents created now
    cbm_demo: bool = False  # the CBM demo created now
    coordinators: dict[str, list[str]] = field(default_factory=dict)  # e-mail: the areas they coordinate
    second_factors: list[tuple[str, str, str]] = field(default_factory=list)  # e-mail, TOTP key, otpauth URI


def load_reference() -> SeedReport:
    """States, memberships, bodies and delegations, then the Catalogue of CBMs
    (`flask reference load`, and the start of every seed)."""
    return SeedReport(reference=reference_data.load_reference_data(), catalogue=cbm_catalogue.load_catalogue())


def seed(with_demo: bool | None = None, with_history: bool = True) -> SeedReport:
    """Reference data, the recorded history of meetings and chairmanships, and
    (with_demo) the demo users and content; a second run changes nothing.

    with_demo None: the demo outside production only. with_demo True in
    production raises guard.DemoRefused before anything is written."""
    if with_demo is None:
        with_demo = guard.demo_allowed()
    elif with_demo:
        guard.refuse_in_production()
    report = load_reference()
    if with_history:
        report.history = history_import.import_history(reference_data.DATA_DIR)
    if with_demo:
        report.demo_users = demo_accounts.create_demo_users()
        report.second_factors = demo_accounts.enrol_demo_staff()
        report.demo_content = demo_content.create_demo_content()
        report.cbm_demo = demo_content.create_cbm_demo()
        report.coordinators = demo_content.demo_coordinators()
    return report
