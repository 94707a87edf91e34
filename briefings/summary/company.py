"""Which body sentences speak of one company, for its own summary in a multi-company article.

The tagger's CompanyTag.sentences ([paragraph, sentence] pairs) is used when present; until it
is filled, the sentences that name the company (its matched evidence words) stand in, and failing
those, the sentences of the paragraphs it was tagged in. Sentences every company shares are left
out where a company has its own, or a one-paragraph article gives all companies one summary.
"""

from __future__ import annotations

from collections import Counter

from briefings.models import Article, CompanyTag

Key = tuple[int, int]  # (paragraph index, sentence index within the paragraph)


def _mentioning(article: Article, tag: CompanyTag) -> list[Key]:
    names = {e.text for e in tag.evidence if e.text and e.weight >= 1} or {e.text for e in tag.evidence if e.text}
    where = set(tag.paragraphs) | {e.paragraph for e in tag.evidence}
    return [(p.index, i) for p in article.body_paragraphs if p.index in where
            for i, s in enumerate(p.sentences) if any(name in s for name in names)]


def _in_paragraphs(article: Article, tag: CompanyTag) -> list[Key]:
    own = set(tag.paragraphs) | set(tag.inherited_paragraphs)
    return [(p.index, i) for p in article.body_paragraphs if p.index in own for i in range(len(p.sentences))]


def company_sentences(article: Article) -> dict[str, list[Key]]:
    """Per company, the keys of the sentences its summary may use, in article order."""
    valid = {(p.index, i) for p in article.body_paragraphs for i in range(len(p.sentences))}
    pools: dict[str, list[Key]] = {}
    for tag in article.companies:
        keys = [k for k in (tuple(pair) for pair in tag.sentences) if len(k) == 2 and k in valid]
        keys = keys or _mentioning(article, tag) or _in_paragraphs(article, tag)
        pools[tag.company] = sorted(set(keys))  # type: ignore[arg-type]
    shared = Counter(k for keys in pools.values() for k in keys)
    return {company: [k for k in keys if shared[k] == 1] or keys for company, keys in pools.items()}
