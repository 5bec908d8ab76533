"""Search quality over a labelled query set: recall@k and mean reciprocal rank."""

from dataclasses import dataclass


@dataclass(frozen=True)
class QualityReport:
    queries: int
    recall_at_3: float
    mrr: float
    misses: tuple  # (query, expected, top three urls) for queries not answered in the top 3


def evaluate(search, cases, per_query=10):
    """search(q, lang) -> list of result paths; cases: dicts with lang, q, expect."""
    reciprocal, found, misses = 0.0, 0, []
    for case in cases:
        expected = {f"/{case['lang']}/{path}" for path in case["expect"]}
        urls = search(case["q"], case["lang"])[:per_query]
        rank = next((number for number, url in enumerate(urls, 1) if url in expected), None)
        if rank:
            reciprocal += 1 / rank
        if rank and rank <= 3:
            found += 1
        else:
            misses.append((case["q"], sorted(expected), urls[:3]))
    count = len(cases)
    return QualityReport(count, found / count, reciprocal / count, tuple(misses))
