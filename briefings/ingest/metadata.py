"""Reporter, outlet and publication date, only as the article states them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from briefings.ingest.clean import Byline
from briefings.models import PartialDate, Reporter
from briefings.yamlconf import load_model

# ISO 8601 only when the whole value is ISO ("2021", "2021-01", "2021-01-04T10:00:00+09:00").
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?"
                  r"\s?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$")
KST = ZoneInfo("Asia/Seoul")
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


def _offset(value: str) -> timezone | None:
    if value in ("Z", "z"):
        return UTC
    digits = value[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if value[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _in_korea(m: re.Match[str]) -> tuple[PartialDate, str | None] | None:
    """A timestamp with a UTC offset, as the date and time in Korea (`…T22:35:45Z` is the next day there)."""
    zone = _offset(m[7])
    if zone is None:
        return None
    try:
        stamp = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=zone)
    except ValueError:
        return None
    local = stamp.astimezone(KST)
    return PartialDate(local.year, local.month, local.day), f"{local.hour:02d}:{local.minute:02d}"


def parse_stated_date(text: str) -> tuple[PartialDate, str | None] | None:
    """Parse '2016.02.01 11:53', '2021-01-04T10:00:00+09:00', '2021-01', '2021년 1월'.

    Returns (date, 'HH:MM' or None), in Korean time when the text gives a UTC offset; None when the
    text states no valid date.
    """
    text = text.strip()
    iso = _ISO.match(text)
    if iso and iso[7] and _valid(int(iso[1]), int(iso[2]), int(iso[3])) and (korean := _in_korea(iso)):
        return korean
    for pattern in (_ISO, _KOREAN):
        m = pattern.match(text) if pattern is _ISO else pattern.search(text)  # Korean: anywhere
        if not m:
            continue
        year = int(m[1])
        month = int(m[2]) if m[2] else None
        day = int(m[3]) if m[3] else None
        if not _valid(year, month, day):
            return None
        clock = f"{int(m[4]):02d}:{m[5]}" if m[4] and int(m[4]) < 24 and int(m[5]) < 60 else None
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
              url: str | None = None, stated_author: str | None = None) -> Attribution:
    # a byline in the text names the reporter; the page's stated author picks among several bylines
    # (a tip line's "이메일" can parse as one) and names the reporter when the text names none
    names = [b.name for b in bylines if b.name]
    confirmed = stated_author and (not names or any(stated_author in (b.text or "") for b in bylines))
    name = stated_author if confirmed else next(iter(names), None)
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
