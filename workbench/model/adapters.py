"""Saved adapters (peft): find the peft model in a (wrapped) model, and load an adapter folder for inference.

Below the strategies that train adapters (strategies/_peft.py) and the model loaders that read them back, so
neither has to reach into the other."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoConfig

from ..errors import ModelError
from .catalogue import resolve


def _plain(enum_or_str) -> str | None:
    """peft keeps peft_type/task_type as enums after get_peft_model but as strings after loading a config."""
    return getattr(enum_or_str, "value", enum_or_str)


def inner_model(model):
    """The transformers model a task wrapper holds (`.hf_model`, e.g. under a CRF), or the model itself."""
    return model.hf_model if hasattr(model, "hf_model") else model


def peft_of(model):
    """The peft model in `model` (itself or under a task wrapper), or None."""
    inner = inner_model(model)
    return inner if hasattr(inner, "peft_config") else None


# ---------------------------------------------------------------------------------------------------------------
# prompt tuning prepends virtual tokens to the input: trim them from per-token outputs
def align_prompt_outputs(peft_model) -> None:
    """Prompt tuning puts n virtual token embeddings before the input, so a causal LM returns logits of length
    n + T. Drop the first n positions of per-token outputs (logits of a causal LM, hidden states) so every reader
    (evaluation, distillation) sees positions that line up with the input ids. The loss peft computes is unchanged
    (it pads the labels itself). Prefix tuning leaves the sequence length alone and needs nothing."""
    config = peft_model.peft_config[peft_model.active_adapter]
    if _plain(config.peft_type) not in ("PROMPT_TUNING", "P_TUNING"):
        return
    n, causal = config.num_virtual_tokens, _plain(config.task_type) == "CAUSAL_LM"

    def trim(module, args, kwargs, out):
        if causal and getattr(out, "logits", None) is not None and out.logits.dim() == 3:
            out.logits = out.logits[:, n:]
        if getattr(out, "hidden_states", None) is not None:
            out.hidden_states = tuple(h[:, n:] for h in out.hidden_states)
        return out

    peft_model.register_forward_hook(trim, with_kwargs=True)
    if causal:
        peft_model.generate = _soft_prompt_generate(peft_model, n)


def _soft_prompt_generate(peft_model, n: int):
    """generate() for a prompt-tuned causal LM. peft 0.21 looks for `past_key_values` to tell the first generation
    step from the next ones, transformers 5 calls it `cache`, so peft re-inserts the soft prompt at every step and
    runs past the position table. Instead: feed [soft prompt; token embeddings] to the base model's generate once
    (the cache then holds the prompt) and return the input ids followed by the new tokens, as generate does."""
    def generate(input_ids, attention_mask=None, **kwargs):
        base = peft_model.get_base_model()
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        embeds = base.get_input_embeddings()(input_ids)                                # (B, T, d)
        prompt = peft_model.get_prompt(batch_size=input_ids.shape[0]).to(embeds.dtype)  # (B, n, d)
        mask = torch.cat([attention_mask.new_ones(input_ids.shape[0], n), attention_mask], dim=1)
        new = base.generate(inputs_embeds=torch.cat([prompt, embeds], dim=1), attention_mask=mask, **kwargs)
        return torch.cat([input_ids, new], dim=1)                                      # (B, T + new)
    return generate


# ---------------------------------------------------------------------------------------------------------------
# adapter folders: what model.saved.save writes for adapters that are not merged (prefix, prompt, qlora)
def load_adapter_folder(model_dir: Path, auto_cls, info: dict):
    """Rebuild a saved adapter run for inference: the base model named in adapter_config.json (or, when that path
    is gone, the workbench.json base resolved again), with the task head's config saved beside the adapter, then
    the adapter and trained head. LoRA-type adapters (qlora) are merged into the full-precision base."""
    from peft import PeftConfig, PeftModel   # lazy: peft loads only for adapter folders

    model_dir = Path(model_dir)
    pc = PeftConfig.from_pretrained(str(model_dir))
    base = pc.base_model_name_or_path
    if not base or (Path(base).is_absolute() and not Path(base).is_dir()):
        if not info.get("base_model"):
            raise ModelError(f"{model_dir} holds an adapter whose base model cannot be found ({base!r})")
        base = resolve(info["base_model"]).ref
    config = AutoConfig.from_pretrained(str(model_dir))
    if hasattr(config, "quantization_config"):   # qlora trained on a 4-bit base; inference loads it in full
        del config.quantization_config
    try:
        model = auto_cls.from_pretrained(base, config=config, revision=pc.revision)
    except OSError as e:
        raise ModelError(f"the adapter in {model_dir} needs its base model {base!r}, which cannot be loaded: "
                         f"{str(e).splitlines()[0][:200]}") from None
    model = PeftModel.from_pretrained(model, str(model_dir))
    if not pc.is_prompt_learning:
        return model.merge_and_unload()
    align_prompt_outputs(model)
    return model
