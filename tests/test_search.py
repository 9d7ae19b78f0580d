"""Chinese search: tokens, synonyms, the query plan, the index and its incremental update."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, Schema

from casebook.fulltext import TERMS_FILE, FulltextIndex, build_index
from casebook.related import related_cases
from casebook.query import plan_query
from casebook.snippets import snippets
from casebook.records import load_casebook
from casebook.searchterms import SearchTerms, load_search_terms
from casebook.tokens import Segmenter, bigrams, normalise

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "casebook"


@pytest.fixture(scope="module")
def terms() -> SearchTerms:
    return load_search_terms(ROOT / "search", load_casebook(ROOT / "cases").vocabularies)


@pytest.fixture(scope="module")
def segmenter(terms) -> Segmenter:
    return Segmenter(terms)


def test_normalise_folds_full_width_and_case():
    assert normalise("ＱＣ小组　６σ Six") == "qc小组 6σ six"


def test_bigrams_stay_inside_runs_and_keep_other_words_whole():
    assert bigrams("在泵阀密封面渗漏。QC小组，6σ 钢") == ["在泵", "泵阀", "阀密", "密封", "封面", "面渗", "渗漏",
                                                  "qc", "小组", "6σ", "钢"]


def test_synonym_groups_come_from_vocabularies_and_search_folder_and_merge(terms):
    assert set(terms.synonyms["6σ"]) >= {"六西格玛", "six sigma", "dfss"}
    assert set(terms.synonyms["缺陷率"]) == {"不良率", "缺陷率", "不合格率"}
    # 专精特新 is an alias of a direction and a hand-kept synonym: one group holds both.
    assert "小巨人" in terms.synonyms["中小企业“新、专、特、精”"]


def test_segmenter_keeps_domain_words_whole(segmenter):
    assert segmenter.words("六西格玛不良率降低了，QC小组活动") == ["六西格玛", "不良率", "降低", "qc小组", "活动"]
    assert segmenter.words("the detail") == ["the", "detail"]  # "ai" in the vocabulary cuts no Latin word


@pytest.mark.parametrize("query, units", [
    ("六西格玛不良率", ["六西格玛", "不良率"]),
    ("Six Sigma 改进", ["六西格玛", "改进"]),
    ("６σ", ["六西格玛"]),
    ("精益 库存", ["精益生产", "库存"]),
    ("GB/T 19580认证", ["卓越绩效", "认证"]),
    ("detail", ["detail"]),
    ("AND OR *", ["and", "or"]),
    ("field:value SC*", ["field", "value", "sc"]),
    ("", []),
])
def test_query_plan_units(terms, segmenter, query, units):
    assert [unit.alternatives[0] for unit in plan_query(query, terms, segmenter).units] == units


def test_query_plan_is_bounded(terms, segmenter):
    plan = plan_query("质量" * 5000 + "".join(f"词{i} " for i in range(100)), terms, segmenter)
    assert len(plan.text) <= 100 and len(plan.units) <= 12


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory, terms) -> FulltextIndex:
    folder = tmp_path_factory.mktemp("index") / "index"
    build_index(load_casebook(FIXTURE).cases, folder, terms)
    return FulltextIndex(folder)


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def test_the_index_holds_listed_cases_only(fixture_index):
    assert fixture_index.document_count == 2  # SC-2021-002 is revoked
    assert ids(fixture_index.search("精益生产")) == []


@pytest.mark.parametrize("query, expected", [
    ("六西格玛", ["SC-2021-001"]),
    ("6σ", ["SC-2021-001"]),
    ("Six Sigma", ["SC-2021-001"]),
    ("统计过程控制", ["SC-2022-001", "SC-2021-001"]),
    ("一次合格率", ["SC-2021-001"]),
    ("丁科技", ["SC-2022-001"]),  # a partial enterprise name: found by character pairs
    ("合格率提升", ["SC-2021-001"]),
])
def test_search_finds(fixture_index, query, expected):
    assert ids(fixture_index.search(query)) == expected


def test_filters_facets_and_snippets(fixture_index):
    result = fixture_index.search("SPC", {"year": "2022"})
    assert ids(result) == ["SC-2022-001"]
    assert result.facets["status"] == [("公示中", 1)]
    everything = fixture_index.search("SPC")
    assert dict(everything.facets["year"]) == {"2021": 1, "2022": 1}
    snippet = fixture_index.search("一次合格率").hits[0].snippets[0]
    start, end = snippet.highlights[0]
    assert snippet.text[start:end] == "一次合格率"


def test_zero_hits_have_the_same_shape(fixture_index):
    result = fixture_index.search("完全不存在的词语组合")
    assert (result.total, result.hits, result.pages) == (0, [], 0)
    assert set(result.facets) == {"method", "industry", "direction", "city", "year", "status"}


def test_reindexing_after_one_change_touches_only_that_record(tmp_path, terms):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    first = build_index(load_casebook(cases).cases, tmp_path / "one", terms)
    assert (first.added, first.unchanged) == (["SC-2021-001", "SC-2022-001"], 0)

    record = cases / "2022" / "SC-2022-001.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("SPC 摘要。", "SPC 摘要：焊缝气孔率下降。"), encoding="utf-8")
    second = build_index(load_casebook(cases).cases, tmp_path / "two", terms, previous=tmp_path / "one")
    assert (second.added, second.updated, second.deleted, second.unchanged) == ([], ["SC-2022-001"], [], 1)
    assert ids(FulltextIndex(tmp_path / "two").search("焊缝气孔率")) == ["SC-2022-001"]
    assert ids(FulltextIndex(tmp_path / "one").search("焊缝气孔率")) == []  # the old release is untouched

    record.unlink()
    third = build_index(load_casebook(cases).cases, tmp_path / "three", terms, previous=tmp_path / "two")
    assert (third.added, third.updated, third.deleted, third.unchanged) == ([], [], ["SC-2022-001"], 1)


def test_an_index_of_an_earlier_version_is_rebuilt_not_updated(tmp_path, terms):
    # Its fields differ: updating it would fail, or leave its old documents as they were.
    older = tmp_path / "older"
    older.mkdir()
    whoosh_index.create_in(str(older), Schema(id=ID(stored=True, unique=True), digest=STORED))
    (older / TERMS_FILE).write_text(terms.to_json(), encoding="utf-8")
    rebuilt = build_index(load_casebook(FIXTURE).cases, tmp_path / "new", terms, previous=older)
    assert (rebuilt.added, rebuilt.unchanged) == (["SC-2021-001", "SC-2022-001"], 0)
    assert ids(FulltextIndex(tmp_path / "new").search("六西格玛")) == ["SC-2021-001"]


def test_a_phrase_found_as_typed_ranks_above_its_parts_found_apart(tmp_path, terms):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    base = (cases / "2022" / "SC-2022-001.yaml").read_text(encoding="utf-8")
    apart = "summary: SPC 摘要：用 SPC 控制，关键参数在线监控，监控到异常即停线。"
    together = "summary: 摘要。\nimplementation: 导入SPC监控系统。"
    for case_id, summary in (("SC-2022-002", apart), ("SC-2022-003", together)):
        (cases / "2022" / f"{case_id}.yaml").write_text(
            base.replace("SC-2022-001", case_id).replace("summary: SPC 摘要。", summary)
            .replace("implementation: 实施。\n", "" if "implementation" in summary else "implementation: 实施。\n"),
            encoding="utf-8")
    build_index(load_casebook(cases).cases, tmp_path / "index", terms)
    index = FulltextIndex(tmp_path / "index")
    assert ids(index.search("SPC监控")) == ["SC-2022-003", "SC-2022-002"]
    assert ids(index.search("SPC 监控"))[0] == "SC-2022-002"  # typed apart: the more frequent first


def test_a_changed_search_vocabulary_rebuilds_everything(tmp_path, terms):
    cases = load_casebook(FIXTURE).cases
    build_index(cases, tmp_path / "one", terms)
    changed = SearchTerms({**terms.words, "焊缝气孔": 3000}, terms.groups)
    rebuilt = build_index(cases, tmp_path / "two", changed, previous=tmp_path / "one")
    assert (rebuilt.added, rebuilt.unchanged) == (["SC-2021-001", "SC-2022-001"], 0)


def test_related_cases_share_methods_industries_and_key_terms(tmp_path, segmenter):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    # Two more cases: one sharing SC-2022-001's method but not its industry, one sharing neither.
    base = (cases / "2022" / "SC-2022-001.yaml").read_text(encoding="utf-8")
    (cases / "2022" / "SC-2022-002.yaml").write_text(
        base.replace("SC-2022-001", "SC-2022-002").replace("industries: [装备制造]", "industries: [食品饮料]")
        .replace("highlights: [亮点一, 亮点二]", "highlights: [灌装线]"), encoding="utf-8")
    (cases / "2022" / "SC-2022-003.yaml").write_text(
        base.replace("SC-2022-001", "SC-2022-003").replace("methods: [SPC]", "methods: [精益生产]")
        .replace("industries: [装备制造]", "industries: [食品饮料]").replace("highlights: [亮点一, 亮点二]", "highlights: [灌装线]"),
        encoding="utf-8")
    related = related_cases(load_casebook(cases).cases, segmenter)
    assert set(related) == {"SC-2021-001", "SC-2022-001", "SC-2022-002", "SC-2022-003"}  # not the revoked one
    # sharing the method (with the industry, or with near-identical text) ranks above sharing neither
    assert related["SC-2022-001"][:2] in (["SC-2021-001", "SC-2022-002"], ["SC-2022-002", "SC-2021-001"])
    assert "SC-2022-003" not in related["SC-2022-001"]  # it shares neither method nor industry
    # a method nobody else uses: related by industry (and text), not left without any
    assert related["SC-2022-003"] == ["SC-2022-002"]


def test_snippets_mark_what_was_found_in_the_original_text():
    plain = "公司概况。" * 10 + "导入６σ方法后，一次合格率由 90% 提升到 98%。" + "其他内容。" * 20 + "质量成本下降。"
    [first, second] = snippets(plain, [("六西格玛", "6σ"), ("一次",), ("合格率",), ("质量成本",)])
    assert [first.text[s:e] for s, e in first.highlights] == ["６σ", "一次合格率"]  # full-width kept, touching merged
    assert first.text.startswith("…") and first.text.endswith("…")
    assert [second.text[s:e] for s, e in second.highlights] == ["质量成本"]
    assert snippets(plain, [("不存在",)]) == []
