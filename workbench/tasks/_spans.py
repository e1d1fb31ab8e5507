"""Text <-> words <-> character spans, shared by token classification and QA.

Words of raw text: whitespace-separated, except that text with CJK characters is split into characters (Chinese
NER data such as Weibo NER is labelled per character). Entities are (type, first word, end word) spans read off a
tag sequence with the same strict rules as the metrics, then mapped to character offsets in the text.
"""

from __future__ import annotations

import re

from ..metrics import _bmes_to_bioes, _entity_set

# CJK ideographs (with extension A and compatibility forms), kana and hangul: scripts written without spaces.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def cjk_share(text: str) -> float:
    """Share of the non-space characters that are CJK (0 for empty text)."""
    chars = [c for c in text if not c.isspace()]
    return sum(bool(_CJK.match(c)) for c in chars) / len(chars) if chars else 0.0


def split_words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) character spans of raw text: one per non-space character when the text has CJK
    characters, else one per whitespace-separated word."""
    pattern = r"\S" if has_cjk(text) else r"\S+"
    return [(m.group(), m.start(), m.end()) for m in re.finditer(pattern, text)]


def join_words(words: list[str], sep: str) -> tuple[str, list[tuple[int, int]]]:
    """The text of a word list joined by `sep` ("" for character data, " " otherwise) and each word's span."""
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w) + len(sep)
    return sep.join(words), spans


def entity_spans(tags: list[str], scheme: str) -> list[tuple[str, int, int]]:
    """(type, first word, end word exclusive) of every entity in a tag sequence, in order. Strict rules as in
    metrics.entity_metrics: under IOB2, `O I-PER` is no entity."""
    name = scheme.strip().upper()
    seqs = [list(tags)]
    if name == "BMES":
        seqs, name = _bmes_to_bioes(seqs), "BIOES"
    return sorted(((t, s, e) for t, _, s, e in _entity_set(seqs, name)), key=lambda x: (x[1], x[2]))


def entities(tags: list[str], scheme: str, text: str, spans: list[tuple[int, int]]) -> list[dict]:
    """Entities with their text and character offsets into `text` (spans: each word's (start, end))."""
    out = []
    for typ, a, b in entity_spans(tags, scheme):
        start, end = spans[a][0], spans[b - 1][1]
        out.append({"type": typ, "text": text[start:end], "start": start, "end": end, "words": [a, b]})
    return out


def display(ents: list[dict]) -> str:
    """'PER: John Smith; LOC: Paris' (or '(no entities)')."""
    return "; ".join(f"{e['type']}: {e['text']}" for e in ents) or "(no entities)"
