"""Document symbols, as UN and OSCE practice writes them: CICA/<BODY>/<YEAR>/<SERIAL>,
later versions with /Rev.N (replaces), /Corr.N (corrects) or /Add.N (adds)."""
from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "CICA"
KINDS = ("Rev", "Corr", "Add")
_SYMBOL = re.compile(r"^CICA/([A-Z_]{2,16})/(\d{4})/(\d{1,6})(?:/(Rev|Corr|Add)\.(\d{1,3}))?$")


@dataclass(frozen=True)
class Symbol:
    body: str
    year: int
    serial: int
    kind: str | None = None  # Rev, Corr, Add
    number: int | None = None

    def __str__(self) -> str:
        base = f"{PREFIX}/{self.body}/{self.year}/{self.serial}"
        return f"{base}/{self.kind}.{self.number}" if self.kind else base

    @property
    def base(self) -> Symbol:
        return Symbol(self.body, self.year, self.serial)

    def later(self, kind: str, number: int) -> Symbol:
        if kind not in KINDS or number < 1:
            raise ValueError(f"not a version: {kind}.{number}")
        return Symbol(self.body, self.year, self.serial, kind, number)

    def file_name(self, language: str, extension: str) -> str:
        """The attachment name: CICA-SOC-2024-17-ru.pdf (slashes become hyphens)."""
        return f"{str(self).replace('/', '-')}-{language}.{extension}"


def parse(text: str) -> Symbol:
    match = _SYMBOL.match(text.strip())
    if not match:
        raise ValueError(f"not a CICA document symbol: {text!r}")
    body, year, serial, kind, number = match.groups()
    return Symbol(body, int(year), int(serial), kind, int(number) if number else None)
