"""Open data for the portal: every public case as JSON, and each year's official list as CSV and JSON.

Only recognised cases are in a year's list (第十条: those in publicity are not yet recognised);
revoked cases are in none (第十四条). Addresses are relative to the site root, so the data stays
right wherever the site is deployed. Nothing here is dated by the build, so two builds of the
same records write the same files.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from pydantic import BaseModel, Field

from .model import Case, is_listed
from .plan import CASES_JSON, CASES_SCHEMA, case_url, recognised_in, year_list_files


class OpenCase(BaseModel):
    """One public case, as the open data publishes it."""

    id: str = Field(description="案例编号，永久不变")
    title: str = Field(description="质量标杆名称")
    url: str = Field(description="案例页地址（相对于网站根目录）")
    enterprise: str
    city: str = Field(description="市（州）")
    year: int = Field(description="认定年份")
    status: str = Field(description="公示中 或 已认定")
    industries: list[str]
    methods: list[str]
    directions: list[str]
    recognized_on: date | None = None
    notice_number: str | None = Field(None, description="认定文件文号")
    notice_publisher: str | None = None
    recommended_by: str | None = Field(None, description="推荐单位")
    national_outcome: str | None = Field(None, description="推荐申报全国质量标杆的结果")
    updated: date = Field(description="最后更新日期")


class OpenCases(BaseModel):
    cases: list[OpenCase]


def open_case(case: Case) -> OpenCase:
    recognition = case.recognition
    return OpenCase(
        id=case.id, title=case.title, url=case_url(case), enterprise=case.enterprise.name,
        city=case.enterprise.city, year=case.year, status=recognition.status,
        industries=case.industries, methods=case.methods, directions=case.directions,
        recognized_on=recognition.recognized_on,
        notice_number=recognition.notice.number if recognition.notice else None,
        notice_publisher=recognition.notice.publisher if recognition.notice else None,
        recommended_by=recognition.recommended_by,
        national_outcome=recognition.national.outcome if recognition.national else None,
        updated=case.updated,
    )


def data_files(cases: list[Case]) -> dict[str, str]:
    """Every open-data file by its path under the site root."""
    listed = sorted((c for c in cases if is_listed(c)), key=lambda c: c.id)
    files = {
        CASES_JSON: _json(OpenCases(cases=[open_case(c) for c in listed]).model_dump(mode="json")),
        CASES_SCHEMA: _json(OpenCases.model_json_schema()),
    }
    for year in sorted({c.year for c in listed}):
        official = recognised_in(listed, year)
        if official:
            csv_path, json_path = year_list_files(year)
            files[csv_path] = _year_csv(official)
            files[json_path] = _json({"year": year, "cases": [open_case(c).model_dump(mode="json") for c in official]})
    return files


_CSV_COLUMNS = ["序号", "案例编号", "质量标杆名称", "企业", "市州", "行业", "方法与技术", "遴选方向",
                "推荐单位", "文号", "发文机关", "认定日期", "网址"]


def _year_csv(official: list[Case]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # lines end in CRLF, as spreadsheet programs expect
    writer.writerow(_CSV_COLUMNS)
    for number, case in enumerate(official, start=1):
        row = open_case(case)
        writer.writerow([number, row.id, row.title, row.enterprise, row.city, "、".join(row.industries),
                         "、".join(row.methods), "、".join(row.directions), row.recommended_by or "",
                         row.notice_number, row.notice_publisher, row.recognized_on or "", row.url])
    return "\ufeff" + buffer.getvalue()  # the BOM tells Excel the file is UTF-8


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
