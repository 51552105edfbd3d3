"""The policy every outgoing mail is written with: the standard library's
modern one (`email.policy.default`, an EmailPolicy), with one repair.

On the Python we run (3.11), the modern policy folds a long header with
non-ASCII text by ending one encoded word before a space and putting the
space, bare, after the fold: `...?=\\n  =?utf-8?b?...`. RFC 2047 tells readers
to ignore whitespace between two encoded words, so every reader drops that
space: "Внеочередная сессия КСДЛ" arrived as "Внеочереднаясессия КСДЛ".

Here, a header whose text is not ASCII (a subject) is written as encoded
words that carry every character of the text, spaces included, split only
between characters (`email.header.Header`'s encoder), so that the whitespace
between the words is only the fold and nothing is lost when a reader joins
them; a display name is one encoded word (`_addresses` says why). ASCII
headers and structured ones (Content-Type and its parameters) are folded by
the modern policy as before."""
from __future__ import annotations

from email.header import Header
from email.headerregistry import AddressHeader, UnstructuredHeader
from email.policy import EmailPolicy
from email.utils import formataddr
from typing import Any

CHARSET = "utf-8"


class EncodedWordPolicy(EmailPolicy):
    """EmailPolicy, with non-ASCII unstructured and address headers encoded so that folding keeps every space."""

    def fold(self, name: str, value: Any) -> str:
        return self._encoded(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        encoded = self._encoded(name, value)
        return encoded.encode("ascii") if encoded else super().fold_binary(name, value)

    def _encoded(self, name: str, value: Any) -> str | None:
        """`Name: encoded words` and the line end, or None when the modern policy's folding is right."""
        text = str(value)
        if self.utf8 or text.isascii():  # SMTPUTF8 carries the text raw; ASCII folds at spaces, which stay
            return None
        if isinstance(value, AddressHeader):
            body = self._addresses(value)
        elif isinstance(value, UnstructuredHeader):
            body = self._words(name, text)
        else:
            return None
        return None if body is None else f"{name}: {body}{self.linesep}"

    def _words(self, name: str, text: str) -> str:
        header = Header(text, CHARSET, maxlinelen=self.max_line_length, header_name=name)
        return header.encode(linesep=self.linesep)

    def _addresses(self, value: AddressHeader) -> str | None:
        """Each display name as one encoded word: inside a phrase, the modern parser keeps the
        whitespace between encoded words while RFC 2047 readers drop it, so a name split over
        several words would read differently in each; one word (a long line, within RFC 5322's
        998 octets) reads the same in both."""
        if any(group.display_name is not None for group in value.groups):
            return None  # named groups: never written by this application; the modern policy writes them
        written = []
        for address in value.addresses:
            if not address.addr_spec.isascii():
                return None  # an internationalised address needs SMTPUTF8, not encoded words
            written.append(formataddr((address.display_name, address.addr_spec), charset=CHARSET))
        return f",{self.linesep} ".join(written)


# The policy of every message `core.mail` builds; smtplib writes it with CRLF line ends.
MAIL_POLICY = EncodedWordPolicy()
