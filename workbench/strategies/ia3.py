"""(IA)³: learned vectors that rescale keys, values and the feed-forward activations, l ⊙ (W x) (Liu et al., 2022).
The fewest trained parameters of the adapters; merged into the weights at the end."""

from dataclasses import dataclass

from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from ._peft import PeftStrategy, head_modules, resolve_targets, task_type


@STRATEGIES.register("ia3")
class IA3(PeftStrategy):
    order = 66
    summary = "(IA)³: learned per-channel scales on keys, values and feed-forward activations; merged at the end."
    explain = ("Every pre-trained weight stays frozen; a learned vector rescales the output of the key and value "
               "projections and the input of the feed-forward down-projection, channel by channel, and the new "
               "task head trains in full. Far fewer trained numbers than LoRA (one per channel), so it needs a "
               "high learning rate (about 3e-3 to 1e-2). The scales are multiplied into the weights at the end, so "
               "the saved model is an ordinary one.")
    formula = "h = l ⊙ (W x)  (keys, values);   h = W (l ⊙ x)  (feed-forward);   W frozen, l starts at 1"
    zh = {
        "summary": "(IA)³：对键、值和前馈激活学习逐通道缩放；训练结束时合并。",
        "explain": ("所有预训练权重保持冻结；一个可学习的向量逐通道缩放键、值投影的输出以及前馈下投影层的输入，新"
                    "的任务头完整训练。训练的数值远少于 LoRA（每个通道一个），因此需要较高的学习率（约 3e-3 到 1e-"
                    "2）。训练结束时缩放系数被乘进权重，保存的是普通模型。"),
        "formula": "h = l ⊙ (W x)（键、值）；   h = W (l ⊙ x)（前馈层）；   W 冻结，l 初始为 1",
    }

    @dataclass
    class Options:
        target_modules: list[str] = knob(help="Linear layers inside the blocks to rescale, by name or name ending. "
                                         "Empty: peft's default for the architecture (key, value, output.dense for "
                                         "BERT; c_attn, mlp.c_proj for GPT-2).", label="Target layers",
                                         factory=list)
        feedforward_modules: list[str] = knob(help="Which of the targets are feed-forward layers (their input is "
                                              "rescaled, not their output). Empty: peft's default.",
                                              label="Feed-forward layers", factory=list)

        zh = {   # the knobs' (label, help) in Chinese
            "target_modules": ("目标层", "块内要缩放的线性层，按名称或名称结尾指定。留空：使用 peft 针对该架构的"
                                      "默认设置（BERT 为 key、value、output.dense；GPT-2 为 c_attn、mlp.c_proj"
                                      "）。"),
            "feedforward_modules": ("前馈层", "目标层中哪些是前馈层（缩放其输入而不是输出）。留空：使用 peft 的默"
                                           "认设置。"),
        }

    def peft_config(self, model, ctx):
        from peft import IA3Config   # lazy: peft, only for adapters
        from peft.utils.constants import (   # lazy: peft, only for adapters
            TRANSFORMERS_MODELS_TO_IA3_FEEDFORWARD_MODULES_MAPPING as FF_DEFAULTS,
            TRANSFORMERS_MODELS_TO_IA3_TARGET_MODULES_MAPPING as DEFAULTS)
        o, where = self.opts, "strategy.ia3"
        model_type = model.config.model_type
        if not o.target_modules and model_type not in DEFAULTS:
            raise ConfigError(f"{where}.target_modules", f"peft has no default (IA)³ layers for {model_type!r} "
                              "models; list the key/value/feed-forward layers to rescale")
        wanted = o.target_modules or DEFAULTS[model_type]
        head = head_modules(model, ctx.new_names)
        targets = [t for t in resolve_targets(model, wanted, f"{where}.target_modules") if t not in head]
        ff_wanted = o.feedforward_modules or ([] if o.target_modules else FF_DEFAULTS.get(model_type, []))
        ff = resolve_targets(model, ff_wanted, f"{where}.feedforward_modules") if ff_wanted else []
        stray = [f for f in ff if f not in targets]
        if stray:
            raise ConfigError(f"{where}.feedforward_modules", f"{stray[0]!r} is not among the target layers; "
                              "feed-forward layers must also be targets")
        return IA3Config(task_type=task_type(ctx.task), target_modules=targets, feedforward_modules=ff,
                         modules_to_save=head)
