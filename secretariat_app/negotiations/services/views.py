"""What the negotiation pages show, read in one place: each paragraph with its compiled form
in the page's language, its proposals (filtered by delegation and status), the reader's
delegation's position and the others' positions, by name or as counts."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from secretariat_app.domain import negotiation as rules
from secretariat_app.domain.negotiation_compile import CompiledParagraph
from secretariat_app.negotiations.models import NegotiatedText, ProposalStatus, TextParagraph, TextProposal
from secretariat_app.negotiations.services.texts import compiled, current_positions


@dataclass(frozen=True)
class Filters:
    delegation_id: int | None = None
    status: str | None = None  # a ProposalStatus value

    def keeps(self, proposal: TextProposal) -> bool:
        return ((self.delegation_id is None or proposal.delegation_id == self.delegation_id)
                and (self.status is None or proposal.status.value == self.status))


@dataclass
class ParagraphView:
    paragraph: TextParagraph
    label: str
    compiled: CompiledParagraph | None
    additions: list[CompiledParagraph] = field(default_factory=list)  # new paragraphs proposed after it
    proposals: list[TextProposal] = field(default_factory=list)
    my_position: str | None = None
    positions: dict[str, list[str]] = field(default_factory=dict)  # position -> names (names shown)
    counts: dict[str, int] = field(default_factory=dict)  # position -> how many delegations


def parse_filters(delegation: str | None, status: str | None) -> Filters:
    """The page's filters; a value that means nothing is ignored, not an error."""
    delegation_id = int(delegation) if delegation and delegation.isdigit() else None
    return Filters(delegation_id, status if status in {s.value for s in ProposalStatus} else None)


def paragraph_views(text: NegotiatedText, language: str, filters: Filters, my_delegation: str | None,
                    names: bool) -> list[ParagraphView]:
    """Every paragraph of the text in order (deleted ones too, marked), with what the page shows of it.
    `my_delegation` is the reader's delegation's English name (None for the Secretariat); `names`,
    whether others' positions are shown by name."""
    shown = compiled(text, language)
    by_id = {c.paragraph_id: c for c in shown if c.paragraph_id is not None}
    additions: dict[int, list[CompiledParagraph]] = {}
    proposals_by_id = {p.id: p for p in text.proposals}
    for c in shown:
        if c.proposed:
            anchor = proposals_by_id[c.alternatives[0].proposal_ids[0]].paragraph_id
            additions.setdefault(anchor, []).append(c)
    positions_en = current_positions(text, "en")
    positions_here = current_positions(text, language)
    views = []
    for paragraph in sorted(text.paragraphs, key=lambda p: p.position):
        mine = positions_en.get(paragraph.id, {}).get(my_delegation) if my_delegation else None
        others_en = {d: p for d, p in positions_en.get(paragraph.id, {}).items() if d != my_delegation}
        here = positions_here.get(paragraph.id, {})
        grouped: dict[str, list[str]] = {}
        if names:
            for delegation, position in sorted(here.items()):
                grouped.setdefault(position, []).append(delegation)
        compiled_here = by_id.get(paragraph.id)
        views.append(ParagraphView(
            paragraph, compiled_here.label if compiled_here else "", compiled_here,
            additions.get(paragraph.id, []),
            [p for p in text.proposals if p.paragraph_id == paragraph.id and filters.keeps(p)],
            mine, grouped, dict(Counter(others_en.values())),
        ))
    return views


def proposal_delegations(text: NegotiatedText) -> list:
    """The delegations that proposed something, for the filter."""
    seen = {p.delegation_id: p.delegation for p in text.proposals}
    return list(seen.values())


POSITION_ORDER = rules.POSITIONS
