"""BERT-style masking for masked language modelling, and the text-to-examples helpers shared by the plain-text
objectives (masked_lm, denoising, contrastive).

Masking (Devlin et al. 2019): in every sequence, round(15 %) of the maskable tokens (at least one) are chosen
uniformly; a chosen token is replaced by the mask token with probability 0.8, by a random ordinary token with
probability 0.1, and left as it is with probability 0.1. Labels are the original ids at the chosen positions and
-100 elsewhere. Special tokens ([CLS], [SEP], padding...) are never chosen. Choosing an exact count per sequence
(as BERT's own data pipeline does) instead of an independent coin per token means no sequence is left without a
prediction target, which matters for short rows.

Randomness comes from a torch.Generator when one is given (fixed masks for evaluation), else from torch's global
RNG, which the trainer seeds and saves in every checkpoint: a resumed run masks exactly like an uninterrupted one.
"""

from __future__ import annotations

import torch

from ..data import require_columns
from ..errors import DataError
from ..data import column


class PlainText:
    """Data hooks of a task that reads one text column line by line (masked_lm, denoising): put it before Task
    in the bases."""

    def check(self, ds) -> None:
        col = self.data_cfg.text_column
        require_columns(ds, {"data.text_column": col})
        for split, part in ds.items():
            if not lines(part, col):
                raise DataError(f"the {split} data has no text in column {col!r}")

    def holdout(self, train, n_val: int, seed: int):
        # Rows of a text file are consecutive lines: hold out the tail so validation text stays contiguous.
        n = len(train)
        return train.select(range(n - n_val)), train.select(range(n - n_val, n))

    def tokenizer_texts(self, ds):
        return lines(ds["train"], self.data_cfg.text_column)


def mask_tokens(input_ids: torch.Tensor, never: torch.Tensor, mask_id: int, random_ids: torch.Tensor,
                prob: float = 0.15, generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """input_ids (B, T) int64; never (B, T) bool: positions that must not be chosen (special tokens, padding);
    random_ids (R,) the ids random replacements are drawn from. Returns (masked input_ids, labels), both (B, T)."""
    B, T = input_ids.shape
    eligible = ~never
    n = eligible.sum(1)                                                    # (B,) maskable tokens per row
    k = torch.where(n > 0, torch.clamp(torch.floor(n * prob + 0.5), min=1), torch.zeros_like(n))   # (B,)
    # choose k[b] eligible positions uniformly: rank random scores, ineligible positions rank last
    scores = torch.rand(B, T, generator=generator).masked_fill(never, 2.0)
    ranks = scores.argsort(dim=1).argsort(dim=1)
    chosen = (ranks < k[:, None]) & eligible
    labels = torch.where(chosen, input_ids, torch.full_like(input_ids, -100))
    u = torch.rand(B, T, generator=generator)
    to_mask = chosen & (u < 0.8)
    to_random = chosen & (u >= 0.8) & (u < 0.9)                            # the remaining 10 % stay unchanged
    replacement = random_ids[torch.randint(len(random_ids), (B, T), generator=generator)]
    out = torch.where(to_mask, torch.full_like(input_ids, mask_id), input_ids)
    out = torch.where(to_random, replacement, out)
    return out, labels


def ordinary_ids(tokenizer) -> torch.Tensor:
    """Every vocabulary id that is not a special token (what random replacements are drawn from)."""
    special = set(tokenizer.all_special_ids)
    return torch.tensor([i for i in range(len(tokenizer)) if i not in special])


def special_mask(input_ids: torch.Tensor, tokenizer, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """(B, T) bool: special tokens and padding."""
    never = torch.isin(input_ids, torch.tensor(sorted(set(tokenizer.all_special_ids))))
    return never | (attention_mask == 0) if attention_mask is not None else never


# ---- text to token examples ----------------------------------------------------------------------------------
def lines(part, column_name: str) -> list[str]:
    """The non-empty texts of a column (one example or passage per row / line of a .txt file)."""
    return [t for t in column(part, column_name) if isinstance(t, str) and t.strip()]


def frame(tokenizer) -> tuple[list[int], list[int]]:
    """The special tokens the tokenizer puts before and after a single sequence: ([CLS], [SEP]) for BERT,
    ([<s>], [</s>]) for RoBERTa/BART, ([], [</s>]) for T5, ([], []) for GPT-2."""
    bare = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    for i in range(len(full) - len(bare) + 1):
        if full[i:i + len(bare)] == bare:
            return full[:i], full[i + len(bare):]
    return [], []


def examples(tokenizer, texts: list[str], max_length: int, packing: bool, framed: bool = True) -> list[list[int]]:
    """Token ids per example, framed with the tokenizer's special tokens (unless framed=False), at most
    max_length tokens. packing: the texts are one stream cut into blocks (the short tail block is kept when it has
    at least 2 tokens); else one example per text, truncated."""
    if not packing:
        enc = tokenizer(texts, truncation=True, max_length=max_length, add_special_tokens=framed)
        return [ids for ids in enc["input_ids"] if ids]
    stream = [t for ids in tokenizer(texts, add_special_tokens=False)["input_ids"] for t in ids]
    before, after = frame(tokenizer) if framed else ([], [])
    size = max_length - len(before) - len(after)
    return [before + stream[s:s + size] + after for s in range(0, len(stream), size)
            if len(stream[s:s + size]) >= 2]
