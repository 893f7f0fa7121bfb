"""The accounts blueprint; its routes live in the sibling modules, one concern each."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
