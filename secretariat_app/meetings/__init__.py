"""Meetings: the calendar, scheduling and status, the agenda, invitations and
participants, reminders, the invitation mails and iCalendar feeds.

- `models`: Meeting, Invitation, Participant, AgendaItem.
- `services/`: meetings (schedule, move, cancel), status, agenda, invitations,
  calendar (the month view), reminders (notice rows), mail and ics (what a
  meeting notice carries), feeds (a person's secret calendar feed).
- `notice_kinds`: the reminder and cancellation notices (registered with `notices.kinds`).
- `web/`: the officers' pages (blueprint "meetings").
- `calendar/`: a person's feed settings (blueprint "calendar").
- A delegation's own registrations are `accounts/delegation/routes_meetings.py`.
"""
