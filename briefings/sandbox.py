"""A Jinja sandbox with bounds, for templates that users write: a template cannot hang the bot
or exhaust its memory.

Jinja's own sandbox stops attribute tricks but not size: `{{ 'x' * 10**9 }}`, `lipsum(10**6)` or
two nested `range(100000)` loops run for minutes or take gigabytes. Here every value a template
builds is capped (repetition, powers, concatenation, sizes passed to filters and methods), the
output is streamed and cut off at a limit, and a trace hook ends a render that runs past its time
(loops in compiled templates are plain Python loops, so nothing else could interrupt them).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.sandbox import SandboxedEnvironment

MAX_VALUE_SIZE = 100_000  # characters or items of any value a template builds
MAX_RANGE = 10_000  # items of one range()
MAX_OUTPUT_CHARS = 200_000  # one rendered piece; Slack and Discord take far less anyway
MAX_RENDER_SECONDS = 2.0
_CHECK_EVERY = 1024  # trace events between clock reads


class RenderLimitError(TemplateRuntimeError):
    """A template went past a size or time bound."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0


def _check_numbers(args: tuple, kwargs: dict, what: str) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE_SIZE:
            raise SecurityError(f"{what}: the number {value} is too large for a template (limit {MAX_VALUE_SIZE:,})")


def _check_result(value: Any, what: str) -> Any:
    if _size(value) > MAX_VALUE_SIZE:
        raise SecurityError(f"{what} made a value of {_size(value):,} items (limit {MAX_VALUE_SIZE:,})")
    return value


def _grows_past_limit(base: Any, args: tuple) -> bool:
    """str.replace-like growth, estimated before it happens: every character may become the longest argument."""
    longest = max((len(a) for a in args if isinstance(a, str)), default=1)
    return isinstance(base, str) and len(base) * max(longest, 1) > MAX_VALUE_SIZE


def _bounded_filter(name: str, fn: Callable) -> Callable:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_numbers(args[1:], kwargs, f"filter {name}")
        if name == "replace" and args and _grows_past_limit(args[0], args[1:]):
            raise SecurityError(f"filter {name} could make a value over {MAX_VALUE_SIZE:,} characters")
        return _check_result(fn(*args, **kwargs), f"filter {name}")

    for attr in ("jinja_pass_arg",):  # keep context/eval-context passing markers
        if hasattr(fn, attr):
            setattr(bounded, attr, getattr(fn, attr))
    return bounded


def _bounded_range(*args: int) -> range:
    _check_numbers(args, {}, "range")
    items = range(*args)
    if len(items) > MAX_RANGE:
        raise SecurityError(f"range of {len(items):,} items (limit {MAX_RANGE:,})")
    return items


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.globals.pop("lipsum", None)  # placeholder text has no place in a digest
        self.globals["range"] = _bounded_range
        self.filters = {name: _bounded_filter(name, fn) for name, fn in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError(f"power {right} is too large for a template")
        if operator == "*":
            count, seq = (right, left) if _size(left) else (left, right)
            if isinstance(count, int) and _size(seq) * abs(count) > MAX_VALUE_SIZE:
                raise SecurityError(f"repetition to {_size(seq) * abs(count):,} items (limit {MAX_VALUE_SIZE:,})")
        if operator == "+" and _size(left) + _size(right) > MAX_VALUE_SIZE:
            raise SecurityError(f"concatenation past {MAX_VALUE_SIZE:,} items")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        what = f"call to {getattr(__obj, '__name__', type(__obj).__name__)}"
        _check_numbers(args, kwargs, what)
        if _grows_past_limit(getattr(__obj, "__self__", None), args):
            raise SecurityError(f"{what} could make a value over {MAX_VALUE_SIZE:,} characters")
        return _check_result(super().call(__context, __obj, *args, **kwargs), what)


def _time_guard(deadline: float) -> Callable:
    events = 0

    def trace(frame: Any, event: str, arg: Any) -> Callable:
        nonlocal events
        events += 1
        if events % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise RenderLimitError(f"template rendering took longer than {MAX_RENDER_SECONDS:g} s")
        return trace

    return trace


def render_bounded(template: Template, context: dict[str, Any]) -> str:
    """Render with the output cut at MAX_OUTPUT_CHARS (an error) and a time limit."""
    previous = sys.gettrace()
    sys.settrace(_time_guard(time.monotonic() + MAX_RENDER_SECONDS))
    try:
        chunks: list[str] = []
        total = 0
        stream: Iterator[str] = template.generate(**context)
        for chunk in stream:
            total += len(chunk)
            if total > MAX_OUTPUT_CHARS:
                raise RenderLimitError(f"template output over {MAX_OUTPUT_CHARS:,} characters")
            chunks.append(chunk)
        return "".join(chunks)
    except RecursionError:
        raise RenderLimitError("template includes itself without end") from None
    finally:
        sys.settrace(previous)
