"""UI strings of shared mode (identity, quotas, the admin tab), English and 简体中文; merged into i18n.STRINGS when
the host page is imported (i18n.py is at its size limit)."""

from __future__ import annotations

from . import i18n


def _s(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


HOST_STRINGS = {
    "host.example_choice": _s("{run} · example (read-only)", "{run} · 示例（只读）"),
    "host.you": _s("Signed in as **{owner}**", "当前用户：**{owner}**"),
    "host.anonymous": _s("You are **{owner}** (this browser); your runs and uploads are visible only to you.",
                         "你是 **{owner}**（本浏览器）；你的运行和上传只有你能看到。"),
    "host.quotas": _s("Limits on this server: {limits}", "本服务器的限额：{limits}"),
    "host.quota.max_active_runs": _s("{value} runs queued or running per user", "每位用户排队或运行中最多 {value} 个"),
    "host.quota.max_steps": _s("{value} steps per run", "每次运行最多 {value} 步"),
    "host.quota.max_minutes": _s("{value} minutes per run", "每次运行最多 {value} 分钟"),
    "host.quota.max_upload_mb": _s("{value} MB per upload", "每个上传文件最多 {value} MB"),
    "host.quota.max_disk_mb": _s("{value} MB of disk per user", "每位用户最多 {value} MB 磁盘"),
    "host.quota.max_queue": _s("{value} runs in the queue in all", "队列中总共最多 {value} 个运行"),
    "host.stopped": _s("Stopped and saved: {reason}. Resume it from the Runs tab when the limit allows.",
                       "已停止并保存：{reason}。额度允许时可在运行记录页继续。"),
    "tab.admin": _s("Admin", "管理"),
    "admin.only": _s("This tab is for the host's admins (--admins).", "此页仅供主机管理员使用（--admins）。"),
    "admin.refresh": _s("Refresh", "刷新"),
    "admin.queue": _s("Queue (in the order runs will start)", "队列（按开始顺序）"),
    "admin.disk": _s("Disk use per user (MB)", "各用户磁盘用量（MB）"),
    "admin.runs": _s("Every user's runs", "所有用户的运行"),
    "admin.run_id": _s("Run id to cancel", "要取消的运行 ID"),
    "admin.cancel": _s("Cancel run", "取消运行"),
    "admin.cancelled": _s("Cancel requested for {run_id}.", "已请求取消 {run_id}。"),
}
i18n.STRINGS.update(HOST_STRINGS)
