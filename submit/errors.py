"""Named errors of 微受理; messages are Chinese (citizens and staff read them)."""
from __future__ import annotations

from faq.errors import FieldError, FieldErrors  # one (field, Chinese message) vocabulary for every form

__all__ = ["FieldError", "InvalidSubmission", "SubmitError"]


class SubmitError(Exception):
    """Base of every 微受理 error."""


class InvalidSubmission(SubmitError, FieldErrors):
    """One or more fields are wrong; .errors has one FieldError per problem, .by_field() groups them so a
    form shows each message beside its field."""
