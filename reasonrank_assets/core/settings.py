"""What every settings dataclass shares: a help text per field, and a `from_dict` that names the
keys it does not know. The help (`field.metadata["help"]`) is what the Dagster launchpad and the
CLI show for the field, so a knob is described once, where it is declared."""

from __future__ import annotations

from dataclasses import asdict, field, fields


def setting(default, help: str, **metadata):
    """A field with its default and help; `metadata` may add `choices` (the CLI offers only those)."""
    return field(default=default, metadata={"help": help, **metadata})



class Settings:
    def to_dict(self) -> dict:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, values: dict):
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown setting(s) {unknown}; known: {sorted(known)}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**values)
