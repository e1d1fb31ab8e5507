"""Language-modelling heads for models that carry a task head instead: borrowed from the base checkpoint's
AutoModelForMaskedLM / AutoModelForCausalLM weights when it has them, otherwise built fresh. A head whose output
layer is tied to the input embeddings reads the trained model's embedding matrix live at each call, so the tie
holds while both train (and the matrix is not optimised twice)."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
import transformers

from ..model import catalogue as models
from ..model.anatomy import unwrap
from ..errors import ModelError


class TiedLinear(nn.Module):
    """Output layer (H -> V) whose weight is the model's input embedding matrix (V, H), plus its own bias."""

    def __init__(self, embedding: nn.Module, bias: nn.Parameter | None):
        super().__init__()
        object.__setattr__(self, "embedding", embedding)   # not registered: the model owns and trains it
        self.bias = bias
        self.reach_embeddings = True      # False: no gradient flows into the embeddings through this layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = self.embedding.weight if self.reach_embeddings else self.embedding.weight.detach()
        return F.linear(x, weight, self.bias)


class LMHead(nn.Module):
    """hidden states (..., H) -> vocabulary logits (..., V). `fresh`: no pre-trained weights were found."""

    def __init__(self, head: nn.Module, fresh: bool, tied: bool):
        super().__init__()
        self.head, self.fresh, self.tied = head, fresh, tied

    def forward(self, hidden: torch.Tensor, head_only: bool = False) -> torch.Tensor:
        """head_only: train the head alone (no gradient into the model's hidden states or embeddings), e.g. while a
        fresh head is still random and its gradient would only disturb the model."""
        for m in self.head.modules():
            if isinstance(m, TiedLinear):
                m.reach_embeddings = not head_only
        return self.head(hidden.detach() if head_only else hidden)


def borrow_lm_head(model, ctx, objective: str) -> LMHead:
    """The head of `objective` ("mlm" | "clm") for `model`, from the base checkpoint (cfg.model.name)."""
    auto = transformers.AutoModelForMaskedLM if objective == "mlm" else transformers.AutoModelForCausalLM
    trained = unwrap(model)
    source = models.resolve(ctx.cfg.model.name, ctx.cfg.output.runs_dir)
    fresh = True
    try:
        if source.kind == "scratch":
            raise OSError("from-scratch preset")
        lm, info = auto.from_pretrained(source.ref, revision=ctx.cfg.model.revision, output_loading_info=True,
                                        trust_remote_code=ctx.cfg.model.trust_remote_code)
        prefix = lm.base_model_prefix
        fresh = any(not k.startswith(prefix + ".") for k in info.get("missing_keys", ()))
    except (OSError, ValueError):
        lm = auto.from_config(trained.config)        # same architecture and sizes, head initialised fresh
    prefix = lm.base_model_prefix
    children = [(n, m) for n, m in lm.named_children() if n != prefix]
    if len(children) != 1:
        raise ModelError(f"rehearsal cannot use the {objective.upper()} head of {type(lm).__name__} (it is not a "
                         "single module on top of the encoder); choose another strategy for this model")
    head = children[0][1]
    out = lm.get_output_embeddings()
    tied = out is not None and out.weight is lm.get_input_embeddings().weight
    if tied:
        # Swap the tied output layer for one reading the trained model's embeddings.
        for name, module in head.named_modules():
            if module is out:
                parent, _, leaf = name.rpartition(".")
                setattr(head.get_submodule(parent) if parent else head, leaf,
                        TiedLinear(trained.get_input_embeddings(), out.bias))
                break
    param = next(trained.parameters())
    return LMHead(head, fresh, tied).to(device=param.device, dtype=param.dtype)
