"""The ``casebook`` command: check, schema, build, serve, and new records (new, import-docx, import-list)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import BuildFailed
from .fulltext import IndexMissing
from .problems import ProblemsFound
from .publish import PublishError

DEFAULT_CASES = Path("cases")
DEFAULT_OUT = Path("build")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ProblemsFound as found:
        print(found.report(), file=sys.stderr)
        return 1
    except (BuildFailed, PublishError, IndexMissing) as failed:
        print(failed, file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook", description="四川省工业质量标杆典型经验库")
    commands = parser.add_subparsers(required=True, metavar="命令")

    check = commands.add_parser("check", help="检查全部案例记录，逐条列出问题")
    check.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（默认 cases）")
    check.set_defaults(run=_check)

    schema = commands.add_parser("schema", help="输出案例记录的 JSON Schema，供编辑器自动补全和检查")
    schema.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（读取其中的词表）")
    schema.set_defaults(run=_schema)

    build = commands.add_parser("build", help="检查记录并生成静态网站到 OUT/site")
    build.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（默认 cases）")
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录（默认 build）")
    build.set_defaults(run=_build)

    rollback = commands.add_parser("rollback", help="把网站切换回上一次发布的版本")
    rollback.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录（默认 build）")
    rollback.set_defaults(run=_rollback)

    search = commands.add_parser("search", help="在已生成的检索索引中检索（供维护人员使用）")
    search.add_argument("query", help="检索词，例如“六西格玛 不良率”")
    search.add_argument("--json", action="store_true", help="输出与检索接口相同的 JSON")
    search.add_argument("--limit", type=int, default=10, help="最多显示多少条（默认 10）")
    search.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                        help="筛选，可重复：method、industry、direction、city、year、status")
    search.add_argument("--build", type=Path, default=DEFAULT_OUT, help="输出目录（默认 build）")
    search.set_defaults(run=_search)

    serve = commands.add_parser("serve", help="提供已发布的网站和检索接口 /api/search")
    serve.add_argument("--build", type=Path, default=DEFAULT_OUT, help="输出目录（默认 build）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="允许跨域调用检索接口的来源，可重复，例如厅门户网站的地址")
    serve.add_argument("--watch", action="store_true",
                       help="预览：先生成网站，之后案例记录或页面一有修改就重新生成；记录有问题时在终端和每个页面顶部列出")
    serve.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（默认 cases，用于 --watch）")
    serve.set_defaults(run=_serve)
    _intake_commands(commands)
    return parser


def _intake_commands(commands) -> None:
    from .essentials import add_options

    new = commands.add_parser("new", help="新建一条案例记录：按编号规则命名，每个字段附中文说明，未知内容写成“【待填写】”")
    new.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（默认 cases）")
    add_options(new)
    new.set_defaults(run=_new)

    word = commands.add_parser("import-docx", help="把按第八条标题编写的 Word 典型经验材料（.docx）导入为新记录")
    word.add_argument("file", type=Path, metavar="FILE.docx", help="典型经验材料")
    word.add_argument("--id", metavar="SC-年份-序号", help="记录编号（默认用该年份的下一个编号）")
    word.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（默认 cases）")
    add_options(word, leave_out=("title",))
    word.set_defaults(run=_import_docx)

    listing = commands.add_parser("import-list", help="按经济和信息化厅的年度名单（.xlsx 或 .csv）新建或更新记录")
    listing.add_argument("file", type=Path, metavar="FILE", help="名单文件（.xlsx 或 .csv）")
    listing.add_argument("--year", required=True, help="认定年份")
    listing.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="案例目录（默认 cases）")
    listing.add_argument("--notice", metavar="文号", help="新建的记录为“已认定”，填写这个认定文件文号")
    listing.add_argument("--publicity-start", metavar="YYYY-MM-DD", help="新建的记录为“公示中”，填写公示开始日期")
    listing.add_argument("--dry-run", action="store_true", help="只检查名单并列出将做的修改，不写入任何文件")
    listing.set_defaults(run=_import_list)


def _check(args: argparse.Namespace) -> int:
    from .records import load_casebook

    casebook = load_casebook(args.cases)
    for warning in casebook.vocabularies.warnings:
        print(warning, file=sys.stderr)
    print(f"全部 {len(casebook.cases)} 条案例记录检查通过。")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .model import record_json_schema
    from .vocabulary import load_vocabularies

    vocabularies, problems = load_vocabularies(args.cases / "vocabularies")
    if vocabularies is None:
        raise ProblemsFound(problems)
    json.dump(record_json_schema(vocabularies), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build_site
    from .stopwatch import Stopwatch

    stopwatch = Stopwatch()
    site = build_site(args.cases, args.out, stopwatch=stopwatch)
    print(stopwatch)
    print(f"网站已生成：{site}")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from .build import rollback

    release = rollback(args.out)
    print(f"已回滚到 {release.name} 发布的版本：{args.out / 'site'}")
    return 0


def _search(args: argparse.Namespace) -> int:
    from .api import result_json
    from .fulltext import FACETS, FulltextIndex

    filters = dict(item.split("=", 1) for item in args.filter if "=" in item)
    unknown = sorted(set(filters) - set(FACETS)) + [item for item in args.filter if "=" not in item]
    if unknown:
        print(f"无法识别的筛选条件：{'、'.join(unknown)}（可用：{'、'.join(FACETS)}，写法 KEY=VALUE）", file=sys.stderr)
        return 2
    result = FulltextIndex(args.build / "current" / "index").search(args.query, filters, 1, max(1, args.limit))
    if args.json:
        json.dump(result_json(result), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"“{result.query}”：共 {result.total} 条")
    for number, hit in enumerate(result.hits, start=1):
        print(f"{number:>3}. {hit.id}  {hit.title}  ({hit.score})")
        for snippet in hit.snippets:
            print(f"       {snippet.text}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .api import create_app

    if not args.watch:
        app = create_app(args.build, cors_origins=args.cors_origin)
        print(f"网站和检索接口：http://{args.host}:{args.port}/  （按 Ctrl+C 停止）")
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
        return 0
    return _serve_preview(args, lambda: create_app(args.build, cors_origins=args.cors_origin))


def _serve_preview(args: argparse.Namespace, make_site_app) -> int:
    import threading

    import uvicorn

    from .preview import PreviewApp, Rebuilder

    rebuilder = Rebuilder(args.cases, args.build, Path("mkdocs.yml"))
    rebuilder.rebuild()
    stop = threading.Event()
    threading.Thread(target=rebuilder.watch, args=(stop,), daemon=True).start()
    print(f"预览：http://{args.host}:{args.port}/  修改案例记录后保存即自动重新生成（按 Ctrl+C 停止）")
    try:
        uvicorn.run(PreviewApp(rebuilder, make_site_app), host=args.host, port=args.port, log_level="warning")
    finally:
        stop.set()
    return 0


def _vocabularies(cases: Path):
    from .vocabulary import load_vocabularies

    vocabularies, problems = load_vocabularies(cases / "vocabularies")
    if vocabularies is None:
        raise ProblemsFound(problems)
    return vocabularies


def _options_or_fail(args: argparse.Namespace, vocabularies) -> dict:
    from .essentials import from_options

    known, problems = from_options(args, vocabularies)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    return known


def _new(args: argparse.Namespace) -> int:
    from .drafts import Draft, next_id, today, write_record
    from .essentials import Cancelled, ask_missing

    vocabularies = _vocabularies(args.cases)
    known = _options_or_fail(args, vocabularies)
    if sys.stdin.isatty():
        try:
            known = ask_missing(known, vocabularies)
        except Cancelled:
            print("\n已取消，没有生成文件。", file=sys.stderr)
            return 1
    elif "year" not in known:
        print("不在终端中运行时，请用 --year 给出认定年份（其余没有给出的内容写成“【待填写】”）", file=sys.stderr)
        return 1
    draft = Draft({**known, "id": next_id(args.cases, known["year"]), "updated": today()})
    _report_written(write_record(args.cases, draft, vocabularies), args.cases, vocabularies)
    return 0


def _import_docx(args: argparse.Namespace) -> int:
    from .drafts import Draft, next_id, today, write_record
    from .material import enterprise_in_title
    from .problems import display_path
    from .wordmaterial import read_material

    vocabularies = _vocabularies(args.cases)
    known = _options_or_fail(args, vocabularies)
    if "id" not in known and "year" not in known:
        print("请用 --year 给出认定年份，或用 --id 给出记录编号", file=sys.stderr)
        return 1
    material = read_material(args.file, display_path(args.file))
    values = {**known, **material.fields, "updated": today()}
    values.setdefault("id", next_id(args.cases, known.get("year")))
    values["year"] = values["id"][3:7]
    guessed = None if "enterprise.name" in values else enterprise_in_title(values.get("title", ""))
    if guessed:
        values["enterprise.name"] = guessed
    draft = Draft(values, [(left.where, left.markdown) for left in material.leftovers], material.images)
    path = write_record(args.cases, draft, vocabularies)
    print(f"已生成 {display_path(path)}")
    if material.images:
        print(f"正文中的 {len(material.images)} 张图片保存在 {display_path(path.with_suffix(''))}/，"
              "和记录一起提交；网站在案例页中显示它们。")
    if guessed:
        print(f"企业名称按质量标杆名称推断为“{guessed}”：请核对，或用 --enterprise 指定。")
    if material.notices:
        print(f"导入时需要核对的地方（{len(material.notices)} 处，行号为 Word 文档中的段落序号）：")
        print("\n".join(str(notice) for notice in material.notices))
    _report_written(path, args.cases, vocabularies, announce=False)
    return 0


def _report_written(path: Path, cases: Path, vocabularies, announce: bool = True) -> None:
    from .drafts import remaining_problems
    from .problems import display_path

    if announce:
        print(f"已生成 {display_path(path)}")
    remaining = remaining_problems(path, cases, vocabularies)
    if remaining:
        print(f"还有 {len(remaining)} 处需要填写或修改（casebook check 会列出同样的内容）：")
        print("\n".join(str(problem) for problem in remaining))
    else:
        print("记录检查通过。")


def _import_list(args: argparse.Namespace) -> int:
    from .answers import Invalid, parse
    from .listimport import RecognitionOptions, import_list
    from .problems import display_path
    from .yearlist import read_year_list

    vocabularies = _vocabularies(args.cases)
    try:
        year = parse("year", args.year)
        start = parse("recognition.publicity.start", args.publicity_start).isoformat() if args.publicity_start else None
    except Invalid as invalid:
        print(f"选项有误：{invalid}", file=sys.stderr)
        return 1
    year_list = read_year_list(args.file, display_path(args.file))
    result = import_list(year_list, year, args.cases, vocabularies, RecognitionOptions(args.notice, start), args.dry_run)
    for line in [str(p) for p in year_list.ignored] + result.done:
        print(line)
    if result.problems:
        raise ProblemsFound(result.problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
