"""Load YAML into pydantic models, reporting every problem with its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from briefings.errors import ConfigError, ConfigProblem

ModelT = TypeVar("ModelT", bound=BaseModel)


MAX_CONFIG_BYTES = 1_000_000  # the shipped files are a few KB; a config file this large is a mistake
MAX_NODES = 100_000  # after alias expansion: an "alias bomb" of a few lines expands to billions


def _expanded_size(node: yaml.Node, memo: dict[int, int], path: set[int]) -> int:
    """Nodes the document holds once aliases are expanded; stops counting past MAX_NODES."""
    if id(node) in memo:
        return memo[id(node)]
    if id(node) in path:  # a recursive alias expands forever
        return MAX_NODES + 1
    path.add(id(node))
    size = 1
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    else:
        children = []
    for child in children:
        size += _expanded_size(child, memo, path)
        if size > MAX_NODES:
            break
    path.discard(id(node))
    memo[id(node)] = size
    return size


def _duplicate_keys(node: yaml.Node | None, seen_nodes: set[int] | None = None) -> list[tuple[int, str]]:
    """(line, key) of every key that repeats an earlier key of the same mapping."""
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if node is None or id(node) in seen_nodes:
        return []
    seen_nodes.add(id(node))
    found = []
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in keys:
                    found.append((key.start_mark.line + 1, key.value))
                keys.add(key.value)
            found += _duplicate_keys(value, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            found += _duplicate_keys(child, seen_nodes)
    return found


class LocatedYaml:
    """Parsed YAML plus a map from a key path (as pydantic reports it) to its source line.

    Guarded against what a config file should never do: grow past MAX_NODES through aliases
    (composing keeps aliases shared, so the check itself stays cheap), or repeat a key (YAML
    would silently keep the last one, e.g. a second `channels:` dropping the first list).
    """

    def __init__(self, path: Path, text: str):
        self.path = path
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError([ConfigProblem(str(path), line, "", f"invalid YAML: {problem}")]) from None
        if node is not None and _expanded_size(node, {}, set()) > MAX_NODES:
            raise ConfigError([ConfigProblem(str(path), None, "", f"too large once its aliases are expanded "
                                                                  f"(over {MAX_NODES:,} values): refused")])
        duplicates = _duplicate_keys(node)
        if duplicates:
            raise ConfigError([ConfigProblem(str(path), line, key, f"duplicate key {key!r}: each key may appear "
                                                                   "once in a mapping") for line, key in duplicates])
        constructor = yaml.SafeLoader("")  # builds Python values from the already-checked node graph
        self.data: Any = constructor.construct_document(node) if node is not None else None
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
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError([ConfigProblem(str(path), None, "", f"too large for a config file: {size:,} bytes "
                                                                  f"(limit {MAX_CONFIG_BYTES:,})")])
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
