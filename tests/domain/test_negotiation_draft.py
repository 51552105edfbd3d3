"""Reading a pasted draft: the title, then PP and OP paragraphs (Latin or Cyrillic marks,
numbered or not), the same parts in English and Russian."""
from __future__ import annotations

from secretariat_app.domain.negotiation import OPERATIVE, PREAMBULAR, TITLE
from secretariat_app.domain.negotiation_draft import PARAGRAPHS_MAX, parse_draft

EN = "Statement\n\nPP1. Recalling  the Act,\n\nOP1: They agree.\r\n\r\nop They meet."
RU = "Заявление\n\nПП Ссылаясь на Акт,\n\nОП1 — Они согласны.\n\nОП2. Они встречаются."


def test_a_draft_in_both_languages_becomes_its_parts():
    parts, violations = parse_draft(EN, RU)
    assert violations == []
    assert [(p.kind, p.en, p.ru) for p in parts] == [
        (TITLE, "Statement", "Заявление"),
        (PREAMBULAR, "Recalling the Act,", "Ссылаясь на Акт,"),
        (OPERATIVE, "They agree.", "Они согласны."),
        (OPERATIVE, "They meet.", "Они встречаются."),
    ]


def test_what_is_wrong_is_said_per_language():
    assert [v.field for v in parse_draft("Title\n\nNo mark here.", RU)[1]] == ["draft_en"]
    assert [v.field for v in parse_draft("Title only", "")[1]] == ["draft_en", "draft_ru"]
    assert [v.field for v in parse_draft(EN, "Заявление\n\nОП1. Одно.")[1]] == ["draft_ru"]
    assert [v.field for v in parse_draft("T\n\nOP1. A.\n\nPP1. B.", "Т\n\nОП1. А.\n\nПП1. Б.")[1]] == ["draft_en"]
    assert [v.field for v in parse_draft("T\n\nOP1.", RU)[1]] == ["draft_en"]
    many = "T" + "\n\nOP x." * PARAGRAPHS_MAX
    assert [v.field for v in parse_draft(many, many)[1]] == ["draft_en", "draft_ru"]
