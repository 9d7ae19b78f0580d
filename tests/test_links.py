"""No broken links: LinkChecker follows every link of the built sample site from its home page.

The site is served over HTTP as nginx would serve it, so that links to folders resolve to their
``index.html``. Links to other hosts are not followed (the site makes no requests elsewhere;
tests/test_site_quality.py checks that). ``make check-site`` runs this module too.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from support import serve_folder

LINKCHECKER = Path(sys.executable).parent / "linkchecker"
# LinkChecker waits between requests to one host (at most 10 a second) unless the server answers
# with a "LinkChecker" header and the configuration allows more; ours may. Anchors are checked too.
CONFIG = "[checking]\nmaxrequestspersecond=1000\n\n[AnchorCheck]\n"


def check_links(site: Path, work: Path, depth: int = -1) -> tuple[int, list[str]]:
    """How many links LinkChecker followed from the home page (all, or ``depth`` links deep), and a
    line for each broken one."""
    config = work / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    with serve_folder(site, [("LinkChecker", "casebook tests")]) as url:
        done = subprocess.run([str(LINKCHECKER), "--config", str(config), "--no-status", "--verbose", "--output", "csv",
                               "--recursion-level", str(depth), url], capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), f"LinkChecker failed:\n{done.stderr[-2000:]}"
    rows = list(csv.DictReader((line for line in done.stdout.splitlines() if not line.startswith("#")), delimiter=";"))
    # A missing anchor is only a warning to LinkChecker; here every warning counts.
    broken = [f"{row['parentname']}（第 {row['line']} 行）→ {row['urlname']}：{row['result']} {row['warningstring']}".strip()
              for row in rows if row["valid"] != "True" or row["warningstring"]]
    return len(rows), broken


def test_the_sample_site_has_no_broken_links(sample_site, tmp_path, report):
    checked, broken = check_links(sample_site, tmp_path)
    assert checked > 100, f"LinkChecker followed only {checked} links"
    assert broken == []
    report.append(f"链接检查：LinkChecker 检查了 {checked} 个链接，没有失效链接")


def test_a_broken_link_and_a_broken_anchor_are_found(sample_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    page = site / "about" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "</article>" in html
    page.write_text(html.replace("</article>", '<a href="../cases/SC-2099-999/">不存在的案例</a>'
                                 '<a href="../cases/#no-such-anchor">不存在的锚点</a></article>', 1), encoding="utf-8")
    _, broken = check_links(site, tmp_path, depth=2)  # home → about/ → the links on it
    assert len(broken) == 2, broken
    # LinkChecker reports in the order its threads finish
    assert any("cases/SC-2099-999/" in line and "404" in line for line in broken), broken
    assert any("no-such-anchor" in line for line in broken), broken
