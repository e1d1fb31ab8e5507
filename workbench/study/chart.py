"""The study's chart: task score (x) vs retention (y), one point per configuration with error bars across seeds
(sample standard deviation), the Pareto front highlighted and joined, the base model as a star, and the claim's
retention threshold as a dashed line. Plotly for the HTML page and the UI; matplotlib draws the same chart as PNG
(plotly's PNG export, kaleido, needs a Chrome download, which an offline machine does not have)."""

from __future__ import annotations

from pathlib import Path


def _xtitle(metric: str | None, greater_is_better: bool) -> str:
    return f"task score: {metric or 'main metric'} ({'higher' if greater_is_better else 'lower'} is better)"


def _front(configs: list[dict], greater_is_better: bool) -> list[dict]:
    pts = [c for c in configs if c.get("pareto")]
    return sorted(pts, key=lambda c: c["task_mean"], reverse=not greater_is_better)


def figure(configs: list[dict], title: str, greater_is_better: bool = True, min_retention: float | None = None):
    """A plotly Figure of the configurations that have both means."""
    import plotly.graph_objects as go  # lazy: charts only
    measured = [c for c in configs if c.get("task_mean") is not None and c.get("retention_mean") is not None]
    metric = next((c.get("task_metric") for c in configs if c.get("task_metric")), None)
    fig = go.Figure()
    front = _front(measured, greater_is_better)
    if len(front) > 1:
        fig.add_trace(go.Scatter(x=[c["task_mean"] for c in front], y=[c["retention_mean"] for c in front],
                                 mode="lines", name="Pareto front", line={"color": "#d62728", "width": 2}))
    for c in measured:
        on = bool(c.get("pareto"))
        fig.add_trace(go.Scatter(
            x=[c["task_mean"]], y=[c["retention_mean"]], mode="markers+text", name=c["config"],
            text=[c["config"]], textposition="top center",
            error_x={"type": "data", "array": [c.get("task_std") or 0.0], "visible": True},
            error_y={"type": "data", "array": [c.get("retention_std") or 0.0], "visible": True},
            marker={"size": 14 if on else 10, "symbol": "star" if c.get("base") else "circle",
                    "line": {"width": 3 if on else 1, "color": "#d62728" if on else "#333"}},
            hovertemplate=(f"{c['config']}<br>task %{{x:.4f}} ± {c.get('task_std') or 0:.4f}<br>retention "
                           f"%{{y:.4f}} ± {c.get('retention_std') or 0:.4f}<br>seeds {c.get('n_seeds')}"
                           f"{'<br>Pareto front' if on else ''}<extra></extra>")))
    if min_retention is not None and measured:
        fig.add_hline(y=min_retention, line_dash="dash", line_color="#888",
                      annotation_text=f"retention {min_retention:g}")
    fig.update_layout(title=title, xaxis_title=_xtitle(metric, greater_is_better),
                      yaxis_title="retention (1.0 = nothing forgotten)", template="plotly_white", height=520,
                      legend={"orientation": "v"})
    return fig


def write_html(fig, path: Path) -> None:
    """A self-contained page (plotly.js embedded: it opens offline)."""
    tmp = path.with_suffix(".tmp")
    fig.write_html(str(tmp), include_plotlyjs=True, full_html=True)
    tmp.replace(path)


def write_png(configs: list[dict], path: Path, title: str, greater_is_better: bool = True,
              min_retention: float | None = None) -> bool:
    """The same chart as a PNG with matplotlib; False when matplotlib is not installed."""
    try:
        import matplotlib  # lazy: PNG charts only
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # lazy: PNG charts only
    except ImportError:
        return False
    measured = [c for c in configs if c.get("task_mean") is not None and c.get("retention_mean") is not None]
    metric = next((c.get("task_metric") for c in configs if c.get("task_metric")), None)
    fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
    front = _front(measured, greater_is_better)
    if len(front) > 1:
        ax.plot([c["task_mean"] for c in front], [c["retention_mean"] for c in front], color="#d62728",
                linewidth=2, label="Pareto front", zorder=1)
    for c in measured:
        on = bool(c.get("pareto"))
        ax.errorbar(c["task_mean"], c["retention_mean"], xerr=c.get("task_std") or 0.0,
                    yerr=c.get("retention_std") or 0.0, fmt="*" if c.get("base") else "o",
                    markersize=(16 if c.get("base") else 13 if on else 8), markeredgewidth=2.5 if on else 1,
                    markeredgecolor="#d62728" if on else "#333", capsize=3, zorder=2)
        ax.annotate(c["config"], (c["task_mean"], c["retention_mean"]), textcoords="offset points",
                    xytext=(5, 6), fontsize=8)
    if min_retention is not None and measured:
        ax.axhline(min_retention, linestyle="--", color="#888", linewidth=1)
    ax.set_xlabel(_xtitle(metric, greater_is_better))
    ax.set_ylabel("retention (1.0 = nothing forgotten)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(front) > 1:
        ax.legend(loc="lower left")
    fig.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    tmp.replace(path)
    return True
