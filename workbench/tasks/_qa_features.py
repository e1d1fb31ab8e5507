"""Extractive QA features: (question, context) pairs cut into overlapping windows, answer characters mapped to
token positions, and back from the best start/end logits to a character span of the context.

A window holds [CLS] question [SEP] context-piece [SEP]; consecutive windows of one context overlap by
`doc_stride` tokens. Each feature row keeps the character offsets of its context tokens (None elsewhere), so a
token span maps back to the exact characters of the original context.
"""

from __future__ import annotations

import torch


def cut_questions(tokenizer, questions: list[str], max_tokens: int) -> tuple[list[str], int, int]:
    """Questions cut to at most `max_tokens` tokens (at a token boundary).
    Returns (questions, tokens of the longest one after cutting, how many were cut)."""
    enc = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
    out, longest, n_cut = [], 0, 0
    for q, offsets in zip(questions, enc["offset_mapping"]):
        if len(offsets) > max_tokens:
            q, n_cut = q[:offsets[max_tokens - 1][1]], n_cut + 1
        out.append(q)
        longest = max(longest, min(len(offsets), max_tokens))
    return out, longest, n_cut


def windows(tokenizer, examples: list[dict], max_length: int, stride: int) -> list[dict]:
    """Feature rows for examples {"question", "context", "answer_start"?, "answer_text"?} (a train/eval answer
    or none). Each row: input_ids, attention_mask[, token_type_ids], start_positions, end_positions (the answer's
    first/last token, or the [CLS] index when the answer is not inside this window or not given), `example` (the
    index into `examples`) and `offsets` ((start, end) characters of each context token, None elsewhere)."""
    enc = tokenizer([e["question"] for e in examples], [e["context"] for e in examples], truncation="only_second",
                    max_length=max_length, stride=stride, return_overflowing_tokens=True,
                    return_offsets_mapping=True)
    keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
    rows = []
    for i, ex_index in enumerate(enc["overflow_to_sample_mapping"]):
        ex = examples[ex_index]
        seq = enc.sequence_ids(i)
        offsets = [tuple(o) if s == 1 else None for o, s in zip(enc["offset_mapping"][i], seq)]
        ids = enc["input_ids"][i]
        cls = ids.index(tokenizer.cls_token_id) if tokenizer.cls_token_id in ids else 0
        start = end = cls
        if ex.get("answer_text"):
            start, end = answer_tokens(offsets, ex["answer_start"], ex["answer_start"] + len(ex["answer_text"]), cls)
        rows.append({**{k: enc[k][i] for k in keys}, "start_positions": start, "end_positions": end,
                     "example": ex_index, "offsets": offsets})
    return rows


def answer_tokens(offsets: list, start_char: int, end_char: int, cls: int) -> tuple[int, int]:
    """(first, last) token of the characters [start_char, end_char) in a window, or (cls, cls) when the window does
    not hold the whole answer."""
    ctx = [k for k, o in enumerate(offsets) if o is not None]
    if not ctx or offsets[ctx[0]][0] > start_char or offsets[ctx[-1]][1] < end_char:
        return cls, cls
    first = next(k for k in ctx if offsets[k][1] > start_char)     # first token that ends after the start
    last = next(k for k in reversed(ctx) if offsets[k][0] < end_char)
    return first, last


def best_spans(rows: list[dict], start_logits: list[torch.Tensor], end_logits: list[torch.Tensor],
               n_examples: int, n_best: int, max_answer_tokens: int) -> list[dict | None]:
    """The best answer of each example over all its windows: the context span (start <= end, at most
    `max_answer_tokens` tokens) with the highest start + end logit among the `n_best` best starts and ends of each
    window. Returns per example {"start", "end" (characters), "score" (logit sum), "probability" (softmax over the
    example's candidate spans)} or None when no window has a valid span."""
    cands: list[list[tuple[float, int, int]]] = [[] for _ in range(n_examples)]
    for row, s, e in zip(rows, start_logits, end_logits):
        offsets = row["offsets"]
        ctx = torch.tensor([o is not None for o in offsets])
        s = s[:len(offsets)].float().masked_fill(~ctx, float("-inf"))     # only context tokens may answer
        e = e[:len(offsets)].float().masked_fill(~ctx, float("-inf"))
        k = min(n_best, int(ctx.sum()))
        if k == 0:
            continue
        ts, te = s.topk(k).indices, e.topk(k).indices                    # (k,), (k,)
        scores = s[ts][:, None] + e[te][None, :]                          # (k,k): start i, end j
        valid = (te[None, :] >= ts[:, None]) & (te[None, :] < ts[:, None] + max_answer_tokens)
        for a, b in valid.nonzero().tolist():
            i, j = int(ts[a]), int(te[b])
            cands[row["example"]].append((float(scores[a, b]), offsets[i][0], offsets[j][1]))
    out = []
    for c in cands:
        if not c:
            out.append(None)
            continue
        scores = torch.tensor([x[0] for x in c])
        best = int(scores.argmax())
        out.append({"start": c[best][1], "end": c[best][2], "score": c[best][0],
                    "probability": float(scores.softmax(0)[best])})
    return out
