"""Load YAML into pydantic models, reporting every problem with its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from briefings.errors import ConfigError, ConfigProblem

ModelT = TypeVar("ModelT", bound=BaseModel)


class LocatedYaml:
    """Parsed YAML plus a map from a key path (as pydantic reports it) to its source line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError([ConfigProblem(str(path), line, "", f"invalid YAML: {problem}")]) from None
        self._node = node

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        node = self._node
        line = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if getattr(k, "value", None) == str(key)), None)
                if match is None:
                    break
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                break
            line = node.start_mark.line + 1
        return line


def read_yaml(path: Path) -> LocatedYaml:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(path), None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigProblem(str(path), None, "", f"cannot read: {exc}")]) from None
    return LocatedYaml(path, text)


def problems_from_validation(doc: LocatedYaml, exc: ValidationError) -> list[ConfigProblem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        entry = ".".join(str(p) for p in loc)
        problems.append(ConfigProblem(str(doc.path), doc.line_of(loc), entry, err["msg"]))
    return problems


def load_model(path: Path, model: type[ModelT]) -> ModelT:
    """Read `path` and validate it as `model`; raise ConfigError listing every problem."""
    doc = read_yaml(path)
    data = doc.data if doc.data is not None else {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(doc, exc)) from None
