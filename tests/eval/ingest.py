"""Ingest on the dev corpus: rejected articles, boilerplate cut inside lines, runaway sentences.

Three figures, each the product's own output against baselines computed in the same run:

- rejects: every corpus line through the product's cleaning step (ArticleBuilder.clean, no
  analysis) against the old whole-line rule (a line with a photo-credit pattern anywhere was a
  caption, a marked line a sub-head, and an article with no body left was rejected);
- boilerplate segments: labels/lines.jsonl (segments of bodies marked boilerplate or body by eye)
  against the spans the cleaner cuts, and against a naive cutter (the old leading/trailing byline
  patterns plus everything after a copyright mark), on the tuning and the held-out half;
- sentences: the product's splitter on the cleaned bodies against the old one (kiwi, merging
  pieces while a quote is open) and a naive split at ". ": how many, how many over 400 characters,
  the longest, and how many sentence ends each shares with kiwi's (precision/recall).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable

from briefings.errors import RejectedInput
from briefings.ingest.boilerplate import find_boilerplate, normalise
from briefings.ingest.readers import read_file
from tests.eval.corpus import CONFIG, DEV_CORPUS, held_out, load_labels

LONG = 400
# The rules as they were before shape-and-position cleaning (config/cleaning.yaml, caption_patterns).
OLD_CAPTION = re.compile(r"제공\s*[|ㅣ｜=]\s*\S|[(/]\s*사진\s*[=:]|^\(?사진\s*[=:]|사진제공\s*[=:]")
OLD_SUBHEAD = ("◇", "■", "▶", "◆", "□", "▲", "【")
_NAME = r"[가-힣]{2,4}"
NAIVE = (re.compile(rf"^\[[^\]\s]{{2,15}}\s*{_NAME}\s*기자\]\s*"),
         re.compile(rf"^\([^)=]{{1,10}}=[^)]{{2,10}}\)\s*{_NAME}\s*기자\s*=\s*"),
         re.compile(rf"\s*/\s*{_NAME}\s*기자\s*$"),
         re.compile(r"(?:ⓒ|©|저작권자).*$"))


def _builder():
    from briefings.ingest.build import ArticleBuilder
    from tests.eval.corpus import dev_taxonomy
    return ArticleBuilder.from_config(CONFIG, dev_taxonomy())


def _raws(ctx) -> dict[int, object]:
    path = ctx.path(DEV_CORPUS)
    data = path.read_bytes()
    outcome = read_file(path, data, hashlib.sha256(data).hexdigest())
    return {int(r.source.rsplit(":", 1)[1]): r for r in outcome.articles}


def _old_rejects(raw) -> bool:
    body = 0
    for line in raw.lines:
        core = line.strip().lstrip("•·‧∙◦-–—* \t").strip()
        if core and not OLD_CAPTION.search(core) and not core.startswith(OLD_SUBHEAD):
            body += len(core)
    return body < 20


def _rejects(ctx, raws: dict, builder) -> tuple[dict, dict[int, list]]:
    body_len = {n: len(row.get("body", "")) for n, row in ctx.dev_rows.items()}
    unreadable = [n for n in ctx.dev_rows if n not in raws]
    product, old, cleaned = [], [], {}
    reasons: Counter[str] = Counter()
    for n, raw in raws.items():
        if _old_rejects(raw):
            old.append(n)
        try:
            cleaned[n] = builder.clean(raw)[1]
        except RejectedInput as exc:
            product.append(n)
            reasons[exc.reason.split(" (")[0]] += 1
    figures = {}
    for name, lines in (("product", product + unreadable), ("old rule", old + unreadable)):
        long = sum(body_len[n] >= 200 for n in lines)
        figures[name] = {"rejected": len(lines), "rejected_200_plus": long}
    print(f"articles {len(ctx.dev_rows)} (unreadable {len(unreadable)})")
    print(f"{'':10} {'rejected':>9} {'200+ chars':>11}")
    for name, f in figures.items():
        print(f"{name:10} {f['rejected']:>9} {f['rejected_200_plus']:>11}")
    for reason, count in reasons.most_common():
        print(f"  product: {count:>4}  {reason}")
    return figures, cleaned


def _product_cut(text: str) -> list[bool]:
    """Which characters of a body the cleaner cuts: the same core and spans clean_lines uses."""
    core = text.strip().lstrip("•·‧∙◦-–—* \t").strip()
    shift = text.find(core)
    mask = [False] * len(text)
    for cut in find_boilerplate(core):
        for i in range(shift + cut.start, shift + cut.end):
            mask[i] = True
    return mask


def _naive_cut(text: str) -> list[bool]:
    mask = [False] * len(text)
    for pattern in NAIVE:
        if match := pattern.search(text):
            for i in range(*match.span()):
                mask[i] = True
    return mask


def _segment_scores(ctx, labels: list[dict], cutter: Callable[[str], list[bool]]) -> dict:
    masks: dict[int, list[bool]] = {}
    out = {}
    for half in ("tuning", "held-out"):
        tp = fp = fn = 0
        for label in labels:
            if held_out(label["line"]) != (half == "held-out"):
                continue
            n = label["line"]
            if n not in masks:
                masks[n] = cutter(normalise(ctx.dev_rows[n]["body"]))
            span = masks[n][label["start"]:label["end"]]
            cut = sum(span) * 2 >= max(1, len(span))
            boiler = label["label"] == "boilerplate"
            tp += cut and boiler
            fp += cut and not boiler
            fn += boiler and not cut
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[half] = {"precision": round(precision, 3), "recall": round(recall, 3), "boilerplate": tp + fn}
    return out


def _boilerplate(ctx) -> dict:
    labels = load_labels("lines")
    for label in labels:  # a label whose span no longer holds the same text is stale, not a miss
        span = normalise(ctx.dev_rows[label["line"]]["body"])[label["start"]:label["end"]]
        assert hashlib.sha256(span.encode()).hexdigest()[:8] == label["h"], label
    figures = {"product": _segment_scores(ctx, labels, _product_cut),
               "naive": _segment_scores(ctx, labels, _naive_cut)}
    articles = len({label["line"] for label in labels})
    print(f"\nboilerplate segments: {len(labels)} labelled in {articles} articles (segment cut = half its chars)")
    print(f"{'':8} {'tuning P/R':>14} {'held-out P/R':>14}")
    for name, f in figures.items():
        t, h = f["tuning"], f["held-out"]
        print(f"{name:8} {t['precision']:>6.2f} / {t['recall']:.2f} {h['precision']:>7.2f} / {h['recall']:.2f}")
    return figures


def _old_split(text: str) -> list[str]:
    """The splitter before briefings.analysis.sentences: kiwi, then merge while a quote is open."""
    from briefings.analysis.korean import kiwi

    def quote_open(s: str) -> bool:
        return s.count('"') % 2 == 1 or any(s.count(o) > s.count(c) for o, c in (("“", "”"), ("‘", "’")))

    text = re.sub(r"(?<=[가-힣][.!?])(?=[가-힣A-Za-z\"“‘'])", " ", text.strip())
    out: list[str] = []
    for piece in (s.text.strip() for s in kiwi().split_into_sents(text)):
        if piece and out and quote_open(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def _boundaries(sentences: list[str]) -> set[int]:
    """Where sentences end, counted in non-space characters (so splitters that trim differently agree)."""
    ends, count = set(), 0
    for sentence in sentences:
        count += sum(not c.isspace() for c in sentence)
        ends.add(count)
    return ends


def _sentences(cleaned: dict[int, list]) -> dict:
    from briefings.analysis.sentences import split_sentences

    splitters: dict[str, Callable[[str], list[str]]] = {
        "old kiwi": _old_split, "product": split_sentences,
        "naive '. '": lambda t: [s for s in re.split(r"(?<=[.!?])\s+", t) if s]}
    figures: dict[str, dict] = {name: {} for name in splitters}
    print(f"\nsentences of {len(cleaned)} cleaned articles (agree = sentence ends shared with kiwi's)")
    print(f"{'':12} {'half':9} {'sentences':>9} {f'>{LONG}':>6} {'longest':>8} {'agree P/R':>11} {'seconds':>8}")
    for half in ("tuning", "held-out"):
        texts = [p.text for n, paras in cleaned.items() if held_out(n) == (half == "held-out")
                 for p in paras if p.kind == "body"]
        outputs: dict[str, list[list[str]]] = {}
        for name, split in splitters.items():
            started = time.perf_counter()
            outputs[name] = [split(text) for text in texts]
            took = time.perf_counter() - started
            lengths = [len(s) for sentences in outputs[name] for s in sentences]
            shared = mine = theirs = 0
            for own, ref in zip(outputs[name], outputs.get("old kiwi", outputs[name]), strict=True):
                a, b = _boundaries(own), _boundaries(ref)
                shared, mine, theirs = shared + len(a & b), mine + len(a), theirs + len(b)
            f = {"sentences": len(lengths), "over_400": sum(x > LONG for x in lengths),
                 "longest": max(lengths, default=0),
                 "agree_with_kiwi": [round(shared / max(1, mine), 3), round(shared / max(1, theirs), 3)]}
            figures[name][half] = f
            agree = "-" if name == "old kiwi" else "{:.2f}/{:.2f}".format(*f["agree_with_kiwi"])
            print(f"{name:12} {half:9} {f['sentences']:>9} {f['over_400']:>6} {f['longest']:>8} {agree:>11} "
                  f"{took:>8.1f}")
    return figures


def run(ctx) -> dict:
    if not ctx.has(DEV_CORPUS):
        print(f"{DEV_CORPUS} not found; skipped")
        return {}
    rejects, cleaned = _rejects(ctx, _raws(ctx), _builder())
    return {"rejects": rejects, "boilerplate": _boilerplate(ctx), "sentences": _sentences(cleaned)}
