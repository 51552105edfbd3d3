"""Codes are shown by their labels, in English and in Russian; findings are
written out in the reader's language from their code and parameters; dates
and file sizes come in one style through Babel."""
from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from secretariat_app.audit.security import EVENT_LABELS, SecurityEvent
from secretariat_app.core import labels
from secretariat_app.core.localisation import datetime_in_words, file_size, local_date, local_datetime
from secretariat_app.cycles.services.texts import finding_text
from secretariat_app.domain import cycles
from secretariat_app.domain.cycles_model import HeldMeeting
from tests.cica_rules import CICA_RULES

SOURCE = Path(__file__).resolve().parents[2] / "secretariat_app"


def _recorded_record_types() -> set[str]:
    """The record types the code passes to the audit log (audit.services.record and friends)."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and len(node.args) >= 3:
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("record", "tracking_changes", "entry_values") and isinstance(node.args[2], ast.Constant):
                    found.add(node.args[2].value)
    return found


def _action_literals(endpoints: set[str]) -> set[str]:
    """Every string literal of the form "<record type>.<verb>" in the code but
    the pages' endpoints (the "delegation" blueprint's "delegation.home")."""
    types = "|".join(sorted(labels.RECORD_LABELS, key=len, reverse=True))
    pattern = re.compile(rf'"((?:{types})\.[a-z_]+)"')
    return {match for path in SOURCE.rglob("*.py") for match in pattern.findall(path.read_text())
            if not match.endswith((".id", ".csv", ".py")) and match not in endpoints}


def test_every_audit_action_and_record_type_has_a_label_in_both_languages(app):
    actions = _action_literals(set(app.view_functions)) | {event.action for event in SecurityEvent}
    assert "document.download" in actions and "cbm_paper.approve" in actions  # the scan sees them
    assert _recorded_record_types() <= set(labels.RECORD_LABELS)
    with app.test_request_context():
        english = {action: labels.audit_action_label(action) for action in actions}
        with force_locale("ru"):
            russian = {action: labels.audit_action_label(action) for action in actions}
    for action in actions:
        assert english[action] != action, action  # a label, not the code
        assert russian[action] != english[action] and re.search("[а-яё]", russian[action]), action
    assert english["document.download"] == "Document: downloaded"
    assert russian["document.download"] == "Документ: скачивание"
    assert russian["security.login"] == "Безопасность: Вход" and EVENT_LABELS[SecurityEvent.LOGIN]


def test_bodies_rules_and_languages_have_russian_labels(app):
    with app.test_request_context(), force_locale("ru"):
        assert labels.body_abbreviation("MFA_INFORMAL") == "неформальное СМИД"
        assert labels.body_abbreviation("SOC") == "КСДЛ"
        rule = labels.cycle_rule_label("chair-follows-host")
        assert rule == "Председательство за принимающей страной"
        languages = [labels.language_label(code) for code in ("en", "ru", "zh")]
        assert languages == ["Английский язык", "Русский язык", "Китайский"]
        assert labels.language_abbreviation("en") == "АНГЛ"


def test_dates_times_and_sizes_in_one_style_in_both_languages(app):
    moment = datetime(2026, 12, 6, 3, 34, 1, tzinfo=UTC)
    with app.test_request_context():
        assert local_datetime(moment) == "6 December 2026, 08:34"  # a reader without a zone: the forum's
        assert local_datetime(moment, "Asia/Almaty") == "6 December 2026, 08:34 (Asia/Almaty)"
        assert local_date(date(2026, 12, 6)) == "6 December 2026"
        assert (file_size(57), file_size(1536), file_size(12_250_000)) == ("57 bytes", "1.5 kB", "12.2 MB")
        with force_locale("ru"):
            assert local_datetime(moment, "Asia/Almaty") == "6 декабря 2026, 08:34 (Asia/Almaty)"
            assert local_date(date(2026, 12, 6)) == "6 декабря 2026"
            in_reader_zone = moment.astimezone(ZoneInfo("Asia/Almaty"))  # the forum's: the reader has none
            assert datetime_in_words(in_reader_zone, "ru") == local_datetime(moment)  # the inbox's fast path agrees
            assert (file_size(57), file_size(1536)) == ("57 байт", "1,5 кБ")


def test_the_pages_fast_dates_are_babels_in_both_languages(app):
    """date_in_words and datetime_in_words (the search's and the inbox's rows) write what Babel
    writes with DATE_PATTERN and DATETIME_PATTERN, every month, in English and Russian."""
    from babel.dates import format_date, format_datetime

    from secretariat_app.core.localisation import DATE_PATTERN, DATETIME_PATTERN, date_in_words

    for language in ("en", "ru"):
        for month in range(1, 13):
            moment = datetime(2026, month, 9, 7, 5)
            assert date_in_words(moment.date(), language) == format_date(moment.date(), DATE_PATTERN,
                                                                         locale=language)
            assert datetime_in_words(moment, language) == format_datetime(moment, DATETIME_PATTERN,
                                                                          locale=language)


def _wrong_chair() -> cycles.Finding:
    history = cycles.CycleHistory(
        meetings=(HeldMeeting("MFA", 2012, 9, number=4, host="Kazakhstan"),
                  HeldMeeting("SUMMIT", 2014, 5, number=4, host="China")),
        chairs=(cycles.ChairTerm("Türkiye", 2010, 2014),),
    )
    rule = next(r for r in CICA_RULES if r.kind == cycles.CHAIR_FOLLOWS_HOST)
    return next(f for f in cycles.check(history, date(2015, 1, 1), (rule,)).findings if f.from_year == 2012)


def test_a_finding_is_written_in_the_readers_language_with_the_states_names_in_it(app_ctx, reference):
    finding = _wrong_chair()
    assert finding.code == "wrong_chair" and finding.params["holder"] == "Türkiye"
    assert finding.message == ("Türkiye chaired in 2012-2013; by the rule Kazakhstan, host of the 4th MFA (2012),"
                               " should have chaired")
    with app_ctx.test_request_context():
        assert finding_text(finding) == finding.message
        with force_locale("ru"):
            assert finding_text(finding) == ("Председательство в 2012–2013 годах: Турция; по правилу"
                                             " председательствовать должна была страна, принимавшая 4-е СМИД"
                                             " (2012), — Казахстан")


def test_a_rhythm_finding_in_russian(app):
    history = cycles.CycleHistory(meetings=(HeldMeeting("SUMMIT", 2019, 6, number=5, host="Tajikistan"),))
    rule = CICA_RULES[0]
    late = next(f for f in cycles.check(history, date(2020, 1, 1), (rule,)).findings if f.kind == cycles.LATE)
    assert late.message == "5th Summit held in 2019, due in 2018: one year late"
    with app.test_request_context(), force_locale("ru"):
        assert finding_text(late) == "5-й Саммит (2019 год), срок — 2018 год: с опозданием на один год"
