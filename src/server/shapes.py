"""Validation by shape: a cheaper path to the same verdict as the `fhir.resources` models.

Full model validation spends most of its time in per-element Python (one model instance per
element). But the models' checks split in two: structural ones (known and forbidden keys,
cardinality, required elements, choice types, nulls in lists: all decided by which keys hold
objects, lists, nulls or scalars) and the primitive types' checks of each scalar value
(regular expressions, dates). A resource with the same shape as one the models accepted
(same keys in the same order, same list lengths, same JSON type in every place) passes the
structural checks too; it is then accepted iff each of its scalars passes the very validator
the model would run on it (a `TypeAdapter` of the field's annotation). Anything else, or any
class with validators of its own, is left to the full models.
"""

from __future__ import annotations

import threading
import types
import typing
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Any

from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.types import FhirElementOrResourceBase
from pydantic import TypeAdapter
from pydantic.fields import FieldInfo

from outpost.server.outcome import JsonObject

Shape = tuple[object, ...]
Check = Callable[[object], object]
# A shape is a flat token stream: _DICT key token ... _END, _LIST token ... _END, and the
# JSON type of each scalar. Keys are strings and scalars' types are classes, so no
# two different trees give the same stream.
_DICT, _LIST, _END = object(), object(), object()
# The validators every FHIR model has (structural, see `FHIRAbstractModel`): a class with
# any other validator may look at values, so resources using it are not planned.
_GENERIC_VALIDATORS = frozenset(
    {"reject_null_complex_elements", "validate_after_model_construction"}
)
MAX_SHAPES = 512


class _UnplannableError(Exception):
    """This shape is left to the full models."""


def shape_of(resource: JsonObject) -> tuple[Shape, list[object]]:
    """The resource's shape (without its root `resourceType`) and its scalars in order."""
    tokens: list[object] = [_DICT]
    leaves: list[object] = []
    for key, value in resource.items():
        if key == "resourceType":
            continue
        tokens.append(key)
        kind = type(value)
        if kind is dict or kind is list:
            _shape(value, kind, tokens, leaves)
        else:
            tokens.append(kind)
            leaves.append(value)
    tokens.append(_END)
    return tuple(tokens), leaves


def _shape(node: Any, kind: type, tokens: list[object], leaves: list[object]) -> None:
    """Depth first, in the order the plan is made (`_plan_object`); scalars inline, as
    most values are scalars and a call per value would be most of the cost."""
    if kind is dict:
        tokens.append(_DICT)
        for key, value in node.items():
            tokens.append(key)
            inner = type(value)
            if inner is dict or inner is list:
                _shape(value, inner, tokens, leaves)
            else:
                tokens.append(inner)
                leaves.append(value)
    else:
        tokens.append(_LIST)
        for value in node:
            inner = type(value)
            if inner is dict or inner is list:
                _shape(value, inner, tokens, leaves)
            else:
                tokens.append(inner)
                leaves.append(value)
    tokens.append(_END)


Plan = tuple[tuple[Check, object], ...]  # per scalar: its check, the value it had when learned


class ShapeCache:
    """Shapes the full models accepted, per resource type, each with the checks of its
    scalars in order and the values the accepted resource had (a scalar equal to that one,
    of the same JSON type, is known to pass); least recently used forgotten beyond
    `limit`. Thread-safe."""

    def __init__(self, limit: int = MAX_SHAPES) -> None:
        self._limit = limit
        self._plans: OrderedDict[tuple[str, Shape], Plan | None] = OrderedDict()
        self._lock = threading.Lock()

    def passes(self, resource_type: str, shape: Shape, leaves: list[object]) -> bool:
        """True when the shape is known good and every scalar passes its check; False
        means "ask the full models" (not necessarily invalid)."""
        with self._lock:
            plan = self._plans.get((resource_type, shape))
            if plan is not None:
                self._plans.move_to_end((resource_type, shape))
        if plan is None:
            return False
        try:
            for (check, known), value in zip(plan, leaves, strict=True):
                if value != known:  # the shape makes both the same JSON type
                    check(value)
        except Exception:  # noqa: BLE001 - whatever failed, the full models decide
            return False
        return True

    def learn(self, model: type[FHIRAbstractModel], resource: JsonObject, shape: Shape) -> None:
        """Remember the checks of `resource`'s shape; call only after the full models
        (`model`) accepted `resource`. Shapes that cannot be planned are remembered as such."""
        key = (str(resource["resourceType"]), shape)
        with self._lock:
            if key in self._plans:
                return
        try:
            checks: list[Check] = []
            _plan_object(model, {k: v for k, v in resource.items() if k != "resourceType"}, checks)
            plan: Plan | None = tuple(zip(checks, shape_of(resource)[1], strict=True))
        except Exception:  # noqa: BLE001 - not planned (_UnplannableError, or a surprise)
            plan = None  # is never worse than before: the full models decide
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self._limit:
                self._plans.popitem(last=False)


def _plan_object(model: type[FHIRAbstractModel], node: object, checks: list[Check]) -> None:
    if type(node) is not dict or not _generic(model):
        raise _UnplannableError
    fields = _fields(model)
    seen: set[str] = set()
    for key, value in node.items():
        name = fields.get(key)
        if name is None or name in seen:
            raise _UnplannableError
        seen.add(name)
        many, target = _element_type(model.model_fields[name])
        items = value if many else [value]
        if many and type(value) is not list:
            raise _UnplannableError
        for item in items:
            if isinstance(target, type) and issubclass(target, FHIRAbstractModel):
                _plan_object(target, item, checks)
            elif type(item) in (dict, list):
                raise _UnplannableError
            else:
                checks.append(_check(model, name))


@cache
def _generic(model: type[FHIRAbstractModel]) -> bool:
    decorators = model.__pydantic_decorators__
    return (
        set(decorators.model_validators) <= _GENERIC_VALIDATORS
        and not decorators.field_validators
        and not decorators.validators
        and not decorators.root_validators
        and model.__init__ is FHIRAbstractModel.__init__
    )


@cache
def _fields(model: type[FHIRAbstractModel]) -> dict[str, str]:
    """Key in JSON -> field name: by alias, and by name (the models populate by name)."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        names.setdefault(name, name)
        if info.alias:
            names[info.alias] = name
    return names


def _element_type(info: FieldInfo) -> tuple[bool, object]:
    """(is a list, the element type: a model class, or a primitive annotation as the
    model validates each scalar, None allowed where the model allows it)."""
    if info.metadata:
        raise _UnplannableError
    annotation = info.annotation
    many = typing.get_origin(_without_none(annotation)) is list
    if many:
        (annotation,) = typing.get_args(_without_none(annotation))
    inner = _without_none(annotation)
    if _is_complex(inner):
        if issubclass(inner, FhirElementOrResourceBase):  # any resource: by its type
            raise _UnplannableError
        return many, inner.get_model_klass()
    if typing.get_origin(inner) in (list, typing.Union, types.UnionType):
        raise _UnplannableError
    return many, annotation


def _without_none(annotation: object) -> object:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(rest) != 1:
            raise _UnplannableError
        return rest[0]
    return annotation


def _is_complex(annotation: object) -> typing.TypeGuard[type[typing.Any]]:
    return isinstance(annotation, type) and hasattr(annotation, "get_model_klass")


@cache
def _check(model: type[FHIRAbstractModel], name: str) -> Check:
    """The validator the model runs on one scalar of field `name`."""
    _, annotation = _element_type(model.model_fields[name])
    adapter: TypeAdapter[object] = TypeAdapter(annotation)  # type: ignore[arg-type]
    return adapter.validator.validate_python
