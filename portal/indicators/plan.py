"""The plan's indicator table, read from plan.yaml once per process."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

PLAN_FILE = Path(__file__).with_name("plan.yaml")


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    baseline_2020: str  # text exactly as the plan prints it; Decimal(baseline) for arithmetic
    target_2025: str
    department_zh: str
    department_en: str

    def name(self, lang):
        return self.name_zh if lang == "zh" else self.name_en

    def unit(self, lang):
        return self.unit_zh if lang == "zh" else self.unit_en

    def department(self, lang):
        return self.department_zh if lang == "zh" else self.department_en


@dataclass(frozen=True)
class Plan:
    title_zh: str
    title_en: str
    document: str
    published: date
    url: str
    checked: date
    indicators: tuple

    def title(self, lang):
        return self.title_zh if lang == "zh" else self.title_en

    def get(self, key):
        return next((i for i in self.indicators if i.key == key), None)


def _number(text, where):
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(f"{where}: {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{where}: {text!r} must be a number ≥ 0")
    return str(text)


def parse_plan(data):
    """A Plan from the YAML mapping; ValueError names what is wrong."""
    meta = data["plan"]
    indicators = []
    for item in data["indicators"]:
        where = item.get("key", "?")
        indicators.append(Indicator(**{**item, "baseline_2020": _number(item["baseline_2020"], where),
                                       "target_2025": _number(item["target_2025"], where)}))
    keys = [i.key for i in indicators]
    if len(set(keys)) != len(keys):
        raise ValueError("indicator keys must be unique")
    return Plan(meta["title_zh"], meta["title_en"], meta["document"], date.fromisoformat(str(meta["published"])),
                meta["url"], date.fromisoformat(str(meta["checked"])), tuple(indicators))


@cache
def load_plan(path=PLAN_FILE):
    with open(path, encoding="utf-8") as handle:
        return parse_plan(yaml.safe_load(handle))
