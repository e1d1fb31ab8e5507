"""LoRA: W x + (alpha / r) · B A x, with A (r × in) and B (out × r) trained and W frozen (Hu et al., 2021).
Merged into W at the end, so the saved model is a plain transformers model."""

from dataclasses import dataclass

from ..options import knob
from ..strategies import STRATEGIES
from ._peft import PeftStrategy, head_modules, resolve_targets, task_type


@dataclass
class LoraOptions:
    r: int = knob(8, "Rank of the update B·A added to each targeted weight (more = more capacity).", label="Rank r",
                  min=1, max=1024)
    alpha: float = knob(16.0, "Scale of the update: it is multiplied by alpha / r.", label="Alpha", min=0.0,
                        max=100000.0)
    dropout: float = knob(0.05, "Dropout on the adapter's input during training.", min=0.0, max=0.9)
    target_modules: list[str] = knob(help="Linear layers inside the transformer blocks that get an adapter, by "
                                     "name or name ending (query, value, attention.output.dense, c_attn...). Empty: "
                                     "every linear layer of the blocks (query/key/value/dense for BERT, "
                                     "c_attn/c_proj/c_fc for GPT-2).", label="Target layers", factory=list)
    zh = {   # the knobs' (label, help) in Chinese
        "r": ("秩 r", "加到每个目标权重上的更新 B·A 的秩（越大，容量越大）。"),
        "alpha": ("缩放系数 alpha", "更新量的缩放：乘以 alpha / r。"),
        "dropout": ("Dropout 比率", "训练时作用于适配器输入的 Dropout。"),
        "target_modules": ("目标层", "Transformer 块内要加适配器的线性层，按名称或名称结尾指定（query、value、"
                                  "attention.output.dense、c_attn……）。留空：块内所有线性层（BERT 为 query/key"
                                  "/value/dense，GPT-2 为 c_attn/c_proj/c_fc）。"),
    }


@STRATEGIES.register("lora")
class Lora(PeftStrategy):
    order = 60
    summary = "Low-rank adapters on the block's linear layers; base frozen, merged into the weights at the end."
    explain = ("Every pre-trained weight stays frozen; each targeted layer learns a small low-rank correction B·A "
               "(rank r) beside it, and the new task head trains in full. Usually well under 5% of the "
               "parameters train, and the model cannot drift far from what pre-training taught it. At the end the "
               "correction is added into the weights, so the saved model is an ordinary model of the same size. "
               "Adapters learn slowly at full fine-tuning's learning rate: use a higher one (about 5e-4 to 1e-3).")
    formula = "h = W x + (alpha / r) · B A x,   W frozen, A ∈ R^{r×in}, B ∈ R^{out×r} (B = 0 at the start)"
    use_dora = False

    Options = LoraOptions
    zh = {
        "summary": "在各块的线性层上加低秩适配器；基础模型冻结，训练结束时合并进权重。",
        "explain": ("所有预训练权重保持冻结；每个目标层旁边学习一个小的低秩修正 B·A（秩为 r），新的任务头完整训练"
                    "。参与训练的参数通常远少于 5%，模型也无法偏离预训练所学太远。训练结束时修正量被加回权重，因此"
                    "保存的是同样大小的普通模型。在全参数微调的学习率下适配器学得很慢：请使用更高的学习率（约 5e-4"
                    " 到 1e-3）。"),
        "formula": "h = W x + (alpha / r) · B A x，   W 冻结，A ∈ R^{r×in}，B ∈ R^{out×r}（初始时 B = 0）",
    }

    def peft_config(self, model, ctx):
        from peft import LoraConfig   # lazy: peft, only for adapters
        o = self.opts
        head = head_modules(model, ctx.new_names)
        targets = [t for t in resolve_targets(model, o.target_modules, f"strategy.{self.name}.target_modules")
                   if t not in head]
        return LoraConfig(task_type=task_type(ctx.task), r=o.r, lora_alpha=o.alpha, lora_dropout=o.dropout,
                          target_modules=targets, modules_to_save=head, use_dora=self.use_dora, bias="none")
