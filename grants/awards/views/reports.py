"""Reports: the team writes and submits them with PDFs attached; officers accept them or ask for
changes. Also where the team records a milestone as achieved."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.services import restoring
from grants.applications.services.removed_files import recently_removed_report_files, restorable_until
from grants.applications.storage import send_stored_pdf
from grants.awards.forms import AchievedForm, ReportFileForm, ReportForm, ReportReviewForm
from grants.awards.services import reports as report_services
from grants.awards.services.changes import mark_milestone_achieved
from grants.awards.services.payments import award_today
from grants.awards.views.blueprint import LOAD_MILESTONE, LOAD_REPORT, LOAD_REPORT_FILE, bp, form_page
from grants.errors import DomainError, NotFound, PermissionDenied
from grants.extensions import db
from grants.i18n import reader_day
from grants.security.policy import OFFICER, SIGNED_IN, declare
from grants.security.predicates import (
    can_download_report_file,
    can_manage_award,
    can_record_milestone,
    can_review_report,
    can_view_report,
    can_write_report,
)
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


def _page(report, form=None, review_form=None, file_form=None, status=200):
    award = report.award
    return render_template(
        "awards/report.html",
        report=report,
        award=award,
        form=form or ReportForm(formdata=None, obj=report),
        file_form=file_form or ReportFileForm(formdata=None),
        review_form=review_form or ReportReviewForm(formdata=None),
        writable=can_write_report(current_user, report),
        managing=can_manage_award(current_user, award),
        overdue=report.is_overdue(award_today(award, utcnow())),
        removed=recently_removed_report_files(report, utcnow()),
        restorable_until=restorable_until,
    ), status


@bp.get("/reports/<int:report_id>")
@declare(SIGNED_IN, load=LOAD_REPORT, check=can_view_report)
def report(report):
    return _page(report)


@bp.post("/reports/<int:report_id>")
@declare(SIGNED_IN, load=LOAD_REPORT, check=can_write_report)
def save(report):
    form = ReportForm()
    submitting = request.form.get("action") == "submit"
    if not form.validate_on_submit():
        return _page(report, form=form, status=422)
    try:
        report_services.save_report(
            current_user,
            report,
            summary=form.summary.data,
            outcomes=form.outcomes.data,
            problems=form.problems.data,
        )
        if submitting:
            report_services.submit_report(current_user, report, utcnow())
    except (PermissionDenied, NotFound) as error:
        db.session.rollback()
        abort(error.status, error.message)
    except DomainError as error:
        db.session.rollback()
        return _page(report, form=form, status=attach_error(form, error))
    flash_success(
        _("Report submitted. The programme officer will review it.") if submitting else _("Draft saved.")
    )
    return redirect(url_for(".report", report_id=report.id), 303)


@bp.post("/reports/<int:report_id>/files")
@declare(SIGNED_IN, load=LOAD_REPORT, check=can_write_report)
def add_file(report):
    form = ReportFileForm()
    upload = form.file.data if form.validate_on_submit() else None
    try:
        report_services.add_report_file(
            current_user,
            report,
            filename=getattr(upload, "filename", None),
            content=upload.read() if upload else b"",
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        return _page(report, file_form=form, status=attach_error(form, error))
    flash_success(_("File attached."))
    return redirect(url_for(".report", report_id=report.id), 303)


@bp.post("/reports/<int:report_id>/files/<int:file_id>/remove")
@declare(SIGNED_IN, load=LOAD_REPORT, check=can_write_report)
def remove_file(report, file_id: int):
    return perform(
        lambda: report_services.remove_report_file(current_user, report, file_id, utcnow()),
        back=url_for(".report", report_id=report.id),
        success=_("File removed. You can restore it from “Recently removed” below."),
    )


@bp.post("/reports/<int:report_id>/files/removed/<int:removed_id>/restore")
@declare(SIGNED_IN, load=LOAD_REPORT, check=can_write_report)
def restore_file(report, removed_id: int):
    return perform(
        lambda: restoring.restore_report_file(current_user, report, removed_id, utcnow()),
        back=url_for(".report", report_id=report.id),
        success=_("File restored."),
    )


@bp.get("/report-files/<int:file_id>")
@declare(SIGNED_IN, load=LOAD_REPORT_FILE, check=can_download_report_file)
def download_file(report_file):
    return send_stored_pdf(report_file, report_file.original_name)


@bp.post("/reports/<int:report_id>/review")
@declare(OFFICER, load=LOAD_REPORT, check=can_review_report)
def review(report):
    form = ReportReviewForm()
    accept = request.form.get("action") == "accept"
    if not form.validate_on_submit():
        return _page(report, review_form=form, status=422)
    try:
        report_services.review_report(
            current_user, report, accept=accept, note=form.note.data or "", now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        return _page(report, review_form=form, status=attach_error(form, error))
    if accept:
        flash_success(_("%(report)s accepted. The team has been told.", report=report.title))
    else:
        flash(_("Sent back to the team with your note."), "success")
    return redirect(url_for(".show", award_id=report.award_id), 303)


@bp.route("/milestones/<int:milestone_id>/achieved", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_MILESTONE, check=can_record_milestone)
def milestone_achieved(milestone):
    form = AchievedForm()
    if request.method == "GET":
        form.achieved_on.data = award_today(milestone.award, utcnow())
    return form_page(
        form,
        lambda: mark_milestone_achieved(current_user, milestone, form.achieved_on.data, form.note.data or ""),
        heading=_("Milestone achieved: %(title)s", title=milestone.title),
        intro=_("Due %(date)s.", date=reader_day(milestone.due_date)),
        back=url_for(".show", award_id=milestone.award_id),
        back_label=milestone.award.reference,
        success=_("Milestone recorded as achieved."),
        submit=_("Record as achieved"),
    )
