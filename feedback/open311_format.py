"""Open311 GeoReport v2 documents in JSON and XML, built from plain Python data.

One description of each document (its XML root, the element name of its items, how lists nest)
and two renderers: JSON as the spec's bare arrays and objects, XML through xml.etree (which
escapes text) with the XML declaration and UTF-8 the spec requires. No model is read here.
"""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# In XML, a list field's items are elements of this name (the spec's examples).
XML_ITEM_NAMES = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot carry at all, even escaped (control characters, lone surrogates).
NOT_IN_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return NOT_IN_XML.sub("", str(value))


def _append(parent, name, value):
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(element, XML_ITEM_NAMES.get(name, "item"), item)
    else:
        element.text = _text(value)


def to_xml(root, item_name, data):
    """``data`` (a list of dicts, or one dict) as ``<root><item_name>…</item_name></root>``.

    A dict with ``item_name=None`` becomes the root's own children (discovery, service_definition).
    """
    element = ElementTree.Element(root)
    if item_name is None:
        for key, value in data.items():
            _append(element, key, value)
    else:
        for item in data:
            _append(element, item_name, item)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(element, encoding="unicode").encode()
    )


def to_json(data):
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def response(fmt, root, item_name, data, status=200):
    """The document in ``fmt`` ("json" or "xml") as an HTTP response."""
    body = to_json(data) if fmt == "json" else to_xml(root, item_name, data)
    result = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    result["Access-Control-Allow-Origin"] = "*"  # public data, read by apps on other hosts
    return result


def errors_response(fmt, status, descriptions):
    """The spec's error document: several errors at once, each with the HTTP code and a description."""
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    return response(fmt, "errors", "error", errors, status=status)
