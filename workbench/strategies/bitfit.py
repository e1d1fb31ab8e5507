"""BitFit: only the bias terms of the pre-trained model train, with the new task head (Ben Zaken et al., 2022)."""

from ..errors import ModelError
from ..model.anatomy import head_names
from ..strategies import STRATEGIES
from .base import Strategy


@STRATEGIES.register("bitfit")
class BitFit(Strategy):
    order = 25
    summary = "Only the bias terms train, with the new task head (BitFit); every weight matrix stays frozen."
    explain = ("Every weight matrix and embedding keeps its pre-trained value; only the bias vectors (about 0.1% "
               "of the parameters) and the new task head learn. It changes the model very little, so it forgets "
               "little, and on small data it often comes close to full fine-tuning. Models without biases "
               "(some decoder LMs) have nothing to train and are refused.")
    formula = "θ = (W_pre frozen, b trained, head trained)"
    direction = "peft"
    group = "trainable-set"
    conflicts = ("adapter",)
    conflict_reasons = {"adapter": "an adapter freezes every pre-trained weight, biases included, and trains only "
                                   "its own tensors"}
    zh = {
        "summary": "只训练偏置项和新的任务头（BitFit）；所有权重矩阵保持冻结。",
        "explain": ("所有权重矩阵和词嵌入保持预训练的值，只有偏置向量（约占参数的 0.1%）和新的任务头参与学习。"
                    "它对模型的改动很小，因此遗忘很少；数据少时常常接近全参数微调。没有偏置的模型（部分解码器"
                    "语言模型）无可训练之处，会被拒绝。"),
        "formula": "θ =（W_pre 冻结，b 参与训练，任务头参与训练）",
    }

    def prepare(self, model, ctx):
        head = set(head_names(model, ctx.new_names))
        biases = [n for n, _ in model.named_parameters() if n not in head and n.rsplit(".", 1)[-1] == "bias"]
        if not biases:
            raise ModelError(f"bitfit found no bias terms in {type(model).__name__}; choose another strategy "
                             "(lora, head_only) for this model")
        trainable = head | set(biases)
        for name, p in model.named_parameters():
            p.requires_grad_(name in trainable)
        ctx.log(f"bitfit: {len(biases)} bias vectors and {len(head)} head tensors train")
        return model
