"""Prefix tuning: learned key/value vectors for n virtual positions in every attention layer; the model is frozen
(Li & Liang, 2021). Nothing to merge: the run saves the prefix with a reference to its base model."""

import inspect
from dataclasses import dataclass

from ..errors import ModelError
from ..options import knob
from ..strategies import STRATEGIES
from ._peft import PromptLearning, head_modules, task_type


@STRATEGIES.register("prefix")
class Prefix(PromptLearning):
    order = 64
    summary = "Prefix tuning: learned keys/values before the input in every attention layer (decoder LMs)."
    explain = ("The whole model stays frozen; every attention layer gets n extra learned key/value pairs that each "
               "token can attend to, which steers the model towards the task. Deeper than prompt tuning (it acts "
               "in every layer), still tiny; it needs a high learning rate (about 1e-3 to 1e-2). It works for "
               "causal language modelling with decoders (GPT-2, Llama...). Not for classification: peft hands the "
               "prefix to classifiers through an argument current transformers no longer has, and encoders "
               "(BERT/MiniLM) take no cached keys/values at all; use prompt, lora or ia3 there. The prefix cannot "
               "be merged into the weights: the saved model is the prefix plus a reference to the base model.")
    formula = "attention over [P_k; K] and [P_v; V] in every layer,   θ frozen, P_k, P_v ∈ R^{n×d} trained"

    @classmethod
    def applies_to(cls, task_cls) -> bool:
        return task_cls.prefix_tuning
    zh = {
        "summary": "前缀微调（Prefix Tuning）：在每个注意力层的输入前加入可学习的键/值（解码器语言模型）。",
        "explain": ("整个模型保持冻结；每个注意力层都多出 n 对可学习的键/值，每个词元都可以关注它们，从而把模型引"
                    "向任务。它比提示微调更深（作用于每一层），参数仍然极少；需要较高的学习率（约 1e-3 到 1e-2）。"
                    "适用于解码器（GPT-2、Llama……）上的因果语言建模。不适用于分类：peft 通过一个当前 transformers "
                    "已不再提供的参数把前缀传给分类模型，而编码器（BERT/MiniLM）根本不接受缓存的键/值；这些情况请"
                    "使用 prompt、lora 或 ia3。前缀无法合并进权重：保存的模型是前缀加上对基础模型的引用。"),
        "formula": "每一层中对 [P_k; K] 和 [P_v; V] 做注意力，   θ 冻结，P_k, P_v ∈ R^{n×d} 参与训练",
    }

    @dataclass
    class Options:
        num_virtual_tokens: int = knob(20, "Number n of learned key/value positions per attention layer.",
                                       label="Virtual tokens", min=1, max=512)
        projection: bool = knob(False, "Produce the prefix through a small two-layer network during training "
                                "(the original paper's reparametrisation; steadier, more to train).")

        zh = {   # the knobs' (label, help) in Chinese
            "num_virtual_tokens": ("虚拟词元数", "每个注意力层中可学习的键/值位置数 n。"),
            "projection": ("重参数化投影", "训练时通过一个小型两层网络生成前缀（原论文的重参数化；更稳定，但要训"
                                     "练的参数更多）。"),
        }

    def peft_config(self, model, ctx):
        from peft import PrefixTuningConfig   # lazy: peft, only for adapters
        params = inspect.signature(model.forward).parameters
        takes_cache = any(p in params for p in ("past_key_values", "cache")) or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        if not takes_cache:
            raise ModelError(f"prefix tuning needs a model that takes cached keys/values, and {type(model).__name__} "
                             "does not; use prompt, lora or ia3 with this model")
        o = self.opts
        self.check_positions(model, ctx)
        hidden = getattr(model.config, "hidden_size", None) or getattr(model.config, "n_embd", None)
        return PrefixTuningConfig(task_type=task_type(ctx.task), num_virtual_tokens=o.num_virtual_tokens,
                                  prefix_projection=o.projection, encoder_hidden_size=hidden,
                                  modules_to_save=head_modules(model, ctx.new_names))
