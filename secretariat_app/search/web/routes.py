"""The search page: ranked documents with the matching passage, filtered like
the inbox, and the meetings, decisions and CBM reports found, each as far as
the reader may see it (search.services, permissions.search)."""
from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.labels import DOCUMENT_TYPE_LABELS, labels_in
from secretariat_app.core.localisation import current_language
from secretariat_app.core.read_limits import search_limit
from secretariat_app.core.urls import url_template
from secretariat_app.documents.inbox.forms import InboxFilterForm, words_only
from secretariat_app.documents.inbox.routes import filters_html
from secretariat_app.permissions import Audience, access, is_secretariat
from secretariat_app.permissions import search as rules
from secretariat_app.search import services
from secretariat_app.search.web import bp


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) <= services.MAX_PAGE else 1


def results_page(endpoint: str) -> ResponseReturnValue:
    """The results for the request's words and filters (the search page, and the inbox given words)."""
    language = current_language()
    form: InboxFilterForm | None = None
    found = words_only(request.args)  # words alone (most searches): no form to build
    if found is None:
        form = InboxFilterForm(request.args).load_choices(language, forum_today())
        form.validate()
        found = form.to_filters(), form.query_args()
    filters, args = found
    page = _page_number()
    results = services.search(current_user, filters.search, filters, page)
    officer = is_secretariat(current_user)
    return render_template(
        "search/index.html", filters=filters_html(form, language, args, endpoint), results=results, args=args,
        endpoint=endpoint, type_labels=labels_in(DOCUMENT_TYPE_LABELS, language), officer=officer,
        meeting_pages=rules.meeting_pages(current_user),
        # Each hit's link from one url_for (core/urls.py).
        document_url=url_template("documents.detail" if officer else "inbox.document", "document_id"),
    )


@bp.route("/")
@access(Audience.AUTHENTICATED)
@search_limit
def index() -> ResponseReturnValue:
    return results_page("search.index")
