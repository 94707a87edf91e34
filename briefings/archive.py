"""The library facade: one object that opens config and store and answers what users ask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from briefings.analysis.taxonomy import Taxonomy, load_taxonomy
from briefings.digest.compose import Composer
from briefings.digest.model import Digest
from briefings.digest.spec import DigestSpec
from briefings.errors import BriefingsError
from briefings.formats import render
from briefings.ingest.build import ArticleBuilder
from briefings.ingest.pipeline import Ingestor, IngestReport
from briefings.ingest.readers import RawArticle
from briefings.models import Article
from briefings.periods import EXAMPLES, relative_days
from briefings.search import parse_query, reindex
from briefings.settings import Settings, config_dir, load_settings
from briefings.store import ArticleFilter, SearchPage, open_store
from briefings.store.base import ArchiveStore
from briefings.templating import TemplateSet


class QueryError(BriefingsError):
    """A user's filter that cannot be understood; the message says which and why."""


def parse_date_bound(text: str, *, end: bool, today: date) -> date:
    """'2021-01-04', '2021-01', '2021', or relative '7d', '2w', '3m', '1y' (also 7일, 2주)."""
    text = text.strip()
    if (days := relative_days(text)) is not None:
        if days > (today - date.min).days:  # "9999y" reaches before year 1
            raise QueryError(f"{text!r} reaches back before the calendar starts: use a shorter period")
        return today - timedelta(days=days)
    parts = text.split("-")
    try:
        nums = [int(p) for p in parts]
        if len(nums) == 3:
            return date(*nums)
        if len(nums) == 2:
            if not end:
                return date(nums[0], nums[1], 1)
            nxt = date(nums[0] + nums[1] // 12, nums[1] % 12 + 1, 1)
            return nxt - timedelta(days=1)
        if len(nums) == 1 and len(parts[0]) == 4:
            return date(nums[0], 12, 31) if end else date(nums[0], 1, 1)
    except ValueError:
        pass
    raise QueryError(f"cannot read the date {text!r}: use YYYY-MM-DD, YYYY-MM, YYYY or a length: {EXAMPLES}")


@dataclass
class SearchResult:
    query: str
    page: SearchPage
    companies: list[str]
    themes: list[str]
    since: date | None
    until: date | None
    notes: list[str] = field(default_factory=list)


class Archive:
    """Config, taxonomy and store of one archive. Not thread-safe; one per thread or task."""

    def __init__(self, cfg_dir: Path, settings: Settings, taxonomy: Taxonomy, store: ArchiveStore,
                 clock: Callable[[], datetime] = datetime.now):
        self.config_dir = cfg_dir
        self.settings = settings
        self.taxonomy = taxonomy
        self.store = store
        self.clock = clock
        self._builder: ArticleBuilder | None = None

    @classmethod
    def open(cls, cfg_dir: str | Path | None = None, db_path: str | Path | None = None,
             clock: Callable[[], datetime] = datetime.now) -> Archive:
        folder = config_dir(cfg_dir)
        settings = load_settings(folder)
        taxonomy = load_taxonomy(folder)
        store = open_store(db_path or settings.archive.path)
        try:
            reindex(store)  # entries from an older term format (once, after an upgrade)
        except BaseException:
            store.close()
            raise
        return cls(folder, settings, taxonomy, store, clock)

    def close(self) -> None:
        self.store.close()

    @property
    def builder(self) -> ArticleBuilder:
        if self._builder is None:
            self._builder = ArticleBuilder.from_config(self.config_dir, self.taxonomy)
        return self._builder

    def ingest(self, paths: list[Path], progress: Callable[[int, int], None] | None = None,
               workers: int = 1) -> IngestReport:
        """Files and folders; `progress(done, total)` in articles; `workers` analysing processes."""
        ingestor = Ingestor(self.store, self.builder, self.settings.ingest.max_file_bytes, self.clock)
        return ingestor.ingest(paths, progress, workers)

    def ingest_raw(self, articles: list[tuple[RawArticle, str]]) -> IngestReport:
        """Articles read from the network, each with its stable source key (see briefings/feeds)."""
        ingestor = Ingestor(self.store, self.builder, self.settings.ingest.max_file_bytes, self.clock)
        return IngestReport([ingestor.ingest_raw(raw, key) for raw, key in articles])

    # -- look-ups -----------------------------------------------------------------------------
    def resolve_companies(self, names: list[str]) -> list[str]:
        out = []
        for name in names:
            cid = self.taxonomy.resolve_company(name)
            if cid is None:
                known = ", ".join(self.taxonomy.company_name(c) for c in self.taxonomy.company_ids)
                raise QueryError(f"unknown company {name!r} (known: {known})")
            out.append(cid)
        return out

    def resolve_themes(self, names: list[str]) -> list[str]:
        out = []
        for name in names:
            tid = self.taxonomy.resolve_theme(name)
            if tid is None:
                known = ", ".join(self.taxonomy.theme_ids)
                raise QueryError(f"unknown theme {name!r} (known: {known})")
            out.append(tid)
        return out

    def make_filter(self, companies: list[str] = (), themes: list[str] = (), since: str | None = None,
                    until: str | None = None) -> ArticleFilter:
        today = self.clock().date()
        return ArticleFilter(
            companies=tuple(self.resolve_companies(list(companies))),
            themes=tuple(self.resolve_themes(list(themes))),
            since=parse_date_bound(since, end=False, today=today) if since else None,
            until=parse_date_bound(until, end=True, today=today) if until else None,
        )

    def search(self, query: str, companies: list[str] = (), themes: list[str] = (), since: str | None = None,
               until: str | None = None, limit: int = 10, offset: int = 0) -> SearchResult:
        flt = self.make_filter(companies, themes, since, until)
        parsed = parse_query(query, self.taxonomy)
        flt = ArticleFilter(tuple(dict.fromkeys([*flt.companies, *parsed.companies])), flt.themes,
                            flt.since, flt.until)
        if parsed.empty and not (flt.companies or flt.themes):
            page = SearchPage([], offset, limit, has_more=False)
            notes = [*parsed.notes, "the query has no searchable words"]
        else:
            page = self.store.search(parsed.query, flt, limit, offset)
            notes = parsed.notes
        return SearchResult(query, page, list(flt.companies), list(flt.themes), flt.since, flt.until, notes)

    def get(self, article_id: str) -> Article | None:
        return self.store.get(article_id)

    # -- digests ------------------------------------------------------------------------------
    def check_spec(self, spec: DigestSpec) -> DigestSpec:
        """Resolve company and theme names to ids; unknown ones are a QueryError."""
        return spec.model_copy(update={"companies": self.resolve_companies(spec.companies),
                                       "themes": self.resolve_themes(spec.themes)})

    def compose_digest(self, spec: DigestSpec, last_delivery: datetime | None = None,
                       as_of: datetime | None = None) -> Digest:
        """A digest now, or, with `as_of` (a channel's slot in its timezone), as the archive stood then."""
        now = as_of or self.clock()
        return Composer(self.store, self.taxonomy).compose(self.check_spec(spec), now, last_delivery, as_of)

    def render_digest(self, digest: Digest, fmt: str, templates: TemplateSet | None = None,
                      thread: bool = False) -> list[dict[str, Any]]:
        return render(digest, fmt, templates or TemplateSet(), thread=thread)
