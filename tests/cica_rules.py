"""CICA's rules as shipped (secretariat_app/data/rules/cica.toml), as the engine checks them."""
from __future__ import annotations

from pathlib import Path

import secretariat_app
from secretariat_app.domain.cycles_rules import engine_rules
from secretariat_app.domain.forum_rules import read_rules_file

CICA_RULES_FILE = Path(secretariat_app.__file__).parent / "data" / "rules" / "cica.toml"
CICA_RULES = engine_rules(read_rules_file(CICA_RULES_FILE))
