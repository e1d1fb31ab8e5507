"""English and 简体中文 for issue 16's additions: the Export tab's Publish section and the train.report_to knob.
Merged into i18n.STRINGS and i18n.KNOBS (kept apart so that i18n.py stays under 400 lines)."""

from __future__ import annotations


def _s(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


PUBLISH_STRINGS: dict[str, dict[str, str]] = {
    "publish.title": _s("Publish to the Hugging Face Hub", "发布到 Hugging Face Hub"),
    "publish.intro": _s("Upload the selected run (its model, tokenizer, config, report and a model card) or one of "
                        "its exports to a model repo. The token is used for this upload only and never stored; on "
                        "a Space, signing in is enough.",
                        "把所选运行（模型、分词器、配置、报告和模型卡）或它的某个导出上传到模型仓库。令牌只用于这次上传，"
                        "不会保存；在 Space 上登录即可。"),
    "publish.what": _s("What to publish", "发布内容"),
    "publish.the_run": _s("the run's model", "运行的模型"),
    "publish.repo": _s("Repo id (USER/NAME)", "仓库 ID（用户名/名称）"),
    "publish.private": _s("Private repo", "私有仓库"),
    "publish.token": _s("Hugging Face token (write)", "Hugging Face 令牌（写权限）"),
    "publish.token_hint": _s("empty: HF_TOKEN, or your sign-in on a Space", "留空：使用 HF_TOKEN，或 Space 上的登录"),
    "publish.license": _s("License (empty: the base model's, else other)", "许可证（留空：沿用基础模型的，否则为 other）"),
    "publish.go": _s("Publish", "发布"),
    "publish.done": _s("Published {n} files to {url}", "已发布 {n} 个文件到 {url}"),
}

PUBLISH_KNOBS: dict[str, tuple[str, str]] = {
    "train.report_to": ("记录到", "另外把运行记录到这些跟踪工具（metrics.jsonl 总会写入）：运行文件夹中的 TensorBoard "
                        "事件文件、trackio 的本地存储。"),
}
