"""The registry of notice kinds (secretariat_app/notices/kinds.py): every
NotificationKind has exactly one complete entry, registered by one feature:
a label and a preference label translated into Russian, a registered subject,
a renderer, mail templates in .txt and .html whose every text has a Russian
translation, and a box on the preferences page."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from config import TestConfig
from secretariat_app import create_app
from secretariat_app.notices import kinds
from secretariat_app.notices.models import NotificationKind

PACKAGE = Path(__file__).resolve().parents[2] / "secretariat_app"
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


@pytest.fixture(scope="module")
def registry_app():
    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture(scope="module")
def russian():
    with (PACKAGE / "translations" / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="ru")


def registrations() -> dict[str, list[str]]:
    """Where the source registers each kind: register(NoticeKind(kind=NotificationKind.X, ...))."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "NoticeKind":
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Attribute):
                        found.setdefault(keyword.value.attr, []).append(str(path.relative_to(PACKAGE)))
    return found


def translated(catalog, msgid) -> bool:
    message = catalog.get(msgid)
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def test_each_kind_is_registered_once_by_its_feature(registry_app):
    where = registrations()
    assert sorted(where) == sorted(kind.name for kind in NotificationKind)
    for name, modules in where.items():
        assert len(modules) == 1, f"{name} is registered in {modules}"
        assert modules[0].endswith("notice_kinds.py") and not modules[0].startswith("notices/")
    assert [entry.kind for entry in kinds.all_kinds()] == list(NotificationKind)


def test_a_kind_registered_twice_is_refused(registry_app):
    entry = kinds.get(NotificationKind.CYCLE_FINDING)
    with pytest.raises(ValueError, match="registered twice"):
        kinds.register(entry)
    assert kinds.get(NotificationKind.CYCLE_FINDING) is entry


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.value)
def test_each_kind_has_a_complete_entry(registry_app, russian, kind):
    entry = kinds.get(kind)
    assert entry.kind is kind and callable(entry.render)
    subject = kinds.subject(entry.subject_type)
    assert subject is not None and callable(subject.describe) and hasattr(subject.model, "id")
    assert entry.preference == kind.value
    with registry_app.test_request_context():
        for text in (entry.label, entry.preference_label):
            english = str(text)
            assert english and translated(russian, english), f"{english!r} has no Russian translation"
            with force_locale("ru"):
                assert CYRILLIC.search(str(text)), f"{english!r} is not shown in Russian"


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda kind: kind.value)
def test_each_kinds_mail_templates_exist_and_are_translated(registry_app, russian, kind):
    entry = kinds.get(kind)
    assert entry.templates, f"{kind.value} names no mail template"
    environment = registry_app.jinja_env
    for name in entry.templates:
        for suffix in ("txt", "html"):
            source, _filename, _uptodate = environment.loader.get_source(environment, f"mail/{name}.{suffix}")
            texts = [message for _line, _function, message in environment.extract_translations(source)]
            assert texts, f"mail/{name}.{suffix} has no translatable text"
            missing = [message for message in texts if not translated(russian, message)]
            assert not missing, f"mail/{name}.{suffix}: no Russian for {missing}"


def test_each_kind_is_offered_on_the_preferences_page(registry_app, monkeypatch):
    from secretariat_app.accounts.models.people import User
    from secretariat_app.notices.my_notices import forms

    person = User(name="Dana", email="dana@example.org", mail_opt_out=["meeting_reminder"], document_digest=False)
    with registry_app.test_request_context():
        monkeypatch.setattr(forms, "is_secretariat", lambda user: True)
        form = forms.PreferencesForm.for_user(person)
        assert form.kinds == list(NotificationKind)  # a box for every kind
        assert [str(field.label.text) for field in form.kind_fields()] == \
            [str(kinds.get(kind).preference_label) for kind in NotificationKind]
        assert [field.data for field in form.kind_fields()] == [kind != NotificationKind.MEETING_REMINDER
                                                                 for kind in NotificationKind]
        monkeypatch.setattr(forms, "is_secretariat", lambda user: False)
        assert forms.kinds_for(person) == [entry.kind for entry in kinds.all_kinds() if not entry.secretariat_only]
        assert NotificationKind.CYCLE_FINDING not in forms.kinds_for(person)
