"""`python -m workbench study --config study.yaml`: run a study in this process and print its table."""

from __future__ import annotations

import signal
import sys


def add_parser(sub) -> None:
    s = sub.add_parser("study", help="run a study: strategies x knob values x seeds, task score vs retention")
    s.add_argument("--config", "-c", required=True, help="study YAML (presets: assets/presets/study-*.yaml)")
    s.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a field of the study file, e.g. --set study.seeds=[0] "
                        "--set run.train.max_steps=50")
    s.add_argument("--runs-dir", help="runs folder (default: the study's run.output.runs_dir, else runs)")
    s.set_defaults(func=cmd_study)


def format_summary(res: dict) -> str:
    """The configurations as aligned text, then the claim."""
    def f(v, d=4):
        return "-" if v is None else (f"{v:.{d}f}" if isinstance(v, float) else str(v))
    head = ["config", "seeds", f"{res.get('task_metric') or 'task'} mean", "± sd", "retention mean", "± sd",
            "pareto", "claim", "note"]
    table = [head] + [[c["config"], str(c["n_seeds"]), f(c["task_mean"]), f(c["task_std"]), f(c["retention_mean"]),
                       f(c["retention_std"]), "*" if c.get("pareto") else "", f(c.get("claim_holds")),
                       c.get("note") or ""] for c in res.get("configs", [])]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in table]
    claim = res.get("claim") or {}
    lines.append(f"claim (retention >= {claim.get('min_retention')} and task within {claim.get('max_task_drop')} "
                 f"of {claim.get('reference')!r}): held for {', '.join(claim.get('held') or []) or 'none'}; "
                 f"did not hold for {', '.join(claim.get('did_not_hold') or []) or 'none'}")
    if claim.get("message"):
        lines.append(claim["message"])
    return "\n".join(lines)


def cmd_study(args) -> int:
    from . import load, results, runner   # lazy: --help stays instant
    from ..run import loop   # lazy: --help stays instant
    from ..run.jobs import JobManager   # lazy: --help stays instant
    study = load(args.config, args.overrides)
    runs_dir = args.runs_dir or (study.run.get("output") or {}).get("runs_dir") or "runs"
    study_dir = runner.new_study_dir(runs_dir, study.options.name)
    print(f"study {study_dir.name}  ({study_dir}); {len(study.rows())} runs", file=sys.stderr)

    def on_sigint(signum, frame):
        print("stopping the study: the run in training is cancelled, no other starts", file=sys.stderr)
        runner.request_stop(study_dir)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        state = runner.run(study, runs_dir, study_dir, JobManager(loop.run), progress=lambda m: print(m, file=sys.stderr))
    finally:
        signal.signal(signal.SIGINT, previous)
    res = results.read(study_dir) or {}
    if res:
        print(format_summary(res))
    print(f"{state['status']}: {study_dir}")
    if state["status"] == "failed":
        print(f"error: {state.get('error')}", file=sys.stderr)
        return 1
    return 0 if state["status"] == "completed" else 130
