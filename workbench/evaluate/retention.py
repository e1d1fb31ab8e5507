"""The retention meter: how much of the pre-trained skill a fine-tuned model keeps, measured on general text the
task never saw, as a ratio to the base model (1.0 = nothing forgotten, lower = forgotten).

    decoders (GPT-like)           bits per character of held-out general text; retention = bpc_base / bpc_model.
                                  A causal LM is scored with its own LM head; a decoder fine-tuned for another task
                                  with the base's LM head put back on top of its backbone.
    encoders with an MLM head     masked-token accuracy with the base's MLM head on top of the model's encoder;
                                  retention = accuracy_model / accuracy_base.
    sentence encoders (MiniLM:    linear CKA between the model's and the base's mean-pooled sentence embeddings,
    no MLM head, trained for      and recall@10 of the base's own nearest neighbours among the same sentences;
    semantic similarity)          retention = the mean of the two (each is 1.0 for the base itself).
Encoders report CKA, neighbour recall and the Spearman correlation of the two similarity matrices in every case;
the headline is the MLM ratio when the base has an MLM head that predicts at least 10 % of masked tokens. A
classification run is measured on its encoder (the AutoModel inside), against the base model named in its config.

The general text is the tail of the source (`held_out_texts`): strategies that train on general text (rehearsal,
adversarial alignment) should draw from the lines before it.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import torch

from ..model.anatomy import unwrap
from ..errors import ModelError
from ..data import general_texts
import transformers
from ..model import catalogue as models
from ..config import ModelConfig

N_TEXTS = 256        # general sentences scored (the last N of the source)
K_NEIGHBOURS = 10
MASK_RATE = 0.15
MIN_MLM_ACCURACY = 0.10   # a base that predicts fewer masked tokens has no MLM skill worth a ratio


def held_out_texts(source: str = "builtin:general", n: int = N_TEXTS) -> list[str]:
    """The last `n` passages of a general-text source: the held-out part no strategy should train on."""
    return general_texts(source)[-n:]


def training_texts(source: str = "builtin:general", n: int = N_TEXTS, limit: int | None = None) -> list[str]:
    """The passages before the held-out tail (for rehearsal / adversarial alignment), at most `limit`; all of them
    when the source is too short to spare a tail of `n`."""
    lines = general_texts(source)
    lines = lines[:-n] if len(lines) > 2 * n else lines
    return lines[:limit] if limit else lines


def backbone(model) -> torch.nn.Module | None:
    """The AutoModel inside a task model (BertModel inside BertForSequenceClassification), or None when the model
    has no accessible backbone (an ONNX graph)."""
    hf = unwrap(model)
    prefix = getattr(hf, "base_model_prefix", "")
    inner = getattr(hf, prefix, None) if prefix else None
    if isinstance(inner, torch.nn.Module):
        return inner
    return hf if hasattr(hf, "config") and isinstance(hf, torch.nn.Module) and hasattr(hf, "get_input_embeddings") \
        else None


@contextlib.contextmanager
def with_backbone(head_model, body):
    """Temporarily put `body` (a fine-tuned backbone) under the base's head model (MLM or LM head)."""
    prefix = head_model.base_model_prefix
    original = getattr(head_model, prefix)
    setattr(head_model, prefix, body)
    try:
        yield head_model
    finally:
        setattr(head_model, prefix, original)


def _device(m) -> torch.device:
    return next(m.parameters()).device


def _batches(tokenizer, texts, max_length=128, batch_size=32):
    for s in range(0, len(texts), batch_size):
        enc = tokenizer(texts[s:s + batch_size], truncation=True, max_length=max_length, padding=True,
                        return_tensors="pt")
        yield {k: v for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}


@torch.no_grad()
def pooled_embeddings(body, tokenizer, texts) -> torch.Tensor:
    """(N, D) float64 mean of the last hidden states over real tokens."""
    out = []
    for batch in _batches(tokenizer, texts):
        batch = {k: v.to(_device(body)) for k, v in batch.items()}
        hidden = body(**batch).last_hidden_state.float()                     # (B, T, D)
        mask = batch["attention_mask"].unsqueeze(-1).float()                  # (B, T, 1)
        out.append(((hidden * mask).sum(1) / mask.sum(1).clamp_min(1)).double().cpu())
    return torch.cat(out)


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear CKA (Kornblith et al. 2019) of two representations of the same N inputs: (N, D1), (N, D2)."""
    x, y = x.double() - x.double().mean(0), y.double() - y.double().mean(0)
    hsic = (y.T @ x).pow(2).sum()
    return float(hsic / ((x.T @ x).norm() * (y.T @ y).norm()).clamp_min(1e-300))


def _cosine(e: torch.Tensor) -> torch.Tensor:
    e = torch.nn.functional.normalize(e.double(), dim=1)
    return e @ e.T                                                             # (N, N)


def neighbour_recall(base: torch.Tensor, other: torch.Tensor, k: int = K_NEIGHBOURS) -> float:
    """Mean share of each sentence's k nearest neighbours under the base embeddings that stay among its k nearest
    under the other embeddings (self excluded)."""
    k = min(k, base.shape[0] - 1)
    tops = []
    for e in (base, other):
        sim = _cosine(e)
        sim.fill_diagonal_(-math.inf)
        tops.append(sim.topk(k, dim=1).indices)
    hits = [len(set(a.tolist()) & set(b.tolist())) for a, b in zip(*tops)]
    return sum(hits) / (k * len(hits))


def similarity_spearman(base: torch.Tensor, other: torch.Tensor) -> float:
    """Spearman correlation of the pairwise cosine similarities (upper triangle) under the two embeddings."""
    n = base.shape[0]
    iu = torch.triu_indices(n, n, offset=1)
    a, b = (_cosine(e)[iu[0], iu[1]] for e in (base, other))
    ra, rb = (v.argsort().argsort().double() for v in (a, b))
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return float((ra @ rb) / (ra.norm() * rb.norm()).clamp_min(1e-300))


@torch.no_grad()
def masked_accuracy(mlm, tokenizer, texts, seed: int = 0) -> float:
    """Share of masked tokens the MLM predicts exactly; the same positions (seeded) for every model."""
    g = torch.Generator().manual_seed(seed)
    right = total = 0
    for batch in _batches(tokenizer, texts):
        ids = batch["input_ids"]
        special = torch.tensor([tokenizer.get_special_tokens_mask(r.tolist(), already_has_special_tokens=True)
                                for r in ids]).bool() | (batch["attention_mask"] == 0)
        pick = (torch.rand(ids.shape, generator=g) < MASK_RATE) & ~special    # (B, T) positions to predict
        masked = ids.masked_fill(pick, tokenizer.mask_token_id)
        feed = {**batch, "input_ids": masked}
        logits = mlm(**{k: v.to(_device(mlm)) for k, v in feed.items()}).logits.float().cpu()
        right += int((logits.argmax(-1)[pick] == ids[pick]).sum())
        total += int(pick.sum())
    return right / max(total, 1)


@torch.no_grad()
def bits_per_char(lm, tokenizer, texts) -> tuple[float, float]:
    """(bits per character, per-token perplexity) of the texts joined by newlines, in blocks of ≤ 256 tokens."""
    text = "\n".join(texts)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    cfg = lm.config
    block = min(256, getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", 256))
    nll, count = 0.0, 0
    for s in range(0, len(ids), block):
        chunk = torch.tensor([ids[s:s + block]], device=_device(lm))            # (1, T)
        if chunk.shape[1] < 2:
            continue
        logits = lm(input_ids=chunk, attention_mask=torch.ones_like(chunk)).logits.float()
        nll += torch.nn.functional.cross_entropy(logits[0, :-1], chunk[0, 1:], reduction="sum").item()
        count += chunk.shape[1] - 1
    return nll / (len(text) * math.log(2)), math.exp(min(nll / max(count, 1), 50.0))


@dataclass
class Reference:
    """The base model's side, computed once per base and reused for every model compared to it."""
    base: str
    family: str
    tokenizer: object
    texts: list
    embeddings: torch.Tensor | None = None     # encoders: (N, D) pooled
    mlm: object = None                         # encoders with an MLM head
    mlm_accuracy: float | None = None
    lm: object = None                          # decoders: the base causal LM
    bpc: float | None = None
    perplexity: float | None = None


def reference(base: str, texts: list[str], runs_dir="runs", seed: int = 0) -> Reference:
    """Load the base model named in a run's config and score it. Raises ModelError when there is no pre-trained
    base (a from-scratch preset) or it cannot be loaded."""

    source = models.resolve(base, runs_dir)
    if source.kind == "scratch":
        raise ModelError(f"{base!r} is a from-scratch preset: there is no pre-trained knowledge to retain")
    config = models.load_config(source, ModelConfig(name=base))
    tok = models.load_tokenizer(source, ModelConfig(name=base))
    ref = Reference(base, models.family(config), tok, texts)
    if ref.family == "decoder":
        ref.lm = transformers.AutoModelForCausalLM.from_pretrained(source.ref).eval()
        ref.bpc, ref.perplexity = bits_per_char(ref.lm, tok, texts)
        return ref
    ref.embeddings = pooled_embeddings(transformers.AutoModel.from_pretrained(source.ref).eval(), tok, texts)
    if tok.mask_token_id is not None:
        mlm, info = transformers.AutoModelForMaskedLM.from_pretrained(source.ref, output_loading_info=True)
        if not info.get("missing_keys"):          # a real MLM head, not a freshly initialised one
            accuracy = masked_accuracy(mlm.eval(), tok, texts, seed)
            if accuracy >= MIN_MLM_ACCURACY:
                ref.mlm, ref.mlm_accuracy = mlm, accuracy
    return ref


def measure(model, tokenizer, ref: Reference, is_causal_lm: bool, seed: int = 0) -> dict:
    """Retention of one model against its base's Reference: {"retention", "method", "measures", "base"}."""
    body = backbone(model)
    if body is None:
        raise ModelError("this model exposes no backbone (an ONNX graph outputs only the task's logits); measure "
                         "the run it was exported from")
    measures: dict = {}
    if ref.family == "decoder":
        if is_causal_lm:
            bpc, ppl = bits_per_char(unwrap(model), tokenizer, ref.texts)
        else:
            with with_backbone(ref.lm, body) as lm:
                bpc, ppl = bits_per_char(lm, tokenizer, ref.texts)
        measures.update(bpc=round(bpc, 6), base_bpc=round(ref.bpc, 6), perplexity=round(ppl, 4),
                        base_perplexity=round(ref.perplexity, 4), bpc_ratio=round(ref.bpc / bpc, 6))
        return {"retention": measures["bpc_ratio"], "method": "bpc_ratio", "measures": measures, "base": ref.base,
                "n_texts": len(ref.texts)}
    emb = pooled_embeddings(body, tokenizer, ref.texts)
    measures.update(cka=round(linear_cka(ref.embeddings, emb), 6),
                    neighbour_recall=round(neighbour_recall(ref.embeddings, emb), 6),
                    similarity_spearman=round(similarity_spearman(ref.embeddings, emb), 6))
    method, headline = "mean(cka, neighbour_recall)", round((measures["cka"] + measures["neighbour_recall"]) / 2, 6)
    if ref.mlm is not None:
        if tokenizer.get_vocab() == ref.tokenizer.get_vocab():
            with with_backbone(ref.mlm, body) as mlm:
                acc = masked_accuracy(mlm, ref.tokenizer, ref.texts, seed)
            measures.update(mlm_accuracy=round(acc, 6), base_mlm_accuracy=round(ref.mlm_accuracy, 6),
                            mlm_accuracy_ratio=round(acc / max(ref.mlm_accuracy, 1e-12), 6))
            method, headline = "mlm_accuracy_ratio", measures["mlm_accuracy_ratio"]
    return {"retention": headline, "method": method, "measures": measures, "base": ref.base,
            "n_texts": len(ref.texts)}
