"""Negotiated texts: a draft of the clearing house negotiated paragraph by paragraph.

- `models`: NegotiatedText, TextParagraph, TextProposal, ProposalStance,
  ParagraphPosition, ChairDecision, TextRevision.
- `services/`: texts, proposals, chair, revisions (with exports), adoption.
- `web/`: the officers' and the delegates' pages (blueprint "negotiations").
- The pure rules: `domain/negotiation.py` (paragraphs, proposals, the chair's
  decisions, adoptability), `negotiation_compile.py` (the bracketed text),
  `negotiation_rules.py` (who, what, until when), `negotiation_draft.py`,
  `negotiation_diff.py`; who may open what: `permissions/negotiations.py`.
"""
