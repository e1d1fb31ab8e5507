"""README.md's strategy and task tables are what `python -m workbench strategies --markdown` / `tasks --markdown`
print, so they cannot drift from the strategies' and tasks' own files. After adding or changing either:
python -m workbench strategies --readme README.md"""

from __future__ import annotations

from pathlib import Path

from workbench.cli import main
from workbench.listing import (END, START, TASKS_END, TASKS_START, readme_block, strategies_markdown,
                               tasks_markdown, write_readme)
from workbench.tasks import TASKS
from workbench.strategies import STRATEGIES

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_table_is_generated_from_the_registry():
    text = README.read_text(encoding="utf-8")
    start, end = readme_block(text)
    assert text[start:end].strip() == strategies_markdown(), \
        "README.md's strategy table is stale: run python -m workbench strategies --readme README.md"


def test_markdown_lists_every_strategy_with_its_knobs(capsys):
    assert main(["strategies", "--markdown"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == strategies_markdown()
    rows = out.splitlines()[2:]
    assert [r.split("|")[1].strip(" `") for r in rows] == STRATEGIES.names()
    l2sp = next(r for r in rows if r.startswith("| `l2sp`"))
    assert "`weight` (0.1)" in l2sp
    assert "`structure` (unstructured; unstructured/heads/neurons)" in next(r for r in rows if "`prune`" in r)


def test_readme_task_table_is_generated_from_the_registry(capsys):
    text = README.read_text(encoding="utf-8")
    start, end = readme_block(text, markers=(TASKS_START, TASKS_END))
    assert text[start:end].strip() == tasks_markdown(), \
        "README.md's task table is stale: run python -m workbench tasks --readme README.md"
    assert main(["tasks", "--markdown"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[2:]
    assert [r.split("|")[1].strip(" `") for r in rows] == TASKS.names()
    for row, (_, cls) in zip(rows, TASKS.items()):
        assert cls.reads and cls.reports and f"| {', '.join(cls.families)} |" in row   # every task declares both
    assert "| Pearson r, Spearman ρ, MSE, RMSE, loss |" in next(r for r in rows if r.startswith("| `regression`"))


def test_write_readme_replaces_only_the_blocks(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"# Title\n\nbefore\n{START}\n| stale |\n{END}\nmiddle\n{TASKS_START}\n| old |\n"
                    f"{TASKS_END}\nafter\n", encoding="utf-8")
    assert write_readme(page) is True and write_readme(page) is False
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{TASKS_END}\nafter\n")
    assert "| stale |" not in text and "| old |" not in text and f"{END}\nmiddle\n" in text
    assert strategies_markdown() in text and tasks_markdown() in text
