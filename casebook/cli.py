"""The ``casebook`` command: check, schema, build, serve."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import BuildFailed
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
    except (BuildFailed, PublishError) as failed:
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

    serve = commands.add_parser("serve", help="在本机预览已生成的网站")
    serve.add_argument("--build", type=Path, default=DEFAULT_OUT, help="输出目录（默认 build）")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)
    return parser


def _check(args: argparse.Namespace) -> int:
    from .records import load_casebook

    casebook = load_casebook(args.cases)
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

    site = build_site(args.cases, args.out)
    print(f"网站已生成：{site}")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from .build import rollback

    release = rollback(args.out)
    print(f"已回滚到 {release.name} 发布的版本：{args.out / 'site'}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve_site

    serve_site(args.build / "site", args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
