"""The OpenAPI schema class and its postprocessing (DRF and drf-spectacular import them
by name from settings)."""

from drf_spectacular.openapi import AutoSchema


class Schema(AutoSchema):
    """drf-spectacular's schema, with the workflow steps named as such."""

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) == "step":
            return operation_id.rsplit("_", 1)[0] + "_step"
        return operation_id


ERROR = {
    "type": "object",
    "description": "A message ('detail'), or the fields' errors by field name.",
    "additionalProperties": True,
}
# What any operation may answer besides success (the error contract in errors.py).
ERROR_RESPONSES = {
    "400": "Bad input: the fields' errors.",
    "401": "Not signed in.",
    "403": "Signed in, but the role may not do this.",
    "404": "No such record, or not one the caller may see.",
    "409": "The record's state does not allow this step.",
    "412": "The record changed since it was read (If-Match).",
}


def document_errors(result, generator, request, public):
    """Postprocessing hook: every operation documents the error answers it may give."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_RESPONSES.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR}},
                    },
                )
    return result
