"""The budget and declarations sections."""

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.forms import BudgetLineForm, DeclarationsForm
from grants.applications.models import DeclarationKind
from grants.applications.services import budget as budget_services
from grants.applications.services.declarations import set_declarations
from grants.applications.views.blueprint import LOAD_APPLICATION, bp, section_page
from grants.choices import options
from grants.errors import DomainError
from grants.security.policy import SIGNED_IN, declare
from grants.security.predicates import can_view_application
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


def _budget_form(application) -> BudgetLineForm:
    form = BudgetLineForm()
    form.call_funder_id.choices = options(
        (entry.id, f"{entry.funder.name} ({entry.currency})") for entry in application.call.funders
    )
    form.year.choices = options(
        (year, _("Year %(year)s", year=year))
        for year in range(1, budget_services.project_years(application) + 1)
    )
    return form


def _budget_page(application, form, status=200):
    return section_page(
        "applications/budget.html",
        application,
        status,
        form=form,
        totals=budget_services.funder_totals(application),
        category_labels=budget_services.CATEGORY_LABELS,
    )


@bp.get("/applications/<int:application_id>/budget")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def budget(application):
    return _budget_page(application, _budget_form(application))


@bp.post("/applications/<int:application_id>/budget")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def add_budget_line(application):
    form = _budget_form(application)
    if not form.validate():
        return _budget_page(application, form, 422)
    try:
        budget_services.add_budget_line(
            current_user,
            application,
            call_funder_id=form.call_funder_id.data,
            year=form.year.data,
            category=form.category.data,
            description=form.description.data,
            amount=form.amount.data,
            now=utcnow(),
        )
    except DomainError as error:
        return _budget_page(application, form, attach_error(form, error))
    flash_success(_("Budget line added."))
    return redirect(url_for(".budget", application_id=application.id), 303)


@bp.post("/applications/<int:application_id>/budget/<int:line_id>/remove")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def remove_budget_line(application, line_id: int):
    return perform(
        lambda: budget_services.remove_budget_line(current_user, application, line_id, utcnow()),
        back=url_for(".budget", application_id=application.id),
        success=_("Budget line removed."),
    )


@bp.route("/applications/<int:application_id>/declarations", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def declarations(application):
    made = {item.kind for item in application.declarations}
    form = DeclarationsForm(data={kind.value: kind.value in made for kind in DeclarationKind})
    if form.validate_on_submit():
        accepted = {kind.value for kind in DeclarationKind if form[kind.value].data}
        try:
            set_declarations(current_user, application, accepted, utcnow())
        except DomainError as error:
            return section_page(
                "applications/declarations.html", application, attach_error(form, error), form=form
            )
        flash_success(_("Declarations saved."))
        return redirect(url_for(".overview", application_id=application.id), 303)
    return section_page("applications/declarations.html", application, 422 if form.errors else 200, form=form)
