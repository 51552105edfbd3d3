"""Use cases: one function per user action, one transaction each. They apply the
rules from domain/, write rows and the audit entry, and commit."""
