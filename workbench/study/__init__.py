"""Studies: the method's claim measured. A grid of strategies x knob values x seeds on one base model and task,
with the same budget, every run through the JobManager, every row scored the same way (task metric and the
retention meter), the base model as a row of its own; results.csv, summary.csv, results.json and a chart of task
score vs retention with the Pareto front (chart.html, chart.png) in `<runs_dir>/studies/<id>/`.

    python -m workbench study --config assets/presets/study-bert-tiny.yaml

spec.py reads the study file, runner.py runs it, results.py aggregates (Pareto front, claim), chart.py draws.
"""

from .results import aggregate, claim, pareto, read as read_results  # noqa: F401
from .runner import list_studies, request_stop, run, start, status, studies_dir, wait  # noqa: F401
from .spec import Row, Study, StudyOptions, from_dict, from_yaml, load  # noqa: F401
