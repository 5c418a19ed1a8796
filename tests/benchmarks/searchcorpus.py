"""A deterministic generator of a news-like archive for the search benchmark.

Realistic shapes, not realistic prose: titles of 6-14 words and bodies with a log-normal length
(median ~550 words) drawn from a Zipfian vocabulary of common English news words and made-up
words; a few thousand authors and sources, some shared by many articles; dates over 20 years;
about 5% of the articles in Ukrainian (Cyrillic vocabulary); a small nested tag tree.
The same seed always yields the same archive, so figures from two runs compare.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from indexer.search import IndexDoc

ENGLISH = (
    "the of and to in a is that for on was with as by at from government minister president election elections "
    "elected voters vote votes voting war wars military army troops attack attacks attacked peace talks diplomacy "
    "economy economic market markets inflation prices price bank banks interest rates rate growth report reports "
    "reported city cities council police court courts judge law laws policy policies health hospital hospitals "
    "climate energy oil gas power plant plants school schools students teachers university research scientists "
    "study studies company companies business workers jobs strike strikes union unions trade deal deals sanctions "
    "border refugees migrants crisis crises protest protests protesters parliament senate congress party parties "
    "campaign campaigns leader leaders official officials spokesman statement statements announced announcement "
    "investigation investigators agency agencies security intelligence foreign domestic national international "
    "regional local rural urban water food farmers harvest drought flood floods storm storms fire fires wildfire "
    "technology internet software data privacy artificial intelligence football match season coach players "
    "club league champions final tournament festival film music museum exhibition history century anniversary"
).split()
SYLLABLES = "ka lo mi ne ra su ti ve do pa ri to ba ge ho ju ly mo nu pe qi sa te vo wa xi ye zo an el in or us".split()
CYRILLIC = str.maketrans("abdegijklmnoprstuvyzhqwxc", "абдегійклмнопрстувизгкшхц")
UKRAINIAN = "україна київ уряд президент війна мир переговори вибори економіка ціни місто суд закон".split()
FIRST = (
    "Anna Olena Maria John Peter Ivan Sarah David Laura Mykola Emma Lucas Sofia Daniel Iryna Tom Julia Marco".split()
)
LAST = "Smith Kovalenko Brown Garcia Shevchenko Müller Rossi Novak Bondarenko Taylor Dubois Silva Kim Nguyen".split()
TAGS = (
    "war war/diplomacy war/frontline politics politics/elections economy economy/inflation climate science "
    "sport sport/football culture tech tech/ai health local"
).split()
FAMOUS = ("Zelensky", "Zelenskyy", "Merkel", "Macron")

START = datetime(2005, 1, 1, tzinfo=timezone.utc)
DAYS = 20 * 365


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """Function words first, then made-up words with the news words spread over ranks 20-6000."""
    made_up: set[str] = set()
    while len(made_up) < size:
        made_up.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    words = sorted(made_up)
    rng.shuffle(words)
    function, news = ENGLISH[:16], ENGLISH[16:]
    for i, word in enumerate(news):
        words.insert(int(20 * (300 ** (i / len(news)))), word)
    return function + words


def _zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return list(itertools.accumulate(1.0 / math.pow(rank, s) for rank in range(1, n + 1)))


def generate(count: int, seed: int = 2024, first_id: int = 1) -> Iterator[IndexDoc]:
    """Yield `count` articles, one at a time (the archive is never held in memory)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 60_000)
    weights = _zipf_weights(len(vocab))
    uk_vocab = UKRAINIAN + [w.translate(CYRILLIC) for w in vocab[1000:9000]]
    uk_weights = _zipf_weights(len(uk_vocab))
    authors = sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}{rng.randint(1, 300)}" for _ in range(3000)})
    sources = sorted(
        {"The " + "".join(rng.choice(SYLLABLES) for _ in range(3)).title() + " Times" for _ in range(1500)}
    )
    author_w = _zipf_weights(len(authors), 0.9)
    source_w = _zipf_weights(len(sources), 0.9)
    for n in range(count):
        ukrainian = rng.random() < 0.05
        words, cum = (uk_vocab, uk_weights) if ukrainian else (vocab, weights)
        length = min(4000, max(40, int(rng.lognormvariate(math.log(550), 0.6))))
        body_words = rng.choices(words, cum_weights=cum, k=length)
        if rng.random() < 0.02:
            body_words[rng.randrange(length)] = rng.choice(FAMOUS)
        sentences = []
        for start in range(0, length, 18):
            chunk = body_words[start : start + 18]
            sentences.append(" ".join(chunk).capitalize() + ".")
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        title = " ".join(rng.choices(words, cum_weights=cum, k=rng.randint(6, 14))).capitalize()
        published = START + timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(86400))
        saved = published + timedelta(days=rng.randrange(30))
        tags = tuple(sorted(set(rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2)))))) if rng.random() < 0.6 else ()
        yield IndexDoc(
            id=first_id + n,
            title=title,
            body="\n\n".join(paragraphs),
            authors=tuple(sorted(set(rng.choices(authors, cum_weights=author_w, k=rng.choice((1, 1, 1, 2, 3)))))),
            source=rng.choices(sources, cum_weights=source_w)[0] if rng.random() < 0.97 else None,
            tags=tags,
            language="uk" if ukrainian else rng.choice(("en", "en", "en-GB", None)),
            published=published.isoformat() if rng.random() < 0.9 else None,
            saved=saved.isoformat(),
            bookmarked=rng.random() < 0.03,
        )
