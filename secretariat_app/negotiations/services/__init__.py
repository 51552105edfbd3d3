"""The negotiation's use cases, each one transaction: texts (start a negotiation, read it as
the pure rules' data), proposals (propose, translate, support or object, withdraw, state a
position), chair (accept, drop, merge), revisions (compile, export, circulate /Rev.N, diff),
adoption (submit a clean text to a meeting or to the silence procedure)."""
