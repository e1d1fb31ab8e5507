"""Extractive question answering: the answer is a span of the context. Reads SQuAD v1.1 JSON and SQuAD-style
files (XQuAD, CMRC 2018; flat JSON/JSONL rows too). Head: AutoModelForQuestionAnswering (start/end logits).

Long contexts are cut into windows of data.max_length tokens overlapping by `doc_stride`; a training window that
does not hold the answer points at [CLS]. Answers whose answer_start is wrong are repaired when their text occurs
in the context, else skipped, and the counts are logged. Prediction: the best span (start <= end, at most
`max_answer_length` tokens) over the n-best start/end logits of every window, mapped back to the exact
characters of the context. Metrics: exact match and F1 (SQuAD v1.1 rules; CMRC 2018 character rules for Chinese
contexts) and the loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from datasets import Dataset

from .. import formats
from ..data import column
from ..errors import DataError
from ..metrics import squad_em_f1
from ..options import knob
from . import TASKS, _qa_features, _spans
from .base import Prediction, Task, autocast_of, length_order, model_device, pad_batch

MODEL_KEYS = ("input_ids", "attention_mask", "token_type_ids")


@TASKS.register("qa")
class QuestionAnswering(Task):
    order = 30
    reads = "SQuAD v1.1 JSON (XQuAD, CMRC 2018) or flat JSON/JSONL rows; long contexts in overlapping windows"
    reports = "F1, exact match (CMRC character rules for Chinese)"
    summary = "Extractive question answering: find the answer span in a context (SQuAD, CMRC 2018)."
    zh = {"summary": "抽取式问答：在上下文中找出答案片段（SQuAD、CMRC 2018）。"}
    families = ("encoder",)
    auto_class = "AutoModelForQuestionAnswering"
    main_metric = "f1"
    greater_is_better = True
    peft_task_type, new_head = "QUESTION_ANS", True
    pipeline_tag = "question-answering"
    input_kind = "qa"

    @dataclass
    class Options:
        doc_stride: int = knob(128, "Tokens shared by consecutive windows of a long context (data.max_length is "
                               "the window size).", min=0, max=8192)
        max_answer_length: int = knob(30, "Longest answer, in tokens, considered when picking the span.",
                                      min=1, max=4096)
        max_question_length: int = knob(64, "Questions longer than this many tokens are cut.", min=4, max=4096,
                                        advanced=True)
        n_best: int = knob(20, "Best start and end positions per window combined into candidate spans.",
                           min=1, max=200, advanced=True)

        zh = {   # the knobs' (label, help) in Chinese
            "doc_stride": ("文档步长", "长上下文相邻窗口之间共享的词元数（窗口大小为 data.max_length）。"),
            "max_answer_length": ("最大答案长度", "选取答案片段时考虑的最长答案（词元数）。"),
            "max_question_length": ("最大问题长度", "超过这么多词元的问题会被截断。"),
            "n_best": ("候选数 n_best", "每个窗口中组合成候选片段的最佳起止位置数。"),
        }

    # ---- data ---------------------------------------------------------------------------------------------
    def read(self, path: str, fmt: str):
        if fmt not in ("json", "jsonl", "squad"):
            return None    # csv/tsv/parquet with context, question and answer columns: see examples()
        try:
            return Dataset.from_list(formats.read_squad(path))
        except ValueError as e:
            raise DataError(str(e)) from None

    def check(self, ds) -> None:
        for split, part in ds.items():
            rows = examples(part, split)
            if not rows:
                raise DataError(f"the {split} data has no questions")
            blank = [i for i, r in enumerate(rows) if not r["question"].strip() or not r["context"].strip()]
            if blank and not self.data_cfg.skip_empty:
                raise DataError(f"{len(blank)} row(s) of the {split} data have an empty question or context (first "
                                f"at row {blank[0] + 1}); fix them or set data.skip_empty: true to drop them")
            good, counts = formats.check_answers(rows)
            if split == "train" and not good:
                raise DataError(f"no training question of data.train ({self.data_cfg.train}) has an answer found "
                                "in its context (answers must be spans of the context, with answer_start their "
                                "character offset); check the answers in that file")
            if split != "train" and not any(r["answers"]["text"] for r in rows):
                raise DataError(f"the {split} data has no reference answers to score against; give SQuAD-style "
                                "answers ({text, answer_start}) for its questions")
            bad = counts["repaired"] + counts["dropped"]
            if bad and split == "train":
                self.warnings.append(f"train data: {counts['repaired']} of {counts['answers']} answers had a wrong "
                                     f"answer_start and were moved to where their text occurs; {counts['dropped']} "
                                     f"do not occur in the context and were skipped ({counts['questions_dropped']} "
                                     "questions left without an answer are not trained on)")
            elif counts["dropped"]:
                self.warnings.append(f"{split} data: {counts['dropped']} of {counts['answers']} reference answers do "
                                     "not occur in their context; they still count as references for EM/F1")

    def holdout(self, train, n_val: int, seed: int):
        """Hold out whole paragraphs (all questions on one context go to the same side), seeded."""
        contexts = column(train, "context") if "context" in train.column_names else None
        if contexts is None:
            return super().holdout(train, n_val, seed)
        return split_by_context(contexts, n_val, seed, train)

    def tokenizer_texts(self, ds):
        rows = examples(ds["train"], "train")
        return [r["context"] for r in {r["context"]: r for r in rows}.values()] + [r["question"] for r in rows]

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        rows = [r for r in examples(ds, split) if r["question"].strip() and r["context"].strip()]
        fixed, _ = formats.check_answers(rows, drop_empty=False)      # answers at their (repaired) offsets
        if split == "train":
            keep = [i for i, r in enumerate(fixed) if r["answers"]["text"]]
            rows, fixed = [rows[i] for i in keep], [fixed[i] for i in keep]
        feats = self.features(rows, [r["answers"] for r in fixed], split)
        return feats

    def features(self, rows: list[dict], answers: list[dict] | None, split: str) -> list[dict]:
        """Window feature rows for examples {"question", "context", "answers"?}; each keeps its example's
        question, context and reference answers for post-processing."""
        o, tok, max_len = self.opts, self.tokenizer, self.data_cfg.max_length
        free = max_len - tok.num_special_tokens_to_add(pair=True)       # tokens for question + context
        cap = max(1, min(o.max_question_length, free // 2))              # a question never takes over the window
        questions, longest, n_cut = _qa_features.cut_questions(tok, [r["question"] for r in rows], cap)
        if n_cut:
            self.warnings.append(f"{n_cut} question(s) of the {split} data are longer than {cap} tokens "
                                 "(task.max_question_length, at most half the window) and were cut")
        stride = o.doc_stride
        if stride >= (free - longest) // 2:   # windows must advance: overlap at most half the context room
            stride = max(0, (free - longest) // 2 - 1)
            self.warnings.append(f"task.doc_stride={o.doc_stride} leaves windows of data.max_length={max_len} "
                                 f"tokens too little room to move on (the longest {split} question takes {longest}); "
                                 f"using {stride}: raise data.max_length (384 is usual) or lower doc_stride")
        inputs = []
        for r, q, a in zip(rows, questions, answers or [None] * len(rows)):
            first = {"answer_text": a["text"][0], "answer_start": a["answer_start"][0]} if a and a["text"] else {}
            inputs.append({"question": q, "context": r["context"], **first})
        feats = _qa_features.windows(tok, inputs, max_len, stride)
        for f in feats:
            r = rows[f["example"]]
            f.update(question=r["question"], context=r["context"], golds=r.get("answers", {}).get("text", []))
        return feats

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        keys = [k for k in (*MODEL_KEYS, "start_positions", "end_positions") if k in rows[0]]
        return pad_batch([{k: r[k] for k in keys} for r in rows], {"input_ids": self.tokenizer.pad_token_id})

    # ---- evaluation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def answers(self, model, rows: list[dict], batch_size: int, ctx=None, with_loss: bool = False):
        """Best answer per example (see _qa_features.best_spans), in example order, and the mean loss."""
        device, order = model_device(model), length_order(rows)
        starts: list = [None] * len(rows)
        ends: list = [None] * len(rows)
        loss_sum = 0.0
        for s in range(0, len(rows), batch_size):
            idx = order[s:s + batch_size]
            batch = {k: v.to(device) for k, v in self.collate([rows[i] for i in idx]).items()}
            if not with_loss:
                batch = {k: v for k, v in batch.items() if k in MODEL_KEYS}
            with autocast_of(ctx):
                out = model(**batch)
            if with_loss:
                loss_sum += out.loss.float().item() * len(idx)
            for b, i in enumerate(idx):
                starts[i], ends[i] = out.start_logits[b].float().cpu(), out.end_logits[b].float().cpu()
        n_examples = max(r["example"] for r in rows) + 1 if rows else 0
        best = _qa_features.best_spans(rows, starts, ends, n_examples, self.opts.n_best, self.opts.max_answer_length)
        return best, (loss_sum / len(rows) if with_loss and rows else None)

    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        best, loss = self.answers(model, rows, batch_size, ctx, with_loss=True)
        first = {}
        for r in rows:
            first.setdefault(r["example"], r)
        preds, refs, predictions = {}, {}, []
        for ex in sorted(first):
            r, b = first[ex], best[ex]
            text = r["context"][b["start"]:b["end"]] if b else ""
            preds[str(ex)] = text
            if r["golds"]:
                refs[str(ex)] = r["golds"]
            predictions.append(self._prediction(r, b, gold=r["golds"]))
        lang = "zh" if np.mean([_spans.cjk_share(first[e]["context"]) for e in list(first)[:500]]) > 0.3 else "en"
        metrics = squad_em_f1(preds, refs, lang) if refs else {}
        metrics["loss"] = loss
        return metrics, predictions

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        """Inputs: {"question": ..., "context": ...} dicts. The answer comes with its character offsets."""
        rows = []
        for i, x in enumerate(inputs):
            if not isinstance(x, dict) or not isinstance(x.get("question"), str) or not isinstance(x.get("context"),
                                                                                                  str):
                raise DataError(f"QA input {i + 1} must be {{'question': ..., 'context': ...}}, got {x!r}")
            rows.append({"question": x["question"], "context": x["context"]})
        feats = self.features(rows, None, "input")
        best, _ = self.answers(model, feats, 32, ctx)
        best += [None] * (len(rows) - len(best))
        return [self._prediction(r, b) for r, b in zip(rows, best)]

    def _prediction(self, row: dict, best: dict | None, gold=None) -> Prediction:
        if best is None:
            return Prediction("", None, {"answer": "", "start": None, "end": None, "question": row["question"],
                                         "context": row["context"], **({"gold": gold} if gold is not None else {})})
        text = row["context"][best["start"]:best["end"]]
        detail = {"answer": text, "start": best["start"], "end": best["end"], "score": best["score"],
                  "question": row["question"], "context": row["context"]}
        if gold is not None:
            detail["gold"] = gold
        return Prediction(text, best["probability"], detail)

    def example_inputs(self, ds, n=3):
        return [{"question": r["question"], "context": r["context"]} for r in examples(ds, "examples")[:n]]


def examples(part, split: str) -> list[dict]:
    """Rows {"id", "question", "context", "answers": {"text": [...], "answer_start": [...]}} of a split. Answers come
    from an `answers` column (SQuAD dicts or lists of {text, answer_start}) or from `answer`/`answer_text` and
    `answer_start` columns."""
    cols = part.column_names
    missing = [c for c in ("question", "context") if c not in cols]
    text_col = next((c for c in ("answer_text", "answer") if c in cols), None)
    if missing or ("answers" not in cols and not (text_col and "answer_start" in cols)):
        raise DataError(f"the {split} data needs 'question', 'context' and 'answers' columns (or 'answer' and "
                        f"'answer_start'); its columns are: {', '.join(cols)}. SQuAD JSON files are read that way.")
    out = []
    for i, row in enumerate(part):
        if "answers" in cols:
            a = row["answers"] or {}
            if isinstance(a, list):
                a = {"text": [x.get("text") for x in a], "answer_start": [x.get("answer_start") for x in a]}
            texts, starts = list(a.get("text") or []), list(a.get("answer_start") or [])
        else:
            texts, starts = [row[text_col]], [row["answer_start"]]
        ok = [(t, int(s)) for t, s in zip(texts, starts) if isinstance(t, str) and t and s is not None and s == s]
        out.append({"id": str(row.get("id", i)), "question": str(row["question"] or ""),
                    "context": str(row["context"] or ""),
                    "answers": {"text": [t for t, _ in ok], "answer_start": [s for _, s in ok]}})
    return out


def split_by_context(contexts: list[str], n_val: int, seed: int, ds=None):
    """Seeded paragraph-level split: shuffled distinct contexts go to the held-out side until it has at least n_val
    rows. Returns (train, held-out) Datasets when `ds` is given, else (train indices, held-out indices)."""
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(contexts):
        groups.setdefault(c, []).append(i)
    keys = list(groups)
    order = np.random.default_rng(seed).permutation(len(keys))
    held: list[int] = []
    for k in order:
        if len(held) >= n_val or len(held) + len(groups[keys[k]]) >= len(contexts):
            break
        held += groups[keys[k]]
    held_set = set(held)
    train_idx = [i for i in range(len(contexts)) if i not in held_set]
    if ds is None:
        return train_idx, sorted(held)
    return ds.select(train_idx), ds.select(sorted(held))
