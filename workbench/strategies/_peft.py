"""What the peft strategies (lora, dora, qlora, prefix, prompt, ia3) share: which layers an adapter goes on, which
modules (the new task head) train in full beside it, wrapping the model with peft, merging at the end, and
loading a saved adapter folder back is model/adapters.py (`load_adapter_folder`, used by tasks.load_saved).

Adapters go only on the linear layers *inside the transformer blocks* (attention and feed-forward projections);
embeddings, the pooler and the task head get none. The head is new, so it trains in full (peft's
`modules_to_save`), as does any other module the checkpoint did not have (a freshly initialised pooler).

LoRA, DoRA and (IA)³ are merged into the weights at the end: the run's model/ is a plain transformers model that
`pipeline(...)` loads. Prefix and prompt tuning cannot be merged and qlora's base is 4-bit, so their model/ holds
peft's adapter (adapter_config.json + adapter_model.safetensors, with the trained head) and the base's config.json
with the task head's settings. tasks.load_saved rebuilds them from the base model adapter_config.json names.
transformers' pipeline() cannot load such a folder (it has no full weights, and transformers' own peft support
takes only adapters injected into layers); outside the workbench load it with peft:
    base = AutoModelForSequenceClassification.from_pretrained(BASE, config=AutoConfig.from_pretrained(FOLDER))
    model = PeftModel.from_pretrained(base, FOLDER)        # qlora: then model.merge_and_unload()
(for a prompt-tuned causal LM use the workbench loader: peft 0.21's generate() re-inserts the soft prompt at every
step under transformers 5; `align_prompt_outputs` fixes that and trims the virtual positions from the logits.)
"""

from __future__ import annotations


import torch.nn as nn

from ..model.adapters import align_prompt_outputs, inner_model, peft_of
from ..model.anatomy import block_prefix, head_names
from ..errors import ConfigError, ModelError
from .base import Strategy
from transformers.pytorch_utils import Conv1D   # GPT-2's transposed linear layer
from ..model.catalogue import preset


CONFLICT_REASONS = {
    "full": "full trains every weight, which makes an adapter pointless (the adapter alone already trains the "
            "adapter weights and the new head)",
    "freeze": "an adapter freezes every pre-trained weight itself and trains only its own small tensors; "
              "freeze's choice of trainable blocks would be overridden or mixed in",
    "head_only": "head_only freezes everything but the head, so the adapter would never train",
    "prune": "pruning masks the full weight matrices, while an adapter keeps them frozen and learns a dense "
             "update that merging would spread over the pruned positions, undoing the sparsity",
}


def task_type(task):
    """peft TaskType the task declares (`peft_task_type`: the peft model class that knows its forward signature
    and, for prompt learning, how to prepend virtual tokens and pad the labels), or None (then peft's generic
    PeftModel passes every argument on)."""
    from peft import TaskType   # lazy: peft, only for adapters
    return TaskType[task.peft_task_type] if task.peft_task_type else None


def _linear_types() -> tuple[type, ...]:
    return nn.Linear, Conv1D


def block_linears(model) -> list[tuple[str, str]]:
    """(full module name, name inside its block) of each linear layer in the transformer blocks, e.g.
    ('bert.encoder.layer.0.attention.self.query', 'attention.self.query')."""
    prefix, out = block_prefix(model), []
    for name, module in model.named_modules():
        if isinstance(module, _linear_types()) and name.startswith(prefix + "."):
            out.append((name, name[len(prefix) + 1:].split(".", 1)[1]))
    return out


def resolve_targets(model, wanted: list[str], field: str) -> list[str]:
    """Full names of the block linear layers an adapter goes on. Empty `wanted`: all of them. Each wanted name
    matches a layer whose in-block name equals it or ends with '.' + it ('query', 'attention.output.dense')."""
    layers = block_linears(model)
    if not layers:
        raise ModelError(f"found no linear layer inside the transformer blocks of {type(model).__name__}")
    if not wanted:
        return [full for full, _ in layers]
    out: list[str] = []
    for w in wanted:
        hit = [full for full, rel in layers if rel == w or rel.endswith("." + w)]
        if not hit:
            names = sorted({rel for _, rel in layers})
            raise ConfigError(field, f"{w!r} matches no linear layer inside the transformer blocks; this model's "
                              f"layers are: {', '.join(names)}")
        out += [h for h in hit if h not in out]
    return out


def head_modules(model, new_names: set) -> list[str]:
    """Modules that train in full beside the adapter: the task head and anything newly initialised."""
    return sorted({name.rsplit(".", 1)[0] for name in head_names(model, new_names) if "." in name})


def check_pretrained(name: str, cfg, why: str) -> None:
    """Refuse from-scratch catalogue models for adapters that only make sense on pre-trained weights."""
    p = preset(cfg.model.name)
    if p is not None and p.kind == "scratch":
        raise ConfigError("model.name", f"{name!r} needs a pre-trained model, but {cfg.model.name!r} is built from "
                          f"scratch: {why}. Use strategy full for from-scratch training")


class PeftStrategy(Strategy):
    """Base of the adapter strategies: subclasses build the peft config; this wraps, logs, merges."""
    direction = "peft"
    group = "adapter"
    conflicts = ("full", "freeze", "head_only", "prune")
    conflict_reasons = CONFLICT_REASONS
    merge: bool = True      # merge the adapter into the weights at finalize (a plain transformers model is saved)

    def peft_config(self, model, ctx):
        """The peft config for this model (the transformers model, outside any task wrapper)."""
        raise NotImplementedError

    def prepare(self, model, ctx):
        from peft import get_peft_model   # lazy: peft, only for adapters
        hf = inner_model(model)
        config = self.peft_config(hf, ctx)
        config.revision = ctx.cfg.model.revision        # saved with the adapter: the exact base to load it on
        wrapped = get_peft_model(hf, config)
        align_prompt_outputs(wrapped)
        adapter = sum(p.numel() for n, p in wrapped.named_parameters() if p.requires_grad
                      and ".modules_to_save." not in n)
        root = "base_model." if config.is_prompt_learning else "base_model.model."   # peft's prefix to names
        full = sorted({n.split(".modules_to_save.")[0].removeprefix(root) for n, _ in wrapped.named_parameters()
                       if ".modules_to_save." in n})
        ctx.log(f"{self.name}: {adapter:,} adapter parameters; trained in full beside them: "
                f"{', '.join(full) or 'nothing'}")
        if hf is model:
            return wrapped
        model.hf_model = wrapped
        return model

    def finalize(self, model, ctx):
        pm = peft_of(model)
        if not self.merge or pm is None:
            return model
        # W ← W + ΔW in every adapted layer, the trained head copies replace the originals: a plain model again.
        merged = pm.merge_and_unload()
        ctx.log(f"{self.name}: adapters merged into the weights")
        if hasattr(model, "hf_model"):
            model.hf_model = merged
            return model
        return merged


class PromptLearning(PeftStrategy):
    """Base of prefix and prompt tuning: learned virtual tokens, nothing to merge into the weights, so the run
    saves the adapter with a reference to its base model (model.saved.save / load_adapter_folder)."""
    merge = False
    @classmethod
    def applies_to(cls, task_cls) -> bool:
        return task_cls.prompt_tuning

    @classmethod
    def check(cls, options, cfg):
        check_pretrained(cls.name, cfg, "virtual tokens steer a model that already knows language; on random "
                         "weights they cannot, and the random base could not be rebuilt to load the adapter back")

    def check_positions(self, model, ctx) -> None:
        """Virtual tokens take positions: the input plus them must fit the model's position embeddings."""
        n, limit = self.opts.num_virtual_tokens, max_positions(model.config)
        if limit is not None and ctx.cfg.data.max_length + n > limit:
            raise ConfigError("data.max_length", f"{self.name} adds {n} virtual tokens before each input and this "
                              f"model has {limit} positions; set data.max_length to at most {limit - n} or use "
                              "fewer virtual tokens")


def max_positions(config) -> int | None:
    for key in ("max_position_embeddings", "n_positions"):
        if isinstance(getattr(config, key, None), int):
            return getattr(config, key)
    return None


__all__ = ["PeftStrategy", "block_linears", "head_modules",
           "resolve_targets", "task_type"]
