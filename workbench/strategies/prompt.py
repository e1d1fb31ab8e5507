"""Prompt tuning: n learned embedding vectors (a "soft prompt") are put before every input; the model is frozen
(Lester et al., 2021). Nothing to merge: the run saves the soft prompt with a reference to its base model."""

from dataclasses import dataclass

from ..errors import ConfigError, ModelError
from ..options import knob
from ..strategies import STRATEGIES
from ._peft import PromptLearning, head_modules, task_type


@STRATEGIES.register("prompt")
class Prompt(PromptLearning):
    order = 65
    summary = "Prompt tuning: a learned soft prompt before every input; the model stays frozen."
    explain = ("The whole model stays frozen; a few learned vectors are put in front of every input like extra "
               "words, and training finds the 'prompt' that makes the frozen model do the task (the new task "
               "head trains too). The smallest change of all, which works best on large models and needs a high "
               "learning rate (about 1e-2 to 3e-1). The prompt cannot be merged into the weights: the saved "
               "model is the prompt plus a reference to the base model (the workbench loads it back; "
               "transformers' pipeline() cannot).")
    formula = "h = f_θ([P; E(x)]),   θ frozen, P ∈ R^{n×d} trained"
    zh = {
        "summary": "提示微调（Prompt Tuning）：在每个输入前加可学习的软提示；模型保持冻结。",
        "explain": ("整个模型保持冻结；在每个输入前放几个可学习的向量，就像额外的词，训练找出能让冻结的模型完成任"
                    "务的“提示”（新任务头也参与训练）。这是改动最小的方法，在大模型上效果最好，需要很高的学习率（"
                    "约 1e-2 到 3e-1）。提示无法合并进权重：保存的模型是提示加上对基础模型的引用（工作台能加载它；"
                    "transformers 的 pipeline() 不能）。"),
        "formula": "h = f_θ([P; E(x)])，   θ 冻结，P ∈ R^{n×d} 参与训练",
    }

    @dataclass
    class Options:
        num_virtual_tokens: int = knob(20, "Length n of the soft prompt (learned vectors put before each input).",
                                       label="Virtual tokens", min=1, max=512)
        init: str = knob("vocab", "How the prompt starts: embeddings of random vocabulary tokens (vocab), of "
                         "init_text (text), or random vectors (random).", choices=("vocab", "text", "random"))
        init_text: str = knob("", "With init: text — words that describe the task, e.g. 'Is this review "
                              "positive or negative?'. Repeated or cut to the prompt's length.", label="Init text")

        zh = {   # the knobs' (label, help) in Chinese
            "num_virtual_tokens": ("虚拟词元数", "软提示的长度 n（放在每个输入前的可学习向量）。"),
            "init": ("初始化方式", "提示的初始值：随机词表词元的嵌入（vocab）、init_text 的嵌入（text），或随机向"
                              "量（random）。"),
            "init_text": ("初始化文本", "init 为 text 时使用：描述任务的文字，例如“这条评论是正面还是负面？”。会"
                                   "被重复或截断到提示的长度。"),
        }

    @classmethod
    def check(cls, options, cfg):
        super().check(options, cfg)
        if options.init == "text" and not options.init_text.strip():
            raise ConfigError("strategy.prompt.init_text", "init is 'text' but init_text is empty; write a short "
                              "task description or use init: vocab")

    def peft_config(self, model, ctx):
        from peft import PromptTuningConfig, PromptTuningInit   # lazy: peft, only for adapters
        o = self.opts
        if ctx.task.sequence_head and ctx.family == "decoder":
            raise ModelError(f"prompt tuning cannot do {ctx.task.name} with a decoder model: peft hands it "
                             "embeddings only, so it cannot find each text's last token to read its answer from; "
                             "use lora or ia3, or an encoder such as minilm")
        self.check_positions(model, ctx)
        init = {"vocab": PromptTuningInit.SAMPLE_VOCAB, "text": PromptTuningInit.TEXT,
                "random": PromptTuningInit.RANDOM}[o.init]
        text = {"prompt_tuning_init_text": o.init_text, "tokenizer_name_or_path": ctx.tokenizer.name_or_path} \
            if o.init == "text" else {}
        return PromptTuningConfig(task_type=task_type(ctx.task), num_virtual_tokens=o.num_virtual_tokens,
                                  prompt_tuning_init=init, modules_to_save=head_modules(model, ctx.new_names), **text)
