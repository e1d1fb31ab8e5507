"""UI strings of the Demo tab (English and 简体中文), merged into i18n.STRINGS, and the Chinese of texts the engine
writes in English: model descriptions (models.CATALOGUE) and export format descriptions (export.FORMATS). Plain
words: every term a visitor may not know is explained in the same sentence."""

from __future__ import annotations
from ..export.formats import FORMATS


def _s(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


DEMO_STRINGS: dict[str, dict[str, str]] = {
    "tab.demo": _s("★ Demo", "★ 演示"),
    "demo.intro": _s(
        "Guided stories: one click trains real models on this computer and shows what happened, in plain words. "
        "Every run also appears in Runs, where the other tabs can open it.",
        "引导式演示：点一下，就在这台电脑上训练真实的模型，并用平实的语言说明发生了什么。每次运行也会出现在“运行记录”里，"
        "其他标签页都可以打开它。"),
    # the three stories
    "demo.teacher.title": _s("Teacher and student", "老师与学生"),
    "demo.teacher.what": _s(
        "A large model learns to tell positive reviews from negative ones (the teacher). A model half its size "
        "then learns from the teacher's answers (the student). Are they as good? How much smaller and faster?",
        "一个较大的模型先学会区分好评和差评（老师）；然后一个只有它一半大小的模型向老师的回答学习（学生）。"
        "学生学得一样好吗？小了多少、快了多少？"),
    "demo.teacher.start": _s("Start: teacher and student", "开始：老师与学生"),
    "demo.teacher.explain": _s(
        "Accuracy: the share of test reviews each model labels correctly. Size and speed: the student keeps half "
        "of the teacher's layers, so it is smaller and answers faster (milliseconds per example, lower is better).",
        "准确率：测试评论中被正确判断的比例。大小与速度：学生只保留了老师一半的层，所以更小，回答也更快"
        "（每个样本的毫秒数，越低越好）。"),
    "demo.forget.title": _s("Forgetting", "遗忘"),
    "demo.forget.what": _s(
        "Teaching a model a new task can make it forget what it knew. The same model is trained twice on the same "
        "data: once freely, once with a pull back toward what it knew (L2-SP).",
        "教模型一个新任务，可能让它忘掉原来会的东西。同一个模型在同样的数据上训练两次：一次不加约束，"
        "一次加一股把它拉回原状的力（L2-SP）。"),
    "demo.forget.start": _s("Start: forgetting", "开始：遗忘"),
    "demo.forget.explain": _s(
        "Retention: how much of its general understanding of language the model kept, measured on everyday "
        "sentences it never trained on (1 = nothing forgotten).",
        "知识保留：模型在从未训练过的日常句子上，还保留了多少原有的语言理解（1 表示完全没有遗忘）。"),
    "demo.scratch.title": _s("From scratch", "从零开始"),
    "demo.scratch.what": _s(
        "A tiny GPT starts knowing nothing, not even words, and learns to write by reading plain text. Its "
        "writing is shown after each stage: from gibberish to words to sentences.",
        "一个微型 GPT 从一无所知（连单词都不认识）开始，通过阅读纯文本学习写作。每个阶段结束后展示它写的内容："
        "从乱码，到单词，再到句子。"),
    "demo.scratch.start": _s("Start: from scratch", "开始：从零开始"),
    "demo.scratch.explain": _s(
        "The model continues the first words of a held-out line. Its loss (how surprised it is by the next word) "
        "falls as it reads more, and its writing gets visibly better.",
        "模型接着写一段留出文本的开头几个词。随着读得越多，它的损失（对下一个词有多意外）不断下降，写出的内容也明显变好。"),
    # what is happening now
    "demo.now.idle": _s("Pick a story above: one click starts it.", "在上方选择一个故事：点一下即可开始。"),
    "demo.now.stage": _s("step {i} of {n}", "第 {i} 步，共 {n} 步"),
    "demo.now.line": _s("{head}: {what}", "{head}：{what}"),
    "demo.now.steps": _s("training: {step} of {total} steps done", "训练中：已完成 {step} / {total} 步"),
    "demo.now.preparing": _s("preparing: loading the model and the data…", "准备中：正在加载模型与数据…"),
    "demo.now.comparing": _s("putting the models side by side: testing each on the same examples…",
                             "正在并排比较：用同样的样本测试每个模型…"),
    "demo.now.done": _s("done. The results are side by side below; type a sentence to ask the models yourself.",
                        "完成。结果并排显示在下方；输入一句话，亲自问问这些模型。"),
    "demo.now.stopped": _s("stopped. The runs so far are in Runs.", "已停止。已完成的运行在“运行记录”中。"),
    "demo.now.failed": _s("something went wrong:", "出错了："),
    "demo.prep.data": _s("preparing: reading the data…", "准备中：正在读取数据…"),
    "demo.prep.model": _s("preparing: loading the model…", "准备中：正在加载模型…"),
    "demo.prep.tokenize": _s("preparing: cutting {n} rows of text into tokens (word pieces)…",
                             "准备中：正在把 {n} 行文本切分成词元（词的片段）…"),
    "demo.stage.teacher": _s("the teacher (the bundled pre-trained model) learns the task",
                             "老师（自带的预训练模型）学习这个任务"),
    "demo.stage.student": _s("the student (half the teacher's layers) learns from the teacher's answers",
                             "学生（保留老师一半的层）向老师的回答学习"),
    "demo.stage.full": _s("training freely (full fine-tuning: every weight may change)",
                          "不加约束地训练（全量微调：每个权重都可以改变）"),
    "demo.stage.l2sp": _s("training with a pull back toward the original weights (L2-SP)",
                          "训练时把权重往原始值拉回（L2-SP）"),
    "demo.stage.scratch": _s("the tiny GPT reads its first pages", "微型 GPT 读它的头几页"),
    "demo.stage.more": _s("the tiny GPT keeps reading", "微型 GPT 继续阅读"),
    # the side-by-side view
    "demo.side.waiting": _s("The side-by-side results appear here when the story ends.", "故事结束后，并排的结果显示在这里。"),
    "demo.col.model": _s("model", "模型"),
    "demo.col.retention": _s("retention", "知识保留"),
    "demo.col.params": _s("parameters", "参数量"),
    "demo.col.size": _s("size (MB)", "大小（MB）"),
    "demo.col.speed": _s("ms per example", "每个样本毫秒数"),
    "demo.col.input": _s("input", "输入"),
    "demo.col.gold": _s("correct answer", "正确答案"),
    "demo.col.after": _s("after", "训练进度"),
    "demo.col.prompt": _s("beginning", "开头"),
    "demo.col.wrote": _s("the model wrote", "模型写出"),
    "demo.col.answer": _s("answer", "回答"),
    "demo.role.teacher": _s("teacher", "老师"),
    "demo.role.student": _s("student", "学生"),
    "demo.role.full": _s("free (full)", "不加约束（full）"),
    "demo.role.l2sp": _s("pulled back (L2-SP)", "拉回原状（L2-SP）"),
    "demo.role.scratch": _s("tiny GPT", "微型 GPT"),
    "demo.disagree": _s("Where they disagree ({n} examples):", "两者意见不同的样本（{n} 个）："),
    "demo.agree": _s("They agree on every test example.", "它们在每个测试样本上的回答都一致。"),
    "demo.after_steps": _s("{n} steps", "{n} 步"),
    # controls
    "demo.presenter": _s("Presenter view (large)", "演示模式（大字体）"),
    "demo.stop": _s("Stop the story", "停止演示"),
    "demo.stopping": _s("Stopping: the run training now is cancelled, no later one starts.",
                        "正在停止：当前训练的运行会被取消，后续运行不再开始。"),
    "demo.input": _s("Ask the models yourself", "亲自问问模型"),
    "demo.input_hint": _s("type a review (or the start of a sentence) and press Enter",
                          "输入一条评论（或一句话的开头），然后按回车"),
    "demo.ask": _s("Answer", "作答"),
    "model.family.encoder": _s("encoder", "编码器"),
    "model.family.decoder": _s("decoder", "解码器"),
    "model.family.seq2seq": _s("seq2seq", "编码器-解码器"),
}


# The Chinese of texts the engine writes in English (the English is the engine's own: models.CATALOGUE, export.FORMATS)
ENGINE_ZH: dict[str, str] = {
    "model.desc.minilm": "all-MiniLM-L6-v2：预训练的 6 层 BERT 句子编码器（2270 万参数，隐藏维度 384），随安装包自带，"
        "无需联网即可使用。",
    "model.desc.bert-tiny": "从零构建的 4 层 BERT（隐藏维度 256，约 320 万参数，另加每个词表条目 256 个），使用在你的文本上"
        "训练的 WordPiece 或字符分词器。用于 MLM/对比学习预训练。",
    "model.desc.gpt-tiny": "从零构建的 4 层 GPT-2（宽度 256，约 320 万参数，另加每个词表条目 256 个），使用在你的文本上"
        "训练的字节级 BPE 或字符分词器。用于因果语言模型预训练。",
    "model.desc.other": "{family}：{model_type} 模型，来自 {where}；会为所选任务添加任务头。",
    "model.desc.hub": "Hugging Face Hub",
    "model.family_long.encoder": "编码器（类似 BERT）",
    "model.family_long.decoder": "解码器（类似 GPT）",
    "model.family_long.seq2seq": "编码器-解码器",
    "export.about.merged": "全精度的 transformers 文件夹（safetensors + 分词器）；适配器已合并进基础模型。可直接用普通的 "
        "transformers.pipeline 加载。",
    "export.about.int8": "CPU int8：动态 int8 线性层与 int8 词嵌入行（约小 4 倍，在 CPU 上更快）；safetensors + "
        "quantization.json，由 workbench 加载。",
    "export.about.gguf-f16": "供 llama.cpp / Ollama / LM Studio 使用的 GGUF，16 位浮点权重（归一化层和偏置为 f32）；适用于"
                             "带字节级 BPE 分词器的因果语言模型（GPT-2、Llama、Qwen2）。",
    "export.about.gguf-q8_0": "供 llama.cpp / Ollama / LM Studio 使用的 GGUF，8 位 Q8_0 分块（每 32 个权重共用一个 f16 "
                              "缩放）；约为 gguf-f16 的一半大小。适用于带字节级 BPE 分词器的因果语言模型（GPT-2、Llama、Qwen2）。",
    "export.about.bnb8": "transformers 格式的 bitsandbytes LLM.int8 权重（任务头保持全精度）；加载时需要 bitsandbytes。",
    "export.about.bnb4": "transformers 格式的 bitsandbytes NF4 4 比特权重（任务头保持全精度）；加载时需要 bitsandbytes。",
    "export.about.onnx": "ONNX 计算图，批大小与序列长度为动态维度，供 onnxruntime 使用；已与 PyTorch 的输出核对。",
    "export.about.pruned": "用 prune 策略训练的运行，以稀疏格式保存（位掩码 + 非零值），并注明稀疏度；无损。",
}


def model_description(info: dict, lang: str) -> str:
    """models.describe()'s description in `lang` (the engine writes English)."""
    if lang == "en":
        return info["description"]
    key = f"model.desc.{info['name']}"
    if key in ENGINE_ZH and info.get("kind") in ("bundled", "scratch"):
        return ENGINE_ZH[key]
    where = ENGINE_ZH["model.desc.hub"] if info.get("kind") == "hub" else info["name"]
    family = ENGINE_ZH.get(f"model.family_long.{info['family']}", info["family"])
    return ENGINE_ZH["model.desc.other"].format(family=family, model_type=info["model_type"], where=where)


def format_description(fmt: str, lang: str) -> str:
    """An export format's description (export.FORMATS) in `lang`."""
    key = f"export.about.{fmt}"
    if lang != "en" and key in ENGINE_ZH:
        return ENGINE_ZH[key]
    return FORMATS.get(fmt, "")
