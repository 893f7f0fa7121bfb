"""The security protections, each with the code that removes it and the tests that must notice.

``tools/check_protections.py`` applies each removal to a scratch copy and runs the tests;
docs/SECURITY.md lists the same protections for readers.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Protection:
    name: str
    path: str
    find: str
    replace: str
    tests: tuple[str, ...]


ACCESS = "tests/integration/security/test_cross_user_access.py::"
REFUSALS = "tests/integration/security/test_refusal_logging.py::"
SIGN_IN = "tests/integration/test_sign_in.py::"
RESET = "tests/integration/test_password_reset.py::"
ACCOUNT = "tests/integration/test_account_protections.py::"
TWO_FACTOR = "tests/integration/test_two_factor.py::"
REAUTH = "tests/integration/test_reauthentication.py::"
TOTP = "tests/unit/test_totp.py::"
TIMEOUTS = "tests/integration/test_session_timeouts.py::"
SESSION_LIST = "tests/integration/test_session_list.py::"
EMAIL_CHANGE = "tests/integration/test_email_change.py::"
UPLOADS = "tests/integration/security/test_hostile_uploads.py::"
DISK_FULL = "tests/integration/security/test_disk_full.py::"
SLOW_UPLOADS = "tests/integration/live/test_slow_uploads.py::"
OUTAGE = "tests/integration/test_database_outage_page.py::"
DST = "tests/integration/test_deadline_dst.py::"
BACKUP = "tests/integration/test_backup_restore.py::"
EXPORT = "tests/integration/test_personal_data_export.py::"
ERASURE = "tests/integration/test_personal_data_erasure.py::"
SOFT_DELETION = "tests/integration/test_soft_deletion.py::"
HOSTILE_FORMS = "tests/integration/security/test_hostile_forms.py::"
HOSTILE_QUERIES = "tests/integration/security/test_hostile_queries.py::"
ESCAPED = "tests/integration/security/test_escaped_output.py::"

PROTECTIONS: tuple[Protection, ...] = (
    # Who may see what
    Protection(
        "access: only the team and staff see an application",
        "grants/security/predicates.py",
        "    return _is_staff(user) and not _staff_conflict(user, application)\n",
        "    return not _staff_conflict(user, application)\n",
        (ACCESS + "test_a_stranger_is_refused_every_object_route",),
    ),
    Protection(
        "access: a conflicted reviewer may not review",
        "grants/security/predicates.py",
        """        and assignment.state == "accepted"
        and not has_conflict(user, assignment.application)
""",
        """        and assignment.state == "accepted"
""",
        (ACCESS + "test_each_person_is_refused_what_is_not_theirs[sqlite-reviewer_c]",),
    ),
    Protection(
        "access: an officer who owes a review sees no scores of it",
        "grants/security/predicates.py",
        "        and not assignment.has_submitted_review\n",
        "        and False\n",
        (ACCESS + "test_a_reviewing_officer_sees_the_scores_once_their_own_review_is_in",),
    ),
    Protection(
        "access: an officer reviewing in a call never learns who the other reviewers are",
        "grants/security/predicates.py",
        """        assignment.call_id == call.id
        and assignment.reviewer_id == user.id
""",
        """        False
        and assignment.reviewer_id == user.id
""",
        (ACCESS + "test_each_person_is_refused_what_is_not_theirs[sqlite-officer_reviewer]",),
    ),
    Protection(
        "access: another team's budget line is not found under one's own draft",
        "grants/applications/services/budget.py",
        """    line = next((item for item in application.budget_lines if item.id == line_id), None)
    if line is None:
        raise NotFound(_("That budget line is not part of this application."))
    application.budget_lines.remove(line)
""",
        """    line = BudgetLine.query.get(line_id)
    if line is None:
        raise NotFound(_("That budget line is not part of this application."))
    BudgetLine.query.filter_by(id=line.id).delete()
""",
        (REFUSALS + "test_another_team_s_budget_line_under_one_s_own_draft_is_a_logged_404",),
    ),
    Protection(
        "access: only the team and deciding officers see an award",
        "grants/security/predicates.py",
        "is not None or can_decide(user, award.application)\n",
        "is not None or True\n",
        (ACCESS + "test_each_person_is_refused_what_is_not_theirs[sqlite-x_lead]",),
    ),
    # Hostile input
    Protection(
        "hostile input: control characters such as NUL are refused in every form and query",
        "grants/security/text_input.py",
        "    app.before_request(refuse_control_characters)\n",
        "    pass\n",
        (HOSTILE_FORMS + "test_a_nul_byte_is_refused_with_a_message_and_stores_nothing",),
    ),
    Protection(
        "hostile input: a page number too large for the database reads as the last page",
        "grants/web.py",
        "        return MAX_INT if text.isascii() and text.isdigit() else 1\n",
        "        return int(text) if text.isascii() and text.isdigit() else 1\n",
        (HOSTILE_QUERIES + "test_every_page_takes_any_page_number",),
    ),
    Protection(
        "hostile input: exported text that a spreadsheet would run as a formula stays text",
        "grants/insights/exports/writers.py",
        """    return "'" + text if text.startswith(FORMULA_STARTS) else text\n""",
        "    return text\n",
        (ESCAPED + "test_exports_keep_formulas_as_text",),
    ),
    Protection(
        "hostile input: stored text is shown escaped",
        "grants/templates/applications/_layout.html",
        "<h1>{{ application.title }} ",
        "<h1>{{ application.title|safe }} ",
        (ESCAPED + "test_a_draft_s_title_answers_and_team_names_are_shown_escaped",),
    ),
    # Uploads
    Protection(
        "uploads: a PDF with active content is refused",
        "grants/applications/pdf_checks.py",
        "    active = sorted(found & ACTIVE_NAMES)\n",
        "    active = []\n",
        (UPLOADS + "test_a_pdf_with_active_content_is_refused_naming_it",),
    ),
    Protection(
        "uploads: a PDF with a ZIP archive appended is refused",
        "grants/applications/pdf_checks.py",
        "    if zipfile.is_zipfile(io.BytesIO(content)):\n",
        "    if False:\n",
        (UPLOADS + "test_a_file_that_is_a_pdf_and_something_else_is_refused",),
    ),
    Protection(
        "uploads: object streams are inflated only up to a budget",
        "grants/applications/pdf_checks.py",
        """    if len(inflated) > budget:
        raise _unreadable()
""",
        "",
        (UPLOADS + "test_an_object_stream_bomb_is_inflated_only_to_the_budget_then_refused",),
    ),
    Protection(
        "uploads: file names with invisible or control characters are refused",
        "grants/applications/services/attachments.py",
        "    if any(is_unsafe_character(char) for char in name):\n",
        "    if False:\n",
        (UPLOADS + "test_a_hostile_file_name_is_refused",),
    ),
    Protection(
        "uploads: downloads can never render as a page",
        "grants/security/wsgi_guards.py",
        "    app.wsgi_app = DownloadHeaders(\n",
        "    app.wsgi_app = (\n",
        (UPLOADS + "test_downloads_can_never_render_as_a_page",),
    ),
    Protection(
        "uploads: a request body must keep a minimum pace",
        "grants/security/request_body.py",
        "        if not _has_body(environ):\n",
        "        if True:\n",
        (SLOW_UPLOADS + "test_a_slow_body_is_stopped_and_frees_the_only_thread",),
    ),
    # Signing in: throttling, passwords and reset links
    Protection(
        "accounts: sign-in throttle per account",
        "grants/accounts/views/signing_in.py",
        """@limiter.limit(
    sign_in_account_limit,
    key_func=sign_in_account_key,
    methods=["POST"],
    deduct_when=failed_attempt,
    scope="sign-in-account",
)
""",
        "",
        (SIGN_IN + "test_sixth_wrong_password_in_a_minute_is_throttled",),
    ),
    Protection(
        "accounts: sign-in throttle per address, across accounts",
        "grants/accounts/views/signing_in.py",
        '@limiter.limit(sign_in_address_limit, methods=["POST"], deduct_when=failed_attempt,'
        ' scope="sign-in-address")\n',
        "",
        (SIGN_IN + "test_throttle_per_address_stops_credential_stuffing_across_accounts",),
    ),
    Protection(
        "accounts: password reset links work once",
        "grants/accounts/services/passwords.py",
        'if user is None or payload.get("fp") != _hash_fingerprint(user):',
        "if user is None:",
        (RESET + "test_reset_link_sets_a_new_password_once",),
    ),
    Protection(
        "accounts: password reset links expire after their hour",
        "grants/security/tokens.py",
        "        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))\n",
        "        return _serializer(purpose).loads(token)\n",
        (ACCOUNT + "test_a_reset_link_works_for_its_hour_and_not_a_second_longer",),
    ),
    Protection(
        "accounts: a password reset ends every session",
        "grants/accounts/services/passwords.py",
        """    end_other_sessions(user)
    record(user, "account.password_reset", user""",
        """    record(user, "account.password_reset", user""",
        (RESET + "test_reset_ends_every_signed_in_session",),
    ),
    Protection(
        "accounts: a password change ends the other sessions",
        "grants/accounts/services/passwords.py",
        "    ended = end_other_sessions(user, keep_token=keep_token)\n",
        "    ended = 0\n",
        ("tests/integration/test_profile_page.py::test_changing_password_ends_other_sessions_only",),
    ),
    # Signing in: two-factor authentication and re-authentication
    Protection(
        "two-factor: a code is refused at or before the last accepted step",
        "grants/security/totp.py",
        """        if last_step is not None and step <= last_step:
            continue
""",
        "",
        (TOTP + "test_a_step_at_or_before_the_last_accepted_one_is_refused",),
    ),
    Protection(
        "two-factor: of two requests racing with one code, only one is accepted",
        "grants/accounts/services/two_factor.py",
        ".where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))",
        ".where(User.id == user.id)",
        (TWO_FACTOR + "test_a_code_a_concurrent_request_just_accepted_is_refused",),
    ),
    Protection(
        "two-factor: no session starts before the code",
        "grants/accounts/views/signing_in.py",
        "            if two_factor.is_enabled(user):\n",
        "            if False:\n",
        (TWO_FACTOR + "test_a_researcher_enrols_and_then_signs_in_with_a_code",),
    ),
    Protection(
        "two-factor: wrong codes are throttled per account",
        "grants/accounts/views/signing_in.py",
        """@limiter.limit(
    two_factor_limit,
    key_func=pending_sign_in_key,
    methods=["POST"],
    deduct_when=failed_attempt,
    scope="sign-in-code",
)
""",
        "",
        (TWO_FACTOR + "test_wrong_codes_are_throttled_per_account",),
    ),
    Protection(
        "two-factor: a recovery code works once",
        "grants/accounts/services/two_factor.py",
        """            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)""",
        """        )
        .values(used_at=now)""",
        (TWO_FACTOR + "test_a_recovery_code_signs_in_once_only_and_is_announced",),
    ),
    Protection(
        "two-factor: officers and admins without it reach only the setup",
        "grants/accounts/views/two_factor.py",
        "    if not two_factor.must_enrol(current_user):\n",
        "    if True:\n",
        (TWO_FACTOR + "test_officers_and_admins_without_two_factor_can_reach_only_the_setup",),
    ),
    Protection(
        "two-factor: confirming one's identity again also needs a code",
        "grants/accounts/services/reauth.py",
        'and not two_factor.verify_second_factor(user, code or "", now):\n',
        "and False:\n",
        (REAUTH + "test_with_two_factor_on_the_confirmation_also_needs_a_code",),
    ),
    # Signing in: sessions and email change
    Protection(
        "sessions: an idle session ends",
        "grants/accounts/services/sessions.py",
        "    return min(row.last_seen_at + idle_timeout(row.user), row.expires_at)\n",
        "    return row.expires_at\n",
        (TIMEOUTS + "test_the_idle_time_out_ends_a_session_exactly_at_its_edge",),
    ),
    Protection(
        "sessions: a session ends at its absolute time-out, however busy",
        "grants/accounts/services/sessions.py",
        '        expires_at=now + current_app.config["AUTH_SESSION_LIFETIME"],\n',
        '        expires_at=now + current_app.config["AUTH_SESSION_LIFETIME"] * 100,\n',
        (TIMEOUTS + "test_the_absolute_time_out_ends_even_a_busy_session",),
    ),
    Protection(
        "sessions: a person ends only their own sessions",
        "grants/accounts/services/devices.py",
        "    if row is None or row.user_id != user.id or row.ended_at is not None:\n",
        "    if row is None or row.ended_at is not None:\n",
        (SESSION_LIST + "test_another_person_s_session_is_not_found_and_keeps_working",),
    ),
    Protection(
        "sessions: changing the email address needs a recent proof of identity",
        "grants/accounts/views/email_change.py",
        "@recent_authentication_required\n",
        "",
        (EMAIL_CHANGE + "test_asking_needs_a_recent_proof_of_identity",),
    ),
    Protection(
        "sessions: an email change link works only for its own account",
        "grants/accounts/services/email_change.py",
        '    if payload.get("user") != user.id:\n',
        "    if False:\n",
        (EMAIL_CHANGE + "test_the_link_does_nothing_for_another_account_or_a_visitor",),
    ),
    # Faults
    Protection(
        "faults: a lost database answers 503 with Retry-After",
        "grants/error_pages.py",
        "    return isinstance(error, OperationalError) or (\n",
        "    return False and (\n",
        (OUTAGE + "test_a_commit_that_loses_the_database_answers_503_retry_after",),
    ),
    # Deadlines
    Protection(
        "deadlines: a closing time the clock skips or repeats is refused",
        "grants/calls/services/calls.py",
        "    if first.utcoffset() != second.utcoffset():\n",
        "    if False:\n",
        (DST + "test_a_closing_time_the_clock_skips_or_repeats_is_refused_on_the_form",),
    ),
    Protection(
        "deadlines: the deadline instant itself is closed",
        "grants/calls/models.py",
        "self.opens_at <= now < self.closes_at",
        "self.opens_at <= now <= self.closes_at",
        (DST + "test_one_second_before_is_accepted_and_the_deadline_instant_and_after_are_refused",),
    ),
    Protection(
        "deadlines: a local closing time is stored as its UTC instant",
        "grants/calls/services/calls.py",
        "    return first.astimezone(UTC)\n",
        "    return first.replace(tzinfo=UTC)\n",
        (DST + "test_the_service_stores_the_same_instant",),
    ),
    # Data safety: backup and restore
    Protection(
        "backup: restore refuses a changed row or file",
        "grants/backup/archive.py",
        "    if digest.hexdigest() != sha256 or seen_bytes != size:\n",
        "    if False:\n",
        (BACKUP + "test_restore_refuses_a_changed_row", BACKUP + "test_restore_refuses_a_changed_file"),
    ),
    Protection(
        "backup: restore refuses a backup from newer code",
        "grants/backup/restore.py",
        "    if manifest.revision not in known_revisions():\n",
        "    if False:\n",
        (BACKUP + "test_restore_refuses_a_backup_from_newer_code",),
    ),
    Protection(
        "backup: restore goes only into an empty database",
        "grants/backup/restore.py",
        "    if filled:\n",
        "    if False:\n",
        (BACKUP + "test_restore_refuses_a_database_that_holds_rows",),
    ),
    Protection(
        "backup: restore never overwrites a different file",
        "grants/backup/restore.py",
        "        elif _sha256_of(target) != entry.sha256:\n",
        "        elif False:\n",
        (BACKUP + "test_restore_refuses_to_overwrite_a_different_file",),
    ),
    Protection(
        "backup: sign-in sessions are left out",
        "grants/backup/dump.py",
        'EXCLUDED_TABLES = frozenset({"auth_sessions"})\n',
        "EXCLUDED_TABLES = frozenset()\n",
        (BACKUP + "test_restore_into_an_empty_database_finds_every_row_and_file",),
    ),
    # Data safety: soft deletion, personal data export and erasure
    Protection(
        "privacy: a removed file is set aside, not deleted",
        "grants/applications/services/attachments.py",
        "    set_aside_attachment(actor, application, attachment, now)\n",
        "    application.attachments.remove(attachment)\n",
        (SOFT_DELETION + "test_a_removed_file_is_listed_and_restored_from_the_page",),
    ),
    Protection(
        "privacy: erasure scrubs the person from JSON columns",
        "grants/privacy/erasure.py",
        "    scrub_json_columns(replacer)\n",
        "",
        (ERASURE + "test_after_erasure_no_column_of_any_table_holds_the_name_email_or_orcid",),
    ),
    Protection(
        "privacy: only administrators reach the erase page",
        "grants/privacy/views.py",
        '/erase", methods=["GET", "POST"])\n@declare(ADMIN, load=LOAD_PERSON)\n',
        '/erase", methods=["GET", "POST"])\n@declare(SIGNED_IN, load=LOAD_PERSON)\n',
        (ERASURE + "test_only_administrators_reach_the_erase_page",),
    ),
    Protection(
        "privacy: the two-factor secret is never exported",
        "grants/privacy/export.py",
        '"secret": NOT_EXPORTED if person.totp_secret else None,',
        '"secret": person.totp_secret,',
        (EXPORT + "test_a_researcher_downloads_their_account_sessions_and_applications",),
    ),
    Protection(
        "privacy: a reviewer's export holds only their own reviews",
        "grants/privacy/export.py",
        """            select(ReviewAssignment)
            .where(ReviewAssignment.reviewer_id == person.id)
            .order_by(ReviewAssignment.id),""",
        """            select(ReviewAssignment)
            .order_by(ReviewAssignment.id),""",
        (EXPORT + "test_a_reviewer_sees_their_own_review_and_never_another_reviewers",),
    ),
)
