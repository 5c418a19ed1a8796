"""Small saved pages written by tests: realistic enough for the extractors, short enough to read."""

from __future__ import annotations

import html
import json
from pathlib import Path

LOREM = [
    "The city council voted on Tuesday to extend the harbour ferry service through the winter months, "
    "ending a two-year dispute over who should pay for the extra crossings.",
    "Supporters said the decision would keep hundreds of commuters off the congested coastal road, while "
    "opponents warned that the cost had been underestimated by at least a third.",
    '"We heard from nurses, students and shift workers who have no other way to get to work," said the '
    "council's transport chair, who proposed the extension last spring.",
    "The ferry operator will add two evening departures and a Sunday morning crossing from December, and "
    "fares will stay at their current level until the end of next year.",
    "A review of passenger numbers is planned for March, when the council will decide whether the winter "
    "timetable becomes permanent.",
]


def article_html(
    title: str = "Council extends winter ferry service",
    site: str = "The Harbour Ledger",
    authors: list[dict] | None = None,
    published: str | None = "2024-11-05T09:30:00+00:00",
    url: str | None = "https://harbour-ledger.example/news/ferry-winter",
    paragraphs: list[str] | None = None,
    extra_body: str = "",
    lang: str = "en",
) -> str:
    authors = authors if authors is not None else [{"name": "Maren Holt", "jobTitle": "Transport Reporter"}]
    paragraphs = paragraphs if paragraphs is not None else LOREM
    ld: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title}
    if authors:
        ld["author"] = [{"@type": "Person", **a} for a in authors]
    if published:
        ld["datePublished"] = published
    ld["publisher"] = {"@type": "Organization", "name": site}
    head = [
        f"<title>{html.escape(title)} | {html.escape(site)}</title>",
        f'<meta property="og:title" content="{html.escape(title)}">',
        f'<meta property="og:site_name" content="{html.escape(site)}">',
        f'<script type="application/ld+json">{json.dumps(ld)}</script>',
    ]
    if url:
        head.append(f'<link rel="canonical" href="{html.escape(url)}">')
    byline = ", ".join(html.escape(a["name"]) for a in authors)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">{"".join(head)}</head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
<p class="byline">By {byline}</p>
{body}
{extra_body}
</article></main>
<footer><p>© 2024 {html.escape(site)}. All rights reserved.</p></footer>
</body></html>
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
