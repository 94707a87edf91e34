"""Output formats. Each module here turns a neutral Digest into what one platform wants.

A format module defines NAME, MARKUP (a templating.Markup) and `render(digest, *, thread=False)`
returning a list of message payloads (dicts). A new format is one new module in this package.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType
from typing import Any

from briefings.digest.model import Digest
from briefings.templating import Markup, TemplateSet


@functools.cache  # the package's modules do not change while the process runs
def available() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "render") and hasattr(module, "NAME"):
            found[module.NAME] = module
    return found


def fill_text(digest: Digest, templates: TemplateSet, markup: Markup) -> Digest:
    """Render the template text pieces of a digest for one format (the digest is modified)."""
    lang = digest.language
    digest.headline = templates.render("headline.j2", markup, digest=digest, lang=lang)
    digest.footer = templates.render("footer.j2", markup, digest=digest, lang=lang)
    for section in digest.sections:
        section.intro = templates.render("section_intro.j2", markup, section=section, digest=digest, lang=lang)
        for story in section.stories:
            story.line = templates.render("story.j2", markup, story=story, section=section, lang=lang)
    return digest


def render(digest: Digest, fmt: str, templates: TemplateSet, **options: Any) -> list[dict[str, Any]]:
    formats = available()
    if fmt not in formats:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(sorted(formats))})")
    module = formats[fmt]
    return module.render(fill_text(digest, templates, module.MARKUP), **options)
