"""OpenAPI schema generation: component names that do not collide.

Views nest their serializers (``TokenApi.InputSerializer``), so drf-spectacular's default names
("InputRequest", "Output") collide across views. A serializer defined inside a view class is named
after that view: ``TokenApiInput``, ``TokenApiOutput``.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
    def _get_serializer_name(self, serializer, direction, bypass_extensions=False) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        cls = serializer if isinstance(serializer, type) else type(serializer)
        meta = getattr(cls, "Meta", None)
        if getattr(meta, "ref_name", None):
            return name
        outer, _, inner = cls.__qualname__.rpartition(".")
        if outer and "<locals>" not in outer:
            inner = inner.removesuffix("Serializer")
            suffix = "Request" if name.endswith("Request") else ""
            return f"{outer.replace('.', '')}{inner}{suffix}"
        return name
