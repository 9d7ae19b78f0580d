"""Atom and RSS feeds the portal can pull into its own column: recognitions, publicity, revocations
and exchange events.

Built with ElementTree, so record text is always escaped as XML text. Entries are dated by the
events they report, never by the build, so two builds of the same records write the same feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from xml.etree import ElementTree

from .model import Case, is_listed
from .plan import EVENTS, PUBLICITY, case_url, publicity_batches
from .promotion import Event

ATOM = "feeds/atom.xml"
RSS = "feeds/rss.xml"
MAX_ENTRIES = 50
CHINA = timezone(timedelta(hours=8))
TITLE = "四川省工业质量标杆典型经验库"


@dataclass(frozen=True)
class Entry:
    key: str
    """Stable and unique: the same event always has the same key."""
    title: str
    url: str
    day: date
    summary: str


def feed_files(cases: list[Case], events: list[Event], site_url: str) -> dict[str, str]:
    entries = feed_entries(cases, events)
    return {ATOM: atom(entries, site_url), RSS: rss(entries, site_url)}


def feed_entries(cases: list[Case], events: list[Event] = ()) -> list[Entry]:
    listed = [case for case in cases if is_listed(case)]
    entries = [Entry(f"recognised/{case.id}", f"认定：{case.title}", case_url(case), case.recognition.recognized_on,
                     f"{case.enterprise.name}（{case.enterprise.city}）的典型经验被认定为四川省工业质量标杆。")
               for case in listed if case.recognition.status == "已认定" and case.recognition.recognized_on]
    entries += [Entry(f"publicity/{start}", f"公示：{len(batch)} 项拟认定省质量标杆（{start} 至 {end}）", _page_url(PUBLICITY),
                      start, "、".join(case.title for case in batch))
                for (start, end), batch in publicity_batches(listed)]
    entries += [Entry(f"revoked/{case.id}", f"撤销：{case.title}", case_url(case), case.recognition.revocation.date,
                      f"{case.recognition.revocation.reason}；{case.recognition.revocation.notice.number}")
                for case in cases if not is_listed(case)]
    entries += [Entry(f"event/{event.date}/{event.topic}", f"交流活动：{event.topic}", _page_url(EVENTS), event.date,
                      f"{event.date}，{event.place}，{event.host}")
                for event in events]
    return sorted(entries, key=lambda e: (e.day, e.key), reverse=True)[:MAX_ENTRIES]


def _page_url(source: str) -> str:
    return source.removesuffix(".md") + "/"


def atom(entries: list[Entry], site_url: str) -> str:
    feed = ElementTree.Element("feed", xmlns="http://www.w3.org/2005/Atom")
    _text(feed, "title", TITLE)
    _text(feed, "id", site_url)
    ElementTree.SubElement(feed, "link", href=site_url + ATOM, rel="self")
    ElementTree.SubElement(feed, "link", href=site_url)
    _text(feed, "updated", _timestamp(entries[0].day if entries else date(2000, 1, 1)).isoformat())
    for entry in entries:
        item = ElementTree.SubElement(feed, "entry")
        _text(item, "title", entry.title)
        _text(item, "id", f"{site_url}#{entry.key}")
        ElementTree.SubElement(item, "link", href=site_url + entry.url)
        _text(item, "updated", _timestamp(entry.day).isoformat())
        ElementTree.SubElement(item, "author").append(_element("name", "四川省经济和信息化厅"))
        _text(item, "summary", entry.summary)
    return _xml(feed)


def rss(entries: list[Entry], site_url: str) -> str:
    root = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(root, "channel")
    _text(channel, "title", TITLE)
    _text(channel, "link", site_url)
    _text(channel, "description", "四川省工业质量标杆的认定、公示与撤销")
    _text(channel, "language", "zh-cn")
    for entry in entries:
        item = ElementTree.SubElement(channel, "item")
        _text(item, "title", entry.title)
        _text(item, "link", site_url + entry.url)
        guid = _text(item, "guid", f"{site_url}#{entry.key}")
        guid.set("isPermaLink", "false")
        _text(item, "pubDate", format_datetime(_timestamp(entry.day)))
        _text(item, "description", entry.summary)
    return _xml(root)


def _timestamp(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), CHINA)


def _element(tag: str, text: str) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    element.text = text
    return element


def _text(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    element = _element(tag, text)
    parent.append(element)
    return element


def _xml(root: ElementTree.Element) -> str:
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
