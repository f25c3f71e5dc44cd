"""What the step forms share: the form of a step that asks for nothing, and a service's
refusal shown on the form that took the step."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError


class EmptyForm(forms.Form):
    """A step with nothing to type in: a button and a confirmation."""


def show_on_form(form: forms.Form, record, error: ValidationError) -> None:
    """A service's errors on the form: on the form's own field where it has one, else at
    the top, named by the record's field (e.g. "说明：提交前必须填写。")."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, errors in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
            continue
        try:
            label = str(record._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # NON_FIELD_ERRORS, or a name of another record
            label = ""
        for message in errors:
            form.add_error(None, f"{label}：{message}" if label else message)
