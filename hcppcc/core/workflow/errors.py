"""Domain errors of the proposal workflow.

Services raise these; the admin and the pages show the message, the API answers 409 (or
404 when the caller may not even see the record). Never a 500.
"""


class WorkflowError(Exception):
    """A step that cannot be taken now. The message is for the clerk, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(WorkflowError):
    """The record is not in a state from which this step may be taken."""


class NotAllowed(WorkflowError):
    """The user's role does not allow this step on this record."""
