from flask import Blueprint

from grants.calls.services.listing import find_call
from grants.security.policy import Loads

bp = Blueprint("calls", __name__)
LOAD_CALL = Loads("call_id", find_call, "call")
