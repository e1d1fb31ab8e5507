"""Corruption functions for the denoising objective: pure functions of a token id list and a random.Random.

    span_mask         T5 / BART text infilling: about `ratio` of the tokens, in spans of mean length `mean_span`,
                      are each replaced by one mask token (T5 sentinels <extra_id_0>, <extra_id_1>... when the
                      tokenizer has them, else its mask token). Span lengths are a random composition of the noise
                      count into round(noise / mean_span) parts, as in T5's random_spans_noise_mask.
    delete            every token is dropped with probability `ratio` (at least one token stays).
    word_shuffle      local shuffle of words (Lample et al. 2018): word i moves to the rank of i + U(0, k + 1),
                      so no word travels more than k positions; a word is a token that starts a word plus the
                      continuation pieces after it.
    sentence_shuffle  the sentences (cut after tokens ending in . ! ? 。！？) in a random order (BART).
"""

from __future__ import annotations

import random

KINDS = ("span_mask", "delete", "word_shuffle", "sentence_shuffle")
_SENTENCE_END = (".", "!", "?", "。", "！", "？")


def _composition(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` positive integers, uniformly among all such splits."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def span_mask(ids: list[int], rng: random.Random, mask_ids: list[int], ratio: float = 0.15,
              mean_span: float = 3.0) -> list[int]:
    """Replace random spans covering round(ratio * n) tokens (at least 1, at most n - 1) with one mask token each;
    span i gets mask_ids[i] (sentinels), or mask_ids[-1] once they run out (a single mask token)."""
    n = len(ids)
    if n < 2:
        return list(ids)
    noise = min(max(1, round(n * ratio)), n - 1)
    spans = min(max(1, round(noise / mean_span)), noise, n - noise)
    noise_lengths = _composition(noise, spans, rng)
    keep_lengths = _composition(n - noise, spans, rng)
    out, pos = [], 0
    for i, (keep, drop) in enumerate(zip(keep_lengths, noise_lengths)):   # keep, noise, keep, noise, ...
        out += ids[pos:pos + keep]
        out.append(mask_ids[min(i, len(mask_ids) - 1)])
        pos += keep + drop
    return out


def delete(ids: list[int], rng: random.Random, ratio: float = 0.15) -> list[int]:
    kept = [t for t in ids if rng.random() >= ratio]
    return kept or list(ids[:1])


def words(ids: list[int], starts_word) -> list[list[int]]:
    """Group token ids into words; starts_word(id) tells whether a token begins a new word."""
    out: list[list[int]] = []
    for t in ids:
        if not out or starts_word(t):
            out.append([t])
        else:
            out[-1].append(t)
    return out


def word_shuffle(ids: list[int], rng: random.Random, starts_word, window: int = 3) -> list[int]:
    groups = words(ids, starts_word)
    keys = [i + rng.uniform(0, window + 1) for i in range(len(groups))]
    order = sorted(range(len(groups)), key=lambda i: keys[i])
    return [t for i in order for t in groups[i]]


def sentences(ids: list[int], ends_sentence) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for t in ids:
        out[-1].append(t)
        if ends_sentence(t):
            out.append([])
    return [s for s in out if s]


def sentence_shuffle(ids: list[int], rng: random.Random, ends_sentence) -> list[int]:
    parts = sentences(ids, ends_sentence)
    rng.shuffle(parts)
    return [t for s in parts for t in s]


class Corruptor:
    """Applies a list of corruption kinds in order, with the vocabulary facts they need (mask ids, word and
    sentence boundaries) taken from a tokenizer once."""

    def __init__(self, tokenizer, kinds: list[str], ratio: float, mean_span: float, window: int):
        self.kinds, self.ratio, self.mean_span, self.window = list(kinds), ratio, mean_span, window
        vocab = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
        sentinels = [tokenizer.convert_tokens_to_ids(f"<extra_id_{i}>") for i in range(100)]
        sentinels = [s for s in sentinels if s is not None and s != tokenizer.unk_token_id]
        self.mask_ids = sentinels or [tokenizer.mask_token_id]
        wordpiece = any(isinstance(v, str) and v.startswith("##") for v in vocab)
        special = set(tokenizer.all_special_ids)
        self.word_start = [i in special or not isinstance(v, str) or
                           (not v.startswith("##") if wordpiece else v[:1] in ("Ġ", "▁", "Ċ", " ", "\n"))
                           for i, v in enumerate(vocab)]
        self.sentence_end = [isinstance(v, str) and v.rstrip().endswith(_SENTENCE_END) for v in vocab]

    def __call__(self, ids: list[int], rng: random.Random) -> list[int]:
        out = list(ids)
        for kind in self.kinds:
            if kind == "span_mask":
                out = span_mask(out, rng, self.mask_ids, self.ratio, self.mean_span)
            elif kind == "delete":
                out = delete(out, rng, self.ratio)
            elif kind == "word_shuffle":
                out = word_shuffle(out, rng, lambda t: self.word_start[t], self.window)
            elif kind == "sentence_shuffle":
                out = sentence_shuffle(out, rng, lambda t: self.sentence_end[t])
            else:
                raise ValueError(f"unknown corruption {kind!r}; choose from {', '.join(KINDS)}")
        return out
