"""A new day's postings appended to the entries the last build kept, as text: a common term is not encoded again.

On a day that only adds papers (every paper of the last build keeps its number and its text; the new ones come
last: outputs/search numbered), a term's new entry is its old entry with the new papers' postings after each
field's: the new papers have higher numbers, so each list only grows at its end. Encoding the entries of the
day's terms whole cost most of a new day's search stage ("model" lists nearly every paper); here the new
papers' own entries are encoded (index.sorted_arrays over them alone, numbered from the first new paper), and
joined to the old text. Document lists are delta-encoded, so the first new delta is taken from the last old
paper of that field. The result is the text encoding the whole entry gives (tests/test_search_kept.py compares
the index with one built without the cache).

Entry shapes (shards.py): a term entry is [term, docs, counts, lengths, ...] per field, flat lists of integers,
trailing empty fields left out; a position entry is [term, docs, positions, ...] per position field, positions a
list of flat lists, every field present.
"""

from __future__ import annotations

from site_src.outputs.search.shards import Encoded, encoded, encode


def _prefix(term: str) -> str:
    return "[" + encode(term) + ","


def _flat(entry: str, term: str) -> list[str]:
    """The bodies of a term entry's flat lists, in order ("" for an empty list)."""
    return entry[len(_prefix(term)) + 1 : -2].split("],[")


def _after(old_docs: str, new_docs: str, last: int) -> str:
    """Delta-encoded document lists, the new one's first number absolute, as one list's body (`last`: the old
    list's highest document number, the sum of its deltas)."""
    if not old_docs:
        return new_docs
    if not new_docs:
        return old_docs
    first, comma, rest = new_docs.partition(",")
    return f"{old_docs},{int(first) - last}{comma}{rest}"


def _joined(old: str, new: str) -> str:
    return old + "," + new if old and new else old or new


def term_entry(old: str, new: str, term: str, last: list[int]) -> str:
    """The term entry of the old papers and the new ones, from their two entries (`last`: the old papers' highest
    document number with the term, by field)."""
    a, b = _flat(old, term), _flat(new, term)
    width = max(len(a), len(b))
    a += [""] * (width - len(a))
    b += [""] * (width - len(b))
    bodies = []
    for at in range(0, width, 3):
        bodies += [_after(a[at], b[at], last[at // 3]), _joined(a[at + 1], b[at + 1]), _joined(a[at + 2], b[at + 2])]
    return _prefix(term) + "[" + "],[".join(bodies) + "]]"


def _pairs(entry: str, term: str) -> list[tuple[str, str]]:
    """A position entry's (docs body, positions body) per field: the positions body is the inner lists with
    their brackets, "[1,2],[3]" ("" for none)."""
    at, pairs = len(_prefix(term)), []
    while at < len(entry) - 1:
        end = entry.index("]", at)
        docs = entry[at + 1 : end]
        at = end + 2
        if entry.startswith("[]", at):
            positions, at = "", at + 3
        else:
            end = entry.index("]]", at)
            positions, at = entry[at + 1 : end + 1], end + 3
        pairs.append((docs, positions))
    return pairs


def position_entry(old: str, new: str, term: str, last: list[int]) -> str:
    """The position entry of the old papers and the new ones, from their two entries (`last`: the old papers'
    highest document number with the term, by position field)."""
    fields = [
        f"[{_after(old_docs, new_docs, end)}],[{_joined(old_at, new_at)}]"
        for (old_docs, old_at), (new_docs, new_at), end in zip(_pairs(old, term), _pairs(new, term), last, strict=True)
    ]
    return _prefix(term) + ",".join(fields) + "]"


def appended(old: dict[str, Encoded], new: dict[str, str], join, last: dict[str, list[int]]) -> dict[str, Encoded]:
    """Every term of `new` (the new papers' entries, by term): its entry joined to its old one (`join`:
    term_entry or position_entry, given the term's `last` old document numbers) where `old` has one, else as it
    is; encoded."""
    whole = {}
    for term, entry in new.items():
        before = old.get(term)
        whole[term] = entry if before is None else join(str(before[0], "utf-8"), entry, term, last[term])
    return encoded(whole)
