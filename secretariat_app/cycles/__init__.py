"""The cycle rules: when each body is due to meet, the check that finds
departures, the history import and the timeline.

- `models`: CycleFinding (a departure, kept so officers hear of it once).
- `services/`: check (the one cycle check: beat, CLI and the button), history_import,
  timeline, officer_alerts (the notices a new finding raises).
- `web/`: the overview and timeline pages (blueprint "cycles").
- The pure rules: `domain/cycles*.py`.
"""
