"""The case record (one YAML file) and the public case that everything downstream sees.

``CaseFile`` is what an awardee writes, including the ``private`` block (第六条(四): commercial
secrets). ``Case`` is the public model: it has no private fields at all, so no page, index or
data file built from it can leak them. Vocabulary membership is checked against the vocabularies
passed as validation context, so the allowed values live only in ``cases/vocabularies``.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Iterator, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from .vocabulary import Vocabularies

Location = tuple[str | int, ...]

# 第八条: after the name (the page title), these seven parts, in this order; the field name is also
# the part's anchor on the case page, so links to ``#effects`` keep working.
PARTS = (
    ("summary", "摘要"),
    ("profile", "企业概况"),
    ("background", "应用背景"),
    ("overview", "方法综述"),
    ("implementation", "实施与运行"),
    ("effects", "实施效果"),
    ("promotion", "深入推广"),
)


def _normalise_width(value: Any) -> Any:
    """Full-width digits and punctuation typed with a Chinese input method become ASCII."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _yes_no(value: Any) -> Any:
    return {"是": "true", "否": "false"}.get(value.strip(), value) if isinstance(value, str) else value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("只能写一行")
    return value


def _in_vocabulary(field: str):
    def check(value: str, info: ValidationInfo) -> str:
        vocabularies: Vocabularies | None = (info.context or {}).get("vocabularies")
        if vocabularies is not None and value not in vocabularies[field]:
            raise ValueError(vocabularies[field].unknown_label_message(value))
        return value

    return AfterValidator(check)


PlainText = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
                      Field(min_length=1, max_length=200), AfterValidator(_single_line)]
Narrative = Annotated[str, Field(min_length=1, max_length=20000, description="Markdown 正文")]
Number = Annotated[Decimal, BeforeValidator(_normalise_width)]
Year = Annotated[int, BeforeValidator(_normalise_width), Field(ge=2000, le=2100)]
Day = Annotated[date, BeforeValidator(_normalise_width)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]


def Term(field: str):  # noqa: N802 - reads as a type in the field declarations below
    return Annotated[str, BeforeValidator(_normalise_width), _in_vocabulary(field),
                     Field(json_schema_extra={"x-vocabulary": field})]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Enterprise(StrictModel):
    name: PlainText = Field(description="企业全称")
    short_name: PlainText | None = Field(None, description="企业简称（质量标杆名称中可用简称）")
    city: Term("cities") = Field(description="所在市（州）")
    size: Literal["大型", "中型", "小型", "微型"] = Field(description="企业规模")


class Measure(StrictModel):
    value: Number
    year: Year


class Metric(StrictModel):
    indicator: PlainText = Field(description="指标名称，如“产品一次交检合格率”")
    unit: str = Field("", max_length=20, description="单位，如 %、万元、天；无单位留空")
    baseline: Measure = Field(description="改进前的数值与年份")
    result: Measure = Field(description="改进后的数值与年份")
    higher_is_better: YesNo = Field(True, description="数值越大越好为 true，越小越好为 false")


class Notice(StrictModel):
    number: PlainText = Field(description="文号，如“川经信质〔2021〕123号”")
    publisher: PlainText = Field("四川省经济和信息化厅", description="发文机关")
    date: Day | None = Field(None, description="发文日期")


class Publicity(StrictModel):
    start: Day = Field(description="公示开始日期")
    end: Day | None = Field(None, description="公示结束日期（10 个工作日）")


class National(StrictModel):
    year: Year = Field(description="推荐申报全国质量标杆的年份")
    outcome: Literal["推荐中", "已入选", "未入选"] = Field("推荐中", description="推荐结果")


class Revocation(StrictModel):
    date: Day = Field(description="撤销日期")
    reason: Literal["重大质量事故", "重大安全事故", "重大环保事故", "其他"] = Field(description="撤销原因类别（第十四条）")
    notice: Notice = Field(description="撤销公告")
    note: PlainText | None = Field(None, description="公告摘要")


class Recognition(StrictModel):
    status: Literal["公示中", "已认定", "已撤销"]
    publicity: Publicity | None = Field(None, description="公示期（第十条）")
    recognized_on: Day | None = Field(None, description="认定日期")
    notice: Notice | None = Field(None, description="认定文件（第十条）")
    recommended_by: PlainText | None = Field(None, description="推荐单位，如“德阳市经济和信息化局”")
    national: National | None = Field(None, description="推荐申报全国质量标杆（第十三条）")
    revocation: Revocation | None = Field(None, description="撤销信息（第十四条），仅在 status 为“已撤销”时填写")


class Contact(StrictModel):
    channel: Literal["电子邮箱", "电话", "网站", "微信公众号"]
    value: PlainText


class Sharing(StrictModel):
    consent: YesNo = Field(description="是否同意公开交流联系方式（第六条(四)）")
    contact: Contact | None = Field(None, description="公开的交流渠道，仅在 consent 为 true 时填写")
    topics: list[PlainText] = Field([], max_length=10, description="可交流的主题")
    site_visits: YesNo = Field(False, description="是否接受实地参观交流")


class Translation(StrictModel):
    title: PlainText | None = None
    enterprise_name: PlainText | None = None
    summary: Narrative | None = None
    profile: Narrative | None = None
    background: Narrative | None = None
    overview: Narrative | None = None
    implementation: Narrative | None = None
    effects: Narrative | None = None
    promotion: Narrative | None = None
    highlights: list[PlainText] = []


class Translations(StrictModel):
    en: Translation | None = Field(None, description="英文译文（可只译部分字段）")


class Case(StrictModel):
    """A recognised typical experience, public fields only."""

    id: str = Field(pattern=r"^SC-\d{4}-\d{3}$", description="案例编号，如 SC-2021-007，与文件名一致")
    sample: YesNo = Field(False, description="示例数据（虚构企业）标记")
    title: PlainText = Field(description="质量标杆名称：企业+典型质量管理方法（技术）+经验")
    enterprise: Enterprise
    year: Year = Field(description="认定年份")
    directions: list[Term("directions")] = Field(min_length=1, max_length=4, description="遴选方向（第五条）")
    industries: list[Term("industries")] = Field(min_length=1, max_length=3, description="所属行业")
    methods: list[Term("methods")] = Field(min_length=1, max_length=6, description="质量管理方法与技术")
    summary: Narrative = Field(max_length=1000, description="摘要")
    profile: Narrative = Field(description="企业概况")
    background: Narrative = Field(description="应用质量管理方法（技术）的背景")
    overview: Narrative = Field(description="质量管理方法（技术）综述")
    implementation: Narrative = Field(description="质量管理方法（技术）的实施与运行")
    effects: Narrative = Field(description="质量管理方法（技术）的实施效果")
    promotion: Narrative = Field(description="质量管理方法（技术）的深入推广")
    highlights: list[PlainText] = Field(min_length=1, max_length=8, description="特色和亮点 / 可复制要点")
    metrics: list[Metric] = Field([], max_length=20, description="改进前后的量化指标（第七条(三)）")
    recognition: Recognition
    sharing: Sharing
    updated: Day = Field(description="最后更新日期")
    verified: Day | None = Field(None, description="企业最近核实方法仍在应用的日期（第七条(三)2）")
    translations: Translations | None = None

    def inconsistencies(self) -> Iterator[tuple[Location, str]]:
        """Rules that involve more than one field, each with the field to point at."""
        names = [n for n in (self.enterprise.name, self.enterprise.short_name) if n]
        if not any(name in self.title for name in names):
            yield ("title",), "质量标杆名称应包含企业名称或简称（命名规则：企业+方法+经验）"
        if not self.title.endswith("经验"):
            yield ("title",), "质量标杆名称应以“经验”结尾（命名规则：企业+方法+经验）"
        if self.id[3:7] != str(self.year):
            yield ("id",), f"编号中的年份 {self.id[3:7]} 与认定年份 {self.year} 不一致"
        yield from self._recognition_inconsistencies()
        if self.sharing.contact and not self.sharing.consent:
            yield ("sharing", "contact"), "企业未同意公开（consent 为 false）时不能填写公开联系方式"
        for index, metric in enumerate(self.metrics):
            if metric.baseline.year > metric.result.year:
                yield ("metrics", index, "result", "year"), "改进后的年份不能早于改进前的年份"

    def _recognition_inconsistencies(self) -> Iterator[tuple[Location, str]]:
        recognition = self.recognition
        if recognition.status == "已撤销" and recognition.revocation is None:
            yield ("recognition", "status"), "状态为“已撤销”时必须填写 revocation（撤销日期、原因、公告）"
        if recognition.status != "已撤销" and recognition.revocation is not None:
            yield ("recognition", "revocation"), "只有状态为“已撤销”的案例才能填写 revocation"
        if recognition.status == "公示中" and recognition.publicity is None:
            yield ("recognition", "status"), "状态为“公示中”时必须填写 publicity（公示开始日期）"
        if recognition.status != "公示中" and recognition.notice is None:
            yield ("recognition", "status"), "已认定的案例必须填写 notice（认定文件的文号）"


class Private(StrictModel):
    """Never published: kept with the record for the department's own use."""

    credit_code: str | None = Field(None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="统一社会信用代码")
    contacts: list[dict[str, PlainText]] = Field([], description="内部联系人（姓名、职务、电话、邮箱）")
    evidence: list[PlainText] = Field([], description="证实性材料清单（第八条(四)）")
    notes: Narrative | None = Field(None, description="内部备注")


class CaseFile(Case):
    """What a record file holds: the public case plus the ``private`` block."""

    private: Private | None = Field(None, description="非公开信息：永远不会出现在网站、检索索引或数据文件中")

    def public(self) -> Case:
        return Case.model_construct(**{name: getattr(self, name) for name in Case.model_fields})


def is_listed(case: Case) -> bool:
    """Revoked cases (第十四条) keep their page but leave every list."""
    return case.recognition.status != "已撤销"


def field_names(model: type[BaseModel] | None = None) -> frozenset[str]:
    """Every key a record file may use, at any depth."""
    names: set[str] = set()
    for name, info in (model or CaseFile).model_fields.items():
        names.add(info.alias or name)
        for kind in _model_types(info.annotation):
            names |= field_names(kind)
    return frozenset(names)


def _model_types(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [kind for argument in getattr(annotation, "__args__", ()) for kind in _model_types(argument)]


def record_json_schema(vocabularies: Vocabularies) -> dict[str, Any]:
    """The JSON Schema of a record file, with today's vocabularies as allowed values.

    The checker reads every value as text and converts it, so the schema accepts what the checker
    accepts: a year may be written 2021 or "2021", a yes/no as true or 是.
    """
    schema = CaseFile.model_json_schema()
    _adapt_for_editors(schema, vocabularies)
    schema["title"] = "四川省工业质量标杆案例记录"
    return schema


_BOUNDS = {"ge": "minimum", "le": "maximum"}


def _adapt_for_editors(node: Any, vocabularies: Vocabularies) -> None:
    if isinstance(node, dict):
        field = node.pop("x-vocabulary", None)
        if field:
            node["enum"] = vocabularies[field].labels()
        if node.get("type") == "integer":
            bounds = {_BOUNDS[key]: node.pop(key) for key in list(node) if key in _BOUNDS}
            del node["type"]
            node["anyOf"] = [{"type": "integer", **bounds}, {"type": "string", "pattern": r"^\s*[0-9０-９]+\s*$"}]
            return
        if node.get("type") == "boolean":
            del node["type"]
            node["anyOf"] = [{"type": "boolean"}, {"enum": ["true", "false", "是", "否"]}]
            return
        for value in node.values():
            _adapt_for_editors(value, vocabularies)
    elif isinstance(node, list):
        for value in node:
            _adapt_for_editors(value, vocabularies)
