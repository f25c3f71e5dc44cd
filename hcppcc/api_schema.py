"""The OpenAPI schema class (imported lazily by DRF, apart from api_support)."""

from drf_spectacular.openapi import AutoSchema


class Schema(AutoSchema):
    """drf-spectacular's schema, with the workflow steps named as such."""

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) == "step":
            return operation_id.rsplit("_", 1)[0] + "_step"
        return operation_id
