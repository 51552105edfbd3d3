"""The cycle rules: when each body is due to meet, the check that finds
departures, the history import and the timeline.

- `models`: CycleFinding (a departure, kept so officers hear of it once).
- `services/`: check (`check_and_record`, the one cycle check of beat, `flask cycles
  check --record` and the button: findings and officer notices in one commit), history_import,
  timeline, officer_alerts (the notices a new finding raises).
- `notice_kinds`: the cycle finding notice for officers (registered with
  `notices.kinds`); its mail is `services/mail.py`.
- `web/`: the overview and timeline pages (blueprint "cycles").
- The pure rules: `domain/cycles*.py`.
"""
