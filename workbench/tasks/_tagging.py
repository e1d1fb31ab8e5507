"""Tag sequences for token classification: finding the token and tag columns of a split, the tagging scheme and
the tags each scheme uses."""

from __future__ import annotations

from ..data import column
from ..errors import DataError
from ._crf import canonical_scheme, detect_scheme, split_tag

# Entity tag prefixes of each scheme, in the order the label list uses (after "O").
PREFIXES = {"IOB2": ("B", "I"), "IOB1": ("B", "I"), "IO": ("I",), "BIOES": ("B", "I", "E", "S"),
            "BMES": ("B", "M", "E", "S"), "BILOU": ("B", "I", "L", "U")}
_INSIDE = {"IOB2": "I", "IOB1": "I", "IO": "I", "BIOES": "I", "BMES": "M", "BILOU": "I"}


def resolve_scheme(option: str, tags: list[str]) -> str:
    """The scheme to use: the option when set, else detected from the tags; DataError for tags that fit no
    scheme (or not the chosen one)."""
    try:
        scheme = detect_scheme(tags) if option == "auto" else canonical_scheme(option)
        allowed = set(PREFIXES[scheme]) | {"O"}
        for tag in set(tags):
            prefix, _ = split_tag(tag)
            if prefix not in allowed:
                raise ValueError(f"tag {tag!r} does not fit the {scheme} scheme (prefixes "
                                 f"{', '.join(PREFIXES[scheme])} and O); set task.scheme to the scheme the data "
                                 "uses or fix the tag")
    except ValueError as e:
        raise DataError(str(e)) from None
    return scheme


def inside_tag(tag: str, scheme: str, names: list[str]) -> str:
    """The tag of a word's continuation pieces: B-X becomes the inside tag (I-X, M-X in BMES) when it exists;
    every other tag stays as it is."""
    if tag == "O" or tag[0] != "B":
        return tag
    inside = _INSIDE[scheme] + tag[1:]
    return inside if inside in names else tag


def _is_list(v) -> bool:
    return isinstance(v, (list, tuple))


def sentences(part, split: str, data_cfg) -> tuple[list[list[str]], list[list[str]]]:
    """(words, tags) of every row of a split. Columns: `tokens` (or data.text_column) and `tags` (or `ner_tags`,
    data.label_column); each holds a list per row or a whitespace-separated string. Integer tags are mapped
    through the column's ClassLabel names (Hugging Face datasets)."""
    cols = part.column_names
    tok_col = next((c for c in ("tokens", "words", data_cfg.text_column) if c in cols), None)
    tag_col = next((c for c in ("tags", "ner_tags", "labels", data_cfg.label_column) if c in cols), None)
    if tok_col is None or tag_col is None:
        raise DataError(f"the {split} data needs a 'tokens' column (the words of each sentence) and a 'tags' "
                        f"column (one tag per word); its columns are: {', '.join(cols)}. CoNLL files (token ... tag "
                        "per line) and JSON rows with tokens/tags lists are read that way.")
    feature = part.features[tag_col]
    names = getattr(getattr(feature, "feature", None), "names", None)
    words, tags = [], []
    for i, (w, t) in enumerate(zip(column(part, tok_col), column(part, tag_col))):
        w = list(w) if _is_list(w) else (w.split() if isinstance(w, str) else None)
        t = list(t) if _is_list(t) else (t.split() if isinstance(t, str) else None)
        if w is None or t is None:
            raise DataError(f"row {i + 1} of the {split} data: columns {tok_col!r} and {tag_col!r} must hold a list "
                            "(or a space-separated string) of words and of tags")
        if any(isinstance(x, int) and not isinstance(x, bool) for x in t):
            if not names:
                raise DataError(f"row {i + 1} of the {split} data has integer tags but no tag names; write the "
                                "tags as strings such as B-PER, I-PER, O")
            t = [names[x] if isinstance(x, int) else x for x in t]
        words.append([str(x) for x in w])
        tags.append([str(x).strip() for x in t])
    return words, tags
