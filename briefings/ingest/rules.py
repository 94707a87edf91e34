"""The cleaning rules' schema (config/cleaning.yaml) and their compiled form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefings.yamlconf import load_model


class StampRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    published: list[str]
    updated: list[str]


class MojibakeRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_suspects: int = Field(default=3, ge=1)
    min_ratio: float = Field(default=0.25, gt=0, le=1)


class CleaningRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bullet_chars: str = "•·-*"
    drop_lines: list[str] = []
    drop_patterns: list[str] = []
    ad_patterns: list[str] = []
    footer_markers: list[str] = []
    image_name_patterns: list[str] = []
    caption_patterns: list[str] = []
    caption_max_chars: int = Field(default=200, ge=1)
    subhead_prefixes: list[str] = []
    subhead_max_chars: int = Field(default=100, ge=1)
    stamps: StampRules
    mojibake: MojibakeRules = MojibakeRules()
    repeat_min_chars: int = Field(default=12, ge=1)

    @field_validator("drop_patterns", "ad_patterns", "image_name_patterns", "caption_patterns")
    @classmethod
    def _valid_regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
        return patterns


def _any(patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@dataclass(frozen=True)
class CompiledRules:
    bullets: str
    drop_lines: frozenset[str]
    drop: re.Pattern[str]
    ads: re.Pattern[str]
    footer_markers: frozenset[str]
    image_names: re.Pattern[str]
    captions: re.Pattern[str]
    caption_max_chars: int
    subhead_prefixes: tuple[str, ...]
    subhead_max_chars: int
    stamp: re.Pattern[str]
    published_labels: frozenset[str]
    mojibake_min_suspects: int
    mojibake_min_ratio: float
    repeat_min_chars: int


# White space is matched possessively (\s*+): on a line of a label and 100k spaces, backtracking
# greedy runs against each other was quadratic.
_DATE_VALUE = (r"\d{4}\s*+[.\-/년]\s*+\d{1,2}(?:\s*+[.\-/월]\s*+\d{1,2}\s*+일?)?\.?"
               r"(?:\s*+\d{1,2}:\d{2}(?::\d{2})?)?")


def compile_rules(rules: CleaningRules) -> CompiledRules:
    labels = sorted(rules.stamps.published + rules.stamps.updated, key=len, reverse=True)
    stamp = re.compile(rf"(?P<label>{'|'.join(map(re.escape, labels))})\s*+(?:[:：]\s*+)?(?P<value>{_DATE_VALUE})")
    return CompiledRules(
        bullets=rules.bullet_chars,
        drop_lines=frozenset(rules.drop_lines),
        drop=_any([f"^(?:{p})$" for p in rules.drop_patterns], re.IGNORECASE),
        ads=_any(rules.ad_patterns, re.IGNORECASE),
        footer_markers=frozenset(rules.footer_markers),
        image_names=_any(rules.image_name_patterns, re.IGNORECASE),
        captions=_any(rules.caption_patterns),
        caption_max_chars=rules.caption_max_chars,
        subhead_prefixes=tuple(rules.subhead_prefixes),
        subhead_max_chars=rules.subhead_max_chars,
        stamp=stamp,
        published_labels=frozenset(rules.stamps.published),
        mojibake_min_suspects=rules.mojibake.min_suspects,
        mojibake_min_ratio=rules.mojibake.min_ratio,
        repeat_min_chars=rules.repeat_min_chars,
    )


def load_rules(config_dir: Path) -> CompiledRules:
    return compile_rules(load_model(config_dir / "cleaning.yaml", CleaningRules))
