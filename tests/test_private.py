"""第六条(四): nothing from a record's non-public block, or its comments, reaches any built file."""

from __future__ import annotations

import shutil
from pathlib import Path

from casebook.build import build_site
from casebook.fulltext import FulltextIndex
from casebook.model import Case, CaseFile

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "casebook"

SENTINELS = {
    "credit_code": "91510000775ENT1NEL",
    "name": "哨兵姓名甲乙丙",
    "role": "哨兵职务SENTINELROLE",
    "phone": "SENTINEL-PHONE-13900000000",
    "email": "sentinel-mail@private.example",
    "evidence": "哨兵证实材料SENTINELEVIDENCE",
    "notes": "哨兵内部备注SENTINELNOTES",
    "comment": "哨兵注释SENTINELCOMMENT",
}


def test_the_public_model_has_no_private_field():
    assert "private" in CaseFile.model_fields
    assert "private" not in Case.model_fields


def test_no_sentinel_from_a_private_field_reaches_the_output(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    record = cases / "2021" / "SC-2021-001.yaml"
    text = record.read_text(encoding="utf-8")
    start = text.index("private:")
    record.write_text(text[:start] + f"""# {SENTINELS['comment']}
private:
  credit_code: {SENTINELS['credit_code']}
  contacts:
    - {{name: {SENTINELS['name']}, role: {SENTINELS['role']}, phone: {SENTINELS['phone']}, email: {SENTINELS['email']}}}
  evidence:
    - {SENTINELS['evidence']}
  notes: |
    {SENTINELS['notes']}
""", encoding="utf-8")
    out = tmp_path / "out"
    build_site(cases, out, ROOT / "mkdocs.yml")

    files = [path for path in out.rglob("*") if path.is_file()]
    assert any(path.match("search-index/shards/*.json") for path in files)
    leaks = [(path.relative_to(out), name) for path in files
             for name, sentinel in SENTINELS.items()
             if sentinel in path.read_bytes().decode("utf-8", errors="ignore")]
    assert leaks == []
    # The server-side index compresses what it stores, so read it through its own eyes too.
    indexed = "\n".join(FulltextIndex(out / "current" / "index").contents())
    assert "一次合格率" in indexed  # public text is there
    assert [name for name, sentinel in SENTINELS.items() if sentinel in indexed] == []
    built_page = (out / "site" / "cases" / "SC-2021-001" / "index.html").read_text(encoding="utf-8")
    assert "q@example.com" in built_page  # the public contact, by contrast, is published
