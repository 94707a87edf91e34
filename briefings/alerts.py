"""Coverage spikes: more articles about a company arriving in the last hours than is normal then.

"Normal" is the mean count for the same hours of the same weekday over the previous weeks (news has a
weekly rhythm: Mondays and mornings are busy), read from the store by arrival time, so it works on any
archive size the store serves. A spike is the current count reaching `min_count` and at least
(1 + margin) × normal + 1 (the +1 keeps a quiet company's first two articles from being a "spike").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from briefings.archive import Archive
from briefings.digest.model import Digest, Section
from briefings.models import Article
from briefings.store.base import ArticleFilter

MAX_READ = 2000  # articles read for one window; a spike needs far fewer to show


class AlertSpec(BaseModel):
    """A channel's subscription (channels.yaml `alerts:`)."""

    model_config = ConfigDict(extra="forbid")
    companies: list[str] = Field(min_length=1)
    window_hours: int = Field(default=3, ge=1, le=24)
    baseline_weeks: int = Field(default=8, ge=1, le=52)
    margin: float = Field(default=1.0, gt=0)  # 1.0: twice the normal count (plus one)
    min_count: int = Field(default=3, ge=1)
    quiet_hours: tuple[int, int] | None = None  # [22, 7]: no alert from 22:00 to 07:00 (held until then)
    max_per_day: int = Field(default=3, ge=1, le=50)


@dataclass
class Spike:
    company: str
    count: int
    normal: float
    articles: list[Article]

    @property
    def ratio(self) -> float:
        return self.count / self.normal if self.normal else float("inf")


def _arrived(archive: Archive, company: str, start: datetime, end: datetime) -> list[Article]:
    """The articles about a company that arrived in the window: read only for a spike, so they are few."""
    flt = ArticleFilter(companies=(company,), ingested_after=start, ingested_until=end)
    return [a for a in archive.store.articles(flt, MAX_READ)
            if any(t.company == company and t.about for t in a.companies)]


def find_spikes(archive: Archive, spec: AlertSpec, now: datetime) -> list[Spike]:
    """Counts come from the store (indexed by arrival), so neither the window nor the baseline
    reads an article; only a spike's own articles are read, to show its stories."""
    window = timedelta(hours=spec.window_hours)
    spikes = []
    for name in spec.companies:
        company = archive.taxonomy.resolve_company(name) or name
        count = archive.store.arrival_count(company, now - window, now)
        if count < spec.min_count:
            continue
        past = []
        for week in range(1, spec.baseline_weeks + 1):
            then = now - timedelta(weeks=week)
            past.append(archive.store.arrival_count(company, then - window, then))
        normal = sum(past) / len(past)
        if count >= (1 + spec.margin) * normal + 1:
            spikes.append(Spike(company, count, normal, _arrived(archive, company, now - window, now)))
    return spikes


def in_quiet_hours(spec: AlertSpec, local: datetime) -> bool:
    if spec.quiet_hours is None:
        return False
    start, end = spec.quiet_hours
    hour = local.hour
    return start <= hour < end if start < end else hour >= start or hour < end


def spike_digest(archive: Archive, spike: Spike, spec: AlertSpec, lang: str = "ko") -> Digest:
    """The alert as a neutral digest: what spiked, by how much against normal, the stories behind it."""
    from briefings.digest.cluster import cluster
    from briefings.digest.compose import story_from

    name = archive.taxonomy.company_name(spike.company, lang)
    groups = sorted(cluster(spike.articles), key=len, reverse=True)[:5]
    stories = [story_from(group, archive.taxonomy, lang, spike.company) for group in groups]
    times = f"평소의 {spike.ratio:.1f}배" if spike.normal else "평소에는 없던 보도량"
    note = (f"최근 {spec.window_hours}시간 {spike.count}건 — 같은 요일·시간대 평균 {spike.normal:.1f}건 ({times}) / "
            f"{spike.count} articles in the last {spec.window_hours} h against {spike.normal:.1f} normally")
    section = Section(spike.company, f"{name}: 주요 기사 / top stories", stories, [], len(groups))
    return Digest(f"보도량 급증 / coverage spike: {name}", "", lang, [section], notes=[note])
