"""A selection in the reader is a passage of the article's text, and a highlight is drawn where its quote is,
past the reader's header and whatever headings and captions the reader shows that the text does not hold."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from desktop.panes.reader import ReaderView
from desktop.panes.reader_highlights import body_start
from indexer.model import ArticleRecord, HighlightRecord

TEXT = (
    "The council said the bridge would close.\n\n"
    "Engineers disagreed.\n\n"
    "Later the council said the bridge would reopen in May, and the council said so twice."
)
HTML = (
    "<h2>Bridge works</h2>"
    "<p>The council said the bridge would close.</p>"
    "<figure><figcaption>the council said the bridge — a caption</figcaption></figure>"
    "<p>Engineers disagreed.</p>"
    "<p>Later the council said the bridge would reopen in May, and the council said so twice.</p>"
)


def record() -> ArticleRecord:
    return ArticleRecord(
        id=7,
        title="the council said the bridge",  # the phrase in the title too: the header is not the text
        authors=[],
        source="The Ledger",
        url="https://news.example/bridge",
        published="2024-05-01",
        modified=None,
        saved_at=None,
        imported_at="2024-05-02T00:00:00+00:00",
        language="en",
        format="html",
        text=TEXT,
        reader_html=HTML,
        lead_image_caption=None,
        word_count=30,
    )


def shown(qtbot) -> ReaderView:  # noqa: ANN001
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.show_article(record(), [])
    return reader


def select_occurrence(reader: ReaderView, phrase: str, n: int) -> None:
    """Select the n-th (0-based) occurrence of `phrase` in the reader's body, case-insensitively."""
    doc = reader.document()
    raw = doc.toRawText()
    body = body_start(doc)
    starts = []
    at = raw.lower().find(phrase.lower(), body)
    while at >= 0:
        starts.append(at)
        at = raw.lower().find(phrase.lower(), at + 1)
    cursor = QTextCursor(doc)
    cursor.setPosition(starts[n])
    cursor.setPosition(starts[n] + len(phrase), QTextCursor.MoveMode.KeepAnchor)
    reader.setTextCursor(cursor)


def test_the_same_words_again_are_the_same_occurrence_in_the_text(qtbot) -> None:  # noqa: ANN001
    reader = shown(qtbot)
    phrase = "the council said"
    # In the body: the first paragraph, the caption (not in the text), the last paragraph twice.
    select_occurrence(reader, phrase, 0)
    first = reader.selected_passage()
    assert first is not None and first.start == TEXT.lower().find(phrase)

    # In the body the caption's comes second; the text has no caption, so the third is the text's second.
    select_occurrence(reader, phrase, 2)
    passage = reader.selected_passage()
    assert passage is not None
    assert passage.start == TEXT.find("the council said the bridge would reopen")
    select_occurrence(reader, phrase, 3)
    passage = reader.selected_passage()
    assert passage is not None and passage.start == TEXT.find("the council said so twice")


def test_a_passage_across_paragraphs_keeps_the_texts_own_spacing(qtbot) -> None:  # noqa: ANN001
    reader = shown(qtbot)
    select_occurrence(reader, "disagreed.", 0)
    cursor = reader.textCursor()
    end = reader.document().toRawText().find("Later") + len("Later")
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    reader.setTextCursor(cursor)
    assert "\u2029" in cursor.selectedText()  # a paragraph break, as the document has it
    passage = reader.selected_passage()
    assert passage is not None
    assert passage.quote == "disagreed.\n\nLater"
    assert TEXT[passage.start :].startswith(passage.quote)


def test_the_header_and_a_caption_only_the_reader_shows_are_not_the_text(qtbot) -> None:  # noqa: ANN001
    reader = shown(qtbot)
    select_occurrence(reader, "a caption", 0)
    assert reader.selected_passage() is None
    cursor = QTextCursor(reader.document())
    cursor.setPosition(0)
    cursor.setPosition(len("the council"), QTextCursor.MoveMode.KeepAnchor)  # in the title, above the body
    reader.setTextCursor(cursor)
    assert reader.textCursor().selectionEnd() < body_start(reader.document())
    assert reader.selected_passage() is None


def test_highlights_are_drawn_on_their_own_occurrence(qtbot) -> None:  # noqa: ANN001
    reader = shown(qtbot)
    phrase = "the council said"
    last = TEXT.rfind(phrase)
    lost = HighlightRecord(2, 7, "words no version has", None, "2024-05-03", "reader", start=None)
    reader.set_highlights([HighlightRecord(1, 7, phrase, "why twice?", "2024-05-03", "reader", start=last), lost])
    start, end = reader.highlights.spans[1]
    raw = reader.document().toRawText()
    assert raw[start:end] == phrase
    # It is the last occurrence in the body, the same as in the text.
    assert raw.rfind(phrase) == start
    assert 2 not in reader.highlights.spans
    assert reader.highlight_under_cursor(start + 3).id == 1
    assert reader.highlight_under_cursor(body_start(reader.document())) is None
    assert reader.scroll_to_highlight(1) and reader.textCursor().position() == start


def test_a_selection_across_a_caption_highlights_the_text_around_it(qtbot) -> None:  # noqa: ANN001
    reader = shown(qtbot)
    select_occurrence(reader, "the bridge would close.", 0)
    cursor = reader.textCursor()
    end = reader.document().toRawText().find("Later the council") + len("Later the council")
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    reader.setTextCursor(cursor)
    assert "a caption" in cursor.selectedText()
    passage = reader.selected_passage()
    assert passage is not None
    assert passage.quote == "the bridge would close.\n\nEngineers disagreed.\n\nLater the council"
    assert TEXT[passage.start :].startswith(passage.quote)
    # Drawn again from the text's quote, over the caption between its words.
    reader.set_highlights([HighlightRecord(5, 7, passage.quote, None, "2024-05-03", "reader", start=passage.start)])
    start, end = reader.highlights.spans[5]
    assert (start, end) == (cursor.selectionStart(), cursor.selectionEnd())


def test_highlight_colours_are_readable_in_both_themes() -> None:
    from PySide6.QtGui import QColor

    from desktop import theme

    def luminance(name: str) -> float:
        c = QColor(name)
        channels = [v / 255 for v in (c.red(), c.green(), c.blue())]
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for dark in (False, True):
        back, fore = theme.highlight_colours(dark)
        light, deep = sorted((luminance(back), luminance(fore)), reverse=True)
        assert (light + 0.05) / (deep + 0.05) >= 7, (dark, back, fore)  # WCAG AAA for body text
        assert theme.highlight_colours(dark)[0] != theme.mark_colours(dark)[0]  # told apart from query words
