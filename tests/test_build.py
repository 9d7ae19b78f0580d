"""End to end: the bundled sample cases built strictly into a temporary folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from casebook.build import BuildFailed, build_site
from casebook.model import PARTS, is_listed
from casebook.problems import ProblemsFound
from casebook.records import load_casebook, record_paths
from casebook.vocabulary import DIMENSIONS
from casebook.yamlsource import read_yaml
from support import folder_files

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def casebook():
    return load_casebook(ROOT / "cases")


def page(site: Path, address: str) -> str:
    path = site / address / "index.html"
    assert path.is_file(), f"no page at /{address}"
    return path.read_text(encoding="utf-8")


def test_every_listed_case_has_a_page_with_all_eight_parts(sample_site, casebook):
    for case in filter(is_listed, casebook.cases):
        html = page(sample_site, f"cases/{case.id}/")
        assert re.search(r"<h1[^>]*>" + re.escape(case.title), html), case.id
        for field, heading in PARTS:
            assert re.search(f'<h2 id="{field}">{heading}', html), (case.id, field)
        assert 'id="highlights"' in html and 'id="sharing"' in html
        assert f'<time datetime="{case.updated.isoformat()}">' in html  # a visible update date


def test_a_revoked_case_keeps_its_address_and_shows_the_notice(sample_site, casebook):
    revoked = [case for case in casebook.cases if not is_listed(case)]
    assert revoked
    for case in revoked:
        html = page(sample_site, f"cases/{case.id}/")
        assert "已撤销" in html and case.recognition.revocation.notice.number in html
        assert 'id="summary"' not in html


def test_every_browse_page_lists_its_cases_and_no_page_is_empty(sample_site, casebook):
    listed = [case for case in casebook.cases if is_listed(case)]
    for dimension in DIMENSIONS:
        index = page(sample_site, f"{dimension.folder}/")
        for term in casebook.vocabularies[dimension.field].terms:
            cases = [c for c in listed if term.label in (
                [c.enterprise.city] if dimension.field == "cities" else getattr(c, dimension.field))]
            value_page = sample_site / dimension.folder / term.slug / "index.html"
            assert value_page.is_file() == bool(cases), (dimension.field, term.label)
            if cases:
                assert f'href="{term.slug}/"' in index
                html = value_page.read_text(encoding="utf-8")
                assert all(f'href="../../cases/{c.id}/"' in html for c in cases)
    years = page(sample_site, "years/")
    for year in {case.year for case in listed}:
        assert f'href="{year}/"' in years
        assert page(sample_site, f"years/{year}/")


def test_the_all_cases_page_and_home_lead_everywhere(sample_site, casebook):
    everything = page(sample_site, "cases/")
    for case in casebook.cases:
        assert (f'href="{case.id}/"' in everything) == is_listed(case)
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    for address in ["cases/", *(f"{d.folder}/" for d in DIMENSIONS), "years/", "about/"]:
        assert f'href="{address}"' in home


def test_pages_load_nothing_from_another_host(sample_site):
    for html_file in sample_site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        # What a browser loads: scripts, images, frames, and links other than the canonical address
        # and the same page in another language.
        loading = re.findall(r'<(?:link(?![^>]*(?:rel="canonical"|hreflang=))|script|img|iframe|source)\b[^>]*>', html)
        external = [tag for tag in loading if re.search(r'(?:src|href)="(?:https?:)?//', tag)]
        assert external == [], html_file
    assert "fonts.googleapis" not in "".join(p.read_text(errors="ignore") for p in sample_site.rglob("*.css"))


def test_no_private_value_reaches_any_output_file(sample_site):
    private, public = set(), []
    for path in record_paths(ROOT / "cases"):
        document, _ = read_yaml(path, str(path))
        private |= set(_strings(document.data.pop("private", None)))
        public += _strings(document.data)
    public_text = "\n".join(public)  # a private role such as 首席质量官 may also be a public method
    secrets = {value for value in private if len(value) >= 4 and value not in public_text}
    assert len(secrets) > 20
    for output in sample_site.rglob("*"):
        if output.is_file():
            content = output.read_bytes().decode("utf-8", errors="ignore")
            leaked = [secret for secret in secrets if secret in content]
            assert leaked == [], output


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("broken", ["about.md", "en/about.md"])  # the Chinese build, or the English one beside it
def test_a_broken_link_fails_the_build_and_keeps_the_published_site(tmp_path, broken):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "content", project / "content")
    for config in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / config, project / config)
    for shared in ("casebook", "cases"):
        (project / shared).symlink_to(ROOT / shared)
    fixture = ROOT / "tests" / "fixtures" / "casebook"
    out = tmp_path / "out"
    live = build_site(fixture, out, project / "mkdocs.yml")
    published = (live / "index.html").read_text(encoding="utf-8")

    (project / "content" / broken).write_text("# 关于\n\n[无处](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match="网站生成失败"):
        build_site(fixture, out, project / "mkdocs.yml")
    assert (live / "index.html").read_text(encoding="utf-8") == published
    assert len(list((out / "releases").iterdir())) == 1  # the failed release was removed


def test_the_publicity_page_lists_the_cases_in_publicity_with_their_period(sample_site, casebook):
    html = page(sample_site, "publicity/")
    in_publicity = [case for case in casebook.cases if case.recognition.status == "公示中"]
    assert len(in_publicity) == 2
    for case in in_publicity:
        assert f'href="../cases/{case.id}/"' in html
    assert "公示期 2026-11-16 至 2026-11-27" in html
    assert "公示期为 2026-11-16 至 2026-11-27" in page(sample_site, f"cases/{in_publicity[0].id}/")


def test_the_statistics_page_draws_each_dimension_with_its_table(sample_site, casebook):
    html = page(sample_site, "statistics/")
    charts = re.findall(r'<svg class="cb-chart" role="img"[^>]*aria-labelledby="([^"]*)"', html)
    assert len(charts) == 5  # methods, industries, directions, cities, years
    listed = [case for case in casebook.cases if is_listed(case)]
    in_2021 = sum(case.year == 2021 for case in listed)
    assert "<desc id=\"chart-year-desc\">" in html and f"2021 年 {in_2021}" in html  # the chart says its values
    assert re.search(rf'<td><a href="../years/2021/">2021 年</a></td>\s*<td[^>]*>{in_2021}</td>', html)  # and the table


def test_a_case_page_draws_its_metrics_before_and_after(sample_site, casebook):
    case = next(case for case in casebook.cases if case.id == "SC-2021-001")
    html = page(sample_site, f"cases/{case.id}/")
    assert 'aria-labelledby="metrics-chart-title metrics-chart-desc"' in html
    assert html.count("cb-chart__bar--before") == html.count("cb-chart__bar--after") == len(case.metrics)
    assert "大型铸件一次探伤合格率：改进前 87.6%，改进后 96.3%" in html


def test_a_method_page_opens_with_its_hand_written_guide(sample_site):
    html = page(sample_site, "methods/six-sigma/")
    guide, cases = html.index("DMAIC"), html.index('id="cases"')
    assert guide < cases < html.index('href="../../cases/SC-2021-001/"')
    assert not (sample_site / "guides").exists()  # a guide is part of its method's page, not a page
    assert "DMAIC" not in page(sample_site, "methods/spc/")  # only methods with a guide show one


def test_every_case_page_links_to_its_record_for_editing(sample_site, casebook):
    repository = "https://git.example.gov.cn/jxt/casebook/edit/main/"
    for case in casebook.cases:
        for prefix, title in (("", "编辑此页"), ("en/", "Edit this page")):
            found = re.findall(r'<a href="([^"]+)" title="' + title + '"', page(sample_site, f"{prefix}cases/{case.id}/"))
            assert found == [f"{repository}cases/{case.year}/{case.id}.yaml"], (prefix, case.id)
            assert (ROOT / found[0].removeprefix(repository)).is_file()
    assert re.search(r'<a href="' + repository + r'content/about.md" title="编辑此页"', page(sample_site, "about/"))


# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                      "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_pictures_beside_a_record_show_on_its_page_in_both_languages(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "tests" / "fixtures" / "casebook", cases)
    record = cases / "2022" / "SC-2022-001.yaml"
    text = record.read_text(encoding="utf-8")
    assert "summary: SPC 摘要。\n" in text
    record.write_text(text.replace("summary: SPC 摘要。\n", "summary: |\n  ![检测流程](flow.png)\n\n  SPC 摘要。\n"),
                      encoding="utf-8")
    (cases / "2022" / "SC-2022-001").mkdir()
    (cases / "2022" / "SC-2022-001" / "flow.png").write_bytes(PIXEL)
    site = build_site(cases, tmp_path / "out", ROOT / "mkdocs.yml")
    for prefix in ("", "en/"):
        assert '<img alt="检测流程" src="flow.png"' in page(site, f"{prefix}cases/SC-2022-001/")
        assert (site / prefix / "cases" / "SC-2022-001" / "flow.png").read_bytes() == PIXEL


def test_a_picture_format_browsers_cannot_show_safely_is_a_problem(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "tests" / "fixtures" / "casebook", cases)
    (cases / "2022" / "SC-2022-001").mkdir()
    (cases / "2022" / "SC-2022-001" / "chart.svg").write_text("<svg/>", encoding="utf-8")
    with pytest.raises(ProblemsFound) as found:
        load_casebook(cases)
    assert [(p.path.endswith("2022/SC-2022-001/chart.svg"), p.message) for p in found.value.problems] == [
        (True, "图片只能是 PNG、JPG、GIF 或 WebP 格式：请另存为 PNG 或 JPG")]


def test_the_navigation_drawn_once_per_folder_is_what_each_page_would_draw(tmp_path, monkeypatch):
    from casebook import mkdocs_plugin

    fixture = ROOT / "tests" / "fixtures" / "casebook"
    shared = folder_files(build_site(fixture, tmp_path / "shared", ROOT / "mkdocs.yml"), "*.html")
    monkeypatch.setattr(mkdocs_plugin, "_nav_folder", lambda page, in_nav: None)
    drawn_per_page = folder_files(build_site(fixture, tmp_path / "each", ROOT / "mkdocs.yml"), "*.html")
    assert len(shared) > 50 and shared == drawn_per_page
