"""A transformers token-classification model with a CRF on top (used when `model.crf: true`).

The transformers model stays whole as `.hf_model` (anatomy.unwrap, save_pretrained and the strategies find it
there); its logits are the CRF's emission scores. The CRF runs over words: the positions that carry a label
(first sub-tokens; labels != -100) are gathered with crf.compact, so sub-word pieces never enter the chain.
The CRF's weights and constraint masks are saved beside the model as crf.safetensors.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn

from ..errors import ModelError
from ._crf import CRF, allowed_transitions, compact

CRF_FILE = "crf.safetensors"


class CRFTagger(nn.Module):
    def __init__(self, hf_model: nn.Module, scheme: str):
        super().__init__()
        self.hf_model = hf_model
        self.scheme = scheme
        id2label = {int(i): label for i, label in hf_model.config.id2label.items()}
        allowed, start, end = allowed_transitions(id2label, scheme)
        self.crf = CRF(len(id2label), allowed, start, end)

    @property
    def config(self):
        return self.hf_model.config

    def forward(self, input_ids=None, attention_mask=None, labels=None, **kwargs):
        """Like the transformers model, but `.loss` is the CRF negative log-likelihood of the gold word tags
        (mean over sentences) instead of per-token cross-entropy. labels: (B,T), -100 at positions the CRF
        skips (special tokens, continuation pieces, padding)."""
        out = self.hf_model(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
        if labels is not None:
            emissions, tags, mask = compact(out.logits, labels, labels != -100)   # (B,W,K), (B,W), (B,W)
            out.loss = self.crf.nll(emissions, tags, mask)
        return out

    @torch.no_grad()
    def decode(self, logits: torch.Tensor, keep: torch.Tensor) -> list[list[int]]:
        """Viterbi tag ids per row for the kept positions (keep: (B,T) bool, one True per word), in order."""
        emissions, _, mask = compact(logits.float(), None, keep)
        return self.crf.decode(emissions, mask)


def find_crf(model) -> CRFTagger | None:
    """The CRFTagger inside `model` (itself, or under a peft or other wrapper), or None."""
    return next((m for m in model.modules() if isinstance(m, CRFTagger)), None)


def save_crf(model, folder: Path) -> None:
    tagger = find_crf(model)
    if tagger is None:
        return
    state = {k: v.detach().cpu().contiguous() for k, v in tagger.crf.state_dict().items()}
    labels = [tagger.config.id2label[i] for i in range(tagger.crf.num_tags)]
    save_file(state, str(Path(folder) / CRF_FILE), metadata={"scheme": tagger.scheme, "labels": json.dumps(labels)})


def load_crf(model, folder: Path):
    """Put the saved CRF back on a loaded transformers model (wrapping it when needed). Returns the model."""
    path = Path(folder) / CRF_FILE
    tagger = find_crf(model)
    if not path.is_file():
        if tagger is not None:
            raise ModelError(f"{folder} has no {CRF_FILE}: this model was trained without a CRF; load it with "
                             "model.crf: false")
        return model
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
    labels = json.loads(meta.get("labels", "[]"))
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    if labels and labels != names:
        raise ModelError(f"{path} was saved for labels {labels} but the model has {names}; the folder is mixed up")
    if tagger is None:
        tagger = model = CRFTagger(model, meta.get("scheme", "IOB2"))
    tagger.crf.load_state_dict(load_file(str(path)))
    return model
