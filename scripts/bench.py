"""Build benchmark: the whole build by stage, against a plain MkDocs build of the same pages.

Run after ``make test`` (which sets up .venv)::

    .venv/bin/python scripts/bench.py --sizes 100 1000 10000

For each size N it generates N synthetic cases (scripts/synth_cases.py), then measures in
separate processes, so that each figure has its own peak memory:

- the full ``casebook build`` (both languages) by stage, its peak memory and output size;
- the baseline: a plain ``mkdocs build`` of the same rendered Markdown of both languages, one
  after the other, same theme and Markdown extensions, without the casebook plugin, search or
  checks;
- the preview (``casebook serve --watch``, ``make serve``) after a first build: its own build
  (every language in one process, kept to update pages in place), then after editing one
  record the update of that case's pages, and the whole build that follows it;
- a second ``casebook build`` after editing another record, as a new process, with the cache of
  the builds before.

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
import time
started = time.perf_counter()
import json, resource, sys
from pathlib import Path
from casebook.build import build_site
from casebook.stopwatch import Stopwatch
cases, out, config = (Path(argument) for argument in sys.argv[1:4])
stopwatch = Stopwatch()
build_site(cases, out, config, stopwatch)
figures = {"stages": stopwatch.stages, "wall": time.perf_counter() - started}
if len(sys.argv) > 4:  # then preview: build, edit a record, update its pages, build again
    from casebook.preview import LiveSite
    live, record = LiveSite(cases), Path(sys.argv[4])
    started = time.perf_counter()
    build_site(cases, out, config, built=live.built)
    figures["preview_build"] = time.perf_counter() - started
    sys.path.insert(0, sys.argv[5])
    from bench import edit_summary
    edit_summary(record)
    started = time.perf_counter()
    assert live.update([record]) == [record.stem]
    figures["preview_page"] = time.perf_counter() - started
    started = time.perf_counter()
    build_site(cases, out, config, built=live.built)
    figures["rebuild"] = time.perf_counter() - started
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({**figures, "peak_mb": peak / 1024}))
"""

RENDER_FOR_BASELINE = """
import sys
from pathlib import Path
from casebook.language import language
from casebook.plan import plan_pages
from casebook.records import load_casebook
from casebook.render import page_environment, render_pages
casebook = load_casebook(Path(sys.argv[1]))
environment = page_environment(language(sys.argv[3]), casebook.vocabularies)
docs = Path(sys.argv[2])
for page in render_pages(plan_pages(casebook), environment):
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


def full_build(cases: Path, out: Path, edit: Path | None = None) -> dict:
    arguments = [PYTHON, "-c", FULL_BUILD, str(cases), str(out), str(ROOT / "mkdocs.yml")]
    _, output = run(arguments + ([str(edit), str(Path(__file__).parent)] if edit else []))
    figures = json.loads(output.strip().splitlines()[-1])
    figures["bytes"] = sum(p.stat().st_size for p in (out / "current").resolve().rglob("*") if p.is_file())
    return figures


LANGUAGES = {"zh": ("content", "mkdocs.yml"), "en": ("content/en", "mkdocs.en.yml")}
# What the plugin gives the theme's templates, for a baseline without the plugin.
THEME_GLOBALS = """
from casebook.language import language, theme_globals


def on_env(env, config, files):
    env.globals.update(theme_globals(language("{code}"), config.site_url, ["zh", "en"]))
"""


def baseline_build(cases: Path, work: Path) -> float:
    """Plain MkDocs builds of the same rendered pages, each language in turn: the yardstick."""
    elapsed = 0.0
    for code, (content, config_name) in LANGUAGES.items():
        project = work / f"baseline-{code}"
        shutil.rmtree(project, ignore_errors=True)
        shutil.copytree(ROOT / content, project / "docs", ignore=shutil.ignore_patterns("en"))
        run([PYTHON, "-c", RENDER_FOR_BASELINE, str(cases), str(project / "docs"), code])
        # The theme as the project overrides it, but for the navigation drawn once per folder:
        # that needs the plugin, and is part of what is measured against this baseline.
        shutil.copytree(ROOT / "casebook" / "theme", project / "theme",
                        ignore=lambda folder, names: ["nav.html"] if folder.endswith("partials") else [])
        config = _plain_config(ROOT / config_name)
        (project / "hooks.py").write_text(THEME_GLOBALS.format(code=code), encoding="utf-8")
        config["hooks"] = ["hooks.py"]
        (project / "mkdocs.yml").write_text(yaml.dump(config, allow_unicode=True), encoding="utf-8")
        elapsed += run([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")], cwd=project)[0]
    return elapsed


def _plain_config(path: Path) -> dict:
    """The project's configuration (with what it inherits) without the plugin, checks or scripts."""
    config = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.UnsafeLoader)  # our own file
    parent = config.pop("INHERIT", None)
    if parent:
        base = _plain_config(path.parent / parent)
        config = {**base, **config, "theme": {**base["theme"], **config.get("theme", {})}}
    config.update(docs_dir="docs", site_dir="site", plugins=[], strict=False, extra_javascript=[], exclude_docs="",
                  theme={**config["theme"], "custom_dir": "theme"})
    for key in ("validation", "watch", "repo_url", "edit_uri"):
        config.pop(key, None)
    return config


def middle_record(cases: Path, after: int = 0) -> Path:
    records = sorted(cases.glob("*/SC-*.yaml"))
    return records[len(records) // 2 + after]


def edit_summary(record: Path) -> None:
    """An edit an awardee might make: a sentence added to the summary."""
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("summary: |\n", "summary: |\n  （基准测试修改）\n", 1), encoding="utf-8")


def measure(size: int, seed: int, work: Path) -> dict:
    cases, out = work / f"cases-{size}", work / f"out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    generate(size, seed, cases)
    print(f"[{size}] 全量生成（没有缓存），然后预览：生成、修改一条记录、更新……", flush=True)
    first = full_build(cases, out, edit=middle_record(cases))
    print(f"[{size}] 基准（纯 MkDocs）……", flush=True)
    baseline = baseline_build(cases, work)
    print(f"[{size}] 修改另一条记录后再次生成（新进程）……", flush=True)
    edit_summary(middle_record(cases, after=1))
    second = full_build(cases, out)
    return {"size": size, "first": first, "baseline": baseline, "second": second}


def table(result: dict) -> str:
    first, second, baseline = result["first"], result["second"], result["baseline"]

    def row(name: str, *seconds: float, digits: int = 1) -> str:
        return f"| {name} | " + " | ".join(f"{value:.{digits}f} | {value / baseline:.2f}" for value in seconds) + " |"

    lines = [f"### {result['size']} 条案例", "",
             "| 项目 | 首次生成（没有缓存），秒 | 相对基准 | 修改一条记录后再次生成（新进程，有缓存），秒 | 相对基准 |",
             "| --- | ---: | ---: | ---: | ---: |"]
    lines += [row(f"全量生成：{stage}", seconds, second["stages"].get(stage, 0.0))
              for stage, seconds in first["stages"].items()]
    lines += [
        row("**全量生成合计**（含载入程序）", first["wall"], second["wall"]),
        "",
        "| 项目 | 秒 | 相对基准 |",
        "| --- | ---: | ---: |",
        row("基准：纯 MkDocs 依次生成同样的中英文页面", baseline),
        row("预览（casebook serve --watch）：生成整个网站（各语言依次在同一进程中，有缓存）", first["preview_build"]),
        row("预览：修改一条记录后，显示它的中英文页面更新（案例页、列表页等）", first["preview_page"], digits=2),
        row("预览：随后整个网站重新生成（索引增量更新）", first["rebuild"]),
        "",
        f"峰值内存 {first['peak_mb']:.0f} MB（最大的一个进程）；输出 {first['bytes'] / 1e6:.1f} MB（中英文网站、静态检索索引、服务器索引）。",
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
