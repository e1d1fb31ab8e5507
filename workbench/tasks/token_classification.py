"""Token classification (named entities): one tag per word. Reads CoNLL column files (also Chinese character
files such as Weibo NER) and JSON/JSONL with tokens + tags; schemes BIO/IOB2, BIOES, BMES (IOB1, BILOU, IO on
request). Head: AutoModelForTokenClassification, optionally with a CRF on top (`model.crf: true`).

Sub-words: a word's label sits on its first sub-token, the other pieces get -100 (or, with
`label_all_subtokens`, the word's inside tag). A sentence longer than data.max_length is split into windows at
word boundaries, so no word is lost; predictions are put back together per sentence before scoring.
Metrics: entity-level precision/recall/F1 (strict, per type too) and token accuracy, on words.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from datasets import Dataset

from .. import formats
from ..errors import DataError, ModelError, UnseenLabel
from ..metrics import entity_metrics
from ..options import knob
from . import TASKS, _spans
from ._crf_model import CRFTagger, find_crf, load_crf, save_crf
from ._tagging import PREFIXES, inside_tag, resolve_scheme, sentences
from .base import Prediction, Task, autocast_of, length_order, model_device, pad_batch

MODEL_KEYS = ("input_ids", "attention_mask", "token_type_ids")


@TASKS.register("token_classification")
class TokenClassification(Task):
    order = 20
    reads = ("CoNLL column files (English or Chinese characters), JSON/JSONL tokens + tags; schemes "
             "IOB2/BIOES/BMES (IOB1, BILOU, IO on request); `model.crf: true` adds a CRF layer (Viterbi decoding)")
    reports = "entity F1 (seqeval strict), precision, recall, per type, token accuracy"
    summary = "Token classification (NER): one tag per word; BIO/BIOES/BMES schemes; optional CRF layer."
    zh = {"summary": "词元分类（NER）：为每个词打一个标签；支持 BIO/BIOES/BMES 标注体系；可选 CRF 层。"}
    families = ("encoder",)
    auto_class = "AutoModelForTokenClassification"
    main_metric = "f1"
    greater_is_better = True
    peft_task_type, new_head = "TOKEN_CLS", True
    pipeline_tag = "token-classification"
    input_kind = "text"

    @dataclass
    class Options:
        scheme: str = knob("auto", "Tagging scheme; 'auto' detects IOB2 (BIO), BIOES or BMES from the tags. IOB1 "
                           "looks like IOB2 and must be chosen explicitly.",
                           choices=("auto", "IOB2", "IOB1", "BIOES", "BMES", "BILOU", "IO"))
        label_all_subtokens: bool = knob(False, "Train on every sub-word piece (continuation pieces get the "
                                         "word's inside tag) instead of only the first piece; without a CRF.",
                                         advanced=True)

        zh = {   # the knobs' (label, help) in Chinese
            "scheme": ("标注体系", ("标注体系；'auto' 根据标签自动识别 IOB2（BIO）、BIOES 或 BMES。IOB1 看起来与 IOB2 "
                                "相同，必须显式选择。")),
            "label_all_subtokens": ("标注所有子词", ("在每个子词片段上训练（后续片段使用该词的内部标签），而不只是第一个"
                                               "片段；仅在不使用 CRF 时适用。")),
        }

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        self.label_names: list[str] = []
        self.scheme: str | None = None
        self.sep = " "            # how words join into text: "" for character-level (Chinese) data

    # ---- data ---------------------------------------------------------------------------------------------
    def read(self, path: str, fmt: str):
        try:
            if fmt == "conll" or (fmt == "txt" and formats.looks_like_conll(path)):
                rows = formats.read_conll(path)
            elif fmt in ("json", "jsonl"):
                rows = formats.read_token_json(path)
            elif fmt == "txt":
                raise DataError(f"{path} is not a CoNLL column file: token classification needs one 'token tag' "
                                "line per word (tag in the last column, e.g. 'Paris B-LOC') and a blank line "
                                "between sentences, or JSON rows with 'tokens' and 'tags' lists")
            else:
                return None   # csv/tsv/parquet: generic reader; columns are checked in check()
        except ValueError as e:
            raise DataError(str(e)) from None
        return Dataset.from_list(rows)

    def check(self, ds) -> None:
        all_tags = []
        for split, part in ds.items():
            if len(part) == 0:
                raise DataError(f"the {split} data has no sentences")
            words, tags = sentences(part, split, self.data_cfg)
            for i, (w, t) in enumerate(zip(words, tags)):
                if len(w) != len(t):
                    raise DataError(f"row {i + 1} of the {split} data has {len(w)} tokens but {len(t)} tags; every "
                                    "token needs exactly one tag")
            empty = [i for i, w in enumerate(words) if not w]
            if empty and not self.data_cfg.skip_empty:
                raise DataError(f"{len(empty)} sentence(s) of the {split} data are empty (first at row "
                                f"{empty[0] + 1}); remove them or set data.skip_empty: true to drop them")
            all_tags += [t for row in tags for t in row]
        self.scheme = resolve_scheme(self.opts.scheme, all_tags)
        self.fit_labels(ds["train"])
        for split in ("validation", "test"):
            if split in ds:
                unseen = sorted({t for row in sentences(ds[split], split, self.data_cfg)[1] for t in row}
                                - set(self.label_names))
                if unseen:
                    types = sorted({t[2:] for t in unseen})
                    raise DataError(f"the {split} data has entity types that never occur in training: "
                                    f"{', '.join(types[:8])} (tags {', '.join(unseen[:8])}); add training "
                                    "examples of them or map those tags to O")
        if self.opts.label_all_subtokens and self.model_cfg.crf:
            self.warnings.append("task.label_all_subtokens is ignored with model.crf: the CRF scores whole words "
                                 "(their first sub-token)")

    def fit_labels(self, train) -> None:
        words, tags = sentences(train, "train", self.data_cfg)
        flat = [t for row in tags for t in row]
        if self.scheme is None:
            self.scheme = resolve_scheme(self.opts.scheme, flat)
        # Every tag of every entity type seen in training (I-MISC even if only B-MISC occurred), "O" first.
        seps = {}
        for t in flat:
            if t != "O":
                seps.setdefault(t[2:], t[1])
        if not seps:
            raise DataError("every tag of the training data is O: there are no entities to learn; check the tag "
                            "column (the last column of a CoNLL file)")
        self.label_names = ["O"] + [f"{p}{seps[typ]}{typ}" for typ in sorted(seps) for p in PREFIXES[self.scheme]]
        flat_words = [w for row in words for w in row]
        one_char = sum(len(w) == 1 for w in flat_words)
        cjk = any(_spans.has_cjk(w) for w in flat_words[:5000])
        self.sep = "" if flat_words and cjk and one_char >= 0.9 * len(flat_words) else " "

    def tokenizer_texts(self, ds):
        words, _ = sentences(ds["train"], "train", self.data_cfg)
        return (self.sep.join(w) for w in words if w)

    # ---- model --------------------------------------------------------------------------------------------
    def model_kwargs(self) -> dict:
        return {"num_labels": len(self.label_names), "id2label": dict(enumerate(self.label_names)),
                "label2id": {n: i for i, n in enumerate(self.label_names)}}

    def wrap_model(self, model):
        if not self.label_names:   # a saved model being loaded: its config carries the labels
            self.label_names = [model.config.id2label[i] for i in range(model.config.num_labels)]
        if self.scheme is None:
            self.scheme = resolve_scheme(self.opts.scheme, self.label_names)
        return CRFTagger(model, self.scheme) if self.model_cfg.crf else model

    def save_extras(self, model, folder) -> None:
        save_crf(model, folder)

    def load_extras(self, model, folder):
        return load_crf(model, folder)

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        words, tags = sentences(ds, split, self.data_cfg)
        label2id = {n: i for i, n in enumerate(self.label_names)}
        streamed = getattr(self, "streamed", False)   # a stream learns its tags from its first rows
        unseen = sorted({t for row in tags for t in row} - set(label2id)) if streamed else []
        if unseen:
            raise UnseenLabel(f"the {split} data has tags that are not among the tags learned: {', '.join(unseen[:8])}")
        gold = [[label2id.get(t, 0) for t in row] for row in tags]
        rows, n_split, n_lost = self.windows(words, gold)
        if n_split:
            self.warnings.append(f"{n_split} sentence(s) of the {split} data are longer than data.max_length="
                                 f"{self.data_cfg.max_length} sub-tokens and were split into windows at word "
                                 "boundaries (each window is tagged on its own)")
        if n_lost:
            self.warnings.append(f"{n_lost} word(s) of the {split} data have no sub-token under this tokenizer "
                                 "(e.g. control characters); they are predicted as O")
        return rows

    def windows(self, words: list[list[str]], gold: list[list[int]] | None = None):
        """Feature rows for sentences of words: one per window of at most data.max_length sub-tokens.
        Returns (rows, sentences split, words without sub-tokens). Each row keeps, besides the model inputs and
        `labels`: sentence index, first word, its words, their gold ids and the position of each word's first
        sub-token (-1: the word has no sub-token)."""
        tok = self.tokenizer
        if not getattr(tok, "is_fast", False):
            raise ModelError("token classification needs a fast (Rust) tokenizer to map sub-tokens to words")
        budget = self.data_cfg.max_length - tok.num_special_tokens_to_add(pair=False)
        if budget < 1:
            raise DataError(f"data.max_length={self.data_cfg.max_length} leaves no room for words; raise it")
        spans, n_split = [], 0           # (sentence, first word, end word)
        keep = [i for i, w in enumerate(words) if w]
        pieces = tok([words[i] for i in keep], is_split_into_words=True, add_special_tokens=False) if keep else None
        for j, s in enumerate(keep):
            counts = [0] * len(words[s])
            for w in pieces.word_ids(j):
                counts[w] += 1
            start, used = 0, 0
            for w, c in enumerate(counts):
                if used + c > budget and w > start:
                    spans.append((s, start, w))
                    start, used = w, 0
                used += c
            spans.append((s, start, len(counts)))
            n_split += start > 0
        enc = tok([words[s][a:b] for s, a, b in spans], is_split_into_words=True, truncation=True,
                  max_length=self.data_cfg.max_length) if spans else None
        all_sub = self.opts.label_all_subtokens and not self.model_cfg.crf
        inside = [self.label_names.index(inside_tag(n, self.scheme, self.label_names)) for n in self.label_names]
        rows, n_lost = [], 0
        for k, (s, a, b) in enumerate(spans):
            ids = gold[s][a:b] if gold is not None else [0] * (b - a)
            labels, first, prev = [], [-1] * (b - a), None
            for pos, w in enumerate(enc.word_ids(k)):
                if w is None:
                    labels.append(-100)
                elif w != prev:
                    first[w] = pos
                    labels.append(ids[w])
                else:
                    labels.append(inside[ids[w]] if all_sub else -100)
                prev = w
            n_lost += first.count(-1)
            row = {key: enc[key][k] for key in MODEL_KEYS if key in enc}
            rows.append({**row, "labels": labels, "sentence": s, "word_start": a, "words": words[s][a:b],
                         "gold": ids, "first": first})
        return rows, n_split, n_lost

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        keys = [k for k in (*MODEL_KEYS, "labels") if k in rows[0]]
        return pad_batch([{k: r[k] for k in keys} for r in rows],
                         {"input_ids": self.tokenizer.pad_token_id, "labels": -100})

    # ---- evaluation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def word_predictions(self, model, rows: list[dict], batch_size: int, ctx=None, with_loss: bool = False):
        """Per row: (predicted tag id per word, probability of that tag or None under a CRF); and the mean loss
        (per label token without CRF, per sentence with it) when with_loss."""
        tagger, device = find_crf(model), model_device(model)
        preds: list = [None] * len(rows)
        loss_sum, loss_n = 0.0, 0
        order = length_order(rows)
        for s in range(0, len(rows), batch_size):
            idx = order[s:s + batch_size]
            batch = {k: v.to(device) for k, v in self.collate([rows[i] for i in idx]).items()}
            labels = batch.pop("labels")
            with autocast_of(ctx):
                out = model(**batch, labels=labels) if with_loss else model(**batch)
            if with_loss:
                n = len(idx) if tagger is not None else int((labels != -100).sum())
                loss_sum, loss_n = loss_sum + out.loss.float().item() * n, loss_n + n
            logits = out.logits.float()                                   # (B,T,K)
            keep = torch.zeros(logits.shape[:2], dtype=torch.bool, device=logits.device)
            for b, i in enumerate(idx):
                keep[b, [p for p in rows[i]["first"] if p >= 0]] = True
            if tagger is not None:
                paths = tagger.decode(logits, keep)
                probs = [None] * len(idx)
            else:
                top = logits.softmax(-1).max(-1)                           # (B,T) values and ids
                paths = [top.indices[b][keep[b]].tolist() for b in range(len(idx))]
                probs = [top.values[b][keep[b]].tolist() for b in range(len(idx))]
            for b, i in enumerate(idx):
                it_tag, it_p = iter(paths[b]), iter(probs[b] or [])
                tags = [next(it_tag) if p >= 0 else 0 for p in rows[i]["first"]]     # no sub-token -> O
                ps = [next(it_p) if p >= 0 else None for p in rows[i]["first"]] if probs[b] else None
                preds[i] = (tags, ps)
        return preds, (loss_sum / loss_n if loss_n else None)

    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        preds, loss = self.word_predictions(model, rows, batch_size, ctx, with_loss=True)
        by_sentence: dict[int, list] = {}
        for row, (tags, probs) in zip(rows, preds):
            by_sentence.setdefault(row["sentence"], []).append((row["word_start"], row, tags, probs))
        gold_tags, pred_tags, predictions = [], [], []
        for s in sorted(by_sentence):
            parts = sorted(by_sentence[s], key=lambda x: x[0])
            words = [w for _, r, _, _ in parts for w in r["words"]]
            gold = [self.label_names[g] for _, r, _, _ in parts for g in r["gold"]]
            pred = [self.label_names[t] for _, _, tags, _ in parts for t in tags]
            probs = [p for _, _, _, ps in parts for p in (ps or []) if p is not None]
            gold_tags.append(gold)
            pred_tags.append(pred)
            text, spans = _spans.join_words(words, self.sep)
            ents = _spans.entities(pred, self.scheme, text, spans)
            predictions.append(Prediction(_spans.display(ents), sum(probs) / len(probs) if probs else None, {
                "text": text, "entities": ents, "gold_entities": _spans.entities(gold, self.scheme, text, spans),
                "tokens": words, "tags": pred, "gold_tags": gold}))
        m = entity_metrics(gold_tags, pred_tags, self.scheme)
        metrics = {k: m[k] for k in ("precision", "recall", "f1", "token_accuracy")}
        for typ, scores in m["per_type"].items():
            metrics.update({f"{typ}_{k}": scores[k] for k in ("precision", "recall", "f1")})
        if loss is not None:
            metrics["loss"] = loss
        return metrics, predictions

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        """Inputs: raw texts (split into words on whitespace; CJK text into characters), {"text": ...} or
        {"tokens": [...]}. Entities come with character offsets into the text."""
        texts, words, spans = [], [], []
        for x in inputs:
            if isinstance(x, dict) and isinstance(x.get("tokens"), list):
                text, sp = _spans.join_words([str(t) for t in x["tokens"]], self.sep)
                ws = [str(t) for t in x["tokens"]]
            else:
                text = x.get("text", "") if isinstance(x, dict) else str(x)
                triples = _spans.split_words(text)
                ws, sp = [w for w, _, _ in triples], [(a, b) for _, a, b in triples]
            texts.append(text)
            words.append(ws)
            spans.append(sp)
        rows, _, _ = self.windows(words)
        preds, _ = self.word_predictions(model, rows, 32, ctx)
        tags: list[list[int]] = [[0] * len(w) for w in words]
        all_probs: list[list[float]] = [[] for _ in words]
        for row, (t, ps) in zip(rows, preds):
            tags[row["sentence"]][row["word_start"]:row["word_start"] + len(t)] = t
            all_probs[row["sentence"]] += [p for p in ps or [] if p is not None]
        out = []
        for text, ws, sp, t, ps in zip(texts, words, spans, tags, all_probs):
            names = [self.label_names[i] for i in t]
            ents = _spans.entities(names, self.scheme, text, sp)
            out.append(Prediction(_spans.display(ents), sum(ps) / len(ps) if ps else None,
                                  {"text": text, "entities": ents, "tokens": ws, "tags": names}))
        return out

    def example_inputs(self, ds, n=3):
        words, _ = sentences(ds.select(range(min(n, len(ds)))), "examples", self.data_cfg)
        return [self.sep.join(w) for w in words if w]
