"""The bot's commands, platform-neutral: parse arguments, answer with a Digest to render.

Adapters (Slack, Discord, console) only translate a platform's request into `run(name, args)` and
render the returned Reply with the platform's format module. Errors in a user's arguments come
back as a Reply with `error=True`, never as an exception.
"""

from __future__ import annotations

import copy
import shlex
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from briefings.archive import Archive, QueryError
from briefings.command_specs import BY_NAME, PUBLIC_COMMANDS, SPECS
from briefings.digest.compose import Composer, rule_verdict, story_from
from briefings.digest.model import Digest, Section
from briefings.digest.spec import DigestSpec
from briefings.errors import BriefingsError
from briefings.textinput import normalize_input

DIGEST_CACHE = 64  # chat digests kept per process
CHAT_POOL = 240  # articles a chat reply chooses its stories from, shared by its sections (see Commands._compose)
MAX_PAGE = 1000  # 5,000 results deep; past that, narrowing the query serves better
PAGE_SIZE = 5
EXPORT_LIMIT = 5000  # a chat file stays small enough to upload; the CLI exports everything
COMMANDS = tuple(BY_NAME)  # defined once, with their parameters, in briefings.command_specs
INTERNAL_ERROR = "내부 오류로 답하지 못했습니다 / internal error, see the bot's log"
NOT_CONFIGURED = ("이 워크스페이스(서버)는 briefings 설정에 없어 답할 수 없습니다 / this workspace or server is not "
                  "configured for briefings; ask its administrator to add it to channels.yaml")


@dataclass
class Reply:
    digest: Digest
    ephemeral: bool = True
    error: bool = False
    action: tuple[str, str] | None = None  # for the bot to carry out (("post", channel)), if the caller may
    chart: Any = None  # a briefings.charts.Trend to draw and attach (adapters render it off the loop)
    file: tuple[str, bytes] | None = None  # (file name, content) to attach, e.g. an export


@dataclass
class CommandContext:
    archive: Archive
    channel_digests: dict[str, DigestSpec] = field(default_factory=dict)  # configured channels by name
    language: str = "ko"
    clock: Callable[[], datetime] = datetime.now


def _note(title: str, lines: list[str], lang: str, error: bool = False) -> Reply:
    return Reply(Digest(title, "", lang, [], notes=lines), error=error)


def _speaker(q: dict) -> str:
    """`홍길동 부사장`; an unnamed source as its role (`업계 관계자`); else "unattributed"."""
    if q["speaker"]:
        return f"{q['speaker']} {q['role'] or ''}".strip()
    return q["role"] or "unattributed"


def _friendly(exc: Exception) -> str:
    """What was wrong, in the user's terms: a validation error's own messages, not pydantic's report."""
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return str(exc)


def parse_text(text: str) -> tuple[str, list[str], dict[str, str]]:
    """'news "5G 요금제" KT since=7d' → ('news', ['5G 요금제', 'KT'], {'since': '7d'})."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()  # an unbalanced quote is still a query, not an error
    if not words:
        return "help", [], {}
    positional, named = [], {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if sep and key.isidentifier() and value:
            named[key.lower()] = value
        else:
            positional.append(word)
    return words[0].lower().lstrip("/"), positional, named


class Commands:
    def __init__(self, ctx: CommandContext):
        self.ctx = ctx
        self.digests: OrderedDict[tuple, Digest] = OrderedDict()  # chat digests kept (see _compose)
        # The bot's archive readers answer side by side from one Commands (bot/answering.py): the kept
        # digests are shared by those threads, so each look-up and update of them holds this lock.
        self.digests_lock = threading.Lock()
        self.cache_hits = 0  # consecutive answers from the kept digests (read by benchmarks)

    @property
    def lang(self) -> str:
        return self.ctx.language

    def run_text(self, text: str) -> Reply:
        return self._dispatch(*parse_text(normalize_input(text)))  # parsed from text already normalised

    def run(self, name: str, positional: list[str] | None = None, named: dict[str, str] | None = None) -> Reply:
        # Every adapter's options arrive here (text through run_text): one normalisation for all of them.
        name = normalize_input(name).lower()
        positional = [w for w in (normalize_input(p) for p in positional or []) if w]
        named = {normalize_input(k).lower(): normalize_input(v) for k, v in (named or {}).items()}
        return self._dispatch(name, positional, named)

    def _dispatch(self, name: str, positional: list[str], named: dict[str, str]) -> Reply:
        handler = getattr(self, f"cmd_{name}", None) if name in COMMANDS else None
        if handler is None:
            return _note("알 수 없는 명령 / unknown command", [f"'{name[:40]}' — `help` 로 명령을 확인하세요."],
                         self.lang, error=True)
        try:
            reply: Reply = handler(positional, named)
        except (QueryError, BriefingsError, ValueError) as exc:
            usage = BY_NAME[name].usage
            return _note(f"{name}: 입력 오류 / bad input", [_friendly(exc), f"사용법 / usage: {usage}"], self.lang,
                         error=True)
        reply.ephemeral = name not in PUBLIC_COMMANDS
        return reply

    # -- the commands -------------------------------------------------------------------------
    def cmd_help(self, positional: list[str], named: dict[str, str]) -> Reply:
        lines = [f"{spec.usage} — {spec.summary}  (예/e.g. {spec.example})" for spec in SPECS]
        return _note("briefings 명령 / commands", lines, self.lang)

    def _compose(self, spec: DigestSpec) -> Digest:
        """A digest for a chat reply: stories from each section's newest articles, CHAT_POOL shared by
        the sections (at least compose.MIN_POOL each; the digest says so when a section holds more),
        counts over the whole window, within a chat platform's few seconds at any archive size.
        Scheduled digests keep their full pool (compose.MAX_ARTICLES per section).

        Replies are kept per (spec, day, archive version): the same question on an unchanged archive
        is answered from memory (a copy, so a caller's changes never reach the kept one)."""
        archive = self.ctx.archive
        spec = archive.check_spec(spec)
        now = archive.clock()
        key = (spec.model_dump_json(), now.date().isoformat(), str(now.tzinfo), archive.store.data_version())
        with self.digests_lock:
            kept = self.digests.get(key)
            if kept is not None:
                self.digests.move_to_end(key)
                self.cache_hits += 1
        if kept is None:  # composed outside the lock: one slow digest never holds up another's look-up
            kept = Composer(archive.store, archive.taxonomy, budget=CHAT_POOL).compose(spec, now)
            with self.digests_lock:
                self.digests[key] = kept
                while len(self.digests) > DIGEST_CACHE:
                    self.digests.popitem(last=False)
                self.cache_hits = 0
        digest = copy.deepcopy(kept)
        digest.generated_at = now.isoformat(timespec="minutes")
        return digest

    def _company(self, text: str) -> str:
        return self.ctx.archive.resolve_companies([text])[0]

    def cmd_brief(self, positional: list[str], named: dict[str, str]) -> Reply:
        if not positional and "company" not in named:
            raise QueryError("회사를 지정하세요 / name a company")
        company = self._company(named.get("company") or positional[0])
        theme = named.get("theme") or (" ".join(positional[1:]) if len(positional) > 1 else None)
        spec = DigestSpec(group="company", companies=[company], themes=[theme] if theme else [], max_stories=5,
                          language=self.lang, title=f"{self.ctx.archive.taxonomy.company_name(company, self.lang)} "
                          + ("브리핑" if self.lang == "ko" else "briefing"))
        digest = self._compose(spec)
        quotes = self.ctx.archive.store.quotes(company, None, 3)
        # the quotes, then what the digest itself says (e.g. that stories come from the newest articles)
        digest.notes = [f"“{q['text']}” — {_speaker(q)} ({a.id})" for a, q in quotes] + digest.notes
        return Reply(digest)

    def cmd_news(self, positional: list[str], named: dict[str, str]) -> Reply:
        query = named.get("query") or (positional[0] if positional else "")
        rest = positional[1:]
        archive = self.ctx.archive
        companies = [named["company"]] if "company" in named else []
        themes = [named["theme"]] if "theme" in named else []
        for word in rest:  # optional positional filters: a company or a theme, in any order
            if archive.taxonomy.resolve_company(word):
                companies.append(word)
            elif archive.taxonomy.resolve_theme(word):
                themes.append(word)
            else:
                query = f"{query} {word}"
        page_text = named.get("page", "1")
        if not page_text.isdecimal() or not 1 <= int(page_text) <= MAX_PAGE:
            raise QueryError(f"page={page_text[:20]!r}: give a page number from 1 to {MAX_PAGE}")
        page = int(page_text)
        result = archive.search(query, companies, themes, named.get("since"), named.get("until"),
                                limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        stories = [story_from([h.article], archive.taxonomy, self.lang, None) for h in result.page.hits]
        title = f"'{query.strip()[:60]}' 검색 결과" if self.lang == "ko" else f"Results for '{query.strip()[:60]}'"
        digest = Digest(title, f"page {page}", self.lang, [])
        if stories:
            digest.sections.append(Section("results", title, stories, [], len(stories)))
        else:
            digest.empty, digest.empty_message = True, "검색 결과가 없습니다 / nothing found"
        digest.notes = list(result.notes)
        if result.page.has_more:
            digest.notes.append(f"다음 페이지 / next page: news {shlex.quote(query.strip())} page={page + 1}")
        return Reply(digest)

    def cmd_theme(self, positional: list[str], named: dict[str, str]) -> Reply:
        archive = self.ctx.archive
        companies = [named["company"]] if "company" in named else []
        words = list(positional)
        if not companies and len(words) > 1 and archive.taxonomy.resolve_company(words[-1]):
            companies.append(words.pop())
        theme = named.get("theme") or " ".join(words)
        if not theme:
            raise QueryError("테마를 지정하세요 / name a theme: " + ", ".join(archive.taxonomy.theme_ids))
        spec = DigestSpec(group="company", themes=[theme], companies=companies, language=self.lang, max_stories=3,
                          title=archive.taxonomy.theme_label(archive.resolve_themes([theme])[0], self.lang))
        return Reply(self._compose(spec))

    def cmd_grid(self, positional: list[str], named: dict[str, str]) -> Reply:
        period = named.get("period") or " ".join(positional) or "all"
        spec = DigestSpec(group="grid", window=period, language=self.lang, max_stories=2)
        return Reply(self._compose(spec))

    def cmd_quotes(self, positional: list[str], named: dict[str, str]) -> Reply:
        who = named.get("who") or " ".join(positional)
        if not who:
            raise QueryError("회사나 사람을 지정하세요 / name a company or a person")
        archive = self.ctx.archive
        company = archive.taxonomy.resolve_company(who)
        found = archive.store.quotes(company, None if company else who, 10)
        lines = [f"“{q['text']}” — {_speaker(q)} · "
                 f"{a.published.iso() if a.published else '날짜 미상'} · {a.title[:40]} ({a.id})" for a, q in found]
        return _note(f"{who} 발언 / quotes", lines or ["발언을 찾지 못했습니다 / no quotes found"], self.lang)

    def cmd_why(self, positional: list[str], named: dict[str, str]) -> Reply:
        if not positional:
            raise QueryError("기사 ID를 지정하세요 / give an article id")
        archive = self.ctx.archive
        article = archive.get(positional[0])
        if article is None:
            raise QueryError(f"기사 {positional[0][:20]!r} 를 찾을 수 없습니다 / no such article")
        tax = archive.taxonomy
        lines = [f"{article.title} ({article.id})"]
        for tag in article.companies:
            words = ", ".join(sorted({e.text for e in tag.evidence}))
            name = tax.company_name(tag.company)
            lines.append(f"기업 {name}: {tag.mentions}회 언급 [{words}], 문단 {tag.paragraphs}")
        for tag in article.themes:
            words = ", ".join(sorted({e.text for e in tag.evidence}))
            lines.append(f"테마 {tax.theme_label(tag.theme)}: 점수 {tag.score} [{words}]")
        for channel, spec in self.ctx.channel_digests.items():
            reasons = rule_verdict(article, spec, tax) or ["no filters: every article is taken"]
            lines.append(f"다이제스트 {channel}: " + "; ".join(reasons))
        return _note("분류 근거 / why", lines, self.lang)

    def cmd_digest(self, positional: list[str], named: dict[str, str]) -> Reply:
        channels = self.ctx.channel_digests
        if not channels:
            raise QueryError("설정된 채널이 없습니다 / no channels are configured")
        name = positional[0] if positional else next(iter(channels))
        if name not in channels:
            raise QueryError(f"알 수 없는 채널 {name!r} (known: {', '.join(channels)})")
        spec = channels[name]
        if spec.window == "since-last":
            spec = spec.model_copy(update={"window": "7d"})  # a preview never moves the ledger
        digest = self._compose(spec)
        digest.notes.append(self._delivery_line(name))
        return Reply(digest)

    def cmd_trend(self, positional: list[str], named: dict[str, str]) -> Reply:
        from briefings.charts import trend
        from briefings.periods import relative_days

        words = [w for p in [named.get("names", ""), *positional] for w in p.replace(",", " ").split()]
        period = named.get("period") or (words.pop() if words and relative_days(words[-1]) else "90d")
        chart = trend(self.ctx.archive, words, period, self.ctx.clock().astimezone().date())
        return Reply(_note(chart.title, chart.as_text().splitlines()[1:], self.lang).digest, chart=chart)

    def cmd_export(self, positional: list[str], named: dict[str, str]) -> Reply:
        from briefings.export import FORMATS, export_articles

        words = list(positional)
        fmt = named.get("format") or (words.pop(0).lower() if words and words[0].lower() in FORMATS else "csv")
        if fmt not in FORMATS:
            raise QueryError(f"format {fmt!r}: use {', '.join(FORMATS)}")
        archive = self.ctx.archive
        tax = archive.taxonomy
        companies = [named["company"]] if "company" in named else [w for w in words if tax.resolve_company(w)]
        themes = [named["theme"]] if "theme" in named else [w for w in words if tax.resolve_theme(w)]
        articles = archive.store.articles(archive.make_filter(companies, themes, named.get("since")), EXPORT_LIMIT)
        data = export_articles(articles, archive.taxonomy, fmt)
        full = len(articles) == EXPORT_LIMIT
        capped = f" — 최신 {EXPORT_LIMIT}건까지 / the newest {EXPORT_LIMIT} at most" if full else ""
        note = f"기사 {len(articles)}건 / {len(articles)} articles ({fmt}){capped}"
        return Reply(_note("내보내기 / export", [note], self.lang).digest, file=(f"briefings-export.{fmt}", data))

    def cmd_sources(self, positional: list[str], named: dict[str, str]) -> Reply:
        from briefings.feeds.poll import sources_overview

        rows = sources_overview(self.ctx.archive, self.ctx.clock().astimezone())
        lines = []
        for r in rows:
            line = (f"{r['name']} · {r['kind']} · {r['interval_minutes']}분마다 / every {r['interval_minutes']} min"
                    f" · 마지막 성공 / last success: {r.get('last_success') or '-'}"
                    f" · 받은 기사 / items seen: {r.get('items_seen', 0)} (new {r.get('new_total', 0)})"
                    f" · 다음 / next: {r['next_poll']}")
            if r.get("failures"):
                line += f" · 실패 {r['failures']}회 연속 / failing ×{r['failures']}: {str(r.get('last_error'))[:120]}"
            if r.get("skipped"):
                line += f" · 건너뜀 / skipped: {str(r['skipped'])[:120]}"
            lines.append(line)
        return _note("뉴스 소스 / sources", lines or ["sources.yaml 에 소스가 없습니다 / no sources configured"],
                     self.lang)

    def cmd_post(self, positional: list[str], named: dict[str, str]) -> Reply:
        """Asks the bot to post a channel's digest now; the core cannot post, and checks no rights."""
        name = named.get("channel") or (positional[0] if positional else "")
        if name not in self.ctx.channel_digests:
            known = ", ".join(self.ctx.channel_digests) or "none configured"
            raise QueryError(f"알 수 없는 채널 {name[:40]!r} (known: {known})")
        return Reply(Digest(f"{name} 발송 요청 / post requested", "", self.lang, []), action=("post", name))

    def _delivery_line(self, channel: str) -> str:
        store = self.ctx.archive.store
        found = [s for s in (store.delivery_status(channel), store.delivery_status("console:" + channel)) if s]
        if not found:
            return "발송 기록 없음 / not delivered yet"
        last = max(found, key=lambda s: str(s["slot"]))
        line = f"마지막 발송 / last delivery: {last['slot']} · {last['status']} · {last['parts']} message(s)"
        if last["status"] == "failed":
            line += f" · 실패 / FAILED: {str(last['error'])[:200]} (다음 시작 때 재시도 / retried at the next start)"
        return line
