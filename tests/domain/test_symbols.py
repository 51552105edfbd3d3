"""Document symbols: CICA/<BODY>/<YEAR>/<SERIAL>, later versions and file names."""
from __future__ import annotations

import pytest

from secretariat_app.domain.symbols import Symbol, parse


def test_a_symbol_is_written_the_un_way():
    assert str(Symbol("SOC", 2024, 17)) == "CICA/SOC/2024/17"
    assert str(Symbol("SOC", 2024, 17, "Rev", 1)) == "CICA/SOC/2024/17/Rev.1"


@pytest.mark.parametrize("text", ["CICA/SOC/2024/17", "CICA/MFA_INFORMAL/2019/3/Corr.2", "CICA/SWG/2023/1/Add.12"])
def test_parse_reads_what_str_writes(text):
    assert str(parse(text)) == text
    assert str(parse(f"  {text}\n")) == text


def test_parse_gives_the_parts():
    assert parse("CICA/SOC/2024/17/Rev.3") == Symbol("SOC", 2024, 17, "Rev", 3)
    assert parse("CICA/SOC/2024/17") == Symbol("SOC", 2024, 17)


@pytest.mark.parametrize("text", [
    "", "SOC/2024/17", "CICA/soc/2024/17", "CICA/SOC/24/17", "CICA/SOC/2024/", "CICA/SOC/2024/17/Rev",
    "CICA/SOC/2024/17/Rev.1/Corr.1", "CICA/SOC/2024/17/Amend.1", "CICA/SOC/2024/17/../../etc", "CICA/S/2024/1",
])
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse(text)


def test_later_versions_share_the_base():
    base = Symbol("SOC", 2024, 17)
    rev = base.later("Rev", 2)
    assert str(rev) == "CICA/SOC/2024/17/Rev.2"
    assert rev.base == base and base.base == base
    assert str(rev.base.later("Add", 1)) == "CICA/SOC/2024/17/Add.1"


@pytest.mark.parametrize("kind,number", [("Amend", 1), ("Rev", 0), ("rev", 1), ("Corr", -1)])
def test_not_a_later_version(kind, number):
    with pytest.raises(ValueError):
        Symbol("SOC", 2024, 17).later(kind, number)


def test_the_file_name_has_no_slash():
    assert Symbol("SOC", 2024, 17).file_name("ru", "pdf") == "CICA-SOC-2024-17-ru.pdf"
    assert Symbol("SOC", 2024, 17, "Rev", 1).file_name("en", "docx") == "CICA-SOC-2024-17-Rev.1-en.docx"
