"""Validate parsed YAML into the model with pydantic, and describe the model as JSON Schema.

This is the only module that imports pydantic: queries answered from the cache skip it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from zctasks.files.errors import Diagnostic, Located
from zctasks.plan.models import (
    MODEL_CONFIG,
    Chapter,
    Plan,
    ReportingSettings,
    ReportSettings,
    ScheduleSettings,
    Task,
    Unit,
    described,
)

T = TypeVar("T")


@dataclass(frozen=True)
class TasksFile:
    """data/tasks.yaml"""

    __pydantic_config__ = MODEL_CONFIG

    plan: Plan
    chapters: tuple[Chapter, ...]
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class DepartmentsFile:
    """data/departments.yaml"""

    __pydantic_config__ = MODEL_CONFIG

    units: dict[str, Unit]
    """Every unit, keyed by the short name the document writes."""
    placeholders: tuple[str, ...] = ()
    """Generic wording (区有关部门, 各相关部门): not units, never matched by --dept."""


@dataclass(frozen=True)
class ConfigFile:
    """data/config.yaml (optional)"""

    __pydantic_config__ = MODEL_CONFIG

    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    reporting: ReportingSettings = field(default_factory=ReportingSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)


_FILES: dict[str, type[Any]] = {
    "tasks": TasksFile,
    "departments": DepartmentsFile,
    "config": ConfigFile,
}


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(model: type[T]) -> TypeAdapter[T]:
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(model)
    return _ADAPTERS[model]


def validate(
    doc: Located,
    model: type[T],
    payload: str | None = None,
    labels: dict[str, str] | None = None,
) -> tuple[T | None, list[Diagnostic]]:
    """The file as ``model``, or every schema problem located in the file.

    Validation is strict (a quoted "25" is not a number, "yes" is not a boolean); dates are
    read from their ISO text. ``payload`` is the data as JSON text when the caller has it.
    """
    given = payload is not None
    try:
        if payload is None:
            payload = json.dumps(doc.data, ensure_ascii=False, allow_nan=False)
        return _adapter(model).validate_json(payload, strict=True), []
    except ValueError as exc:
        if not isinstance(exc, ValidationError):
            return None, [doc.diagnostic((), "type", f"无法识别的数值：{exc}")]
        if given and any(e["type"] == "json_invalid" for e in exc.errors(include_url=False)):
            raise NotJson from None
        return None, _translate(doc, exc, labels or {})


class NotJson(ValueError):
    """The caller's JSON text does not parse; its own reader must locate the problem."""


def json_schema(name: str) -> dict[str, Any]:
    """JSON Schema of one data file (``tasks`` or ``departments``)."""
    with described():
        schema = TypeAdapter(_FILES[name]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"zctasks data/{name}.yaml"
    return schema


def _located(doc: Located, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The part of a pydantic location that names places in the file (drops union branches)."""
    path: list[str | int] = []
    data: Any = doc.data
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            path.append(part)
            if part not in data:  # a missing or an unknown key ends the location
                break
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            path.append(part)
            data = data[part]
        else:
            break
    return tuple(path)


def _translate(doc: Located, exc: ValidationError, labels: dict[str, str]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for error in exc.errors(include_url=False):
        loc = _located(doc, tuple(error["loc"]))
        code, message, hint = _describe(error, loc, labels)
        if (loc, code) in seen:
            continue
        seen.add((loc, code))
        on_key = code in {"unknown-field"}
        if code == "missing-field":
            loc = loc[:-1]
        diagnostics.append(doc.diagnostic(loc, code, message, hint, key=on_key))
    return diagnostics


def _field_name(loc: tuple[str | int, ...], labels: dict[str, str]) -> str:
    """The field as the user knows it: its Chinese label where the caller has one."""
    names = [part for part in loc if isinstance(part, str)]
    name = names[-1] if names else "文件"
    return labels.get(name, name)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _describe(
    error: Any, loc: tuple[str | int, ...], labels: dict[str, str]
) -> tuple[str, str, str]:
    kind = error["type"]
    name = _field_name(loc, labels)
    given = _shown(error.get("input"))
    if kind == "missing" or kind == "missing_keyword_argument":
        return "missing-field", f"缺少字段 “{name}”", "补上该字段"
    if kind in {"unexpected_keyword_argument", "extra_forbidden"}:
        return "unknown-field", f"未知字段 “{name}”", "检查拼写；可用 zctasks schema 查看允许的字段"
    if kind in {"int_type", "float_type", "int_parsing", "float_parsing", "int_from_float"}:
        return "type", f"“{name}” 应为数字，实际为 {given}", "数字不要加引号，也不要带单位"
    if kind in {"bool_type", "bool_parsing"}:
        return "type", f"“{name}” 应为 true 或 false，实际为 {given}", ""
    if kind in {"string_type", "str_type"}:
        return "type", f"“{name}” 应为文本，实际为 {given}", ""
    if kind.startswith("date") or kind.startswith("datetime"):
        return "type", f"“{name}” 应为有效日期 YYYY-MM-DD，实际为 {given}", ""
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", ""))
        choices = [c.strip(" '\"") for c in expected.replace(" or ", ", ").split(", ")]
        listed = "、".join(choices[:-1]) + " 或 " + choices[-1] if len(choices) > 1 else expected
        return "type", f"“{name}” 的取值 {given} 无效，应为 {listed}", ""
    if kind in {"list_type", "tuple_type"}:
        return "type", f"“{name}” 应为列表，实际为 {given}", "写成 [甲, 乙] 或每行一个 - 项"
    if kind in {"dict_type", "dataclass_type", "model_type", "dataclass_exact_type"}:
        return "type", f"“{name}” 应为映射（键: 值），实际为 {given}", ""
    if kind in {"string_too_short", "too_short"}:
        return "empty", f"“{name}” 不能为空", ""
    if kind in {"greater_than_equal", "greater_than"}:
        return "range", f"“{name}” 的取值 {given} 过小：{error['msg']}", ""
    return "schema", f"“{name}”：{error['msg']}", ""
