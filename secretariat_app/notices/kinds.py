"""The registry of notice kinds: one entry per NotificationKind says everything
the notice pipeline and the notice pages need to know about that kind: its
label, what it is about (its subject), how its mail is written and from which
templates, whether a person may turn it off by mail and whether it joins the
daily digest. Each feature registers its own kinds from its `notice_kinds`
module; create_app imports those modules (`features.register_notice_kinds`).
The pipeline (`notices/services/`) and the pages (`notices/web`,
`notices/my_notices`) look kinds up here and never import a feature.

How to add a notice kind
------------------------
1. Add a member to `NotificationKind` (`notices/models.py`). The column is a
   VARCHAR whose CHECK constraint lists the values: write an Alembic
   migration that recreates the constraint of `notification.kind`
   (tests/integration/test_migrations.py compares models and migrations).
2. In the feature's `notice_kinds.py` (create it if the feature has none; add
   nothing to `features.py`, which finds it), register what the notices are
   about (once per subject type; `describe` names the subjects and links them
   on the notice pages), then the kind from its parts:

       papers = register_subject(NoticeSubject("cbm_paper", CbmPaper, describe_papers))
       register_kind(
           papers, NotificationKind.PAPER_APPROVED,
           paper_approved,                                 # (notification, user) -> Notice | EmailMessage
           "cbm_paper_approved",                           # templates/mail/<name>.txt and .html
           label=_l("Paper approved"),                     # one notice, as listed
           preference_label=_l("Approved papers"),         # the box on "My notices: preferences"
       )
3. Write the renderer in the feature (e.g. `services/mail.py`): it gets the
   row and the recipient inside the recipient's locale, loads the subject with
   `rendering.subject_of` (a subject gone raises NotDeliverable: the row is
   cancelled) and returns a `Notice` built with `rendering.render_pair`.
   Put the templates in the feature's `templates/mail/`.
4. Queue rows with `notices.services.queue.queue(kind, subject_type, id,
   recipient_ids, due_at)` in the transaction of whatever causes them.
5. Translate the label, the preference label, the subject line and the
   templates' texts into Russian (docs/development.md, "Translations").
   tests/services/test_notice_kinds.py checks that every kind has exactly one
   complete entry: templates that render in English and Russian, a label
   translated into Russian, a preference.

Optional: `secretariat_only=True` offers the preference to officers only;
`render_digest` makes the kind join the daily digest of a person who chose it
(`User.document_digest`): one mail, written by `render_digest(rows, user)`,
carries all the notices of the kind due that morning."""
from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from secretariat_app.notices.models import Notification, NotificationKind

if TYPE_CHECKING:
    from secretariat_app.accounts.models.people import User


class NotDeliverable(LookupError):
    """The notice cannot be sent any more (its subject is gone, its recipient
    cannot be mailed): the row is cancelled with this reason."""


class UnknownKind(LookupError):
    """No feature registered this notice kind."""


@dataclass
class Notice:
    """What a renderer returns: the mail's subject line, text and HTML."""
    subject: str
    text: str
    html: str | None = None
    decorate: Callable[[EmailMessage], None] | None = None  # e.g. adds a text/calendar part


Renderer = Callable[[Notification, "User"], "Notice | EmailMessage"]
DigestRenderer = Callable[[list[Notification], "User"], Notice]
# (subject ids, reader, language) -> {subject id: (label, link or None)}, the subjects loaded in one query
Describer = Callable[[set[int], "User", str], dict[int, tuple[str, str | None]]]


@dataclass(frozen=True)
class NoticeSubject:
    """What notices of some kinds are about: Notification.subject_type, the model
    its subject_id points at, and how the notice pages name and link subjects."""
    type: str
    model: builtins.type[Any]  # not `type`: the field above
    describe: Describer


@dataclass(frozen=True)
class NoticeKind:
    kind: NotificationKind
    label: Any  # a lazy gettext string: the name of one notice of this kind (notice lists, failed notices)
    preference_label: Any  # a lazy gettext string: the box that turns the kind on or off by mail
    subject_type: str  # a registered NoticeSubject
    render: Renderer  # called inside the recipient's locale
    templates: tuple[str, ...]  # under templates/mail/, each as .txt and .html
    secretariat_only: bool = False  # only officers receive it (and see its preference)
    render_digest: DigestRenderer | None = None  # set: the kind joins the daily digest

    @property
    def preference(self) -> str:
        """The key in User.mail_opt_out of a person who turned the kind off by mail
        (every kind is mailed unless turned off)."""
        return self.kind.value

    @property
    def digest(self) -> bool:
        return self.render_digest is not None


KINDS: dict[NotificationKind, NoticeKind] = {}
SUBJECTS: dict[str, NoticeSubject] = {}


def register(entry: NoticeKind) -> NoticeKind:
    """Add a kind to the registry; a kind is registered once."""
    if entry.kind in KINDS:
        raise ValueError(f"the notice kind {entry.kind.value} is registered twice")
    KINDS[entry.kind] = entry
    return entry


def register_kind(subject: NoticeSubject, kind: NotificationKind, render: Renderer, *templates: str,
                  label: Any, preference_label: Any, secretariat_only: bool = False,
                  render_digest: DigestRenderer | None = None) -> NoticeKind:
    """Register a kind from its parts: notices about `subject` (a registered subject),
    written by `render` from `templates` (under templates/mail/)."""
    return register(NoticeKind(kind=kind, label=label, preference_label=preference_label, subject_type=subject.type,
                               render=render, templates=templates, secretariat_only=secretariat_only,
                               render_digest=render_digest))


def register_subject(subject: NoticeSubject) -> NoticeSubject:
    if subject.type in SUBJECTS:
        raise ValueError(f"the notice subject {subject.type} is registered twice")
    SUBJECTS[subject.type] = subject
    return subject


def get(kind: NotificationKind) -> NoticeKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownKind(f"no notice kind {kind.value} is registered (is its feature's notice_kinds imported?)") \
            from None


def subject(subject_type: str) -> NoticeSubject | None:
    return SUBJECTS.get(subject_type)


def all_kinds() -> list[NoticeKind]:
    """The registered kinds in the order of NotificationKind (the order pages show them)."""
    return [KINDS[kind] for kind in NotificationKind if kind in KINDS]


def is_digest_kind(kind: NotificationKind) -> bool:
    entry = KINDS.get(kind)
    return entry is not None and entry.digest


def label(kind: NotificationKind) -> Any:
    entry = KINDS.get(kind)
    return entry.label if entry else kind.value


def describe(pairs: Iterable[tuple[str, int]], reader: User, language: str) \
        -> dict[tuple[str, int], tuple[str, str | None]]:
    """What each (subject_type, subject_id) is about for `reader`: (label, link or
    None), one describe call (one query) per subject type; a subject gone is left out."""
    wanted: dict[str, set[int]] = {}
    for subject_type, subject_id in pairs:
        wanted.setdefault(subject_type, set()).add(subject_id)
    found: dict[tuple[str, int], tuple[str, str | None]] = {}
    for subject_type, ids in wanted.items():
        entry = SUBJECTS.get(subject_type)
        if entry is None:
            continue
        for subject_id, described in entry.describe(ids, reader, language).items():
            found[(subject_type, subject_id)] = described
    return found
