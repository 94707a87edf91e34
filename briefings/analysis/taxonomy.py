"""config/taxonomy.yaml: companies with aliases and look-alikes, themes with weighted keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from briefings.yamlconf import load_model


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty or only spaces (it would match every sentence)")
    return text


Term = Annotated[str, AfterValidator(_not_blank)]  # an alias, keyword or look-alike


class Labels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ko: str
    en: str


class CompanySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Labels
    aliases: list[Term] = Field(min_length=1)
    exclude: list[Term] = []
    case_sensitive: bool = False


class GroupSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    aliases: list[Term] = Field(min_length=1)
    companies: list[str] = Field(min_length=2)


class KeywordSpec(BaseModel):
    """A theme word. It matches whole morphemes/words unless `prefix` (then it may end inside a word);
    a `supporting` word adds to the score but cannot tag a theme without a non-supporting one."""

    model_config = ConfigDict(extra="forbid")
    term: Term = Field(min_length=1)
    weight: float = Field(gt=0)
    max_count: int = Field(default=3, ge=1)
    prefix: bool = False
    supporting: bool = False
    exclude: list[Term] = []  # phrases in which the term is not this keyword ("대상으로")


class ThemeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Labels
    threshold: float = Field(default=3.0, gt=0)
    keywords: list[KeywordSpec] = Field(min_length=1)


class TaxonomySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    companies: list[CompanySpec]
    groups: list[GroupSpec] = []
    themes: list[ThemeSpec]
    roles: list[str] = []

    @model_validator(mode="after")
    def _references(self) -> TaxonomySpec:
        ids = [c.id for c in self.companies]
        if len(set(ids)) != len(ids):
            raise ValueError("company ids must be unique")
        theme_ids = [t.id for t in self.themes]
        if len(set(theme_ids)) != len(theme_ids):
            raise ValueError("theme ids must be unique")
        for theme in self.themes:
            if all(k.supporting for k in theme.keywords):
                raise ValueError(f"theme {theme.id} has only supporting keywords, so it could never be tagged")
        for group in self.groups:
            unknown = set(group.companies) - set(ids)
            if unknown:
                raise ValueError(f"group names unknown companies: {sorted(unknown)}")
        return self


_LATIN_TAIL = re.compile(r"[A-Za-z0-9+]$")


def alias_pattern(alias: str) -> str:
    """Regex for one alias: white space inside matches any (or none); Latin edges are bounded."""
    body = r"\s*".join(re.escape(part) for part in alias.split())
    head = r"(?<![A-Za-z0-9])"
    tail = r"(?![A-Za-z0-9&])" if _LATIN_TAIL.search(alias) else ""
    return head + body + tail


_HANGUL_WORD = re.compile(r"[가-힣]+")


@dataclass(frozen=True)
class Match:
    term: str
    text: str
    start: int
    end: int


class Finder:
    """Finds any of a list of terms, dropping matches that sit inside an excluded look-alike."""

    def __init__(self, terms: list[str], exclude: list[str] = (), case_sensitive: bool = False):
        flags = 0 if case_sensitive else re.IGNORECASE
        ordered = sorted(terms, key=len, reverse=True)
        self._terms = ordered
        self._regex = re.compile("|".join(f"(?P<t{i}>{alias_pattern(t)})" for i, t in enumerate(ordered)), flags)
        self._exclude = (re.compile("|".join(re.escape(x) for x in exclude), re.IGNORECASE)
                         if exclude else None)
        # Every match contains its term's first word as written; when those words are all Hangul
        # (which has no case), a text without any of them cannot match: skip the regex.
        heads = [t.split()[0] for t in ordered if t.split()]
        hangul = bool(ordered) and len(heads) == len(ordered) and all(_HANGUL_WORD.fullmatch(h) for h in heads)
        self._heads = tuple(dict.fromkeys(heads)) if hangul else None

    def find(self, text: str) -> list[Match]:
        if self._heads is not None and not any(head in text for head in self._heads):
            return []
        blocked = ([(m.start(), m.end()) for m in self._exclude.finditer(text)] if self._exclude else [])
        out = []
        # Matches and look-alike spans each come in text order without overlaps, so one sweep decides
        # (linear; not every match against every look-alike): the first span not ending before the
        # match is the only one that can contain it.
        b = 0
        for m in self._regex.finditer(text):
            while b < len(blocked) and blocked[b][1] < m.end():
                b += 1
            if b < len(blocked) and blocked[b][0] <= m.start():
                continue
            term = self._terms[int(m.lastgroup[1:])]
            out.append(Match(term, m.group(0), m.start(), m.end()))
        return out


@dataclass
class Taxonomy:
    spec: TaxonomySpec
    company_finders: dict[str, Finder]
    group_finders: list[tuple[Finder, list[str]]]
    keyword_finders: dict[str, list[tuple[KeywordSpec, Finder]]]

    @property
    def company_ids(self) -> list[str]:
        return [c.id for c in self.spec.companies]

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.spec.themes]

    def company(self, company_id: str) -> CompanySpec:
        return next(c for c in self.spec.companies if c.id == company_id)

    def theme(self, theme_id: str) -> ThemeSpec:
        return next(t for t in self.spec.themes if t.id == theme_id)

    def company_name(self, company_id: str, lang: str = "ko") -> str:
        return getattr(self.company(company_id).name, lang)

    def theme_label(self, theme_id: str, lang: str = "ko") -> str:
        return getattr(self.theme(theme_id).label, lang)

    def resolve_company(self, text: str) -> str | None:
        """A company id from an id, a name or any alias form ("skt", "SK텔레콤", "LGU+")."""
        text = text.strip()
        if text.lower() in self.company_ids:
            return text.lower()
        for cid, finder in self.company_finders.items():
            hits = finder.find(text)
            if hits and hits[0].start == 0 and hits[0].end == len(text):
                return cid
        for company in self.spec.companies:
            if text in (company.name.ko, company.name.en):
                return company.id
        from briefings.lookup import company_index  # the typed forms: labels, readings, initials
        return company_index(self).resolve(text)

    def resolve_theme(self, text: str) -> str | None:
        text = text.strip()
        for theme in self.spec.themes:
            if text.lower() in (theme.id, theme.label.en.lower()) or text == theme.label.ko:
                return theme.id
        from briefings.lookup import theme_index
        return theme_index(self).resolve(text)


def build_taxonomy(spec: TaxonomySpec) -> Taxonomy:
    return Taxonomy(
        spec=spec,
        company_finders={c.id: Finder(c.aliases, c.exclude, c.case_sensitive) for c in spec.companies},
        group_finders=[(Finder(g.aliases), g.companies) for g in spec.groups],
        keyword_finders={t.id: [(k, Finder([k.term], k.exclude)) for k in t.keywords] for t in spec.themes},
    )


def load_taxonomy(config_dir: Path) -> Taxonomy:
    return build_taxonomy(load_model(config_dir / "taxonomy.yaml", TaxonomySpec))
