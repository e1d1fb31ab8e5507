"""Evaluation metrics: pure functions of predictions and references (no model, no training state).

classification_metrics  accuracy + macro F1
entity_metrics          span-level NER precision/recall/F1 (seqeval, strict mode) + token accuracy
squad_em_f1             extractive QA: SQuAD v1.1 rules (en) or CMRC 2018 rules (zh)
perplexity, bits_per_char  language modelling
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter

import numpy as np
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import BILOU, IOB2, IOBES, Entities

# ---------------------------------------------------------------- classification


def classification_metrics(preds, labels, num_labels: int) -> dict[str, float]:
    """Accuracy and macro F1 (both in 0..1).

    preds: (N,) class ids, or (N, C) scores/logits (argmax is taken). labels: (N,) class ids.
    Macro F1 averages per-class F1 over the classes that occur in labels or preds. A class absent
    from both has no examples and no predictions, its F1 is 0/0, so it is left out of the average
    (sklearn's f1_score(average="macro") does the same when `labels` is not given). A class that
    occurs in only one of them has F1 = 0.
    """
    p = np.asarray(preds)
    y = np.asarray(labels).reshape(-1)
    if p.ndim == 2:
        p = p.argmax(-1)
    p = p.reshape(-1)
    if p.shape != y.shape:
        raise ValueError(f"got {p.size} predictions for {y.size} labels; they must pair up one to one")
    if y.size == 0:
        raise ValueError("no examples to score: the evaluation set is empty")
    for name, arr in (("prediction", p), ("label", y)):
        if arr.min() < 0 or arr.max() >= num_labels:
            raise ValueError(
                f"{name} ids must be in 0..{num_labels - 1}, found {int(arr.min())}..{int(arr.max())}; "
                f"check num_labels and the label mapping (padding labels like -100 must be removed first)"
            )
    f1s = []
    for c in sorted(set(y.tolist()) | set(p.tolist())):
        tp = int(((p == c) & (y == c)).sum())
        n_pred, n_true = int((p == c).sum()), int((y == c).sum())
        f1s.append(2 * tp / (n_pred + n_true))  # = 2PR/(P+R); n_pred+n_true > 0 for present classes
    return {"accuracy": float((p == y).mean()), "macro_f1": float(np.mean(f1s))}


# ---------------------------------------------------------------- named entities

_SEQEVAL_SCHEMES = {"IOB2": IOB2, "BIO": IOB2, "BIOES": IOBES, "IOBES": IOBES, "BMES": IOBES, "BILOU": BILOU}


def entity_metrics(true_tags: list[list[str]], pred_tags: list[list[str]], scheme: str = "IOB2") -> dict:
    """Entity-level precision/recall/F1 (0..1, micro over entities), per-type scores and token accuracy.

    An entity counts as correct only if its type, start and end all match (seqeval strict mode with
    the scheme's rules; a span that breaks the scheme, like O I-PER in IOB2, is no entity).
    BMES tags are mapped to BIOES first (M -> I). "IOB1" and "IO" use seqeval's default
    (conlleval-style) chunking instead, as seqeval has no strict mode for them.
    Returns {"precision", "recall", "f1", "token_accuracy", "per_type": {TYPE: {"precision",
    "recall", "f1", "support"}}} where support = number of gold entities of the type.
    """
    if len(true_tags) != len(pred_tags):
        raise ValueError(f"got {len(pred_tags)} predicted sequences for {len(true_tags)} gold sequences")
    for i, (t, p) in enumerate(zip(true_tags, pred_tags)):
        if len(t) != len(p):
            raise ValueError(f"sequence {i}: {len(t)} gold tags but {len(p)} predicted tags; they must align")
    name = scheme.strip().upper()
    if name == "BMES":
        true_tags, pred_tags = _bmes_to_bioes(true_tags), _bmes_to_bioes(pred_tags)
    gold, pred = _entity_set(true_tags, name), _entity_set(pred_tags, name)

    n_tokens = sum(len(t) for t in true_tags)
    same = sum(a == b for t, p in zip(true_tags, pred_tags) for a, b in zip(t, p))
    out = {**_prf(len(gold & pred), len(pred), len(gold)), "token_accuracy": same / n_tokens if n_tokens else 0.0}
    out["per_type"] = {}
    for typ in sorted({e[0] for e in gold | pred}):
        g = {e for e in gold if e[0] == typ}
        p = {e for e in pred if e[0] == typ}
        out["per_type"][typ] = {**_prf(len(g & p), len(p), len(g)), "support": len(g)}
    return out


def _entity_set(seqs: list[list[str]], scheme: str) -> set[tuple[str, int, int, int]]:
    """{(type, sentence, start, end)} with end exclusive."""
    if scheme in _SEQEVAL_SCHEMES:
        try:
            ents = Entities([list(s) for s in seqs], _SEQEVAL_SCHEMES[scheme])
        except (KeyError, ValueError) as e:  # seqeval: "Invalid token is found: S-PER..." or KeyError
            raise ValueError(f"tags do not fit the {scheme} scheme ({e}); pass the scheme the data uses "
                             f"(IOB2, BIOES, BMES, BILOU) or fix the tags") from None
        return {(e.tag, e.sent_id, e.start, e.end) for sent in ents.entities for e in sent}
    if scheme in ("IOB1", "IO"):
        out = set()
        for i, s in enumerate(seqs):
            out |= {(typ, i, start, end + 1) for typ, start, end in get_entities(list(s))}
        return out
    raise ValueError(f"unknown tagging scheme {scheme!r} for entity metrics; supported: IOB2/BIO, BIOES, BMES, BILOU")


def _bmes_to_bioes(seqs: list[list[str]]) -> list[list[str]]:
    return [["I" + t[1:] if t.startswith(("M-", "M_")) else t for t in s] for s in seqs]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1; 0 where the denominator is 0 (nothing predicted / nothing to find)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# ---------------------------------------------------------------- extractive QA


def squad_em_f1(predictions: dict[str, str], references: dict[str, list[str]], lang: str = "en") -> dict[str, float]:
    """Exact match and F1 (0..100), averaged over the questions in `references`.

    A question without a prediction scores 0 (as in the official scripts); predictions for ids not
    in `references` are ignored. Each prediction is scored against every gold answer and the best
    score is kept.
    lang="en": official SQuAD v1.1 rules: lowercase, drop ASCII punctuation and the articles
        a/an/the, split on whitespace; F1 over the bag of shared tokens.
    lang="zh": official CMRC 2018 rules: lowercase; drop the CMRC punctuation list (Chinese
        punctuation plus - : _ * ^ / \\ ~ ` + =); each CJK character is one token and runs of other
        text are split into words and punctuation marks (the official script uses nltk's
        word_tokenize there; a regex stands in, which differs only on rare cases like "don't");
        F1 uses the longest common *contiguous* token run, EM compares the punctuation-free strings.
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"squad_em_f1: lang must be 'en' or 'zh', got {lang!r}")
    if not references:
        raise ValueError("squad_em_f1: no reference questions to score")
    em_fn, f1_fn = (_em_en, _f1_en) if lang == "en" else (_em_zh, _f1_zh)
    em = f1 = 0.0
    for qid, golds in references.items():
        if isinstance(golds, str):
            golds = [golds]
        if qid not in predictions or not golds:
            continue
        pred = predictions[qid]
        em += max(em_fn(pred, g) for g in golds)
        f1 += max(f1_fn(pred, g) for g in golds)
    n = len(references)
    return {"exact_match": 100.0 * em / n, "f1": 100.0 * f1 / n}


_PUNCT_EN = set(string.punctuation)


def normalize_answer(s: str) -> str:
    """SQuAD v1.1 normalisation: lowercase, drop punctuation, articles and extra whitespace."""
    s = "".join(ch for ch in s.lower() if ch not in _PUNCT_EN)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def _em_en(pred: str, gold: str) -> float:
    return float(normalize_answer(pred) == normalize_answer(gold))


def _f1_en(pred: str, gold: str) -> float:
    p, g = normalize_answer(pred).split(), normalize_answer(gold).split()
    same = sum((Counter(p) & Counter(g)).values())
    if same == 0:  # also when either side is empty, as in the v1.1 script
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


# The punctuation list of the official cmrc2018_evaluate.py. It also lists "……", which never equals a
# single character there, so "…" is kept, as in the official scores.
_PUNCT_ZH = set("-:_*^/\\~`+=，。：？！“”；’《》·、「」（）－～『』")
_CJK = re.compile(r"[\u4e00-\u9fa5]")  # the range the official script treats as Chinese
_WORD = re.compile(r"\d+(?:[.,]\d+)*|\w+|[^\w\s]")  # numbers like 3.5 stay whole; punctuation alone


def segment_zh(s: str) -> list[str]:
    """CMRC 2018 mixed segmentation with punctuation removed: CJK chars one by one, other text by words."""
    out, run = [], []
    for ch in s.lower().strip():
        if ch in _PUNCT_ZH:  # dropped without ending the current word, as in the official script
            continue
        if _CJK.match(ch):
            out += _WORD.findall("".join(run))
            out.append(ch)
            run = []
        else:
            run.append(ch)
    return out + _WORD.findall("".join(run))


def _em_zh(pred: str, gold: str) -> float:
    strip = lambda s: "".join(ch for ch in s.lower().strip() if ch not in _PUNCT_ZH)  # noqa: E731
    return float(strip(pred) == strip(gold))


def _f1_zh(pred: str, gold: str) -> float:
    p, g = segment_zh(pred), segment_zh(gold)
    lcs = _longest_common_run(p, g)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(p), lcs / len(g)
    return 2 * precision * recall / (precision + recall)


def _longest_common_run(a: list[str], b: list[str]) -> int:
    """Length of the longest common contiguous subsequence (substring) of two token lists."""
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


# ---------------------------------------------------------------- language modelling


def perplexity(mean_nll_nats: float) -> float:
    """exp(mean negative log-likelihood per token, in nats); inf instead of an overflow."""
    try:
        return math.exp(mean_nll_nats)
    except OverflowError:
        return math.inf


def bits_per_char(total_nll_nats: float, n_chars: int) -> float:
    """Total NLL (nats, summed over the text) converted to bits per character of the text."""
    if n_chars <= 0:
        raise ValueError(f"bits_per_char needs a positive character count, got {n_chars}")
    return total_nll_nats / (n_chars * math.log(2))
