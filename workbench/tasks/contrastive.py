"""Contrastive sentence embeddings: an encoder whose mean-pooled, L2-normalised output puts paraphrases close and
other sentences apart (InfoNCE with in-batch negatives). Model: AutoModel (the bare encoder; no head), pooled
over the attention mask like MiniLM's sentence-transformers pooling.

Data: pairs (data.text_column + data.text_pair_column; a column named `text_pair` is used when no pair column is
set) or unpaired text, SimCSE-style: the positive of a sentence is the same sentence encoded a second time with
different dropout. Loss (symmetric by default):
    z_a, z_b = normalise(pool(f(a))), normalise(pool(f(b)))        (B, d) each
    S = z_a z_bᵀ / τ                                                 (B, B), the diagonal holds the positives
    L = ½ [CE(S, diag) + CE(Sᵀ, diag)]
Metrics on held-out rows (Wang & Isola 2020): alignment E‖z_a − z_b‖² (lower is better), uniformity
log E exp(−2‖z_i − z_j‖²) over distinct rows (lower is better; the mean of both sides), retrieval accuracy (each
z_a's nearest z_b among all held-out rows is its own pair), and the InfoNCE loss in evaluation batches. For
unpaired data the held-out positives are two dropout views drawn with a fixed seed, or the validation pairs when
the validation data has a pair column. predict: the cosine of a pair, or each text's nearest neighbour among the
texts given. The saved folder also carries sentence-transformers' module files (mean pooling + normalisation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import column, require_columns
from ..errors import DataError
from ..options import knob
from . import TASKS
from .base import Prediction, Task, autocast_of, model_device, pad_batch

EVAL_SEED = 2024        # dropout views of unpaired validation text are drawn from this seed
UNIFORMITY_ROWS = 2000  # uniformity is averaged over the pairs of at most this many held-out rows


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """hidden (B, T, H), mask (B, T) -> (B, H): the mean over real (unpadded) tokens."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def info_nce(za: torch.Tensor, zb: torch.Tensor, temperature: float, symmetric: bool = True) -> torch.Tensor:
    """InfoNCE over in-batch negatives for L2-normalised za, zb (B, d): row i of za should pick row i of zb."""
    logits = za.float() @ zb.float().T / temperature           # (B, B)
    target = torch.arange(len(za), device=za.device)
    loss = F.cross_entropy(logits, target)
    return (loss + F.cross_entropy(logits.T, target)) / 2 if symmetric else loss


def alignment(za: torch.Tensor, zb: torch.Tensor) -> float:
    return (za - zb).norm(dim=1).pow(2).mean().item()


def uniformity(z: torch.Tensor, t: float = 2.0) -> float:
    return torch.pdist(z.float(), p=2).pow(2).mul(-t).exp().mean().log().item()


@dataclass
class ContrastiveOutput:
    loss: torch.Tensor
    embeddings: torch.Tensor              # (B, d) first view, normalised
    pair_embeddings: torch.Tensor         # (B, d) positives
    hidden_states: tuple | None = None    # first view's, when output_hidden_states was asked for


@TASKS.register("contrastive")
class Contrastive(Task):
    order = 60
    reads = "pairs (`text_column` + `text_pair_column`) or plain text (SimCSE dropout views); InfoNCE"
    reports = "retrieval accuracy, alignment, uniformity, loss"
    summary = "Sentence embeddings trained with InfoNCE on pairs, or SimCSE-style (dropout views) on plain text."
    zh = {"summary": "句向量：在文本对上用 InfoNCE 训练，或在纯文本上按 SimCSE 方式（dropout 视图）训练。"}
    families = ("encoder", "decoder")
    auto_class = "AutoModel"
    main_metric = "retrieval_accuracy"
    greater_is_better = True
    input_kind = "text"       # the interactive box: one text per line, compared with each other

    @dataclass
    class Options:
        temperature: float = knob(0.05, "InfoNCE temperature τ: lower sharpens the contrast between the positive and "
                                  "the in-batch negatives.", min=0.001, max=10.0)
        symmetric: bool = knob(True, "Average the loss over both directions (a→b and b→a).", advanced=True)

        zh = {   # the knobs' (label, help) in Chinese
            "temperature": ("温度", "InfoNCE 温度 τ：越低，正样本与批内负样本之间的对比越尖锐。"),
            "symmetric": ("对称损失", "对两个方向（a→b 和 b→a）的损失取平均。"),
        }

    # ---- data ---------------------------------------------------------------------------------------------
    def pair_column(self, part) -> str | None:
        col = self.data_cfg.text_pair_column
        if col:
            return col
        return "text_pair" if "text_pair" in part.column_names else None

    def check(self, ds) -> None:
        d = self.data_cfg
        require_columns(ds, {"data.text_column": d.text_column})
        if d.text_pair_column:
            require_columns({s: p for s, p in ds.items() if s == "train"}, {"data.text_pair_column":
                                                                            d.text_pair_column})
        for split, part in ds.items():
            pair_col = self.pair_column(part)
            # unpaired text: empty rows (blank lines of a .txt file) are skipped; in pairs an empty side is an error
            for col in [d.text_column, pair_col] if pair_col else []:
                values = column(part, col)
                empty = [i for i, t in enumerate(values) if not isinstance(t, str) or not t.strip()]
                if empty and not d.skip_empty:
                    raise DataError(f"{len(empty)} pair(s) of the {split} data have empty text in column {col!r} "
                                    f"(first at row {empty[0] + 1}); remove them or set data.skip_empty: true")
            n = sum(1 for t in column(part, d.text_column) if isinstance(t, str) and t.strip())
            if n < 2:
                raise DataError(f"the {split} data has {n} text(s); contrastive learning needs at least 2 (the other "
                                "rows are the negatives)")

    def tokenizer_texts(self, ds):
        part = ds["train"]
        cols = [self.data_cfg.text_column] + ([self.pair_column(part)] if self.pair_column(part) else [])
        return [t for c in cols for t in column(part, c) if isinstance(t, str) and t.strip()]

    # ---- encoding -----------------------------------------------------------------------------------------
    def _ids(self, texts: list[str]) -> list[list[int]]:
        return self.tokenizer(texts, truncation=True, max_length=self.data_cfg.max_length)["input_ids"]

    def encode(self, ds, split: str) -> list[dict]:
        pair_col = self.pair_column(ds)
        a = column(ds, self.data_cfg.text_column)
        b = column(ds, pair_col) if pair_col else a
        keep = [i for i in range(len(a)) if isinstance(a[i], str) and a[i].strip() and isinstance(b[i], str)
                and b[i].strip()]
        a_ids = self._ids([a[i] for i in keep])
        if not pair_col:
            return [{"input_ids": x} for x in a_ids]
        return [{"input_ids": x, "pair_input_ids": y} for x, y in zip(a_ids, self._ids([b[i] for i in keep]))]

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        batch = pad_batch([{"input_ids": r["input_ids"], "attention_mask": [1] * len(r["input_ids"])} for r in rows],
                          {"input_ids": self.tokenizer.pad_token_id})
        if "pair_input_ids" in rows[0]:
            pairs = pad_batch([{"input_ids": r["pair_input_ids"], "attention_mask": [1] * len(r["pair_input_ids"])}
                               for r in rows], {"input_ids": self.tokenizer.pad_token_id})
            batch.update(pair_input_ids=pairs["input_ids"], pair_attention_mask=pairs["attention_mask"])
        return batch

    # ---- training -----------------------------------------------------------------------------------------
    def embed(self, model, input_ids, attention_mask, **kwargs):
        """(normalised (B, d) embeddings, the model output)."""
        out = model(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
        return F.normalize(mean_pool(out.last_hidden_state, attention_mask).float(), dim=-1), out

    def forward(self, model, batch: dict) -> ContrastiveOutput:
        extra = {"output_hidden_states": True} if batch.get("output_hidden_states") else {}
        za, out = self.embed(model, batch["input_ids"], batch["attention_mask"], **extra)
        if "pair_input_ids" in batch:
            zb, _ = self.embed(model, batch["pair_input_ids"], batch["pair_attention_mask"])
        else:   # SimCSE: the same sentences again; dropout (train mode) makes the second view differ
            zb, _ = self.embed(model, batch["input_ids"], batch["attention_mask"])
        loss = info_nce(za, zb, self.opts.temperature, self.opts.symmetric)
        return ContrastiveOutput(loss, za, zb, getattr(out, "hidden_states", None) if extra else None)

    # ---- evaluation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def embeddings(self, model, rows: list[dict], batch_size: int, ctx=None, key: str = "input_ids") -> torch.Tensor:
        """(N, d) normalised embeddings of the rows' `key` texts (input_ids or pair_input_ids), CPU."""
        device, out = model_device(model), []
        for s in range(0, len(rows), batch_size):
            ids = [r[key] for r in rows[s:s + batch_size]]
            b = pad_batch([{"input_ids": x, "attention_mask": [1] * len(x)} for x in ids],
                          {"input_ids": self.tokenizer.pad_token_id})
            with autocast_of(ctx):
                z, _ = self.embed(model, b["input_ids"].to(device), b["attention_mask"].to(device))
            out.append(z.float().cpu())
        return torch.cat(out)

    def views(self, model, rows, batch_size, ctx=None) -> tuple[torch.Tensor, torch.Tensor]:
        """Held-out (z_a, z_b): the pairs, or for unpaired text two dropout views drawn with a fixed seed (the
        training RNG is left untouched)."""
        if "pair_input_ids" in rows[0]:
            return (self.embeddings(model, rows, batch_size, ctx),
                    self.embeddings(model, rows, batch_size, ctx, "pair_input_ids"))
        was_training = model.training
        with torch.random.fork_rng(devices=[model_device(model)] if model_device(model).type == "cuda" else []):
            torch.manual_seed(EVAL_SEED)
            model.train()
            za = self.embeddings(model, rows, batch_size, ctx)
            zb = self.embeddings(model, rows, batch_size, ctx)
        model.train(was_training)
        return za, zb

    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        za, zb = self.views(model, rows, batch_size, ctx)
        n = len(rows)
        losses = [info_nce(za[s:s + batch_size], zb[s:s + batch_size], self.opts.temperature,
                           self.opts.symmetric).item() * len(za[s:s + batch_size])
                  for s in range(0, n, batch_size) if len(za[s:s + batch_size]) > 1]
        counted = sum(len(za[s:s + batch_size]) for s in range(0, n, batch_size) if len(za[s:s + batch_size]) > 1)
        # retrieval: each a's nearest b among all held-out rows; a b equal to the true one (a duplicate) counts
        key = "pair_input_ids" if "pair_input_ids" in rows[0] else "input_ids"
        targets = [tuple(r[key]) for r in rows]
        nearest = torch.cat([(za[s:s + 1024] @ zb.T).argmax(1) for s in range(0, n, 1024)]).tolist()
        hits = sum(targets[j] == targets[i] for i, j in enumerate(nearest))
        m = min(n, UNIFORMITY_ROWS)
        metrics = {"loss": sum(losses) / max(counted, 1), "alignment": alignment(za, zb),
                   "uniformity": (uniformity(za[:m]) + uniformity(zb[:m])) / 2, "retrieval_accuracy": hits / n}
        preds = [Prediction(f"row {j + 1}", None, {"correct": targets[j] == targets[i]})
                 for i, j in enumerate(nearest)]
        return metrics, preds

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        """Pairs ({"text", "text_pair"}): their cosine similarity. Texts (or one text with several lines): each
        one's nearest neighbour among the others given (all cosines in detail)."""
        was_training = model.training
        model.eval()
        out = []
        pairs = [x for x in inputs if isinstance(x, dict) and x.get("text_pair")]
        if pairs:
            rows = [{"input_ids": a, "pair_input_ids": b} for a, b in zip(self._ids([x["text"] for x in pairs]),
                                                                            self._ids([x["text_pair"] for x in pairs]))]
            za, zb = (self.embeddings(model, rows, 32, ctx), self.embeddings(model, rows, 32, ctx, "pair_input_ids"))
            for s in (za * zb).sum(1).tolist():
                out.append(Prediction(f"cosine {s:.3f}", None, {"cosine": round(s, 4)}))
        else:
            texts = [x["text"] if isinstance(x, dict) else x for x in inputs]
            if len(texts) == 1 and len(texts[0].strip().splitlines()) > 1:   # the box: one text per line
                texts = [t.strip() for t in texts[0].strip().splitlines() if t.strip()]
            z = self.embeddings(model, [{"input_ids": x} for x in self._ids(texts)], 32, ctx)
            sims = z @ z.T
            for i, t in enumerate(texts):
                others = sorted(((sims[i, j].item(), texts[j]) for j in range(len(texts)) if j != i), reverse=True)
                if not others:
                    out.append(Prediction(f"(one text: give two or more to compare; embedding of {z.shape[1]} "
                                          "numbers)", None, {"embedding": [round(v, 5) for v in z[i].tolist()]}))
                    continue
                s, best = others[0]
                out.append(Prediction(f"nearest: {best!r} (cosine {s:.3f})", None,
                                      {"neighbours": [{"text": u, "cosine": round(c, 4)} for c, u in others]}))
        model.train(was_training)
        return out

    def example_inputs(self, ds, n=3):
        pair_col = self.pair_column(ds)
        a = column(ds, self.data_cfg.text_column)[:n]
        if pair_col:
            return [{"text": x, "text_pair": y} for x, y in zip(a, column(ds, pair_col)[:n])]
        return list(a)

    # ---- saving -------------------------------------------------------------------------------------------
    def save_extras(self, model, folder) -> None:
        """sentence-transformers' module files, so the folder also loads as SentenceTransformer(folder)."""
        folder = Path(folder)
        modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                   {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                   {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
        (folder / "modules.json").write_text(json.dumps(modules, indent=2))
        (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": self.data_cfg.max_length,
                                                                      "do_lower_case": False}, indent=2))
        width = model.get_input_embeddings().weight.shape[1]
        (folder / "1_Pooling").mkdir(exist_ok=True)
        (folder / "1_Pooling" / "config.json").write_text(json.dumps({
            "word_embedding_dimension": width, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}, indent=2))
        (folder / "2_Normalize").mkdir(exist_ok=True)
