"""The cycle rules: when each body is due to meet, the check that finds
departures, the history import and the timeline.

- `models`: CycleFinding (a departure, kept so officers hear of it once), CycleRulesVersion
  (a rules file an officer uploaded, in force from its date).
- `services/`: check (`check_and_record`, the one cycle check of beat, `flask cycles
  check --record` and the button: findings and officer notices in one commit), rules (the
  forum's rules in force: RULES_FILE and the uploaded versions), history_import (with
  chair_decisions_import, the decisions on the chairmanship), timeline, officer_alerts (the
  notices a new finding raises).
- `notice_kinds`: the cycle finding notice for officers (registered with
  `notices.kinds`); its mail is `services/mail.py`.
- `web/`: the overview and timeline pages, the rules page with its upload form (blueprint "cycles").
- The pure rules: `domain/cycles*.py`, the rules file's reader `domain/forum_rules.py`.
"""
