"""Open311 GeoReport v2 documents in XML (the spec's required format) and JSON (pure).

Each document is a list of flat records; XML wraps them as the spec does
(``<services><service>…``, ``<service_requests><request>…``, ``<errors><error>…``), JSON is
the bare list (discovery is one object).  Dates are ISO 8601 with the offset of the instansi's
zone; booleans are ``true``/``false``; a missing value is an empty element / ``null``.
"""

from __future__ import annotations

import datetime
import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# Root and item element names of each list document.
WRAPPERS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def iso(value: datetime.datetime | None, zone: datetime.tzinfo | None = None) -> str | None:
    if value is None:
        return None
    if zone is not None:
        value = value.astimezone(zone)
    return value.replace(microsecond=0).isoformat()


def parse_iso(value: str) -> datetime.datetime | None:
    """A W3C/ISO 8601 date-time (``Z`` allowed); a bare date means its start in UTC."""
    value = (value or "").strip()
    if not value:
        return None
    if "T" in value and value.count(" ") == 1:
        value = value.replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


# Characters XML 1.0 cannot carry at all (a citizen's text may hold them): dropped from XML output.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, name: str, value) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, list):
        # A list of plain values: one element per value, named after the singular of the list.
        singular = name[:-1] if name.endswith("s") else name
        for item in value:
            if isinstance(item, dict):
                sub = ET.SubElement(child, singular)
                for key, val in item.items():
                    _append(sub, key, val)
            else:
                ET.SubElement(child, singular).text = _text(item)
    elif isinstance(value, dict):
        for key, val in value.items():
            _append(child, key, val)
    else:
        child.text = _text(value)


def to_xml(kind: str, records: list[dict] | dict) -> bytes:
    if kind in WRAPPERS:
        root_name, item_name = WRAPPERS[kind]
        root = ET.Element(root_name)
        for record in records:
            item = ET.SubElement(root, item_name)
            for key, value in record.items():
                _append(item, key, value)
    else:  # one object: discovery, service_definition
        root = ET.Element(kind)
        for key, value in records.items():
            _append(root, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def to_json(records) -> bytes:
    return json.dumps(records, ensure_ascii=False).encode()


def document(kind: str, records, *, fmt: str, status: int = 200) -> HttpResponse:
    body = to_xml(kind, records) if fmt == "xml" else to_json(records)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(status: int, *descriptions: str, fmt: str) -> HttpResponse:
    """The spec's error list: ``[{code, description}]`` with the HTTP status as the code."""
    return document("errors", [{"code": status, "description": d} for d in descriptions], fmt=fmt, status=status)
