"""Units met while importing: known ones reused by any of their names, new ones added with a
guessed kind, placeholders kept apart."""

from __future__ import annotations

import re

from zctasks.plan.attribution import is_placeholder
from zctasks.plan.models import Unit, UnitKind


class Registry:
    """Units met while importing: known ones reused, new ones added with a guessed kind."""

    def __init__(self, units: dict[str, Unit], placeholders: list[str]) -> None:
        self.units = units
        self.placeholders = placeholders
        self.new: list[str] = []
        self.new_placeholders: list[str] = []
        self.guessed: set[str] = set()

    def name(self, raw: str) -> str:
        name = raw.strip()
        if name in self.units or name in self.placeholders:
            return name
        for short, unit in self.units.items():
            if name == unit.full_name or name in unit.aliases:
                return short
        if is_placeholder(name):
            self.placeholders.append(name)
            self.new_placeholders.append(name)
        else:
            self.units[name] = Unit(kind=guess_kind(name))
            self.new.append(name)
            self.guessed.add(name)
        return name


def guess_kind(name: str) -> UnitKind:
    rules: list[tuple[str, UnitKind]] = [
        (r"^(区委|市委|县委|中共).*(部|委|办)$|机关工委$|政法委$", "党委部门"),
        (r"^(团|共青团)|妇联$|残联$|工商联$|总工会$|科协$|文联$|侨联$", "群团组织"),
        (r"分局$|税务局$|大队$|支队$|供电|人民银行|海关$|气象局$|消防", "垂直管理或派驻"),
        (r"公司$|集团$", "企业"),
        (r"中心$|院$|所$|站$", "事业单位"),
        (r"局$|委$|办$|厅$", "政府工作部门"),
    ]
    return next((kind for pattern, kind in rules if re.search(pattern, name)), "其他")
