"""Connectors behind registries (STYLE.md rule 7): a typed base class with options validated by
a serializer, and a registry of named plugins of one kind (SMS gateways, e-mail channels, payment
providers, express carriers ...). A plugin registers itself with ``@registry.register("name")``;
settings choose one by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers


class Plugin:
    """Common base: a name (set by the registry) and options validated by a serializer."""

    name: ClassVar[str] = ""
    OptionsSerializer: ClassVar[type[serializers.Serializer] | None] = None

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = self.validate_options(options or {})

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        if cls.OptionsSerializer is None:
            return dict(options)
        serializer = cls.OptionsSerializer(data=options)
        if not serializer.is_valid():
            raise ImproperlyConfigured(f"options of plugin {cls.name!r}: {serializer.errors}")
        return dict(serializer.validated_data)


P = TypeVar("P", bound=Plugin)


class Registry(Generic[P]):
    """Named plugins of one kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, type[P]] = {}

    def register(self, name: str) -> Callable[[type[P]], type[P]]:
        def decorator(cls: type[P]) -> type[P]:
            if name in self._plugins and self._plugins[name] is not cls:
                raise ImproperlyConfigured(f"{self.kind} plugin {name!r} is registered twice")
            cls.name = name
            self._plugins[name] = cls
            return cls

        return decorator

    def __contains__(self, name: str) -> bool:
        return name in self._plugins

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._plugins))

    def get(self, name: str) -> type[P]:
        try:
            return self._plugins[name]
        except KeyError:
            known = ", ".join(self) or "-"
            raise ImproperlyConfigured(
                f"no {self.kind} plugin named {name!r} (registered: {known})"
            ) from None
