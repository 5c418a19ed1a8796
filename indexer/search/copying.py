"""A segment copied into a merge's writer a bounded step at a time: its documents, then its postings.

What Whoosh's `add_reader` does for a merge, cut into steps so that the idle merge (see `merging`)
never holds the writer thread for a whole large segment: the live documents' stored fields, lengths
and columns DOCS a step, then the segment's postings into the writer's `TermPool` a whole term at a
time, pausing once a step has taken about `per_step` postings. Between steps the segment's reader
stays open; a term's postings still arrive in document order, segment after segment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterable
from typing import Any

from whoosh import columns

from indexer.search.lexicon import term_entries
from indexer.search.storage import _LENGTHS, _POSTING, BulkWriter, TermPool, _length_codes, _term_postings


def copy_steps(writer: BulkWriter, reader: Any, docs_per_step: int, per_step: int) -> Generator[str, None, list[int]]:
    """Append a segment's live documents to `writer`, pausing (a yield) after `docs_per_step` documents
    and after about `per_step` postings (0: no pause). Returns each of the segment's document numbers
    in the new segment (-1: deleted, not copied)."""
    writer._check_state()
    schema = writer.schema
    indexed = [name for name in reader.indexed_field_names() if name in schema]
    fieldnames = set(schema.names()) | set(indexed)
    count = reader.doc_count_all()
    new_of = [-1] * count
    pdw = writer.perdocwriter
    totals = pdw._fieldlengths
    cols: dict[str, Any] = {}
    for name in fieldnames:
        coltype = schema[name].column_type
        if coltype and reader.has_column(name):
            column = reader.column_reader(name, coltype)
            cols[name] = column.raw_column() if isinstance(column, columns.TranslatingColumnReader) else column
    done = 0
    for docnum, stored in reader.iter_docs():  # the live documents, as Whoosh's `write_per_doc` copies them
        new_of[docnum] = writer.docnum
        pdw.start_doc(writer.docnum)
        for name in fieldnames:
            field = schema[name]
            pdw.add_field(name, field, stored.get(name), reader.doc_field_length(docnum, name))
            if field.vector and reader.has_vector(docnum, name):
                pdw.add_vector_matcher(name, field, reader.vector(docnum, name, field.vector))
            if name in cols:
                pdw.add_column_value(name, field.column_type, cols[name][docnum])
        pdw.finish_doc()
        writer.docnum += 1
        done += 1
        if docs_per_step and done >= docs_per_step:
            done = 0
            yield "copy"
    # The copied documents' lengths were added up as kept, to about a word in eight (one byte); relevance
    # divides by a field's total, so carry the segment's exact total over instead (less the approximate
    # lengths of its deleted documents: the best there is).
    for name in list(totals):
        codes = Counter(_length_codes(reader, name, count))
        approximate = sum((_LENGTHS[code] or 0) * n for code, n in codes.items())
        totals[name] += reader.field_length(name) - approximate
    writer._added = True
    writer._merged = True  # no document may be added after a segment's postings
    yield from pool_steps(writer.pool, reader, indexed, new_of, per_step)
    return new_of


def pool_steps(
    pool: TermPool, reader: Any, fieldnames: Iterable[str], new_of: list[int], per_step: int
) -> Generator[str, None, None]:
    """Every posting of a segment's `fieldnames` into `pool`, renumbered by `new_of` (old document number
    to new, -1 for a deleted document, whose postings are dropped), pausing (a yield) after about
    `per_step` postings (0: no pause). A term's postings are read a block (or a term entry) at a time,
    not one call per posting as Whoosh's merge does."""
    wanted = set(fieldnames)
    terms_reader = reader._terms
    postfile = terms_reader._postfile
    pack = _POSTING.pack
    field = ""
    fieldterms: dict[str, bytearray] = {}
    codes = b""
    fmt: Any = None
    done = 0
    for fieldname, btext, entry in term_entries(terms_reader):
        if fieldname not in wanted:
            continue
        if fieldname != field:
            field = fieldname
            fieldterms = pool.fields.setdefault(fieldname, {})
            pool.fieldnames.add(fieldname)
            codes = _length_codes(reader, fieldname, len(new_of))
            fmt = reader.schema[fieldname].format
        ids, weights, values = _term_postings(postfile, entry, fmt)
        done += len(ids)
        record = b"".join(
            [
                pack(new_of[d], w, codes[d], len(v)) + v
                for d, w, v in zip(ids, weights, values, strict=True)
                if new_of[d] >= 0
            ]
        )
        if record:
            text = btext.decode("utf-8")
            buf = fieldterms.get(text)
            if buf is None:
                fieldterms[text] = bytearray(record)
                pool.size += 160
            else:
                buf += record
            pool.size += len(record)
        if per_step and done >= per_step:
            done = 0
            yield "copy"
