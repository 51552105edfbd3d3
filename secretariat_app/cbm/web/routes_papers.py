"""The papers of an area: drafting a concept paper or an action plan and its
language files (the area's coordinators, or an officer for them), submitting
it, the SWG review with the member delegations' comments, returning it for
revision and recording the SOC's approval (officers).

A paper the reader may not read answers 404, as one that does not exist (the
loaders of cbm.web.loaders); who may act is each route's @access (403); a step
the paper's status does not allow answers 409 with the reason."""
from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from secretariat_app.cbm.models import CbmArea, CbmPaper, PaperKind
from secretariat_app.cbm.services import papers as paper_service
from secretariat_app.cbm.web import bp
from secretariat_app.cbm.web.forms_papers import (
    ApproveForm,
    CommentForm,
    PaperEditForm,
    PaperForm,
    PaperUploadForm,
    ReturnForm,
    paper_initial,
)
from secretariat_app.cbm.web.loaders import AREA, PAPER
from secretariat_app.core.file_responses import send_stored, stored_path
from secretariat_app.core.forms import show_violations
from secretariat_app.core.labels import PAPER_KIND_LABELS
from secretariat_app.core.localisation import current_language
from secretariat_app.documents.services import download as download_service
from secretariat_app.documents.services.versions import language_statuses
from secretariat_app.domain import cbm_papers as rules
from secretariat_app.domain.violations import RuleViolations, Violation
from secretariat_app.permissions import (
    Action,
    Audience,
    access,
    can,
    is_coordinator_of,
    is_secretariat,
    require,
)
from secretariat_app.permissions import documents as document_access


def _conflict(violations: list[Violation]) -> None:
    """409 when the paper's status refuses the step (a skip, a repetition, an approved paper)."""
    if any(v.field == "status" for v in violations):
        abort(409, description=" ".join(v.render(_) for v in violations))


def _editable(paper: CbmPaper) -> None:
    _conflict(rules.check_edit(paper.status.value))


def _back(paper: CbmPaper) -> ResponseReturnValue:
    return redirect(url_for("cbm.paper", paper_id=paper.id))


def _flash_refusal(error: RuleViolations) -> None:
    flash(" ".join(v.render(_) for v in error.violations), "error")


# Drafting --------------------------------------------------------------------------------------------

@bp.route("/areas/<int:area_id>/papers/new", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=AREA)
def paper_new(area: CbmArea) -> ResponseReturnValue:
    """Open a draft concept paper or action plan of the area (its coordinators, or an officer)."""
    officer = is_secretariat(current_user)
    kind = request.args.get("kind", PaperKind.CONCEPT_PAPER.value)
    form = PaperForm() if request.method == "POST" else PaperForm(data={"kind": kind})
    language = current_language()
    form.fill_choices(paper_service.originating_delegations(area, language=language) if officer else [], language)
    if form.validate_on_submit():
        try:
            paper = paper_service.create_paper(current_user, area, form.to_data())
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("The draft %(kind)s %(symbol)s has been opened: upload its files, then submit it.",
                    kind=PAPER_KIND_LABELS[paper.kind], symbol=paper.document.symbol), "success")
            return _back(paper)
    return render_template("cbm/paper_form.html", form=form, area=area, paper=None, officer=officer)


@bp.route("/papers/<int:paper_id>/edit", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=PAPER)
def paper_edit(paper: CbmPaper) -> ResponseReturnValue:
    """Change a draft's titles or an action plan's period."""
    _editable(paper)
    form = PaperEditForm() if request.method == "POST" else PaperEditForm(data=paper_initial(paper))
    if form.validate_on_submit():
        try:
            paper_service.update_paper(current_user, paper, form.to_data(paper))
        except RuleViolations as error:
            _conflict(error.violations)
            show_violations(form, error)
        else:
            flash(_("The draft has been saved."), "success")
            return _back(paper)
    return render_template("cbm/paper_form.html", form=form, area=paper.area, paper=paper, officer=False)


@bp.route("/papers/<int:paper_id>/upload", methods=["GET", "POST"])
@access(Action.COORDINATE_CBM_AREA, load=PAPER)
def paper_upload(paper: CbmPaper) -> ResponseReturnValue:
    """Upload the paper's file in one language (a draft, or a paper returned for revision)."""
    _editable(paper)
    initial = {"language": request.args.get("language", "en")}
    form = PaperUploadForm() if request.method == "POST" else PaperUploadForm(data=initial)
    if form.validate_on_submit():
        try:
            version = paper_service.upload_file(current_user, paper, form.to_data())
        except RuleViolations as error:
            _conflict(error.violations)
            show_violations(form, error)
        else:
            flash(_("The %(language)s file of %(symbol)s has been stored.", language=version.language,
                    symbol=paper.document.symbol), "success")
            return _back(paper)
    return render_template("cbm/paper_upload.html", form=form, paper=paper,
                           languages=language_statuses(paper.document))


@bp.route("/papers/<int:paper_id>/files/<int:version_id>")
@access(Action.READ_CBM_PAPER, load=PAPER)
def paper_file(paper: CbmPaper, version_id: int) -> ResponseReturnValue:
    """A file of the paper for the area's coordinators, before the clearing house circulates it to them."""
    found = paper_service.draft_file(current_user, paper, version_id)
    if found is None:
        abort(404)
    path = stored_path(found.sha256, "document version", version_id)
    if path is None:
        abort(404, _("The file of this language version is missing from the archive. "
                     "The Secretariat has been told; please try again later or contact the Secretariat."))
    download_service.record_download(current_user, found)
    return send_stored(path, found.sha256, found.content_type, found.file_name)


# The page -----------------------------------------------------------------------------------------------------

def _file_endpoint(paper: CbmPaper) -> str | None:
    """Where the reader downloads the paper's files: the clearing house when they may
    read the document there, the area's own link for its coordinators before that."""
    if document_access.may_read_document(current_user, paper.document_id):
        return "documents.download"
    if can(current_user, Action.COORDINATE_CBM_AREA, paper):
        return "cbm.paper_file"
    return None


def _render_paper(paper: CbmPaper, comment_form: CommentForm | None = None) -> ResponseReturnValue:
    officer = is_secretariat(current_user)
    may_comment = can(current_user, Action.COMMENT_CBM_PAPER, paper)
    if may_comment and comment_form is None:
        comment_form = CommentForm(formdata=None)
    document_page = None
    if officer:
        document_page = url_for("documents.detail", document_id=paper.document_id)
    elif document_access.may_read_document(current_user, paper.document_id):
        document_page = url_for("inbox.document", document_id=paper.document_id)
    return render_template(
        "cbm/paper.html", paper=paper, area=paper.area, document=paper.document, officer=officer,
        coordinates=is_coordinator_of(current_user, paper.area_id),
        may_coordinate=can(current_user, Action.COORDINATE_CBM_AREA, paper),
        may_edit=rules.may_edit(paper.status.value), languages=language_statuses(paper.document),
        file_endpoint=_file_endpoint(paper), document_page=document_page,
        history=paper_service.history(paper), returned=paper_service.last_return(paper),
        comments=paper_service.comments_for(current_user, paper),
        comment_form=comment_form if may_comment else None)


@bp.route("/papers/<int:paper_id>")
@access(Action.READ_CBM_PAPER, load=PAPER)
def paper(paper: CbmPaper) -> ResponseReturnValue:
    """The paper, its document and files, its steps so far, the comments and the reader's buttons."""
    return _render_paper(paper)


# The steps ------------------------------------------------------------------------------------------------------

@bp.route("/papers/<int:paper_id>/submit", methods=["POST"])
@access(Action.COORDINATE_CBM_AREA, load=PAPER)
def paper_submit(paper: CbmPaper) -> ResponseReturnValue:
    try:
        paper_service.submit(current_user, paper)
    except RuleViolations as error:
        _conflict(error.violations)
        _flash_refusal(error)
    else:
        flash(_("%(symbol)s has been submitted to the Secretariat for the SWG review.",
                symbol=paper.document.symbol), "success")
    return _back(paper)


@bp.route("/papers/<int:paper_id>/review", methods=["POST"])
@access(Action.MANAGE_CBM, load=PAPER)
def paper_review(paper: CbmPaper) -> ResponseReturnValue:
    """Put a submitted paper to the SWG: its document goes to the member delegations."""
    try:
        paper_service.start_review(current_user, paper)
    except RuleViolations as error:
        _conflict(error.violations)
        _flash_refusal(error)
    else:
        flash(_("%(symbol)s is under SWG review: it has been circulated to the member delegations and their "
                "notices are queued.", symbol=paper.document.symbol), "success")
    return _back(paper)


@bp.route("/papers/<int:paper_id>/return", methods=["GET", "POST"])
@access(Action.MANAGE_CBM, load=PAPER)
def paper_return(paper: CbmPaper) -> ResponseReturnValue:
    """Return a submitted or reviewed paper to the coordinator, with the reason."""
    refused = rules.refusal(rules.Action.RETURN, paper.status.value)
    _conflict([refused] if refused else [])
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            paper_service.return_for_revision(current_user, paper, form.reason.data)
        except RuleViolations as error:
            _conflict(error.violations)
            show_violations(form, error)
        else:
            flash(_("%(symbol)s has been returned to the coordinator for revision.", symbol=paper.document.symbol),
                  "success")
            return _back(paper)
    return render_template("cbm/paper_return.html", form=form, paper=paper)


@bp.route("/papers/<int:paper_id>/approve", methods=["GET", "POST"])
@access(Action.MANAGE_CBM, load=PAPER)
def paper_approve(paper: CbmPaper) -> ResponseReturnValue:
    """Record the SOC decision approving a reviewed paper."""
    refused = rules.refusal(rules.Action.APPROVE, paper.status.value)
    _conflict([refused] if refused else [])
    form = ApproveForm()
    form.fill_choices(current_language())
    if form.validate_on_submit():
        try:
            paper_service.approve(current_user, paper, form.decision_id.data)
        except RuleViolations as error:
            _conflict(error.violations)
            show_violations(form, error)
        else:
            flash(_("The approval of %(symbol)s has been recorded.", symbol=paper.document.symbol), "success")
            return _back(paper)
    return render_template("cbm/paper_approve.html", form=form, paper=paper)


@bp.route("/papers/<int:paper_id>/comments", methods=["POST"])
@access(Action.READ_CBM_PAPER, load=PAPER, within=Audience.DELEGATE)
def paper_comment(paper: CbmPaper) -> ResponseReturnValue:
    """A member delegation's comment during the SWG review (a paper not under review answers 409
    before the check that the reader's delegation may comment, 403)."""
    if paper.status.value != rules.UNDER_REVIEW:
        abort(409, description=_("Comments are taken while the paper is under SWG review."))
    require(Action.COMMENT_CBM_PAPER, paper)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            paper_service.add_comment(current_user, paper, form.text.data)
        except RuleViolations as error:
            show_violations(form, error)
        else:
            flash(_("Your delegation's comment has been sent."), "success")
            return _back(paper)
    loaded = paper_service.load_paper(paper.id)
    assert loaded is not None  # the paper of this page
    return _render_paper(loaded, form)
