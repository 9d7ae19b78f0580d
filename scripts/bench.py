"""Build benchmark: the whole build by stage, against a plain MkDocs build of the same pages.

Run after ``make test`` (which sets up .venv)::

    .venv/bin/python scripts/bench.py --sizes 100 1000 10000

For each size N it generates N synthetic cases (scripts/synth_cases.py), then measures in
separate processes, so that each figure has its own peak memory:

- the full ``casebook build`` by stage, its peak memory and output size;
- the baseline: a plain ``mkdocs build`` of the same rendered Markdown, same theme and Markdown
  extensions, without the casebook plugin, search or checks;
- a second ``casebook build`` after editing one record (the search index is updated, not rebuilt);
- a preview rebuild after editing one record (``mkdocs build`` with the plugin, which is what
  ``mkdocs serve`` runs on every change).

Search figures (index, queries, static search) come from scripts/bench_search.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

FULL_BUILD = """
import json, resource, sys
from pathlib import Path
from casebook.build import build_site
from casebook.stopwatch import Stopwatch
stopwatch = Stopwatch()
build_site(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), stopwatch)
print(json.dumps({"stages": stopwatch.stages, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

RENDER_FOR_BASELINE = """
import sys
from pathlib import Path
from casebook.plan import plan_pages
from casebook.records import load_casebook
from casebook.render import render_pages
docs = Path(sys.argv[2])
for page in render_pages(plan_pages(load_casebook(Path(sys.argv[1])))):
    target = docs / page.uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page.markdown, encoding="utf-8")
"""


def run(arguments: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(arguments, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(arguments)}\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout


def generate(size: int, seed: int, folder: Path) -> None:
    run([PYTHON, str(ROOT / "scripts" / "synth_cases.py"), str(size), "--seed", str(seed), "--out", str(folder), "--replace"])


def full_build(cases: Path, out: Path) -> dict:
    elapsed, output = run([PYTHON, "-c", FULL_BUILD, str(cases), str(out), str(ROOT / "mkdocs.yml")])
    figures = json.loads(output.strip().splitlines()[-1])
    figures["wall"] = elapsed
    figures["bytes"] = sum(p.stat().st_size for p in (out / "current").resolve().rglob("*") if p.is_file())
    return figures


def baseline_build(cases: Path, work: Path) -> float:
    """A plain MkDocs build of the same rendered pages: the yardstick for the ratios."""
    project = work / "baseline"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(ROOT / "content", project / "docs")
    run([PYTHON, "-c", RENDER_FOR_BASELINE, str(cases), str(project / "docs")])
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.UnsafeLoader)  # our own file
    config.update(docs_dir="docs", site_dir="site", plugins=[], strict=False, extra_javascript=[],
                  theme={**config["theme"], "custom_dir": str(ROOT / "casebook" / "theme")})
    config.pop("validation", None)
    config.pop("watch", None)
    (project / "mkdocs.yml").write_text(yaml.dump(config, allow_unicode=True), encoding="utf-8")
    elapsed, _ = run([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")], cwd=project)
    return elapsed


def edit_one_record(cases: Path) -> None:
    record = sorted(cases.glob("*/SC-*.yaml"))[len(list(cases.glob("*/SC-*.yaml"))) // 2]
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("summary: |\n", "summary: |\n  （基准测试修改）\n", 1), encoding="utf-8")


def preview_rebuild(cases: Path, work: Path) -> float:
    """What ``mkdocs serve`` does after a change: a full build through the plugin."""
    config = work / "preview.yml"
    source = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(source.replace("      cases: cases", f"      cases: {cases}")
                      .replace("docs_dir: content", f"docs_dir: {ROOT / 'content'}")
                      .replace("custom_dir: casebook/theme", f"custom_dir: {ROOT / 'casebook' / 'theme'}")
                      .replace("search_vocabulary: search", f"search_vocabulary: {ROOT / 'search'}")
                      .replace("watch:\n  - cases\n  - casebook\n", ""), encoding="utf-8")
    elapsed, _ = run([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(work / "preview-site")])
    return elapsed


def measure(size: int, seed: int, work: Path) -> dict:
    cases, out = work / f"cases-{size}", work / f"out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    generate(size, seed, cases)
    print(f"[{size}] 全量生成……", flush=True)
    first = full_build(cases, out)
    print(f"[{size}] 基准（纯 MkDocs）……", flush=True)
    baseline = baseline_build(cases, work)
    edit_one_record(cases)
    print(f"[{size}] 修改一条记录后再次生成……", flush=True)
    second = full_build(cases, out)
    print(f"[{size}] 预览重建……", flush=True)
    preview = preview_rebuild(cases, work)
    return {"size": size, "first": first, "baseline": baseline, "second": second, "preview": preview}


def table(result: dict) -> str:
    first, baseline = result["first"], result["baseline"]
    lines = [f"### {result['size']} 条案例", "", "| 项目 | 秒 | 相对基准 |", "| --- | ---: | ---: |"]
    for stage, seconds in first["stages"].items():
        lines.append(f"| 全量生成：{stage} | {seconds:.1f} | {seconds / baseline:.2f} |")
    lines += [
        f"| **全量生成合计**（含进程启动） | **{first['wall']:.1f}** | **{first['wall'] / baseline:.2f}** |",
        f"| 基准：纯 MkDocs 生成同样的页面 | {baseline:.1f} | 1.00 |",
        f"| 修改一条记录后再次生成（索引增量更新） | {result['second']['wall']:.1f} | {result['second']['wall'] / baseline:.2f} |",
        f"| 预览重建（mkdocs serve 每次修改后） | {result['preview']:.1f} | {result['preview'] / baseline:.2f} |",
        "",
        f"峰值内存 {first['peak_mb']:.0f} MB；输出 {first['bytes'] / 1e6:.1f} MB（网站、检索索引、服务器索引）。",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        print(table(measure(size, args.seed, args.work)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
