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

    @dataclass
    class Options:
        num_virtual_tokens: int = knob(20, "Length n of the soft prompt (learned vectors put before each input).",
                                       label="Virtual tokens", min=1, max=512)
        init: str = knob("vocab", "How the prompt starts: embeddings of random vocabulary tokens (vocab), of "
                         "init_text (text), or random vectors (random).", choices=("vocab", "text", "random"))
        init_text: str = knob("", "With init: text — words that describe the task, e.g. 'Is this review "
                              "positive or negative?'. Repeated or cut to the prompt's length.", label="Init text")

    @classmethod
    def check(cls, options, cfg):
        super().check(options, cfg)
        if options.init == "text" and not options.init_text.strip():
            raise ConfigError("strategy.prompt.init_text", "init is 'text' but init_text is empty; write a short "
                              "task description or use init: vocab")

    def peft_config(self, model, ctx):
        from peft import PromptTuningConfig, PromptTuningInit   # lazy: peft, only for adapters
        o = self.opts
        if ctx.cfg.task.name == "classification" and ctx.family == "decoder":
            raise ModelError("prompt tuning cannot classify with a decoder model: peft hands it embeddings only, so "
                             "it cannot find each text's last token to classify from; use lora or ia3, or an "
                             "encoder such as minilm")
        self.check_positions(model, ctx)
        init = {"vocab": PromptTuningInit.SAMPLE_VOCAB, "text": PromptTuningInit.TEXT,
                "random": PromptTuningInit.RANDOM}[o.init]
        text = {"prompt_tuning_init_text": o.init_text, "tokenizer_name_or_path": ctx.tokenizer.name_or_path} \
            if o.init == "text" else {}
        return PromptTuningConfig(task_type=task_type(ctx.cfg.task.name), num_virtual_tokens=o.num_virtual_tokens,
                                  prompt_tuning_init=init, modules_to_save=head_modules(model, ctx.new_names), **text)
