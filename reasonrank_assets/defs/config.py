"""Dagster run config generated from the core's settings dataclasses, so each knob is declared once.

The core keeps plain dataclasses (usable from a notebook or the CLI); `config_class` turns one into
a `dg.Config` with the same fields, defaults and help (the field's `metadata["help"]`), shown and
editable in the launchpad.
"""


import dataclasses
import types
import typing
from pathlib import Path

import dagster as dg
import pydantic


def _config_type(tp):
    """Dagster config speaks JSON-like types: paths travel as strings."""
    if tp is Path:
        return str
    origin = typing.get_origin(tp)
    if origin is tuple:  # an immutable default in the core is a list in run config
        return list[_config_type(typing.get_args(tp)[0])]
    if origin in (typing.Union, types.UnionType):
        return _config_type(next(a for a in typing.get_args(tp) if a is not type(None))) | None
    return tp


def config_class(settings_type: type, name: str, defaults: object | None = None, base: type = dg.Config) -> type:
    """A `dg.Config` (or `base`) subclass mirroring `settings_type`; `defaults` (an instance)
    overrides the dataclass defaults."""
    hints = typing.get_type_hints(settings_type)
    overrides = dataclasses.asdict(defaults) if defaults is not None else {}
    annotations, namespace = {}, {}
    for field in dataclasses.fields(settings_type):
        if not field.init:
            continue
        annotations[field.name] = _config_type(hints[field.name])
        if field.name in overrides:
            value = overrides[field.name]
        elif field.default is not dataclasses.MISSING:
            value = field.default
        else:
            value = field.default_factory()
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        namespace[field.name] = pydantic.Field(default=value, description=field.metadata.get("help"))
    namespace["__annotations__"] = annotations
    namespace["__module__"] = settings_type.__module__
    namespace["__doc__"] = settings_type.__doc__

    tuples = {key for key, tp in hints.items() if typing.get_origin(tp) is tuple}

    def to_settings(self):
        # Subclasses may add Dagster-only fields (a launcher, a list of students): leave those out.
        values = {k: v for k, v in self.model_dump().items() if k in annotations}
        return settings_type(**{k: tuple(v) if k in tuples else v for k, v in values.items()})

    namespace["to_settings"] = to_settings
    return types.new_class(name, (base,), {}, lambda ns: ns.update(namespace))
