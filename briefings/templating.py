"""Jinja2 text pieces of a digest, rendered per output format.

Templates hold text only (never JSON or Block Kit). Each format supplies its Markup: how to escape
article text and how to write bold, italics and links. Every variable is escaped through Jinja's
`finalize`; the markup filters return `Safe` strings that are not escaped again. User templates
(a folder named in YAML, overriding any of the shipped ones) run in Jinja's sandbox; a broken one
is reported with its file and line when loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError, TemplateSyntaxError

from briefings.errors import ConfigError, ConfigProblem
from briefings.links import safe_url
from briefings.sandbox import BoundedSandbox, render_bounded

TEMPLATE_NAMES = ("headline.j2", "section_intro.j2", "story.j2", "footer.j2")


class Safe(str):
    """Text already in the target format; finalize leaves it alone."""


@dataclass(frozen=True)
class Markup:
    escape: Callable[[str], str]
    strong: Callable[[str], str] = lambda s: s
    italic: Callable[[str], str] = lambda s: s
    link: Callable[[str, str], str] = lambda text, url: text
    code: Callable[[str], str] = lambda s: s


PLAIN = Markup(escape=lambda s: s)


def template_file(user_dir: Path | None, name: str) -> str:
    if user_dir is not None and (user_dir / name).exists():
        return str(user_dir / name)
    return f"briefings/templates/{name}"


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line an error happened on (Jinja rewrites tracebacks to template lines)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class TemplateSet:
    def __init__(self, user_dir: Path | None = None):
        loaders = [FileSystemLoader(str(user_dir))] if user_dir else []
        loaders.append(PackageLoader("briefings", "templates"))
        self.user_dir = user_dir
        self._base = BoundedSandbox(loader=ChoiceLoader(loaders), autoescape=False, undefined=StrictUndefined,
                                          trim_blocks=True, lstrip_blocks=True)
        # Placeholders so templates compile; each format's overlay replaces them.
        self._base.filters.update({name: str for name in ("strong", "italic", "code")})
        self._base.filters["link"] = lambda s, url=None: str(s)
        self._envs: dict[int, BoundedSandbox] = {}
        problems = []
        for name in TEMPLATE_NAMES:
            try:
                self._base.get_template(name)
            except TemplateSyntaxError as exc:
                problems.append(ConfigProblem(exc.filename or name, exc.lineno, name, f"template error: {exc.message}"))
            except TemplateError as exc:
                problems.append(ConfigProblem(str(user_dir or "templates"), None, name, f"template error: {exc}"))
        if problems:
            raise ConfigError(problems)

    def _env(self, markup: Markup) -> BoundedSandbox:
        env = self._envs.get(id(markup))
        if env is None:
            def finalize(value: Any) -> Any:
                if value is None:
                    return ""
                return value if isinstance(value, Safe) else markup.escape(str(value))

            # Own cache and filter dict: an overlay otherwise shares (and would reuse) the base's.
            env = self._base.overlay(finalize=finalize, cache_size=50)
            env.filters = dict(env.filters)
            def esc(value: Any) -> str:
                return value if isinstance(value, Safe) else markup.escape(str(value))

            env.filters.update({
                "strong": lambda s: Safe(markup.strong(esc(s))),
                "italic": lambda s: Safe(markup.italic(esc(s))),
                "code": lambda s: Safe(markup.code(esc(s))),
                "link": lambda s, url=None: Safe(markup.link(esc(s), target) if (target := safe_url(url)) else esc(s)),
            })
            self._envs[id(markup)] = env
        return env

    def render(self, name: str, markup: Markup, **context: Any) -> str:
        try:
            template = self._env(markup).get_template(name)
            return render_bounded(template, context).strip()
        except Exception as exc:  # whatever a user's template does wrong is a template problem, not a crash
            raise ConfigError([ConfigProblem(template_file(self.user_dir, name), _template_line(exc, name), name,
                                             f"template failed to render: {type(exc).__name__}: {exc}")]) from None

    def trial_render(self) -> list[ConfigProblem]:
        """Render every template once on a small sample digest, as `check-config` does for user folders:
        a template that fails, runs too long or writes too much is found before it is scheduled."""
        from briefings.digest.model import Digest, Section, Story

        story = Story(article_id="0123456789ab", title="제목 Title", summary=["요약 문장입니다."], outlets=["outlet"],
                      article_ids=["0123456789ab"], published="2026-01-01", companies=["KT"], themes=["AI"],
                      url="https://example.com/a")
        section = Section(key="kt", title="KT", stories=[story], total=3)
        digest = Digest(title="Digest", period="2026-01-01", language="ko", sections=[section])
        problems = []
        for name, context in (("headline.j2", {"digest": digest}), ("footer.j2", {"digest": digest}),
                              ("section_intro.j2", {"section": section, "digest": digest}),
                              ("story.j2", {"story": story, "section": section})):
            try:
                self.render(name, PLAIN, lang="ko", **context)
            except ConfigError as exc:
                problems.extend(exc.problems)
        return problems

