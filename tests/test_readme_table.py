"""README.md's strategy table is what `python -m workbench strategies --markdown` prints, so it cannot drift from
the strategies' own files. After adding or changing a strategy: python -m workbench strategies --readme README.md"""

from __future__ import annotations

from pathlib import Path

from workbench.cli import main
from workbench.listing import END, START, readme_block, strategies_markdown, write_readme
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


def test_write_readme_replaces_only_the_block(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"# Title\n\nbefore\n{START}\n| stale |\n{END}\nafter\n", encoding="utf-8")
    assert write_readme(page) is True and write_readme(page) is False
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{END}\nafter\n") and "| stale |" not in text
    assert strategies_markdown() in text
