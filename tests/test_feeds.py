"""Live intake: feeds and pages fetched from a real HTTP server on 127.0.0.1, polled into the archive.

The network boundary is the only thing replaced: a local http.server serves synthetic feeds (written
here, Korean news-like text), and every check goes through the project's own client, parser and
ingest path. Time is injected: no test sleeps for a backoff or a politeness delay.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.config_check import check_config_file
from briefings import cli
from briefings.archive import Archive
from briefings.configcheck import check_core_config
from briefings.errors import ConfigError
from briefings.feeds.config import SourceSpec, load_sources
from briefings.feeds.fetch import HttpClient
from briefings.feeds.parse import parse_feed
from briefings.feeds.poll import poll_source, source_status
from briefings.feeds.robots import ROBOTS_TTL, UNREACHABLE_TTL
from tests.conftest import CONFIG

NOW = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
Reply = tuple[int, dict[str, str], bytes]


@dataclass
class FeedServer:
    """Routes path -> function(request headers) -> (status, headers, body); every request is logged."""

    routes: dict[str, Callable[[dict[str, str]], Reply]] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.seen if p == path)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.seen.append((self.path, headers))
            route = state.routes.get(self.path)
            status, extra, body = route(headers) if route else (404, {}, b"not here")
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            if "Content-Length" not in extra and not extra.get("X-No-Length"):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def client(**kwargs: object) -> HttpClient:
    waits: list[float] = []
    http = HttpClient(timeout=5, host_delay=0, sleep=waits.append, use_env_proxy=False, **kwargs)  # type: ignore[arg-type]
    return http


def static(body: bytes, ctype: str = "application/rss+xml; charset=utf-8", **extra: str) -> Callable:
    return lambda _h: (200, {"Content-Type": ctype, **extra}, body)


# Synthetic news-like paragraphs (written for these tests).
PARA = ["{co}는 21일 서울 본사에서 기자간담회를 열고 내년 설비투자 계획을 발표했다.",
        "회사 관계자는 \"차세대 통신망 구축에 투자를 집중하겠다\"고 말했다.",
        "업계에서는 이번 계획이 시장 경쟁 구도에 적지 않은 영향을 줄 것으로 보고 있다."]


def story(co: str) -> str:
    return "".join(f"<p>{p.format(co=co)}</p>" for p in PARA)


def rss2(items: list[tuple[str, str, str, str]], encoding: str = "utf-8") -> bytes:
    """items: (guid or '', link, pubDate, html body)."""
    parts = []
    for guid, link, date, html in items:
        guid_el = f"<guid isPermaLink=\"false\">{guid}</guid>" if guid else ""
        parts.append(f"<item><title>{link.rsplit('/', 1)[-1]} 소식</title><link>{link}</link>{guid_el}"
                     f"<pubDate>{date}</pubDate><description><![CDATA[{html}]]></description></item>")
    doc = (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>예시통신</title>'
           f"<link>http://127.0.0.1/</link>{''.join(parts)}</channel></rss>")
    return doc.encode(encoding)


def feed_source(server: FeedServer, path: str = "/feed.xml", **kw: object) -> SourceSpec:
    return SourceSpec(name="test", feed=server.url + path, interval=kw.pop("interval", 30), **kw)  # type: ignore[arg-type]


def stored(archive: Archive) -> list:
    return archive.store.articles(archive.make_filter())


def test_items_ingested_once_and_conditional_get_honoured(server: FeedServer, empty: Archive) -> None:
    body = rss2([("a-1", "/news/1", "Sat, 21 Nov 2026 09:00:00 +0900", story("예시텔레콤")),
                 ("a-2", "/news/2", "Sat, 21 Nov 2026 10:00:00 +0900", story("가상모바일"))])
    etag, modified = '"v1"', "Sat, 21 Nov 2026 01:00:00 GMT"

    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified}, body

    server.routes["/feed.xml"] = feed
    source, http = feed_source(server), client()
    first = poll_source(empty, source, http, NOW)
    assert (len(first.new), first.unchanged, first.rejected, first.error) == (2, 0, [], None)
    second = poll_source(empty, source, http, NOW + timedelta(minutes=30))
    assert second.not_modified and not second.new
    sent = server.seen[-1][1]
    assert sent.get("if-none-match") == etag and sent.get("if-modified-since") == modified
    server.routes["/feed.xml"] = static(body)  # a server that ignores validators: items still stored once
    third = poll_source(empty, source, http, NOW + timedelta(hours=1))
    assert (len(third.new), third.unchanged) == (0, 2)
    assert len(stored(empty)) == 2


def test_an_item_changed_at_its_source_replaces_its_record(server: FeedServer, empty: Archive) -> None:
    server.routes["/feed.xml"] = static(rss2([("b-1", "/news/b1", "Sat, 21 Nov 2026 09:00:00 +0900",
                                               story("예시텔레콤"))]))
    source, http = feed_source(server), client()
    first = poll_source(empty, source, http, NOW)
    corrected = story("예시텔레콤") + "<p>회사는 이날 오후 정정 자료를 추가로 배포했다.</p>"
    server.routes["/feed.xml"] = static(rss2([("b-1", "/news/b1", "Sat, 21 Nov 2026 09:00:00 +0900", corrected)]))
    second = poll_source(empty, source, http, NOW + timedelta(minutes=30))
    assert len(first.new) == 1 and len(second.updated) == 1 and not second.new
    assert second.updated[0] != first.new[0]
    # the item's key (feed URL + its non-URL guid) now points at the new version, and only it is kept
    assert empty.store.source_seen(server.url + "/feed.xml#guid=b-1")[1] == second.updated[0]
    assert [a.id for a in stored(empty)] == [second.updated[0]]
    assert empty.search("정정").page.hits and empty.store.count() == 1


RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{base}/rdf"><title>가상경제</title><link>{base}/</link></channel>
  <item rdf:about="{base}/rdf/7"><title>가상전자 신제품 공개</title><link>{base}/rdf/7</link>
    <dc:date>2026-11-21T16:30:00-08:00</dc:date><description>{text}</description></item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>예시 뉴스</title><id>urn:example:feed</id>
  <updated>2026-11-21T23:30:00Z</updated>
  <entry><id>urn:example:entry:9</id><title>예시중공업 수주 소식</title><link href="/atom/9"/>
    <updated>2026-11-21T23:30:00Z</updated>
    <content type="html">{html}</content></entry>
</feed>"""


def test_rdf_and_atom_dates_with_offsets_stored_as_korean_dates(server: FeedServer, empty: Archive) -> None:
    from html import escape
    text = escape(" ".join(p.format(co="가상전자") for p in PARA))
    server.routes["/rdf"] = static(RDF.format(base=server.url, text=text).encode(), "application/rdf+xml")
    server.routes["/atom"] = static(ATOM.format(html=escape(story("예시중공업"))).encode(), "application/atom+xml")
    http = client()
    rdf = poll_source(empty, SourceSpec(name="rdf", feed=server.url + "/rdf", interval=10), http, NOW)
    atom = poll_source(empty, SourceSpec(name="atom", feed=server.url + "/atom", interval=10), http, NOW)
    assert len(rdf.new) == 1 and len(atom.new) == 1, (rdf, atom)
    # 16:30 at UTC-8 on the 21st and 23:30 UTC on the 21st are both the 22nd in Seoul.
    for article_id in (*rdf.new, *atom.new):
        article = empty.get(article_id)
        assert article is not None and article.published is not None
        assert article.published.iso() == "2026-11-22"
    assert empty.get(atom.new[0]).url == server.url + "/atom/9"  # relative link resolved


def test_euc_kr_feed_cdata_html_relative_links(server: FeedServer, empty: Archive) -> None:
    html = story("똠방통신") + "<script>var tracker = 1;</script><p>관련 기사 <b>더 보기</b></p>"
    # Servers that declare EUC-KR send CP949 bytes (똠 is not in EUC-KR proper): read as declared,
    # the item would be garbled or refused.
    body = rss2([("", "/news/ko-1?utm_source=rss&amp;id=5#top", "Sat, 21 Nov 2026 09:00:00 +0900", html)],
                encoding="cp949")
    body = body.replace(b'encoding="cp949"', b'encoding="EUC-KR"')
    server.routes["/feed.xml"] = static(body, "text/xml; charset=EUC-KR")
    report = poll_source(empty, feed_source(server), client(), NOW)
    assert len(report.new) == 1, report
    article = empty.get(report.new[0])
    text = "\n".join(p.text for p in article.paragraphs)
    assert "똠방통신" in text and "tracker" not in text and "<p>" not in text
    assert article.url == server.url + "/news/ko-1?id=5"  # resolved; utm_* and fragment dropped
    assert empty.store.source_seen(server.url + "/news/ko-1?id=5") is not None  # key: the canonical link


def test_parse_tolerates_missing_fields() -> None:
    body = ('<rss version="2.0"><channel><item><title>제목만 있는 항목</title></item>'
            "<item><link>/only-link</link></item></channel></rss>").encode()
    feed = parse_feed(body, "http://127.0.0.1:1/feed")
    assert [i.raw.url for i in feed.items] == ["http://127.0.0.1:1/only-link"]
    assert feed.items[0].raw.published is None and feed.items[0].raw.title is None
    assert len(feed.rejected) == 1 and "neither a guid nor a link" in feed.rejected[0][1]


def test_summary_only_item_fetches_its_page_once(server: FeedServer, empty: Archive) -> None:
    summary = "예시텔레콤이 내년 설비투자 계획을 발표했다."
    server.routes["/feed.xml"] = static(rss2([("s-1", "/article/1", "Sat, 21 Nov 2026 09:00:00 +0900", summary)]))
    page = (f"<html><head><title>예시텔레콤 투자 계획</title></head><body><article>{story('예시텔레콤')}"
            "<p>회사는 세부 일정을 다음 달 공개할 예정이다.</p></article></body></html>").encode()
    server.routes["/article/1"] = static(page, "text/html; charset=utf-8")
    source = feed_source(server, fetch_pages=True)
    first = poll_source(empty, source, client(), NOW)
    assert len(first.new) == 1, first
    assert "세부 일정" in "\n".join(p.text for p in empty.get(first.new[0]).paragraphs)
    again = poll_source(empty, source, client(), NOW + timedelta(minutes=30))
    assert again.unchanged == 1 and server.hits("/article/1") == 1


def test_page_source(server: FeedServer, empty: Archive) -> None:
    page = f"<html><head><title>가상모바일 요금제 개편</title></head><body>{story('가상모바일')}</body></html>"
    server.routes["/story"] = static(page.encode(), "text/html; charset=utf-8")
    source = SourceSpec(name="one", page=server.url + "/story", interval=60, outlet="가상일보")
    first = poll_source(empty, source, client(), NOW)
    second = poll_source(empty, source, client(), NOW + timedelta(hours=1))
    assert len(first.new) == 1 and second.unchanged == 1
    assert empty.get(first.new[0]).title == "가상모바일 요금제 개편"


def test_429_with_retry_after_and_500_back_off(server: FeedServer, empty: Archive) -> None:
    server.routes["/busy"] = lambda _h: (429, {"Retry-After": "7200"}, b"slow down")
    busy = SourceSpec(name="busy", feed=server.url + "/busy", interval=10)
    http = client()
    first = poll_source(empty, busy, http, NOW, jitter=lambda: 0.0)
    assert first.status == 429 and first.backoff_until == NOW + timedelta(seconds=7200)
    skipped = poll_source(empty, busy, http, NOW + timedelta(minutes=30))
    assert skipped.skipped and server.hits("/busy") == 1  # nothing fetched while backing off
    poll_source(empty, busy, http, NOW + timedelta(seconds=7201))
    assert server.hits("/busy") == 2

    server.routes["/down"] = lambda _h: (500, {}, b"oops")
    down = SourceSpec(name="down", feed=server.url + "/down", interval=10)
    one = poll_source(empty, down, http, NOW, jitter=lambda: 0.0)
    two = poll_source(empty, down, http, one.backoff_until, jitter=lambda: 0.0)
    assert one.error and "500" in one.error
    assert one.backoff_until - NOW == timedelta(minutes=10)
    assert two.backoff_until - one.backoff_until == timedelta(minutes=20)  # doubles
    three = poll_source(empty, down, http, two.backoff_until, jitter=lambda: 1.0)
    assert three.backoff_until - two.backoff_until == timedelta(minutes=50)  # 40 min + 25 % jitter
    server.routes["/down"] = static(rss2([("d-1", "/news/d1", "Sat, 21 Nov 2026 09:00:00 +0900", story("가상전자"))]))
    healed = poll_source(empty, down, http, three.backoff_until)
    after = poll_source(empty, down, http, three.backoff_until + timedelta(minutes=10))
    assert len(healed.new) == 1 and not after.skipped and after.unchanged == 1  # backoff cleared


def test_oversize_response_refused(server: FeedServer) -> None:
    big = b"<rss>" + b"x" * 5000 + b"</rss>"
    server.routes["/declared"] = static(big)
    server.routes["/streamed"] = lambda _h: (200, {"X-No-Length": "1"}, big)  # no Content-Length: counted
    http = client(max_bytes=1000)
    for path in ("/declared", "/streamed"):
        result = http.get(server.url + path)
        assert not result.ok and result.body == b""
        assert "too large" in (result.error or "") and "1,000" in (result.error or "")


def test_a_slow_drip_response_is_cut_off_at_the_timeout(server: FeedServer) -> None:
    import socket
    import time

    drip = socket.socket()  # a raw server: headers at once, then one byte every 0.2 s
    drip.bind(("127.0.0.1", 0))
    drip.listen(1)

    def serve() -> None:
        conn, _ = drip.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
        try:
            for _ in range(30):
                conn.sendall(b"<")
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    http = HttpClient(timeout=1.0, host_delay=0, use_env_proxy=False)
    started = time.monotonic()
    result = http.get(f"http://127.0.0.1:{drip.getsockname()[1]}/feed.xml")
    drip.close()
    assert not result.ok and "longer than 1 s" in (result.error or "")
    assert time.monotonic() - started < 3  # each byte came within the socket timeout; the total did not


def test_redirects_followed_and_a_loop_stopped(server: FeedServer) -> None:
    server.routes["/loop-a"] = lambda _h: (302, {"Location": "/loop-b"}, b"")
    server.routes["/loop-b"] = lambda _h: (301, {"Location": server.url + "/loop-a"}, b"")
    server.routes["/moved"] = lambda _h: (301, {"Location": "/feed.xml"}, b"")
    server.routes["/feed.xml"] = static(b"<rss/>")
    http = client()
    loop = http.get(server.url + "/loop-a")
    assert not loop.ok and "more than 5 redirects" in (loop.error or "")
    assert server.hits("/loop-a") + server.hits("/loop-b") == 6
    moved = http.get(server.url + "/moved")
    assert moved.ok and moved.url == server.url + "/feed.xml" and moved.body == b"<rss/>"


def test_politeness_delay_between_requests_to_one_host(server: FeedServer) -> None:
    server.routes["/feed.xml"] = static(b"<rss/>")
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    http = HttpClient(host_delay=2.0, sleep=sleep, monotonic=lambda: now[0], use_env_proxy=False)
    for step in (0.0, 0.5, 10.0):
        now[0] += step
        assert http.get(server.url + "/feed.xml").ok
    assert waits == [1.5]  # the second came 0.5 s after the first; the third was late enough


BAD_SOURCES = """sources:
  - name: ok-one
    feed: https://news.example.co.kr/rss
    interval: 30
  - name: too-fast
    feed: https://news.example.co.kr/rss2
    interval: 1
  - name: both
    feed: https://news.example.co.kr/rss3
    page: https://news.example.co.kr/a/1
    interval: 30
  - name: ok-one
    feed: ftp://news.example.co.kr/rss
    interval: 30
    fetch_pages: sometimes
    colour: blue
"""


def test_bad_sources_yaml_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(BAD_SOURCES, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    lines = {p.line for p in info.value.problems}
    messages = " | ".join(str(p) for p in info.value.problems)
    assert lines == {7, 8, 13, 15, 16}, messages  # interval, both targets, URL, bool, unknown key
    assert "greater than or equal to 5" in messages and "exactly one of" in messages and "ftp://" in messages
    assert check_config_file(path, CONFIG) == info.value.problems  # `briefings check-config FILE`
    path.write_text("sources:\n  - name: same\n    page: https://a.example/1\n    interval: 5\n"
                    "  - name: same\n    page: https://a.example/2\n    interval: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as dup:
        load_sources(path)
    assert [(p.line, "duplicate source name" in p.message) for p in dup.value.problems] == [(5, True)]
    folder = tmp_path / "cfg"
    shutil.copytree(CONFIG, folder)
    assert check_core_config(folder) == []  # the shipped sources.yaml is valid
    (folder / "sources.yaml").write_text(BAD_SOURCES, encoding="utf-8")
    assert {p.line for p in check_core_config(folder)} == lines


def test_cli_poll(server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    item = ("c-1", "/news/c1", "Sat, 21 Nov 2026 09:00:00 +0900", story("예시텔레콤"))
    server.routes["/feed.xml"] = static(rss2([item]))
    folder = tmp_path / "cfg"
    shutil.copytree(CONFIG, folder)
    (folder / "sources.yaml").write_text(f"sources:\n  - name: local\n    feed: {server.url}/feed.xml\n"
                                         "    interval: 15\n", encoding="utf-8")
    db = str(tmp_path / "cli.sqlite3")
    assert cli.main(["poll", "--config", str(folder), "--db", db]) == 0
    assert "local: 1 new" in capsys.readouterr().out
    assert cli.main(["poll", "local", "--config", str(folder), "--db", db]) == 0
    assert "local: 0 new, 0 updated, 1 unchanged" in capsys.readouterr().out
    assert cli.main(["poll", "nope", "--config", str(folder), "--db", db]) == 2
    capsys.readouterr()
    assert cli.main(["sources", "--config", str(folder), "--db", db, "--json"]) == 0
    [status] = json.loads(capsys.readouterr().out)
    assert status["name"] == "local" and status["items_seen"] == 2 and status["new_total"] == 1
    assert status["last_success"] and not status.get("failures")
    server.routes["/feed.xml"] = lambda _h: (503, {"Content-Type": "text/plain"}, b"down")
    for _ in range(3):  # a source that keeps failing is shown as failing, and never dropped
        cli.main(["poll", "--force", "--config", str(folder), "--db", db])
    capsys.readouterr()
    assert cli.main(["sources", "--config", str(folder), "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "failing ×3" in shown and "last success 20" in shown


async def test_scheduled_polls_run_on_the_archive_worker(server: FeedServer, archive_worker) -> None:
    import asyncio

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.sources import schedule_sources

    item = ("e-1", "/news/e1", "Sat, 21 Nov 2026 09:00:00 +0900", story("가상모바일"))
    server.routes["/feed.xml"] = static(rss2([item]))
    server.routes["/other.xml"] = lambda _h: (503, {"Retry-After": "120"}, b"")
    sources = [SourceSpec(name="live", feed=server.url + "/feed.xml", interval=15),
               SourceSpec(name="flaky", feed=server.url + "/other.xml", interval=60)]
    scheduler = AsyncIOScheduler(timezone=UTC)
    schedule_sources(scheduler, archive_worker, sources, client(), lambda: datetime.now(UTC), first_delay=0)
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"source live", "source flaky"}
    assert jobs["source live"].trigger.interval == timedelta(minutes=15) and jobs["source live"].trigger.jitter == 90
    scheduler.start()
    try:
        key = server.url + "/feed.xml#guid=e-1"
        for _ in range(200):  # until both first polls ran (bounded), not for a fixed time
            seen = await archive_worker.write(lambda a: a.store.source_seen(key))
            if seen and server.hits("/other.xml"):
                break
            await asyncio.sleep(0.05)
        assert seen is not None and seen[1] is not None
        state = await archive_worker.write(lambda a: a.store.get_state("feeds:backoff:flaky"))
        assert state and '"failures": 1' in state  # the 503 is backing off, the other source is unaffected
    finally:
        scheduler.shutdown(wait=False)


def test_ingest_of_a_url_points_to_sources(empty: Archive) -> None:
    report = empty.ingest([Path("http://127.0.0.1:8000/telecom_feed.xml"), Path("no-such-file.txt")])
    reasons = [item.reason for item in report.rejected]
    assert "sources.yaml" in reasons[0] and "briefings poll" in reasons[0]
    assert reasons[1] == "no such file or folder"


def test_the_bot_schedules_each_source_and_stops_cleanly(seeded_db, tmp_path):
    import asyncio
    import io
    import shutil
    from datetime import UTC, datetime

    from bot.app import run_bot
    from bot.credentials import Credentials
    from tests.conftest import CONFIG
    folder = tmp_path / "config"
    shutil.copytree(CONFIG, folder)
    (folder / "sources.yaml").write_text("sources:\n  - name: local-feed\n    feed: http://127.0.0.1:9/feed.xml\n"
                                         "    interval: 30\n", encoding="utf-8")
    db = tmp_path / "a.sqlite3"
    shutil.copy(seeded_db, db)
    out = io.StringIO()
    code = asyncio.run(run_bot(str(folder), str(db), creds=Credentials(), stdin=io.StringIO("brief KT\nquit"),
                               stdout=out, clock=lambda: datetime(2026, 11, 23, 3, 0, tzinfo=UTC)))
    assert code == 0 and "scheduled: source local-feed next at" in out.getvalue() and "KT 브리핑" in out.getvalue()


def test_ingest_takes_a_feed_url_or_a_page_url(server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    items = [("u-1", "/news/u1", "Sat, 21 Nov 2026 09:00:00 +0900", story("가상텔레콤")),
             ("u-2", "/news/u2", "Sat, 21 Nov 2026 10:00:00 +0900", story("예시모바일"))]
    server.routes["/any.xml"] = static(rss2(items))
    page = ("<html><head><title>단독 기사 | 예시일보</title><meta property='og:site_name' content='예시일보'>"
            "<meta property='article:published_time' content='2026-11-20T23:30:00Z'></head><body><article>"
            + "".join(f"<p>{line.format(co='가상텔레콤')}</p>" for line in PARA) + "</article></body></html>")
    server.routes["/article/1"] = static(page.encode(), "text/html; charset=utf-8")
    db = str(tmp_path / "u.sqlite3")
    assert cli.main(["ingest", f"{server.url}/any.xml", f"{server.url}/article/1", "--db", db,
                     "--config", str(CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "any.xml: 2 new" in out and "article/1: 1 new" in out
    assert cli.main(["ingest", f"{server.url}/any.xml", "--db", db, "--config", str(CONFIG)]) == 0
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out
    archive = Archive.open(CONFIG, db)
    try:
        dates = sorted(a.published.iso() for a in archive.store.articles(archive.make_filter()) if a.published)
    finally:
        archive.close()
    assert "2026-11-21" in dates[0] and dates[-1].startswith("2026-11-21")  # 23:30 UTC on the 20th is the 21st in Seoul


async def test_a_watched_folder_ingests_files_as_they_arrive(tmp_path: Path, archive_worker) -> None:
    import asyncio

    from bot.sources import watch_folder
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "before.txt").write_text("먼저 온 기사\n" + " ".join(p.format(co="가상텔레콤") for p in PARA), "utf-8")
    source = SourceSpec(name="drop", folder=str(folder))
    reports: asyncio.Queue = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(watch_folder(archive_worker, source, stop, reports.put_nowait, force_polling=True))
    try:
        first = await asyncio.wait_for(reports.get(), 30)  # the scan at start takes what arrived meanwhile
        assert first.counts["added"] == 1
        (folder / "later.txt").write_text("나중에 온 기사\n" + " ".join(p.format(co="예시모바일") for p in PARA),
                                          "utf-8")
        second = await asyncio.wait_for(reports.get(), 30)
        assert second.counts["added"] == 1 and second.items[0].source.endswith("later.txt")
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    titles = await archive_worker.write(lambda a: {x.title for x in a.store.articles(a.make_filter())})
    assert {"먼저 온 기사", "나중에 온 기사"} <= titles


async def test_a_source_that_keeps_failing_tells_its_channels_once(server: FeedServer, archive_worker,
                                                                    tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.channels import load_channels
    from bot.sources import run_poll, source_notifier
    from briefings.analysis.taxonomy import load_taxonomy
    server.routes["/feed.xml"] = lambda _h: (500, {"Content-Type": "text/plain"}, b"down")
    config = load_channels(CONFIG / "channels.yaml", load_taxonomy(CONFIG))

    class Console:
        def __init__(self) -> None:
            self.posts: list[tuple[str, str]] = []

        async def post(self, channel, payload, *, key, thread_ref, resume):
            self.posts.append((channel.name, payload["text"]))
            return "ref"

    console = Console()
    moments = iter(datetime(2026, 11, 23, h, tzinfo=UTC) for h in range(0, 24, 4))  # past each backoff
    now = {"t": next(moments)}
    clock = lambda: now["t"]  # noqa: E731
    source = SourceSpec(name="flaky", feed=f"{server.url}/feed.xml", interval=5, notify=["daily-seeds"])
    notify = source_notifier(config, {"console": console}, clock)
    for _ in range(5):
        await run_poll(archive_worker, source, client(), clock, notify)
        now["t"] = next(moments)
    assert len(console.posts) == 1  # at the third failure in a row, not at every one
    channel, text = console.posts[0]
    assert channel == "daily-seeds" and "flaky" in text and "3" in text


def test_notify_names_a_channel_of_channels_yaml(tmp_path: Path) -> None:
    from bot.config_check import check_config_dir
    folder = tmp_path / "cfg"
    shutil.copytree(CONFIG, folder)
    (folder / "sources.yaml").write_text("sources:\n  - name: a\n    feed: http://127.0.0.1:9/f.xml\n"
                                         "    notify: [daily-seeds, nowhere]\n", encoding="utf-8")
    [problem] = check_config_dir(folder)
    assert "nowhere" in problem.message and problem.file.endswith("sources.yaml")


ROBOTS = b"User-agent: *\nDisallow: /members/\n\nUser-agent: briefings-feeds\nDisallow: /private/\nAllow: /\n"


def page_of(co: str) -> bytes:
    head = f"<html><head><title>{co} 설비투자 발표</title></head>"
    return f"{head}<body><article>{story(co)}</article></body></html>".encode()


def test_robots_txt_keeps_page_fetches_off_disallowed_paths(server: FeedServer, empty: Archive) -> None:
    server.routes["/robots.txt"] = static(ROBOTS, "text/plain")
    server.routes["/private/1"] = static(page_of("가상텔레콤"), "text/html; charset=utf-8")
    server.routes["/news/2"] = static(page_of("예시모바일"), "text/html; charset=utf-8")
    http = client()
    blocked = poll_source(empty, SourceSpec(name="p1", page=server.url + "/private/1", interval=30), http, NOW)
    assert blocked.blocked and "disallows /private/1" in blocked.blocked and blocked.error is None
    assert "skipped" in blocked.summary_line() and server.hits("/private/1") == 0
    status = source_status(empty, "p1")
    assert status.get("failures", 0) == 0 and "robots.txt" in status["skipped"]
    fine = poll_source(empty, SourceSpec(name="p2", page=server.url + "/news/2", interval=30), http, NOW)
    assert len(fine.new) == 1 and fine.blocked is None
    assert server.hits("/robots.txt") == 1  # one robots.txt per host, cached
    assert "skipped" not in source_status(empty, "p2")


def test_robots_txt_is_asked_again_after_its_time_and_404_allows(server: FeedServer) -> None:
    clock = [0.0]
    http = HttpClient(timeout=5, host_delay=0, monotonic=lambda: clock[0], use_env_proxy=False)
    assert http.allowed(server.url + "/private/1").allowed  # no robots.txt (404): everything allowed
    server.routes["/robots.txt"] = static(ROBOTS, "text/plain")
    clock[0] += ROBOTS_TTL - 1
    assert http.allowed(server.url + "/private/1").allowed and server.hits("/robots.txt") == 1
    clock[0] += 2
    assert not http.allowed(server.url + "/private/1").allowed and server.hits("/robots.txt") == 2
    assert http.allowed(server.url + "/members/1").allowed  # the `*` group does not bind a named bot


def test_unreachable_robots_txt_blocks_pages_for_a_while(server: FeedServer) -> None:
    clock = [0.0]
    http = HttpClient(timeout=5, host_delay=0, monotonic=lambda: clock[0], use_env_proxy=False)
    server.routes["/robots.txt"] = lambda _h: (503, {"Retry-After": "60"}, b"down")
    verdict = http.allowed(server.url + "/news/1")
    assert not verdict.allowed and "unreachable" in (verdict.reason or "") and "503" in (verdict.reason or "")
    server.routes["/robots.txt"] = static(b"User-agent: *\nAllow: /\n", "text/plain")
    assert not http.allowed(server.url + "/news/1").allowed  # the verdict holds until it is due again
    clock[0] += UNREACHABLE_TTL + 1
    assert http.allowed(server.url + "/news/1").allowed and server.hits("/robots.txt") == 2


def test_feed_is_read_but_its_disallowed_linked_page_is_not(server: FeedServer, empty: Archive) -> None:
    server.routes["/robots.txt"] = static(b"User-agent: *\nDisallow: /\n", "text/plain")
    summary = "가상텔레콤이 내년 설비투자 계획을 발표했다고 밝혔다."
    server.routes["/feed.xml"] = static(rss2([("r-1", "/article/9", "Sat, 21 Nov 2026 09:00:00 +0900", summary)]))
    server.routes["/article/9"] = static(page_of("가상텔레콤"), "text/html; charset=utf-8")
    report = poll_source(empty, feed_source(server, fetch_pages=True), client(), NOW)
    assert len(report.new) == 1 and report.error is None
    assert server.hits("/article/9") == 0 and any("robots.txt" in note for note in report.notes)
    assert "설비투자" in "\n".join(p.text for p in empty.get(report.new[0]).paragraphs)


def test_ingest_of_a_disallowed_url_is_skipped_not_failed(server: FeedServer, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server.routes["/robots.txt"] = static(ROBOTS, "text/plain")
    server.routes["/private/3"] = static(page_of("가상텔레콤"), "text/html; charset=utf-8")
    db = str(tmp_path / "r.sqlite3")
    assert cli.main(["ingest", f"{server.url}/private/3", "--db", db, "--config", str(CONFIG)]) == 0
    assert "skipped" in capsys.readouterr().out and server.hits("/private/3") == 0
