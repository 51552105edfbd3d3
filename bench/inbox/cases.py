"""The requests measured beside the inbox (issue 20): the search (a common word,
a rare word, a word with no hits, an inflected Russian form, a word in one
document of thirteen, a symbol) and each of the
inbox's filters alone. run.py loads them with wrk; explain.py shows the
EXPLAIN of each one's statements. Targets: at least 0.3 of the baseline
page's requests per second, p99 at most twice the baseline's."""
from __future__ import annotations

import urllib.parse

import load

TARGET_RATIO = 0.3
TARGET_P99_FACTOR = 2.0


def cases(info: load.LoadInfo) -> list[tuple[str, str]]:
    """(label, path) of every case, for the loaded data in `info`."""
    def search(words: str) -> str:
        return "/search/?q=" + urllib.parse.quote(words)

    return [
        ("search: a common word", search("security")),
        ("search: a rare word", search(load.RARE_WORD)),
        ("search: no hits", search("zzzqqqxj")),
        ("search: Russian, inflected", search("безопасность")),
        ("search: a less common word", search(load.LESS_COMMON_WORD)),
        ("search: a symbol", search(load.SEARCHED_SYMBOL)),
        ("search: two words and a filter", search("energy cooperation") + "&year=2012"),
        ("filter: meeting", f"/inbox/?meeting={info.filter_meeting_id}"),
        ("filter: body", f"/inbox/?body={info.filter_body_id}"),
        ("filter: year", "/inbox/?year=2010"),
        ("filter: type", "/inbox/?doc_type=report"),
        ("filter: language (ru)", "/inbox/?language=ru"),
        ("filter: language (other)", "/inbox/?language=other"),
        ("filter: unread", "/inbox/?state=unread"),
        ("filter: read", "/inbox/?state=read"),
    ]
