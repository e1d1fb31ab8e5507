"""QLoRA: the frozen base is loaded in 4-bit NormalFloat (bitsandbytes), LoRA adapters train on top in a 16-bit
compute dtype (Dettmers et al., 2023). CUDA only. The adapter is saved unmerged with a reference to its base;
tasks.load_saved merges it into the full-precision base for inference."""

from dataclasses import dataclass

import torch

from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from ..model.adapters import inner_model
from ._peft import check_pretrained
from .lora import Lora, LoraOptions
import transformers
from ..model.catalogue import load_config, resolve
from transformers import BitsAndBytesConfig


@dataclass
class QLoraOptions(LoraOptions):
    compute_dtype: str = knob("bfloat16", "Precision the 4-bit weights are expanded to for each matrix product.",
                              label="Compute dtype", choices=("bfloat16", "float16", "float32"))
    double_quant: bool = knob(True, "Also quantize the quantization constants (saves about 0.4 bit per weight).",
                              advanced=True)
    gradient_checkpointing: bool = knob(True, "Recompute activations in the backward pass instead of keeping "
                                        "them: less memory, about 30% slower.", advanced=True)
    zh = {   # the knobs' (label, help) in Chinese
        "compute_dtype": ("计算精度", "每次矩阵乘法前 4 位权重反量化到的精度。"),
        "double_quant": ("双重量化", "对量化常数再做一次量化（每个权重约节省 0.4 位）。"),
        "gradient_checkpointing": ("梯度检查点", "反向传播时重新计算激活值而不是保存它们：省显存，约慢 30%。"),
    }


@STRATEGIES.register("qlora")
class QLora(Lora):
    order = 62
    summary = "LoRA on a 4-bit NF4-quantized frozen base (bitsandbytes); CUDA only."
    explain = ("Like LoRA, but the frozen base model is stored in 4 bits per weight (NormalFloat-4), which cuts "
               "its memory about 4x against 16-bit, so larger models fit on one GPU. The adapters and the new task "
               "head stay in full precision and train as in LoRA. Needs an NVIDIA GPU (bitsandbytes). The adapter "
               "is saved on its own with a reference to the base model; loading the run merges it into the "
               "full-precision base.")
    formula = "h = dequant(W_NF4) x + (alpha / r) · B A x,   W_NF4 frozen in 4 bits, A and B in compute dtype"
    requires_cuda = True
    merge = False      # merging into 4-bit weights would re-round them; load_saved merges into the 16/32-bit base

    Options = QLoraOptions
    zh = {
        "summary": "在 4 位 NF4 量化、冻结的基础模型上做 LoRA（bitsandbytes）；仅支持 CUDA。",
        "explain": ("与 LoRA 相同，但冻结的基础模型以每个权重 4 位（NormalFloat-4）存储，显存约为 16 位的四分之一"
                    "，更大的模型也能放进单张 GPU。适配器和新任务头保持全精度，按 LoRA 的方式训练。需要 NVIDIA GPU"
                    "（bitsandbytes）。适配器单独保存，并引用基础模型；加载该运行时会把它合并进全精度的基础模型。"),
        "formula": "h = dequant(W_NF4) x + (alpha / r) · B A x，   W_NF4 以 4 位冻结，A 与 B 使用计算精度",
    }

    @classmethod
    def check(cls, options, cfg):
        device = cfg.train.device
        if device == "cpu" or (device == "auto" and not torch.cuda.is_available()):
            where = "train.device" if device == "cpu" else "strategy.qlora"
            raise ConfigError(where, "qlora needs a CUDA GPU (4-bit bitsandbytes training), and this run would train "
                              "on the CPU; use lora on CPU (same adapters, full-precision base) or run on a machine "
                              "with an NVIDIA GPU")
        check_pretrained(cls.name, cfg, "QLoRA quantizes pre-trained weights and a from-scratch model has none")
        try:
            import bitsandbytes   # lazy: optional (CUDA)  # noqa: F401
        except ImportError:
            raise ConfigError("strategy.qlora", "qlora needs the bitsandbytes package; pip install bitsandbytes") \
                from None

    def load_kwargs(self, cfg, task) -> dict:
        o = self.opts
        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                   bnb_4bit_compute_dtype=getattr(torch, o.compute_dtype),
                                   bnb_4bit_use_double_quant=o.double_quant,
                                   llm_int8_skip_modules=_head_module_names(cfg, task))
        return {"quantization_config": quant}

    def prepare(self, model, ctx):
        from peft import prepare_model_for_kbit_training   # lazy: peft, only for adapters
        hf = inner_model(model)
        _unquantize_new_modules(hf, ctx.new_names, ctx.device)
        # Norms and other small float tensors to fp32, input gradients on (the frozen 4-bit embeddings give none).
        hf = prepare_model_for_kbit_training(hf, use_gradient_checkpointing=self.opts.gradient_checkpointing,
                                             gradient_checkpointing_kwargs={"use_reentrant": False})
        if hasattr(model, "hf_model"):
            model.hf_model = hf
        else:
            model = hf
        return super().prepare(model, ctx)


def _head_module_names(cfg, task) -> list[str]:
    """Modules the 4-bit conversion must leave alone: the task head (outside the backbone) and the output
    embeddings, found on a weightless (meta-device) copy of the model built from its config."""

    config = load_config(resolve(cfg.model.name, cfg.output.runs_dir), cfg.model)
    config.update(task.model_kwargs())
    with torch.device("meta"):
        model = getattr(transformers, task.auto_class).from_config(config)
    prefix = getattr(model, "base_model_prefix", "")
    out = {name for name, module in model.named_modules() if name and not name.startswith(prefix)
           and "." not in name and any(True for _ in module.parameters())}
    out_emb = model.get_output_embeddings()
    out |= {name for name, module in model.named_modules() if out_emb is not None and module is out_emb}
    return sorted(out)


def _unquantize_new_modules(model, new_names: set, device) -> None:
    """A layer the checkpoint did not have (a fresh pooler) was randomly initialised and then quantized: give it
    back a full-precision linear layer, initialised the model's usual way, so it can train with the head."""
    import bitsandbytes as bnb   # lazy: optional (CUDA)
    for name, module in list(model.named_modules()):
        if isinstance(module, bnb.nn.Linear4bit) and f"{name}.weight" in new_names:
            fresh = torch.nn.Linear(module.in_features, module.out_features, bias=module.bias is not None)
            model._init_weights(fresh)
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent) if parent else model, child, fresh.to(device))
