"""Reporter, outlet and publication date, only as the article states them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict

from briefings.ingest.clean import Byline
from briefings.models import PartialDate, Reporter
from briefings.yamlconf import load_model

# ISO 8601 only when the whole value is ISO ("2021", "2021-01", "2021-01-04T10:00:00+09:00").
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})\S*)?)?)?$")
_KOREAN = re.compile(
    r"(\d{4})\s*[.\-/년]\s*(\d{1,2})(?:\s*[.\-/월]\s*(\d{1,2})\s*일?)?\.?(?:\s*(\d{1,2}):(\d{2}))?")


class OutletMap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    domains: dict[str, str] = {}
    names: dict[str, str] = {}

    def for_domain(self, domain: str | None) -> str | None:
        if not domain:
            return None
        domain = domain.lower().removeprefix("www.")
        for known, name in self.domains.items():
            if domain == known or domain.endswith("." + known):
                return name
        return None


def load_outlets(config_dir: Path) -> OutletMap:
    return load_model(config_dir / "outlets.yaml", OutletMap)


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return False
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return False
    return True


def parse_stated_date(text: str) -> tuple[PartialDate, str | None] | None:
    """Parse '2016.02.01 11:53', '2021-01-04T10:00:00+09:00', '2021-01', '2021년 1월'.

    Returns (date, 'HH:MM' or None); None when the text states no valid date.
    """
    text = text.strip()
    for pattern in (_ISO, _KOREAN):
        m = pattern.match(text) if pattern is _ISO else pattern.search(text)  # Korean: anywhere
        if not m:
            continue
        year = int(m[1])
        month = int(m[2]) if m[2] else None
        day = int(m[3]) if m[3] else None
        if not _valid(year, month, day):
            return None
        clock = f"{int(m[4]):02d}:{m[5]}" if m[4] else None
        return PartialDate(year, month, day), clock
    return None


def published_from_stamps(stamps: list[tuple[str, str]], published_labels: frozenset[str]):
    """The first-publication stamp wins over an update stamp; unparseable stamps state nothing."""
    ordered = sorted(stamps, key=lambda s: s[0] not in published_labels)
    for _label, value in ordered:
        parsed = parse_stated_date(value)
        if parsed:
            return parsed
    return None


def domain_of(value: str | None) -> str | None:
    if not value:
        return None
    if "@" in value and "://" not in value:
        return value.rsplit("@", 1)[1].lower()
    host = urlparse(value).hostname
    return host.lower().removeprefix("www.") if host else None


@dataclass
class Attribution:
    reporter: Reporter
    byline: str | None
    outlet: str | None
    outlet_domain: str | None


def attribute(bylines: list[Byline], source_urls: list[str], outlets: OutletMap, *,
              stated_outlet: str | None = None, site_name: str | None = None,
              url: str | None = None) -> Attribution:
    name = next((b.name for b in bylines if b.name), None)
    email = next((b.email for b in bylines if b.email), None)
    byline = next((b.text for b in bylines if b.name and b.email), None) or (bylines[0].text if bylines else None)
    desks = [b.desk for b in bylines if b.desk]
    domains = [d for d in (domain_of(email), *(domain_of(u) for u in [url, *source_urls])) if d]
    outlet = stated_outlet or site_name
    if outlet is None:
        outlet = next((outlets.names[d] for d in desks if d in outlets.names), None)
    if outlet is None:
        outlet = next((o for o in (outlets.for_domain(d) for d in domains) if o), None)
    return Attribution(Reporter(name, email), byline, outlet, domains[0] if domains else None)
