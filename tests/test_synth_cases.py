"""scripts/synth_cases.py: valid, deterministic, varied synthetic records for performance tests."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml

from casebook.model import PARTS
from casebook.records import check_casebook
from casebook.yamlsource import read_yaml
from support import folder_files

ROOT = Path(__file__).parent.parent
COUNT = 60


def _load_script():
    spec = importlib.util.spec_from_file_location("synth_cases", ROOT / "scripts" / "synth_cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth_cases", module)
    spec.loader.exec_module(module)
    return module


synth = _load_script()


def _generate(folder: Path, seed: int, count: int = COUNT) -> Path:
    assert synth.main([str(count), "--seed", str(seed), "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return _generate(tmp_path_factory.mktemp("synth") / "cases", seed=11)


@pytest.fixture(scope="module")
def records(generated) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(generated.glob("[0-9]*/*.yaml"))]


def test_the_generated_casebook_passes_the_project_check(generated):
    casebook, problems = check_casebook(generated)
    assert problems == [], "\n".join(map(str, problems))
    assert len(casebook.cases) == COUNT


def test_layout_ids_and_vocabularies(generated, records):
    assert sorted(p.name for p in (generated / "vocabularies").iterdir()) == sorted(
        p.name for p in (ROOT / "cases" / "vocabularies").iterdir())
    for path in generated.glob("[0-9]*/*.yaml"):
        assert re.fullmatch(r"SC-\d{4}-\d{3}\.yaml", path.name) and path.name[3:7] == path.parent.name
        assert path.read_text(encoding="utf-8").startswith(synth.MARKER + "\n")
    assert all(r["sample"] is True for r in records)


def test_same_seed_gives_identical_files_and_another_seed_different_ones(generated, tmp_path):
    again = folder_files(_generate(tmp_path / "again", seed=11))
    other = folder_files(_generate(tmp_path / "other", seed=12))
    assert again == folder_files(generated)
    assert other.keys() == again.keys()
    different = [name for name in again if name.endswith(".yaml") and not name.startswith("vocabularies/") and again[name] != other[name]]
    assert len(different) == COUNT


def test_records_are_varied(records):
    assert {r["recognition"]["status"] for r in records} >= {"已认定"}
    for field in ("summary", "implementation", "title"):
        assert len({r[field] for r in records}) == COUNT, f"two records share a {field}"
    assert len({r["enterprise"]["name"] for r in records}) == COUNT
    assert len({r["enterprise"]["short_name"] for r in records}) == COUNT
    assert len({m for r in records for m in r["methods"]}) >= 10
    assert len({r["enterprise"]["city"] for r in records}) >= 10
    assert {len(r["methods"]) for r in records} <= {1, 2, 3, 4}
    assert {len(r["highlights"]) for r in records} <= {2, 3, 4, 5}


def test_narratives_have_the_promised_shape(records):
    lengths = []
    for record in records:
        for part, _ in PARTS:
            blocks = [b for b in record[part].strip().split("\n\n") if b.strip()]
            assert 2 <= len(blocks) <= 5, (record["id"], part, len(blocks))
        text = "".join(record[part] for part, _ in PARTS)
        lengths.append(len(re.sub(r"\s", "", text)))
        assert record["title"].endswith("经验")
    assert 1200 <= min(lengths) and max(lengths) <= 7000
    assert 2400 <= sum(lengths) / len(lengths) <= 3600
    markdown = "".join(r["implementation"] + r["effects"] + r["overview"] for r in records)
    assert "**" in markdown and re.search(r"^1\. ", markdown, re.M) and "|---|" in markdown


def test_status_rules_and_dates(records):
    for record in records:
        recognition, year = record["recognition"], record["year"]
        assert recognition["publicity"]["start"].year == year
        if recognition["status"] == "公示中":
            assert "notice" not in recognition and "recognized_on" not in recognition
        else:
            assert "示例" in recognition["notice"]["number"]
            assert recognition["recognized_on"].year == year
            assert recognition["publicity"]["end"] < recognition["recognized_on"] <= record["updated"]
        if "verified" in record:
            assert record["verified"] <= record["updated"]
        if record["sharing"]["consent"]:
            assert "example.com" in record["sharing"]["contact"]["value"]


def test_years_spread_with_three_digit_sequence_numbers():
    assert synth.layout(60) == [(year, 10) for year in range(2000, 2006)]
    layout = synth.layout(10_000)
    assert layout[0] == (2000, 100) and layout[-1] == (2099, 100) and sum(n for _, n in layout) == 10_000
    assert max(n for _, n in synth.layout(99_900)) == 999
    with pytest.raises(SystemExit):
        synth.layout(99_901)


def test_values_the_strict_loader_would_misread_are_quoted(tmp_path):
    # "SPC：…" at the start of a plain list item reads as a key with a full-width colon.
    for value in ["SPC：关键参数实时监控", "某公司 #1车间", "null", "*重点*", "- 列表", "a: b", ""]:
        path = tmp_path / "value.yaml"
        path.write_text(f"key: {synth.scalar(value)}\nitems:\n  - {synth.scalar(value)}\n", encoding="utf-8")
        document, problems = read_yaml(path, "value.yaml")
        assert problems == [] and document.data == {"key": value, "items": [value]}, value


def test_refuses_to_overwrite_a_folder_it_did_not_generate(tmp_path):
    (tmp_path / "mine").mkdir()
    with pytest.raises(SystemExit):
        synth.main(["5", "--seed", "1", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        synth.main(["5", "--seed", "1", "--out", str(tmp_path), "--replace"])
    assert (tmp_path / "mine").is_dir()


def _without_ids(text: str, case_id: str) -> str:
    for spelling in (case_id, case_id.lower(), case_id.lower().replace("-", "")):
        text = text.replace(spelling, "<id>")
    return text


def test_ids_of_an_existing_folder_are_skipped_and_only_the_ids_change(generated, tmp_path):
    existing = tmp_path / "existing"
    taken = {"SC-2000-001", "SC-2000-003", "SC-2003-010"}
    for case_id in taken:
        (existing / case_id[3:7]).mkdir(parents=True, exist_ok=True)
        (existing / case_id[3:7] / f"{case_id}.yaml").write_text("id: 占位\n", encoding="utf-8")
    avoiding = tmp_path / "avoiding"
    assert synth.main([str(COUNT), "--seed", "11", "--out", str(avoiding), "--avoid", str(existing)]) == 0

    def by_year(folder: Path) -> dict[str, list[Path]]:
        return {year.name: sorted(year.glob("*.yaml")) for year in sorted(folder.glob("[0-9]*"))}

    before, after = by_year(generated), by_year(avoiding)
    assert [p.stem for p in after["2000"]] == [f"SC-2000-{n:03d}" for n in (2, *range(4, 13))]
    assert [p.stem for p in after["2003"]][-1] == "SC-2003-011"
    assert {p.stem for paths in after.values() for p in paths}.isdisjoint(taken)
    assert before.keys() == after.keys()
    for year in before:
        for old, new in zip(before[year], after[year], strict=True):
            assert _without_ids(old.read_text(encoding="utf-8"), old.stem) == \
                _without_ids(new.read_text(encoding="utf-8"), new.stem)


def test_a_year_too_full_for_its_records_is_refused():
    assert synth.sequence_numbers(2000, 3, {"SC-2000-002"}) == [1, 3, 4]
    with pytest.raises(SystemExit):
        synth.sequence_numbers(2000, synth.MAX_PER_YEAR, {"SC-2000-500"})
