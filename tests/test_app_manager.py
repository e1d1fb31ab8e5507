"""The app is built around the JobManager it is given (app.py makes one); no module holds a global one."""

from __future__ import annotations

import pytest

pytest.importorskip("gradio")

from workbench.run import loop as trainer  # noqa: E402
from workbench.run.jobs import JobManager  # noqa: E402
from workbench.ui import build_app  # noqa: E402


def test_no_job_manager_at_import_time(tmp_path):
    import workbench.run.loop as loop_module
    from workbench.run import jobs as jobs_module
    assert not [n for n, v in vars(loop_module).items() if isinstance(v, JobManager)]
    assert not [n for n, v in vars(jobs_module).items() if isinstance(v, JobManager)]
    mine = JobManager(trainer.run)
    assert build_app(mine, tmp_path / "runs").workbench.manager is mine
