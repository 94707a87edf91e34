"""Quote speakers on labelled dev-corpus quotes: the product against the old finder and a naive rule.

tests/eval/labels/speakers.jsonl names a quote by its corpus line and the offset of its opening
mark in `body`, with the correct speaker's name ("" for an unnamed source, an organisation or no
speaker). A system's answer for a labelled quote is the speaker of its quote whose text holds the
labelled quote's opening words (no quote found = no speaker). Figures:

- precision: of the labelled quotes a system gives to a named person, the share given to the right one;
- named recall: of the quotes with a named speaker, the share given to that person;
- unnamed wrongly named: quotes whose speaker is unnamed but which a system gives to a name.

Systems, in the same run on the same built paragraphs: the product (briefings.analysis.people), the
people.py of commit 873781b (before this rewrite; read with `git show`), and a naive rule (the last
`NAME … ROLE` in the 300 characters before the quote). Reported on the tuning and held-out halves.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from tests.eval.corpus import DEV_CORPUS, dev_taxonomy, held_out, load_labels, old_module

OLD_COMMIT = "873781b"
_NAIVE = re.compile(r"([가-힣]{3})\s+(?:\S+\s+)?(?:대표이사|대표|사장|부사장|회장|부회장|전무|상무|본부장|교수|연구원|"
                    r"팀장|실장|센터장|원장|장관|의원|위원장|총장|행장|씨)")
_SPACE = re.compile(r"\s+")


def _key(body: str, offset: int) -> str | None:
    close = {"“": "”", '"': '"', "「": "」"}.get(body[offset])
    end = body.find(close, offset + 1, offset + 3000) if close else -1
    if end < 0:
        return None
    return _SPACE.sub("", body[offset + 1:end])[:15]


def _answer(quotes: list, key: str) -> str | None:
    """The speaker ("" when unnamed) of the system's quote holding the key; None when no quote has it."""
    for q in quotes:
        if key in _SPACE.sub("", q.text):
            return q.speaker or ""
    return None


def _naive(body: str, offset: int) -> str:
    found = _NAIVE.findall(body[max(0, offset - 300):offset])
    return found[-1] if found else ""


def _score(pairs: list[tuple[str, str, bool]]) -> dict:
    built_named = [(gold, got) for gold, got, built in pairs if gold and built]
    pairs = [(gold, got) for gold, got, _ in pairs]
    named = [(gold, got) for gold, got in pairs if gold]
    predicted = [(gold, got) for gold, got in pairs if got]
    correct = sum(1 for gold, got in predicted if got == gold)
    return {
        "quotes": len(pairs),
        "precision": round(100 * correct / len(predicted), 1) if predicted else 0.0,
        "attributed": len(predicted),
        "named_recall": round(100 * sum(1 for g, p in named if p == g) / len(named), 1) if named else 0.0,
        "unnamed_wrongly_named": sum(1 for gold, got in pairs if not gold and got),
        # the same recall leaving out articles that ingest rejected (no system sees their paragraphs)
        "named_recall_built": round(100 * sum(1 for g, p in built_named if p == g) / len(built_named), 1)
        if built_named else 0.0,
    }


def run(ctx) -> dict:
    if not ctx.has(DEV_CORPUS):
        print(f"{DEV_CORPUS} not found; skipped")
        return {}
    labels = load_labels("speakers")
    if not labels:
        print("no speaker labels; skipped")
        return {}
    built = ctx.build_lines({lab["line"] for lab in labels})
    old = old_module(OLD_COMMIT, "briefings/analysis/people.py", "old_people")
    old_finder = old.PeopleFinder(dev_taxonomy()) if old else None
    systems: dict[str, Callable[[int, int, str], str]] = {}
    cache: dict[tuple[str, int], list] = {}

    def quotes_of(system: str, line: int) -> list:
        if (system, line) not in cache:
            article = built[line].article if line in built else None
            if article is None:
                cache[(system, line)] = []
            elif system == "product":
                cache[(system, line)] = article.quotes
            else:
                cache[(system, line)] = old_finder.find(article.paragraphs)[1]
        return cache[(system, line)]

    systems["product"] = lambda line, off, key: _answer(quotes_of("product", line), key) or ""
    if old_finder is not None:
        systems[f"old people.py ({OLD_COMMIT})"] = lambda line, off, key: _answer(quotes_of("old", line), key) or ""
    systems["naive: last NAME…ROLE before"] = lambda line, off, key: _naive(ctx.dev_rows[line]["body"], off)

    results: dict[str, dict] = {}
    rejected = sum(1 for lab in labels if built.get(lab["line"]) is None or built[lab["line"]].article is None)
    print(f"{rejected} labelled quotes are in articles ingest rejects; they count as misses for every system "
          "(recall_built leaves them out)")
    print(f"{'system':32} {'half':9} {'quotes':>6} {'prec':>6} {'attr':>5} {'recall':>6} {'recall_built':>12} "
          f"{'unnamed→name':>12}")
    for name, answer in systems.items():
        halves: dict[str, list[tuple[str, str, bool]]] = {"tuning": [], "held_out": []}
        for lab in labels:
            body = ctx.dev_rows[lab["line"]]["body"]
            key = _key(body, lab["offset"])
            if key is None:
                continue
            half = "held_out" if held_out(lab["line"]) else "tuning"
            ok = lab["line"] in built and built[lab["line"]].article is not None
            halves[half].append((lab["speaker"], answer(lab["line"], lab["offset"], key), ok))
        results[name] = {}
        for half, pairs in halves.items():
            s = _score(pairs)
            results[name][half] = s
            print(f"{name:32} {half:9} {s['quotes']:>6} {s['precision']:>6} {s['attributed']:>5} "
                  f"{s['named_recall']:>6} {s['named_recall_built']:>12} {s['unnamed_wrongly_named']:>12}")
    return results


if __name__ == "__main__":
    from tests.eval.corpus import DEFAULT_DATA, EvalContext

    run(EvalContext(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
