"""The accounts blueprint (its routes live in the sibling modules, one concern each) and the
page every emailed-link route shows when its link is bad."""

from flask import Blueprint, render_template

from grants.errors import InvalidToken

bp = Blueprint("accounts", __name__)


def link_problem(error: InvalidToken, **offers: bool):
    """A 400 page that says what is wrong with the link and, via ``offers``, what to do next."""
    return render_template("accounts/link_problem.html", message=error.message, **offers), 400
