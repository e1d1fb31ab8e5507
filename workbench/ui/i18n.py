"""Every string the UI shows, in English and 简体中文, and the Translator that switches a page at runtime.

Knob labels and help come from the engine's metadata (English); KNOBS gives their Chinese by config path ("train.lr"),
with strategies' and tasks' knobs and texts merged from i18n_methods.py; a missing one shows English (test_i18n.py).
"""

from __future__ import annotations

from typing import Callable

from .i18n_demo import DEMO_STRINGS, format_description, model_description  # noqa: F401  (used by the tabs)
from .i18n_methods import METHOD_KNOBS, PUBLISH_KNOBS, PUBLISH_STRINGS, method_text  # noqa: F401  (texts for tabs)
from .i18n_knobs import SECTION_KNOBS
from .i18n_study import STUDY_KNOBS, STUDY_STRINGS

LANGS = (("English", "en"), ("简体中文", "zh"))


def t(key: str, lang: str = "en", **fmt) -> str:
    """The string `key` in `lang` (English when a language lacks it), formatted with `fmt`."""
    entry = STRINGS.get(key)
    if entry is None:
        raise KeyError(f"no UI string {key!r} in workbench/ui/i18n.py")
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def knob_text(path: str, info, lang: str = "en") -> tuple[str, str]:
    """(label, help) of a knob widget. `path` is a form path ("train.lr", "strategy.freeze.k")."""
    key = path.replace(":", ".", 1)
    label = info.label[:1].upper() + info.label[1:] if info.label[:1].isascii() else info.label   # not λ -> Λ
    help_text = info.help
    if lang != "en" and (getattr(info, "zh", None) or key in KNOBS):   # a strategy's knobs carry theirs
        label, help_text = getattr(info, "zh", None) or KNOBS[key]
    rng = _range(info)
    return label, f"{help_text} ({rng})" if rng else help_text


def _range(info) -> str:
    """'0 – 1', '≥ 1' or '≤ 5' for a knob's allowed values."""
    if info.min is not None and info.max is not None:
        return f"{_num(info.min)} – {_num(info.max)}"
    if info.min is not None:
        return f"≥ {_num(info.min)}"
    return f"≤ {_num(info.max)}" if info.max is not None else ""


def _num(v) -> str:
    """1000000 -> '1,000,000'; 0.5 -> '0.5'; 1e-8 -> '1e-08'."""
    return f"{int(v):,}" if float(v).is_integer() and abs(v) < 1e12 else f"{v:g}"


class Translator:
    """Remembers which component shows which string, so one language switch updates the whole page.

    `make(gr.Dropdown, label="model.source", choices=lambda lang: [...], value=...)` builds a component with
    the strings of the build language and records how to redo them in any language. Translatable arguments:
    label, info, placeholder and text (the value of a Markdown / Button) are keys of STRINGS (or functions of
    the language); choices, when a function of the language, is translated too. One Translator per app; the language a page shows lives in that page's state.
    """

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self._items: list[tuple[object, Callable[[str], dict]]] = []

    def t(self, key: str, lang: str | None = None, **fmt) -> str:
        return t(key, lang or self.lang, **fmt)

    def make(self, cls, *, label=None, info=None, placeholder=None, text=None, choices=None, **kw):
        if choices is not None and not callable(choices):   # fixed choices (run ids...): not translated
            kw["choices"], choices = choices, None

        def strings(lang: str) -> dict:
            out = {}
            for name, key in (("label", label), ("info", info), ("placeholder", placeholder), ("value", text)):
                if key is None:
                    continue
                if callable(key):
                    out[name] = key(lang)
                else:   # a placeholder may be a literal example ("/path/to/model") rather than a key
                    out[name] = key if (name == "placeholder" and key not in STRINGS) else t(key, lang)
            if choices is not None:
                out["choices"] = choices(lang)
            return out
        comp = cls(**strings(self.lang), **kw)
        self._items.append((comp, strings))
        return comp

    def custom(self, comp, strings: Callable[[str], dict]):
        """Register a component whose translatable properties `strings(lang)` returns (knob widgets)."""
        self._items.append((comp, strings))
        return comp

    @property
    def components(self) -> list:
        return [c for c, _ in self._items]

    def updates(self, lang: str) -> list:
        """gr.update objects, in `components` order, that show the page in `lang`."""
        import gradio as gr   # lazy: the string tables stay importable without gradio (the CLI lists them)
        return [gr.update(**fn(lang)) for _, fn in self._items]


# ---------------------------------------------------------------------------------------------------------------
# UI strings: key -> {language: text}. Placeholders in braces are filled by t(key, lang, name=value).
def _s(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


STRINGS: dict[str, dict[str, str]] = {**STUDY_STRINGS,   # the Study tab's strings: i18n_study.py
    # page
    "app.subtitle": _s("fine-tune language models: pick a model, data and strategy, train, compare",
                       "微调语言模型：选择模型、数据与策略，训练并比较"),
    "tab.model": _s("1 · Model", "1 · 模型"),
    "tab.data": _s("2 · Data", "2 · 数据"),
    "tab.strategy": _s("3 · Strategy", "3 · 策略"),
    "tab.train": _s("4 · Train", "4 · 训练"),
    "tab.runs": _s("5 · Runs", "5 · 运行记录"),
    "tab.evaluate": _s("6 · Evaluate", "6 · 评估"),
    "tab.export": _s("7 · Export", "7 · 导出"),
    "common.advanced": _s("Advanced settings", "高级设置"),
    "common.unset": _s("not set", "未设置"),
    "err.internal": _s("Unexpected error (the details are in the server log): {error}",
                       "意外错误（详细信息见服务器日志）：{error}"),
    # status names
    "status.queued": _s("queued", "排队中"),
    "status.running": _s("running", "训练中"),
    "status.completed": _s("completed", "已完成"),
    "status.stopped": _s("stopped and saved", "已停止并保存"),
    "status.cancelled": _s("cancelled", "已取消"),
    "status.failed": _s("failed", "失败"),
    "status.interrupted": _s("interrupted", "已中断"),
    "status.deleted": _s("deleted", "已删除"),
    # model tab
    "model.intro": _s("Choose the pre-trained model to fine-tune (or a small one to train from scratch). "
                      "Everything below works offline.",
                      "选择要微调的预训练模型（或从零训练的小模型）。以下选项均可离线使用。"),
    "model.source": _s("Where the model comes from", "模型来源"),
    "model.mode.catalogue": _s("Catalogue", "内置目录"),
    "model.mode.folder": _s("Local folder", "本地文件夹"),
    "model.mode.run": _s("A finished run", "已完成的运行"),
    "model.mode.hub": _s("Hugging Face hub id", "Hugging Face Hub ID"),
    "model.catalogue": _s("Model", "模型"),
    "model.folder": _s("Model folder", "模型文件夹"),
    "model.folder_info": _s("A folder saved with save_pretrained (has config.json), on the machine running the app.",
                            "用 save_pretrained 保存的文件夹（含 config.json），位于运行本应用的机器上。"),
    "model.run": _s("Run", "运行"),
    "model.run_info": _s("Continue from the model a run saved.", "从某次运行保存的模型继续训练。"),
    "model.hub": _s("Hub id", "Hub ID"),
    "model.hub_info": _s("Downloaded when online; offline only models already in the cache load.",
                         "联网时下载；离线时只能加载缓存中已有的模型。"),
    "model.empty": _s("Enter a model to see its facts.", "输入模型以查看其信息。"),
    "model.kind": _s("Source", "来源"),
    "model.kind.bundled": _s("bundled, pre-trained", "随附·已预训练"),
    "model.kind.scratch": _s("from scratch", "从零训练"),
    "model.kind.local": _s("local folder", "本地文件夹"),
    "model.kind.hub": _s("hub", "Hub"),
    "model.family": _s("Family", "类别"),
    "model.type": _s("Architecture", "架构"),
    "model.params": _s("Parameters", "参数量"),
    "model.layers": _s("Layers", "层数"),
    "model.hidden": _s("Hidden size", "隐藏维度"),
    "model.vocab": _s("Vocabulary", "词表大小"),
    # data tab
    "data.intro": _s("Choose the task and the data. The preview on the right reads the real file; column lists "
                     "come from it.", "选择任务与数据。右侧预览读取真实文件，列名列表也来自该文件。"),
    "data.task": _s("Task", "任务"),
    "data.train_source": _s("Training data", "训练数据"),
    "data.validation_source": _s("Validation data", "验证数据"),
    "data.test_source": _s("Test data", "测试数据"),
    "data.mode.builtin": _s("Built-in set", "内置数据集"),
    "data.mode.upload": _s("Upload a file", "上传文件"),
    "data.mode.hub": _s("Hub dataset", "Hub 数据集"),
    "data.mode.none": _s("None", "无"),
    "data.builtin": _s("Built-in set", "内置数据集"),
    "data.upload": _s("File (csv, tsv, json, jsonl, parquet, txt, conll)",
                      "文件（csv、tsv、json、jsonl、parquet、txt、conll）"),
    "data.stored": _s("Stored as", "已保存为"),
    "data.hub": _s("Hub dataset id", "Hub 数据集 ID"),
    "data.hub_info": _s("Press Enter to load it (needs the network unless cached).",
                        "按回车加载（未缓存时需要联网）。"),
    "data.more_splits": _s("Validation and test data (optional)", "验证与测试数据（可选）"),
    "data.check": _s("Check data", "检查数据"),
    "data.choose": _s("Choose the training data: upload a file or enter a hub dataset id.",
                      "请选择训练数据：上传文件或输入 Hub 数据集 ID。"),
    "data.preview": _s("First rows", "前几行"),
    "data.label_counts": _s("Label counts (training data)", "标签分布（训练数据）"),
    "data.no_counts": _s("No label column to count", "没有可统计的标签列"),
    "data.summary": _s("{rows} training rows · columns: {columns}", "训练数据 {rows} 行 · 列：{columns}"),
    "data.ok": _s("✓ Data is valid: {sizes}.", "✓ 数据有效：{sizes}。"),
    "data.columns_guessed": _s("Columns were chosen from the file; check them below.",
                               "已根据文件自动选择列，请在下方确认。"),
    # strategy tab
    "strategy.intro": _s("How the model learns. Pick one or several strategies; each one's settings appear on the "
                         "right.", "模型如何学习。可选择一个或多个策略，其设置显示在右侧。"),
    "strategy.choose": _s("Strategies", "策略"),
    "strategy.choose_info": _s("They compose: their hooks run in the order listed.",
                               "可组合使用：各策略的钩子按列出顺序执行。"),
    "strategy.none": _s("No strategy chosen: full fine-tuning is used.", "未选择策略：将使用全参数微调。"),
    "strategy.only_tasks": _s("Only for tasks: {tasks}", "仅适用于任务：{tasks}"),
    "strategy.group": _s("One per run from the group “{group}”", "每次运行只能从“{group}”组中选一个"),
    "dir.one-directional": _s("one-directional", "单向"),
    "dir.bidirectional": _s("bidirectional", "双向"),
    "dir.peft": _s("parameter-efficient", "参数高效"),
    "dir.compression": _s("compression", "压缩"),
    "dir.one-directional.explain": _s("knowledge flows one way, from the pre-trained model into the task; what "
                                      "pre-training taught can be forgotten.",
                                      "知识只从预训练模型流向任务，预训练学到的知识可能被遗忘。"),
    "dir.bidirectional.explain": _s("the model learns the task while holding on to (or distilling back) what it "
                                    "knew, so transfer goes both ways.",
                                    "模型在学习任务的同时保留（或蒸馏回）原有知识，迁移是双向的。"),
    "dir.peft.explain": _s("trains a few added parameters; the pre-trained weights stay as they were.",
                           "只训练少量新增参数，预训练权重保持不变。"),
    "dir.compression.explain": _s("makes the model smaller or faster (fewer layers, sparsity, lower precision).",
                                  "让模型更小或更快（更少层、稀疏化、低精度）。"),
    # train tab
    "train.start": _s("Start training", "开始训练"),
    "train.idle": _s("No run on this page yet: press Start, or pick a run under “Showing run”.",
                     "本页面还没有运行：点击“开始训练”，或在“显示的运行”中选择一个运行。"),
    "plan.title": _s("Start will train", "“开始训练”将训练"),
    "plan.model": _s("model", "模型"),
    "plan.data": _s("data", "数据"),
    "plan.task": _s("task", "任务"),
    "plan.strategy": _s("strategy", "策略"),
    "train.stop": _s("Stop", "停止"),
    "train.stop_save": _s("Stop and save", "停止并保存"),
    "train.config": _s("Config as YAML and command line", "YAML 配置与命令行"),
    "train.yaml": _s("Run config (YAML) — copy or download; the CLI runs the same file",
                     "运行配置（YAML）— 可复制或下载；命令行可运行同一文件"),
    "train.cli": _s("Equivalent command", "等价命令"),
    "train.preset": _s("Preset", "预设"),
    "train.load_preset": _s("Load preset", "加载预设"),
    "train.load_yaml": _s("Load a YAML file…", "加载 YAML 文件…"),
    "train.watch": _s("Showing run", "显示的运行"),
    "train.log": _s("Log", "日志"),
    "train.preparing": _s("loading the model and data…", "正在加载模型与数据…"),
    "train.waiting": _s("waiting for the job ahead of it to finish", "等待前面的任务完成"),
    "train.steps_total": _s("{total} steps", "共 {total} 步"),
    "train.step_of": _s("step {step} / {total}", "第 {step} / {total} 步"),
    "train.elapsed": _s("elapsed {t}", "已用 {t}"),
    "train.eta": _s("ETA {t}", "预计剩余 {t}"),
    "train.rate": _s("{rate} samples/s", "{rate} 样本/秒"),
    "train.epoch": _s("epoch {epoch}", "第 {epoch} 轮"),
    "train.queue_pos": _s("position {n} in the queue", "队列中第 {n} 位"),
    "train.stopping_cancel": _s("stopping…", "正在停止…"),
    "train.stopping_save": _s("stopping and saving…", "正在停止并保存…"),
    "train.facts": _s("{examples} examples · {trainable} of {total} parameters train · {device} · {precision}",
                      "样本 {examples} · 可训练参数 {trainable} / {total} · {device} · {precision}"),
    "train.final": _s("Final metrics ({split})", "最终指标（{split}）"),
    "train.failed": _s("The run failed: {error}", "运行失败：{error}"),
    "train.sample_input": _s("Input", "输入"),
    "train.sample_output": _s("Prediction", "预测"),
    "train.fix": _s("Cannot start — fix this on the {tab} tab: {error}", "无法开始 — 请在“{tab}”页修正：{error}"),
    "train.nothing": _s("No run is shown on this page.", "本页面没有正在显示的运行。"),
    "train.plan_invalid": _s("The form is not a valid run yet: {error}", "表单尚不构成有效的运行：{error}"),
    # plots
    "plot.total_loss": _s("total loss", "总损失"),
    "plot.step": _s("step", "步"),
    "plot.epoch": _s("epoch", "轮"),
    "plot.lr": _s("learning rate", "学习率"),
    "plot.waiting": _s("The curves appear when training starts", "开始训练后显示曲线"),
    "plot.no_eval": _s("Metrics appear after the first evaluation", "首次评估后显示评估指标"),
    "plot.no_runs": _s("Select runs above to overlay their curves", "在上方选择运行以叠加曲线"),
    "plot.no_probs": _s("No class probabilities", "没有类别概率"),
    "plot.probability": _s("probability", "概率"),
    # runs tab
    "runs.filter": _s("Filter", "筛选"),
    "runs.filter_hint": _s("run id, task, model or strategy — press Enter", "运行 ID、任务、模型或策略 — 按回车"),
    "runs.status": _s("Status", "状态"),
    "runs.all": _s("all", "全部"),
    "runs.refresh": _s("Refresh", "刷新"),
    "runs.col.id": _s("run", "运行"),
    "runs.col.status": _s("status", "状态"),
    "runs.col.task": _s("task", "任务"),
    "runs.col.model": _s("model", "模型"),
    "runs.col.strategy": _s("strategy", "策略"),
    "runs.col.metric": _s("metric", "指标"),
    "runs.col.created": _s("created", "创建时间"),
    "runs.selected": _s("Selected runs", "已选运行"),
    "runs.selected_info": _s("Click rows in the table, or pick here. Several runs: curves overlay and configs "
                             "are compared.", "点击表格行或在此选择。选择多个运行时叠加曲线并比较配置。"),
    "runs.watch": _s("Show in Train", "在训练页查看"),
    "runs.resume": _s("Resume", "恢复训练"),
    "runs.epochs": _s("Train to epoch", "训练到第几轮"),
    "runs.epochs_info": _s("Continue a finished run from its last checkpoint until this epoch.",
                           "从最后一个检查点继续已完成的运行，直到这一轮。"),
    "runs.continue": _s("Continue for more epochs", "继续训练更多轮"),
    "runs.delete": _s("Delete…", "删除…"),
    "runs.confirm_delete": _s("Delete for good", "确认删除"),
    "runs.cancel": _s("Keep them", "保留"),
    "runs.confirm_text": _s("Delete {n} run(s) and their folders: {ids}?", "删除 {n} 个运行及其文件夹：{ids}？"),
    "runs.deleted": _s("Deleted {n} run(s).", "已删除 {n} 个运行。"),
    "runs.pick_one": _s("Select exactly one run for this.", "此操作需要只选择一个运行。"),
    "runs.pick_some": _s("Select the runs to delete first.", "请先选择要删除的运行。"),
    "runs.need_epochs": _s("Enter the epoch to train to (more than the run has done).",
                           "请输入要训练到的轮数（大于已完成的轮数）。"),
    "runs.curves": _s("Curves", "曲线"),
    "runs.metric": _s("Metric", "指标"),
    "runs.x": _s("x axis", "横轴"),
    "runs.diff": _s("Config differences", "配置差异"),
    "runs.details": _s("Details", "详情"),
    "runs.diff_pick": _s("Select two or more runs to compare their configs.", "选择两个或更多运行以比较其配置。"),
    # table columns
    "col.model": _s("model", "模型"),
    "col.field": _s("field", "字段"),
    "col.value": _s("value", "值"),
    "col.input": _s("input", "输入"),
    "col.gold": _s("gold", "标准答案"),
    "col.answer": _s("answer", "回答"),
    "col.confidence": _s("confidence", "置信度"),
    "col.retention": _s("retention", "知识保留"),
    "col.params": _s("parameters", "参数量"),
    "col.size": _s("size MB", "大小 MB"),
    "col.latency": _s("latency ms/example", "延迟 毫秒/样本"),
    "col.throughput": _s("examples/s", "样本/秒"),
    "col.peak": _s("peak memory MB", "峰值内存 MB"),
    # evaluate tab
    "eval.intro": _s("Put two to four models side by side on the same data: finished runs, their exports and the "
                     "base model they started from.", "在同一数据上并排比较二到四个模型：已完成的运行、其导出版本以及"
                     "它们出发时的基础模型。"),
    "eval.models": _s("Models", "模型"),
    "eval.models_info": _s("2–4 models of one task; “base” is the first run's base model with a fresh head.",
                           "同一任务的 2–4 个模型；“base”是第一个运行的基础模型（新初始化的任务头）。"),
    "eval.base_choice": _s("base — the first run's base model (fresh head)", "base — 第一个运行的基础模型（新任务头）"),
    "eval.split": _s("Split", "数据划分"),
    "eval.split.test": _s("test", "测试集"),
    "eval.split.validation": _s("validation", "验证集"),
    "eval.limit": _s("Examples (at most)", "最多样本数"),
    "eval.retention": _s("Measure retention", "测量知识保留"),
    "eval.memory": _s("Measure peak memory (slower)", "测量峰值内存（较慢）"),
    "eval.compare": _s("Compare", "比较"),
    "eval.pick": _s("Choose two to {n} models to compare.", "请选择 2 到 {n} 个模型进行比较。"),
    "eval.pick_any": _s("Choose at least one model first.", "请先选择至少一个模型。"),
    "eval.summary": _s("{task} on the {split} split · {n} examples · main metric: {metric}",
                       "{task}，{split} 划分 · {n} 个样本 · 主指标：{metric}"),
    "eval.agree": _s("The models agree on every example.", "所有模型在每个样本上的预测一致。"),
    "eval.disagree": _s("Where the models disagree (most confident first)", "模型预测不一致的样本（置信度高者在前）"),
    "eval.try": _s("Try an input: every model answers", "试一个输入：每个模型都会作答"),
    "eval.input": _s("Input", "输入"),
    "eval.question": _s("Question", "问题"),
    "eval.context": _s("Context", "上下文"),
    "eval.ask": _s("Answer with every model", "让每个模型作答"),
    "eval.empty_input": _s("Type an input first.", "请先输入内容。"),
    # export tab
    "export.intro": _s("Export a finished run for use elsewhere. Each export is reloaded and checked against the "
                       "run (metrics, size, speed, output difference) and gets a model card.",
                       "导出已完成的运行以便在别处使用。每次导出都会重新加载并与原运行对比（指标、大小、速度、输出差异），"
                       "并生成模型卡。"),
    "export.run": _s("Run", "运行"),
    "export.format": _s("Format", "格式"),
    "export.go": _s("Export and check", "导出并检查"),
    "export.files": _s("Report and model card", "报告与模型卡"),
    "export.pick": _s("Choose a finished run first.", "请先选择一个已完成的运行。"),
    "export.done": _s("Exported to {folder}", "已导出到 {folder}"),
    "export.vs": _s("export / run", "导出 / 原运行"),
    "export.delta": _s("metric change", "指标变化"),
    "export.size_ratio": _s("size ratio", "大小比例"),
    "export.speedup": _s("speed-up", "加速比"),
    "export.diff": _s("max |output difference|", "最大输出差异"),
    **DEMO_STRINGS,   # the Demo tab's and the translations added with it (i18n_demo.py)
} | PUBLISH_STRINGS     # the Export tab's Publish section (i18n_publish.py)


KNOBS: dict[str, tuple[str, str]] = dict(SECTION_KNOBS)   # the config sections' knobs: i18n_knobs.py
KNOBS.update(METHOD_KNOBS | PUBLISH_KNOBS | STUDY_KNOBS)   # the strategies' and tasks' knobs; train.report_to, model.pooling
