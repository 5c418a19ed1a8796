"""Lines of a whole-page plain text and what each one looks like: prose, heading, menu item or boilerplate.

A page saved as text is a column of lines: menus, the headline, a byline, the story, teasers, footers.
This module normalises the text, measures each line (length, sentence punctuation, share of lower-case
and function words, how often it repeats) and gives it a weight: positive for prose, negative for menus and
boilerplate. The story is then the run of lines with the greatest total weight (`best_span`).
Every pass is linear in the size of the text; the regular expressions are anchored and bounded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import methodcaller

# Spaces that a browser copies from &nbsp; and typographic spacing; all become plain spaces.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
_SPACE_RUN = re.compile(r" {2,}")

# Longer lines are only measured, never searched with the metadata patterns (keeps every pass linear).
MAX_PATTERN_LINE = 600

_WORD = re.compile(r"\w+")
_DROP_PUNCT = str.maketrans(dict.fromkeys(".,;:!?。、，"))
_PUNCT = ".,;:!?\"'“”‘’«»()[]"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"[.!?…。！？:][\"'”’»)\]*]*$")
_INNER_SENTENCE = re.compile(r"[.!?…。！？][\"'”’»)]* +[\"'“‘«(]*[A-ZА-ЯЁІЇЄҐ0-9]")

# Function words of the languages the archive meets most; a line of prose is full of them, a menu is not.
STOP_WORDS = frozenset(
    """
    a about after all also an and any are as at be because been but by can could did do does for from had has
    have he her his how i if in into is it its it's just like may me more most my no not now of on one only or
    our out over said she so some than that the their them then there these they this to up was we were what
    when where which while who will with would you your
    al con da de del dei della des di do dos du e el em en es est et für ha il im in ist la las le les lo los
    mit na nao não no o os para pela pelo per por que se sich sie sono su um uma un una und une von y zu zum
    dan di yang ini itu dengan untuk tidak dari ke akan pada
    а в во да до же за и из или к как на не но о об от по с со что это то так он она они мы вы я у бы был была
    были быть його як та що це від для але ще вже
    """.split()
)

# Whole lines that are page furniture: dropped wherever they are, and they cost a little inside a run.
_NOISE_LINE = re.compile(
    r"^(?:advertisement|advertising|ad|ads|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"continue reading(?: the main story| below)?|scroll to continue(?: with content)?|article continues below|"
    r"share|share this(?: article| story| post)?|share on \w+|shares?|tweet|email|e-mail|print|save|saved|listen|"
    r"listen to (?:this )?article|copy link|link copied|facebook|twitter|linkedin|whatsapp|pinterest|reddit|"
    r"flipboard|telegram|messenger|comment|comments?|close|caption|enlarge(?: this image)?|toggle caption|"
    r"hide caption|expand|collapse|article image|image|photo|video|play|play video|watch|gallery|avatar|"
    r"back to gallery|\d+ min(?:ute)?s? read|\d+ comments?|image \d+ of \d+|\d+ ?/ ?\d+|skip (?:to )?(?:main )?"
    r"content|skip to site index|more|show more|see more|load more|menu|search|log ?in|sign ?in|sign up|"
    r"subscribe|subscribe now|follow|follow us|loading|loading\.\.\.|[•·|/\-–—*#]+|\W?\d+\W?)$",
    re.IGNORECASE,
)

# Lines after which the story does not go on: footers, comment sections, teaser lists, sign-ups.
# Teaser boxes ("Related articles", "Read more", a newsletter promo): they close a story, but some sites
# also put them between its paragraphs, so they cost much without being walls.
_SOFT_END_LINE = re.compile(
    r"^(?:read more|read next|read also|also read|see also|related|related (?:articles?|stories|posts|content|"
    r"coverage|news|topics|reading|video)|more (?:from|on|in|about|stories|news|articles)\b.{0,40}|"
    r"recommended(?: for you| stories| articles| reading)?|you (?:may|might) (?:also )?(?:like|enjoy|be "
    r"interested in).{0,20}|trending(?: now| stories| news)?|most (?:popular|read|viewed|shared)(?: \w+)?|"
    r"popular(?: stories| posts| now)?|latest(?: news| stories| videos)?|top stories|what to read next|"
    r"further reading|don'?t miss|editor'?s picks?|sign up for .{0,60}|subscribe to .{0,60}|"
    r"get (?:our|the) .{0,40}newsletter.{0,20}|newsletter|читайте (?:также|еще|ещё|також)|"
    r"похожие (?:статьи|новости)|leia (?:também|mais)|veja também|leggi anche|lesen sie auch|mehr zum thema|"
    r"baca juga|artikel terkait)$",
    re.IGNORECASE,
)
# Lines after which the story does not go on: footers, comment sections, tag lists, post navigation.
_END_LINE = re.compile(
    r"^(?:leave a (?:reply|comment)|post a comment|join the (?:conversation|discussion)|\d+ comments|"
    r"comments? \(\d+\)|show comments|view comments|add (?:a )?comment|comments|about the author|news feed|"
    r"share this (?:article|story|post)|tags?:?.{0,80}|filed under:?.{0,80}|topics?:.{0,80}|categories:?.{0,80}|"
    r"previous (?:article|post|story)|next (?:article|post|story)|back to top|footer|site map|sitemap|"
    r"privacy policy|terms of (?:use|service)|cookie policy|contact us|about us|\[? ?\d+ comments? ?\]?|"
    r"(?:top|all|latest|newest|oldest|top rated|reader) comments|comments are closed\.?|"
    r"leave a reply cancel reply|you must be logged in to post a comment\.?|комментарии|коментарі)$",
    re.IGNORECASE,
)
# Cookie banners and site-wide legal notices speak of "this website" and cookies, never of the news.
_SITE_NOTICE = re.compile(
    r"\b(?:cookies?\b.{0,80}\b(?:website|site|browser|consent|accept|experience|privacy|opt.out)|"
    r"(?:website|site|browser|consent|accept|experience|privacy)\b.{0,80}\bcookies?\b|"
    r"(?:this|our) (?:web ?)?site\b|terms of (?:use|service)|privacy policy)",
    re.IGNORECASE,
)
# Comment headers: "Jane on May 2, 2019 at 4:47 pm said:", "2 days ago at 07:52 am", "Rating: 36 Votes".
_COMMENT_HEAD = re.compile(
    r"(?i:\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago\b|rating: \d+ votes?$|"
    r"reply(?: to this comment)?$|report (?:this )?comment$)"
)
_COMMENT_SAID = re.compile(r"(?i:\b(?:said|says|wrote|writes|replied):$)")
_COPYRIGHT_WORDS = ("copyright", "all rights reserved", "todos los derechos", "alle rechte", "все права")


def _is_copyright(text: str) -> bool:
    if "©" in text:
        return True
    low = text.lower()
    return "(c) " in low or any(words in low for words in _COPYRIGHT_WORDS)


def _is_comment_head(text: str) -> bool:
    return bool(_COMMENT_HEAD.match(text) or (text.endswith(":") and _COMMENT_SAID.search(text, len(text) - 12)))


PROSE, NEAR, SHORT, NOISE, END, SOFT_END, NOTICE = "prose", "near", "short", "noise", "end", "soft end", "notice"
SOFT_END_COST = 400.0


@dataclass(slots=True)
class Line:
    """One non-blank line of the page and what it looks like."""

    text: str
    index: int  # position among the non-blank lines
    blank_before: bool  # a blank line separates it from the previous one
    words: int
    kind: str = SHORT
    lower_ratio: float = -1.0  # share of cased words that start lower-case; -1 when unknown (no case, too short)
    stop_ratio: float = -1.0  # share of function words; -1 when not measured
    ends_sentence: bool = False
    repeats: int = 1  # how many times the same line occurs on the page


def normalise(text: str) -> str:
    """Unix line ends, plain spaces, no invisible characters, no runs of spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", _ODD_SPACES.sub(" ", text))
    return _SPACE_RUN.sub(" ", text)


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of normalised text, stripped, each measured and classified."""
    lines: list[Line] = []
    shapes: dict[str, tuple[int, float, float, bool, str]] = {}  # pages repeat menus: measure each text once
    blank = True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        shape = shapes.get(stripped)
        if shape is None:
            shape = shapes[stripped] = _measure(stripped)
        words, lower_ratio, stop_ratio, ends_sentence, kind = shape
        lines.append(Line(stripped, len(lines), blank, words, kind, lower_ratio, stop_ratio, ends_sentence))
        blank = False
    counts = Counter(line.text.lower() for line in lines)
    for line in lines:
        line.repeats = counts[line.text.lower()]
    return lines


def _measure(text: str) -> tuple[int, float, float, bool, str]:
    """(words, lower_ratio, stop_ratio, ends_sentence, kind) of one stripped line."""
    words = text.count(" ") + 1
    if _CJK.search(text, 0, 2000):
        # Scripts without spaces: two ideographs carry roughly one word.
        words = max(words, len(_CJK.findall(text)) // 2)
    lower_ratio = stop_ratio = -1.0
    if words >= 3:
        # First letters of the words: their case tells prose ("the mayor said") from menus ("Local News").
        tokens = text.split(" ", 2000)[:2000]
        initials = "".join([t[0] if t[0].isalpha() else t[1:2] for t in tokens if t])
        lower = sum(map(str.islower, initials))
        cased = lower + sum(map(str.isupper, initials))
        lower_ratio = lower / cased if cased >= 3 else -1.0
    if 4 <= words <= 40:
        plain = text.lower().split()
        stop_ratio = sum(map(STOP_WORDS.__contains__, map(methodcaller("strip", _PUNCT), plain))) / len(plain)
    ends_sentence = bool(_SENTENCE_END.search(text, max(0, len(text) - 12)))
    return words, lower_ratio, stop_ratio, ends_sentence, _classify(text, words, lower_ratio, stop_ratio, ends_sentence)


def _classify(text: str, words: int, lower_ratio: float, stop_ratio: float, ends_sentence: bool) -> str:
    if words <= 6 and _NOISE_LINE.match(text):
        return NOISE
    if len(text) <= 80:
        bare = text.rstrip(":").strip()
        if _END_LINE.match(bare):
            return END
        if _SOFT_END_LINE.match(bare):
            return SOFT_END
    if len(text) < 300 and (_is_copyright(text) or _is_comment_head(text)):
        return END
    if len(text) < 2000:
        low = text.lower()
        if ("cookie" in low or "site" in low or "terms of" in low or "privacy" in low) and _SITE_NOTICE.search(text):
            return NOTICE
    cased_ok = lower_ratio < 0 or lower_ratio >= 0.45
    if words >= 12 and _punctuation(text) * 30 < words:
        # A tag cloud or keyword list: many words, hardly any punctuation or function words.
        return SHORT
    if words >= 12 and cased_ok and (ends_sentence or words >= 25 or _has_inner_sentence(text)):
        return PROSE
    if words >= 25 and lower_ratio >= 0.3:
        return PROSE
    # A short sentence counts only when it reads like one: function words, not a string of names.
    if words >= 5 and ends_sentence and cased_ok and (stop_ratio != 0.0 or lower_ratio < 0):
        return NEAR
    return SHORT


def _punctuation(text: str) -> int:
    return len(text) - len(text.translate(_DROP_PUNCT))


def _has_inner_sentence(text: str) -> bool:
    return len(text) < 5000 and _INNER_SENTENCE.search(text) is not None


def is_noise(text: str) -> bool:
    return text.count(" ") <= 5 and bool(_NOISE_LINE.match(text))


def is_end_marker(text: str) -> bool:
    if len(text) > 130:
        return False
    bare = text.rstrip(":").strip()
    return bool(_END_LINE.match(bare) or _SOFT_END_LINE.match(bare))


def weight(line: Line) -> float:
    """What a line adds to a run of story lines: its length when prose, a cost when it is page furniture."""
    n = len(line.text)
    if line.kind == PROSE:
        return float(n)
    if line.kind == NEAR:
        return n * (0.4 if line.repeats == 1 else -0.5)
    if line.kind == END:
        return -1500.0
    if line.kind == SOFT_END:
        return -SOFT_END_COST
    if line.kind == NOISE:
        return -15.0
    if line.kind == NOTICE:
        return -(100.0 + n)
    if menu_like(line):
        return -(20.0 + n * 0.2 + (25.0 if line.repeats > 1 else 0.0))
    # Short lines written like text (list items, subheadings, table rows) cost little inside a story.
    return -(6.0 + n * 0.1)


def menu_like(line: Line) -> bool:
    """A navigation entry or headline link: a few capitalised words, no sentence punctuation."""
    if line.ends_sentence or line.words > 12:
        return False
    if line.words <= 3:
        return True
    return 0 <= line.lower_ratio < 0.5


def best_span(weights: list[float]) -> tuple[int, int, float]:
    """The run of lines [start, end) whose weights add up to the most (Kadane), and that sum."""
    best, best_start, best_end = 0.0, 0, 0
    run, run_start = 0.0, 0
    for i, w in enumerate(weights):
        if run <= 0:
            run, run_start = 0.0, i
        run += w
        if run > best:
            best, best_start, best_end = run, run_start, i + 1
    return best_start, best_end, best
