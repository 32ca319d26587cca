"""Pydantic models built from values that already have their fields' types (pure).

Validation checks every field again; for values typed by construction (rules, enums,
tuples of strings, rounded floats) that costs more than the work that made them, and
``model_construct`` runs Python per field. :func:`built` sets what validation sets: the
fields, the set of those given, and no extra or private values (tests compare both).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)

_new = object.__new__
# BaseModel's slots, set through their own descriptors: ``object.__setattr__`` looks the
# name up and goes through the generic attribute call for each
_set_fields_set = cast(Any, BaseModel.__dict__["__pydantic_fields_set__"]).__set__
_set_extra = cast(Any, BaseModel.__dict__["__pydantic_extra__"]).__set__
_set_private = cast(Any, BaseModel.__dict__["__pydantic_private__"]).__set__


def built(cls: type[Model], values: dict[str, Any], defaults: tuple[str, ...] = ()) -> Model:
    """``cls`` with ``values`` as its fields, unvalidated (see the module docstring).

    ``values`` holds every field in the model's order; ``defaults`` names those of them
    that hold their default and were not given (not in the set of fields given).
    """
    model = _new(cls)
    model.__dict__.update(values)  # the new instance's own (empty) dict
    _set_fields_set(model, set(values).difference(defaults) if defaults else set(values))
    _set_extra(model, None)
    _set_private(model, None)
    return model
