"""The delegate's inbox: the documents circulated to my delegation or to me by
name, one of them, and acknowledging its receipt.

A document not circulated to the delegate answers 404, as if it did not exist."""
from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from secretariat_app.core.forum_time import forum_today
from secretariat_app.core.labels import DOCUMENT_STATUS_LABELS as STATUS_LABELS
from secretariat_app.core.labels import DOCUMENT_TYPE_LABELS, labels_in, language_abbreviation
from secretariat_app.core.localisation import current_language, datetime_in_words, local_datetime
from secretariat_app.core.read_limits import search_limit
from secretariat_app.core.urls import url_template
from secretariat_app.documents.inbox import bp
from secretariat_app.documents.inbox.forms import AcknowledgeForm, InboxFilterForm
from secretariat_app.documents.models import DistributionLevel, Document, DocumentStatus
from secretariat_app.documents.services import inbox as inbox_service
from secretariat_app.documents.services import reading
from secretariat_app.permissions import Audience, access
from secretariat_app.permissions import documents as document_access

# Per-process caches of this module that need no invalidation across processes:
# _LABELS, _PIECES, _language_link and _zone hold labels, escaped tags and zones,
# functions of the language (or code, or zone name) and of the message catalogues,
# which change only with a deployment, which restarts every process. _FILTERS is
# keyed by the filters' choices' read, which follows every process's changes.
_LABELS: dict[str, dict] = {}


def _labels_in(language: str) -> dict:
    """The enumerations' labels in `language`, translated once per process."""
    if language not in _LABELS:
        _LABELS[language] = {
            "types": labels_in(DOCUMENT_TYPE_LABELS, language),
            # A level's tag is its code in every language, as on the officers' pages (level_tag in
            # documents/_macros.html); its label with who may read it is documents/web/forms.py's LEVEL_LABELS.
            "levels": {level: level.value.upper() for level in DistributionLevel},
            "statuses": labels_in(STATUS_LABELS, language),
            "number": _("No. %(n)d"),
            "unread": _("unread"),
            "yes": _("yes"),
            "no": _("no"),
        }
    return _LABELS[language]


@bp.context_processor
def labels() -> dict:
    """Labels translated once (an inbox page shows fifty rows), and a short time
    in the reader's zone."""
    labels = _labels_in(current_language())
    types, levels, statuses = labels["types"], labels["levels"], labels["statuses"]
    zone = get_timezone()
    return {
        "type_label": lambda t: types.get(t, t),
        "level_label": lambda level: levels.get(level, level),
        "doc_status_label": lambda s: statuses.get(s, s),
        "short_time": lambda value: value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "",
    }


# The fifty rows are written here rather than by a template loop: about forty
# pieces of text and ten escapes a row, which Jinja's generator makes cost a
# third of the page (see bench/inbox). Every value from the database goes through
# _escape (markupsafe's rules); one f-string a row (str.format would parse its
# template again for every row).
_WARNED = (DocumentStatus.SUPERSEDED, DocumentStatus.WITHDRAWN)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


try:  # markupsafe's escape without the Markup it wraps the text in: a tenth of escape()'s cost
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # pragma: no cover - markupsafe without its C speedups
    def _escape_text(s: str, /) -> str:
        return str(escape(s))


# `text` escaped as markupsafe escapes it (tests/web/test_inbox.py); the C function itself, no call around it.
_escape = _escape_text


def _rows_html(rows: list[inbox_service.InboxRow], language: str) -> Markup:
    """The table rows of a page: symbol (bold and tagged when unread), title with
    its status and level tags, type, meeting, time of circulation in the reader's
    zone, a download link per language, and whether the delegation acknowledged.
    Text from the database is escaped; the labels were escaped once (_row_pieces)."""
    pieces = _row_pieces(language)
    types, tags_for, number, unread_tag, yes, no = (pieces["types"], pieces["tags"], pieces["number"],
                                                   pieces["unread"], pieces["yes"], pieces["no"])
    zone = _zone(str(get_timezone()))
    # Each URL built once by url_for with a placeholder id; a row writes its id in its place.
    document_url, download_url = url_template("inbox.document", "document_id"), \
        url_template("documents.download", "version_id")
    document_before, document_after = _escape(document_url.prefix), _escape(document_url.suffix)
    download_before, download_after = _escape(download_url.prefix), _escape(download_url.suffix)
    html = []
    for row in rows:
        link = f'<a href="{document_before}{row.document_id}{document_after}">{_escape(row.symbol)}</a>'
        meeting = ""
        if row.meeting_id:
            meeting = row.meeting_title(language)
            if row.meeting_number:
                meeting = f"{number % {'n': row.meeting_number}} · {meeting}"
            meeting = _escape(meeting)
        # "1 March 2025, 10:00" in the reader's zone: the pages' one style, without Babel's per-call cost.
        when = datetime_in_words(row.circulated_at.astimezone(zone), language)
        languages = " ".join(f'<a href="{download_before}{version_id}{download_after}" '
                             f'{_language_link(code, language)}</a>'
                             for code, version_id in row.languages)
        html.append(
            f'<tr class="{"unread" if row.unread else "read"}" data-document="{row.document_id}">\n'
            f'      <td>{f"<strong>{link}</strong> {unread_tag}" if row.unread else link}</td>\n'
            f'      <td>{_escape(row.title(language))}{tags_for.get((row.status, row.level), "")}</td>\n'
            f'      <td>{types.get(row.doc_type) or _escape(row.doc_type.value)}</td>\n'
            f'      <td>{meeting}</td>\n      <td>{when}</td>\n      <td>{languages}</td>\n'
            f'      <td>{yes if row.acknowledged else no}</td>\n    </tr>')
    return Markup("\n    ".join(html))


_PIECES: dict[str, dict] = {}


def _row_pieces(language: str) -> dict:
    """The labels of the rows, escaped, per language: types, the status and level
    tags of each (status, level), the unread tag, yes and no."""
    if language not in _PIECES:
        labels = _labels_in(language)
        levels, statuses = labels["levels"], labels["statuses"]
        tags = {}
        for status in DocumentStatus:
            for level in DistributionLevel:
                tag = ""
                if status in _WARNED:
                    tag += f' <span class="tag tag-warning">{escape(statuses.get(status, status.value))}</span>'
                if level != DistributionLevel.GENERAL:
                    tag += f' <span class="tag">{escape(levels.get(level, level.value))}</span>'
                tags[(status, level)] = tag
        _PIECES[language] = {
            "types": {key: str(escape(label)) for key, label in labels["types"].items()},
            "tags": tags,
            "number": labels["number"],
            "unread": f'<span class="tag tag-info">{escape(labels["unread"])}</span>',
            "yes": str(escape(labels["yes"])),
            "no": str(escape(labels["no"])),
        }
    return _PIECES[language]


@lru_cache(maxsize=256)
def _language_link(code: str, language: str) -> str:
    """The rest of a language's download link: hreflang="ru">RU (on a Russian page: РУС)."""
    with force_locale(language):
        return f'hreflang="{escape(code)}">{escape(language_abbreviation(code))}'


_FILTERS: OrderedDict[tuple, Markup] = OrderedDict()
_FILTERS_KEPT = 256


def _filter_form(language: str) -> InboxFilterForm:
    form = InboxFilterForm(request.args).load_choices(language, forum_today())
    form.validate()
    return form


def filters_html(form: InboxFilterForm | None, language: str, args: dict[str, str],
                  action: str = "inbox.index") -> Markup:
    """The filter form's HTML. It is a function of the request's arguments (less
    the page cursor), the language, the forum's year (the meetings offered are
    this year's and its neighbours') and the filters' choices, so what it
    rendered for the same ones is served again (most requests carry none, and
    build no form: `form` is None). The choices are this process's read of them
    (loaded_at), read again whenever any process changed a body or a meeting
    (services.inbox.filter_choices), so no other process's change is missed.
    `action`: the endpoint the form is sent to (the inbox's, the search's)."""
    choices = inbox_service.filter_choices()
    key = (id(current_app), request.script_root, action, language, forum_today().year, choices.loaded_at,
           tuple(sorted((name, tuple(values)) for name, values in request.args.lists() if name != "after")))
    html = _FILTERS.get(key)
    if html is None:
        html = Markup(render_template("inbox/_filters.html", form=form or _filter_form(language), args=args,
                                      action=url_for(action)))
        if choices.kept:
            _FILTERS[key] = html
            while len(_FILTERS) > _FILTERS_KEPT:
                _FILTERS.popitem(last=False)
    return html


@bp.route("/")
@access(Audience.DELEGATE)
@search_limit
def index() -> ResponseReturnValue:
    """Unread first, then the newest circulation; filters, search and paging by key."""
    language = current_language()
    # The unfiltered inbox (most requests) needs no form: its filters are none.
    form = _filter_form(language) if any(name != "after" for name in request.args) else None
    filters, args = (form.to_filters(), form.query_args()) if form else (inbox_service.InboxFilters(), {})
    if filters.search:
        # Words are looked for in the full-text index, ranked: the search's page, with these filters.
        from secretariat_app.search.web.routes import results_page
        return results_page("inbox.index")
    cursor = inbox_service.Cursor.parse(request.args.get("after"))
    # The reader itself, not the proxy: the service reads its attributes without resolving it each time.
    page = inbox_service.inbox_page(current_user._get_current_object(), filters, cursor)
    return render_template("inbox/index.html", filters=filters_html(form, language, args), page=page,
                           rows=_rows_html(page.rows, language), args=args)


def _readable(document_id: int) -> Document:
    document = reading.readable_document(current_user, document_id)
    if document is None:
        abort(404)
    return document


@bp.route("/<int:document_id>")
@access(Audience.DELEGATE)
def document(document_id: int) -> ResponseReturnValue:
    """The document, its language versions and its lineage; opening it marks it read."""
    if not document_access.may_read_document(current_user, document_id):
        abort(404)
    reading.record_receipt(current_user, document_id)
    loaded = reading.load_document(document_id)
    assert loaded is not None  # may_read_document found it
    return _page(loaded, AcknowledgeForm(formdata=None))


def _page(document: Document, form: AcknowledgeForm) -> ResponseReturnValue:
    related = reading.related_documents(current_user, document)
    return render_template(
        "inbox/document.html", document=document, related=related, form=form,
        superseded_by=reading.superseded_by(document, related),
        acknowledgement=reading.acknowledgement_of(current_user.delegation_id, document.id),
        receipt=reading.receipt_of(current_user.id, document.id),
    )


@bp.route("/<int:document_id>/acknowledge", methods=["POST"])
@access(Audience.DELEGATE)
def acknowledge(document_id: int) -> ResponseReturnValue:
    """Acknowledge receipt on behalf of my delegation, once."""
    document = _readable(document_id)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("inbox.document", document_id=document.id))
    acknowledgement, new = reading.acknowledge(current_user, document)
    if new:
        flash(_("Receipt of %(symbol)s acknowledged on behalf of your delegation.", symbol=document.symbol),
              "success")
    else:
        who = acknowledgement.acknowledged_by.name if acknowledgement.acknowledged_by else _("a colleague")
        flash(_("Your delegation already acknowledged receipt of %(symbol)s (%(who)s, %(when)s).",
                symbol=document.symbol, who=who, when=local_datetime(acknowledgement.acknowledged_at)), "info")
    return redirect(url_for("inbox.document", document_id=document.id))
