"""Accounts and states: users, roles and logging in; delegations; states,
organisations, memberships and bodies; the staff register.

- `models/`: people (User, Role, Delegation), states (State, Membership, Body),
  staff (StaffAppointment).
- `services/`: users, delegations, states, staff, reference_data, mail (password
  reset).
- `login`, `passwords`: Flask-Login wiring; argon2id hashes.
- `auth/`: log in and out, passwords (blueprint "auth").
- `admin/`: the officer's administration pages (blueprint "admin"), including
  the audit log page; the audit trail itself is `secretariat_app.audit`.
- `delegation/`: a delegate's own delegation and its meeting registrations
  (blueprint "delegation"; the meeting rules are in `secretariat_app.meetings`).
"""
