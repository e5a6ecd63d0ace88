"""Conversation state <-> JSON-able dicts, generically over the frozen dataclasses.

This module owns the one mapping between the core's plain data (`exit_coach.flow.state`,
`exit_coach.model`: frozen dataclasses, StrEnums, tuples, optionals) and what the store
writes as JSON. It is driven by `dataclasses.fields` and the type hints, so a new
field needs no code here. Decoding is tolerant on purpose: unknown keys are
ignored and missing or unreadable values fall back to the field's default, so rows
written by an older (or newer) version still load after the schema grows.
It does no I/O and knows nothing about tables.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

from exit_coach.flow.state import Case, Profile

T = TypeVar("T")

JSON = dict[str, Any]


class DecodeError(ValueError):
    """A value could not be read as the expected type and the field has no default."""


_MISSING = object()


@cache
def _hints(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    """(name, type, default-or-_MISSING) for each init field of a dataclass, resolved once."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory
        else:
            default = _MISSING
        out.append((f.name, hints[f.name], default))
    return tuple(out)


def to_jsonable(value: Any) -> Any:
    """A dataclass / enum / tuple / mapping tree as dicts, lists, str, int, float, bool and None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encoder(type(value))(value)
    return _encode_any(value)


def _encode_any(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encoder(type(value))(value)
    if isinstance(value, tuple | list):
        return [_encode_any(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _encode_any(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__} value {value!r}")


def _plain(value: Any) -> Any:
    return value


@cache
def _encoder(tp: Any) -> Callable[[Any], Any]:
    """An encoder specialised for type `tp`, built once from the type hints (the hot path of every save)."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if all(a in (str, int, float, bool) for a in members):
            return _plain
        if len(members) == 1:
            inner = _encoder(members[0])
            return lambda v: None if v is None else inner(v)
        return _encode_any
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] in (str, int, float, bool):
                return list
            item = _encoder(args[0])
            return lambda v: [item(x) for x in v]
        return _encode_any
    if isinstance(tp, type):
        if tp in (str, int, float, bool):
            return _plain
        if issubclass(tp, Enum):
            return lambda v: v.value
        if dataclasses.is_dataclass(tp):
            simple = (str, int, float, bool)
            fields = tuple((name, None if t in simple else _encoder(t)) for name, t, _ in _hints(tp))

            def encode_dataclass(v: Any) -> dict[str, Any]:
                out = {}
                for name, enc in fields:
                    value = getattr(v, name)
                    out[name] = value if enc is None else enc(value)
                return out

            return encode_dataclass
    return _encode_any


def from_jsonable(tp: Any, data: Any) -> Any:
    """Read `data` as type `tp`; raise DecodeError when it does not fit."""
    if tp is Any:
        return data
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return from_jsonable(arg, data)
            except DecodeError:
                continue
        raise DecodeError(f"{data!r} fits none of {tp!r}")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list | tuple):
            raise DecodeError(f"expected a list, got {data!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_items(args[0], data))
        return tuple(from_jsonable(a, item) for a, item in zip(args, data, strict=True))
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        if not isinstance(data, dict):
            raise DecodeError(f"expected an object, got {data!r}")
        args = typing.get_args(tp) or (str, Any)
        return {from_jsonable(args[0], k): from_jsonable(args[1], v) for k, v in data.items()}
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            if not isinstance(data, dict):
                raise DecodeError(f"expected an object for {tp.__name__}, got {data!r}")
            return decode(tp, data)
        if issubclass(tp, Enum):
            try:
                return tp(data)
            except ValueError as exc:
                raise DecodeError(f"{data!r} is not a {tp.__name__}") from exc
        if tp is bool:
            if isinstance(data, bool):
                return data
            raise DecodeError(f"expected a bool, got {data!r}")
        if tp is int:
            if isinstance(data, int) and not isinstance(data, bool):
                return data
            raise DecodeError(f"expected an int, got {data!r}")
        if tp is float:
            if isinstance(data, int | float) and not isinstance(data, bool):
                return float(data)
            raise DecodeError(f"expected a number, got {data!r}")
        if tp is str:
            if isinstance(data, str):
                return data
            raise DecodeError(f"expected a string, got {data!r}")
    raise DecodeError(f"unsupported type {tp!r}")


def _items(tp: Any, data: list[Any] | tuple[Any, ...]) -> list[Any]:
    """Decode each item; an unreadable item is skipped rather than losing its siblings."""
    out = []
    for item in data:
        try:
            out.append(from_jsonable(tp, item))
        except DecodeError:
            continue
    return out


def decode(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build dataclass `cls` from a dict, ignoring unknown keys and defaulting missing or bad ones."""
    kwargs: dict[str, Any] = {}
    for name, tp, default in _hints(cast(type, cls)):  # a class is hashable; mypy cannot tell for type[T]
        if name in data:
            try:
                kwargs[name] = from_jsonable(tp, data[name])
                continue
            except DecodeError:
                if default is _MISSING:
                    raise
        if default is _MISSING:
            raise DecodeError(f"{cls.__name__}.{name} is missing")
        # defaults are filled in by the dataclass itself
    return cls(**kwargs)


def encode_case(case: Case) -> str:
    """One case as a compact JSON string (what the store writes in `case.state_json`)."""
    return json.dumps(to_jsonable(case), separators=(",", ":"), ensure_ascii=False)


def decode_case(text: str) -> Case:
    return decode(Case, json.loads(text))


def encode_profile(profile: Profile) -> str:
    return json.dumps(to_jsonable(profile), separators=(",", ":"), ensure_ascii=False)


def decode_profile(text: str | None) -> Profile:
    if not text:
        return Profile()
    try:
        data = json.loads(text)
    except ValueError:
        return Profile()
    return decode(Profile, data) if isinstance(data, dict) else Profile()
