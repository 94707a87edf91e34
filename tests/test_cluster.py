"""Same-story clustering on synthetic news: outlets' rewrites of one event merge; templated
series, other stories of the same company and day, and stories outside the window do not;
candidates come from an index, not from comparing every pair."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.digest import cluster as clustering
from briefings.digest.cluster import candidate_pairs, cluster, features, same_story
from briefings.digest.fingerprint import article_fingerprint, fingerprint, resemblance
from tests.conftest import open_archive

LAUNCH = [  # one event, four outlets, four wordings
    ("SK텔레콤, 양자암호 통신망 세계 첫 상용화", "연합뉴스",
     "SK텔레콤이 양자암호 기술을 적용한 통신망을 세계 최초로 상용화했다고 12일 밝혔다. 서울과 대전을 잇는 "
     "구간에 먼저 적용하며 투자 규모는 300억원이다. 회사는 연내 전국 주요 거점으로 넓힐 계획이다."),
    ("SKT 양자암호 통신망 상용화…세계 최초", "뉴스1",
     "SK텔레콤은 12일 양자암호 통신망 상용 서비스를 세계 처음으로 시작했다고 발표했다. 첫 구간은 서울∼대전이며 "
     "300억원을 투자했다. 연내 전국 거점으로 확대한다."),
    ("SK텔레콤, 세계 첫 양자암호 통신망 상용 서비스", "이데일리",
     "SK텔레콤이 세계 최초로 양자암호 통신망을 상용화했다. 12일 회사에 따르면 서울과 대전 구간에 300억원을 "
     "들여 양자암호 장비를 설치했다. 해킹이 원천적으로 불가능하다는 설명이다."),
    ("SK텔레콤 양자암호 통신망 상용화 성공", "전자신문",
     "SK텔레콤이 양자암호 통신망 상용화에 성공했다고 12일 밝혔다. 서울∼대전 구간에서 서비스를 시작했으며 "
     "투자액은 300억원 규모다. 전국 확대는 연내 마칠 예정이다."),
]
SAME_DAY_OTHER = ("SK텔레콤, 대학생 서포터즈 모집", "연합뉴스",
                  "SK텔레콤이 대학생 서포터즈 200명을 모집한다고 12일 밝혔다. 선발된 학생은 6개월간 체험 "
                  "행사와 봉사 활동에 참여한다. 지원은 다음 달 말까지 받는다.")


def market_close(day: int, index: str, change: str, outlet: str) -> tuple[str, str, str, str]:
    """A templated daily report: the same sentences every day, only the figures and the date change."""
    body = (f"코스피가 {day}일 전 거래일보다 {change}포인트 움직인 {index}에 장을 마쳤다. 외국인과 기관이 "
            "동반 순매도에 나섰고 개인은 순매수했다. 통신주 가운데 SK텔레콤과 KT는 보합권에 머물렀다. "
            "시장 참가자들은 다음 주 발표될 경제 지표를 주시하고 있다.")
    return (f"[마감시황] 코스피 {index} 마감…{day}일 {change}포인트", outlet, body, f"2026-11-{day:02d}")


def ingest(tmp_path, rows):
    """Rows of (title, outlet, body[, published]) through the real ingest; articles back in row order."""
    records = [{"title": r[0], "outlet": r[1], "body": r[2], "published": r[3] if len(r) > 3 else "2026-11-12"}
               for r in rows]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    archive = open_archive(tmp_path / "c.sqlite3")
    report = archive.ingest([path])
    assert report.counts["added"] == len(rows), report.rejected
    articles = archive.store.articles(archive.make_filter())
    archive.close()
    by_title = {a.title: a for a in articles}
    return [by_title[r[0]] for r in rows]


def groups_of(articles, found):
    index = {id(a): n for n, a in enumerate(articles)}
    return sorted(sorted(index[id(a)] for a in g) for g in found)


def test_one_event_from_several_outlets_is_one_story_and_another_story_stays_apart(tmp_path):
    articles = ingest(tmp_path, [*LAUNCH, SAME_DAY_OTHER])
    assert all(a.fingerprint for a in articles)  # kept at ingest, compact hex
    assert all(len(a.fingerprint) == 8 * clustering.BANDS * clustering.ROWS for a in articles)
    assert groups_of(articles, cluster(articles)) == [[0, 1, 2, 3], [4]]


def test_templated_daily_reports_do_not_merge(tmp_path):
    rows = [market_close(10, "2,101.35", "12.40", "한국경제"), market_close(11, "2,088.20", "13.15", "한국경제"),
            market_close(12, "2,094.77", "6.57", "매일경제")]
    articles = ingest(tmp_path, rows)
    a, b = features(articles[0]), features(articles[1])
    assert resemblance(a.slots, b.slots) >= 0.3  # the boilerplate is shared ...
    assert not same_story(a, b)  # ... the report is not
    assert groups_of(articles, cluster(articles)) == [[0], [1], [2]]


def broker_note(broker: str, view: str, rating: str) -> tuple[str, str, str]:
    body = (f"{broker}은 오늘 SK텔레콤에 대해 \"{view}\"라며 투자의견을 '{rating}'로 제시했다. 이 보고서는 "
            "증권사 리포트를 자동으로 요약한 기사이며 투자 판단의 책임은 투자자에게 있다. 자세한 내용은 각 "
            "증권사 홈페이지에서 확인할 수 있다. 본 기사는 정보 제공을 목적으로 작성됐다. 목표주가와 투자의견은 "
            "증권사 사정에 따라 예고 없이 바뀔 수 있다. 과거 수익률이 미래 수익을 보장하지 않는다. 종목 정보는 "
            "거래소 공시 자료를 바탕으로 매일 아침 자동으로 갱신된다. 기사에 대한 문의는 편집국으로 하면 된다.")
    return (f"[투자노트]SK텔레콤, \"{view[:8]}…\" {rating}-{broker}", "테크투자", body)


def test_one_outlets_series_on_one_day_stays_apart(tmp_path):
    rows = [broker_note("가나증권", "배당 매력이 여전하다", "매수"),
            broker_note("다라투자증권", "신사업 성과가 보이기 시작했다", "매수(유지)"),
            broker_note("마바증권", "요금 인하 부담을 반영해야 한다", "중립")]
    articles = ingest(tmp_path, rows)
    a, b = features(articles[0]), features(articles[1])
    assert resemblance(a.slots, b.slots) >= clustering.SAME_OUTLET_TEXT  # near-copies but for the headline
    assert groups_of(articles, cluster(articles)) == [[0], [1], [2]]


def test_window_is_respected(tmp_path):
    title, outlet, body = LAUNCH[0]
    rows = [(title, outlet, body, "2026-11-12"), (LAUNCH[1][0], LAUNCH[1][1], LAUNCH[1][2], "2026-11-14"),
            (LAUNCH[2][0], LAUNCH[2][1], LAUNCH[2][2], "2026-11-25")]
    articles = ingest(tmp_path, rows)
    assert groups_of(articles, cluster(articles)) == [[0, 1], [2]]  # 2 days apart: one; 13 days: not


def test_an_archive_without_fingerprints_clusters_the_same(tmp_path):
    articles = ingest(tmp_path, [*LAUNCH, SAME_DAY_OTHER])
    old = [replace(a, fingerprint="", story_terms=[], terms="") for a in articles]  # nothing kept but the text
    assert groups_of(old, cluster(old)) == groups_of(articles, cluster(articles))
    assert articles[0].fingerprint == article_fingerprint(old[0])  # re-derived exactly as ingest made it


def test_candidates_come_from_an_index_not_all_pairs():
    # 400 different synthetic stories (made-up word lists, one shared company word) and one pair of copies.
    vocab = [f"단어{n}" for n in range(3000)]
    terms = [["sk텔레콤", *(vocab[(n * 37 + k * 11) % 3000] for k in range(60))] for n in range(400)]
    terms.append(list(terms[7]))
    items = [clustering.Features(None, f"매체{n}", frozenset(t[:8]), frozenset(t[:4]), frozenset(),
                                 fingerprint(t), clustering._packed(fingerprint(t))) for n, t in enumerate(terms)]
    pairs = candidate_pairs(items)
    assert (7, 400) in pairs
    assert len(pairs) < len(items) * (len(items) - 1) / 2 / 20  # far from all 80,200 pairs


def test_candidates_are_every_indexed_pair_within_the_window_and_only_those():
    """A band or term shared across years (a template report) gives pairs only between neighbours
    in time: the same set as pairing every bucket's members and keeping those `within` allows."""
    from datetime import date, timedelta
    from itertools import combinations

    rng = random.Random(5)
    words = [f"말{n}" for n in range(40)]
    items = []
    for n in range(300):
        t = rng.sample(words, 6)
        fp = fingerprint(t if rng.random() < 0.5 else ["같은", "보도", "양식", "시세", "마감", "지수"])
        day = None if n < 20 else date(2015, 1, 1) + timedelta(days=rng.randrange(0, 400))
        items.append((day, clustering.Features(day, "매체", frozenset(t), frozenset(t[:2]), frozenset(), fp,
                                               clustering._packed(fp) if n % 2 else None)))
    items.sort(key=lambda pair: pair[0].isoformat() if pair[0] else "")
    feats = [f for _, f in items]
    buckets: dict[tuple, list[int]] = {}
    for i, f in enumerate(feats):
        keys = [f.band(b) for b in range(clustering.BANDS)] + [("term", t) for t in f.head]
        for key in keys:
            buckets.setdefault(key, []).append(i)
    limit = max(30, int(clustering.COMMON_TERM * len(feats)))
    every = {(i, j) for key, members in buckets.items() if not (key[0] == "term" and len(members) > limit)
             for i, j in combinations(members, 2) if clustering.within(feats[i], feats[j])}
    assert candidate_pairs(feats) == every
    assert any(feats[i].day is None for i, _ in every) and len(every) > 100


@pytest.mark.parametrize("numbers", [({"2,101.35", "12.40"}, {"2,088.20", "13.15"})])
def test_numbers_disagreeing_mark_another_report(numbers):
    a, b = (frozenset(n) for n in numbers)
    assert not clustering.numbers_agree(a, b)
    assert clustering.numbers_agree(a, frozenset({"2,101.35", "12.40", "10"}))


def test_kept_decisions_give_the_clusters_fresh_ones_give(tmp_path):
    """A second compose over the same article objects answers pairs from the kept decisions: the
    groups must be those of deciding every pair afresh, and a new object never reuses a decision."""
    articles = ingest(tmp_path, [*LAUNCH, SAME_DAY_OTHER])
    fresh = groups_of(articles, cluster(articles, decide=lambda a, b: same_story(a, b)))
    assert groups_of(articles, cluster(articles)) == fresh
    kept = len(clustering._decided)
    assert groups_of(articles, cluster(articles)) == fresh and len(clustering._decided) == kept  # all reused
    copies = [replace(a) for a in articles]
    assert groups_of(copies, cluster(copies)) == fresh and len(clustering._decided) > kept  # decided anew


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, (1 << 64) - 1), min_size=1, max_size=40))
def test_the_minhash_slots_are_the_big_integer_formula(hashes):
    """numpy's 64-bit arithmetic gives exactly ((a·h + b) mod 2^61−1) & 0xFFFFFFFF, minimised over h."""
    from briefings.digest import fingerprint as fp

    expected = [min(((a * h + b) % fp._PRIME) & fp._MASK for h in hashes) for a, b in fp._PERMUTATIONS]
    assert fp._slots(hashes) == expected
