"""Named errors of the ticket workflow; messages are Chinese (staff and citizens read them)."""
from __future__ import annotations

from faq.errors import FieldError
from submit.errors import FieldErrors, SubmitError


class WorkflowError(SubmitError):
    """Base of every refusal of a workflow action; str(error) is the Chinese message."""


class TransitionNotAllowed(WorkflowError):
    """Not possible in the ticket's current state (or with a request pending)."""


class LimitExceeded(TransitionNotAllowed):
    """A configured limit forbids it (退单 after its working days, too many 延期 …)."""


class NotPermitted(WorkflowError):
    """The actor's role may not do this, or the ticket is not their department's (or not theirs)."""


class ConcurrentChange(WorkflowError):
    """Someone else changed the ticket meanwhile; the caller's session has been rolled back."""

    def __init__(self, number: str):
        super().__init__(f"工单 {number} 刚刚已被其他人处理，请刷新后查看最新状态再操作")
        self.number = number


class InvalidAction(WorkflowError, FieldErrors):
    """Missing or wrong input of an action (reason, note, days, department …): .by_field() for forms."""

    def __init__(self, errors: list[FieldError]):
        FieldErrors.__init__(self, errors)


def field_error(field: str, message: str) -> InvalidAction:
    return InvalidAction([FieldError(field, message)])
