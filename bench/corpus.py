"""A clearly synthetic corpus for search benchmarks: words drawn from jieba's own dictionary by
their frequencies (so term statistics look like real Chinese text), mixed with sentences from
the real guides and some English. Deterministic for a given seed."""

import itertools
import random

import jieba

from portal.search.snippets import split_sentences

KINDS = ("guide", "page", "alert", "education")
TOPICS = ("pledge-financing", "patent", "trademark", "geographical-indication", "copyright", "software",
          "overseas-risk", "rights-protection", "education")
AUDIENCES = ("enterprise", "school", "institution", "individual")


def _vocabulary(size=60000):
    words = sorted(((w, f) for w, f in jieba.dt.FREQ.items() if f > 0 and len(w) <= 4), key=lambda x: -x[1])
    words = words[:size]
    # Cumulative weights once: random.choices recomputes them on every call otherwise.
    return [w for w, _f in words], list(itertools.accumulate(f for _w, f in words))


def synthetic_entries(catalog, count=10000, chars=1500, seed=2026):
    rng = random.Random(seed)
    words, cumulative = _vocabulary()
    real = {lang: [s for page in catalog if page.lang == lang for s in split_sentences(page.text) if len(s) > 20]
            for lang in ("zh", "en")}
    for number in range(count):
        lang = "en" if number % 5 == 4 else "zh"  # one English document in five
        parts, length = [], 0
        while length < chars:
            roll = rng.random()
            if lang == "en" or roll < 0.2:
                sentence = rng.choice(real[lang])          # a real guide sentence
            elif roll < 0.25:
                sentence = rng.choice(real["en"])          # English inside Chinese text
            else:
                sentence = "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(6, 16))) + "。"
            parts.append(sentence)
            length += len(sentence)
        title_words = rng.choices(words, cum_weights=cumulative, k=4) if lang == "zh" \
            else rng.choice(real["en"]).split()[:8]
        text = "\n".join(parts)
        yield {
            "doc_id": f"{lang}/bench/{number}", "lang": lang, "kind": rng.choice(KINDS),
            "topics": tuple(rng.sample(TOPICS, rng.randint(1, 3))),
            "audience": tuple(rng.sample(AUDIENCES, rng.randint(1, 2))),
            "title": ("".join(title_words) if lang == "zh" else " ".join(title_words)) + f" #{number}",
            "summary": parts[0][:120], "text": text, "updated": "2026-11-26", "url": f"/{lang}/bench/{number}",
        }
