"""The edit form's front matter, built from the one schema (portal/content/schema.py FIELDS): the
fields a kind uses, their values as the editor types them, and the file text they make.

Pure: text in, values and problems out. A page whose fields and body the editor did not change
keeps its text exactly, so an untouched page still exports byte for byte.

Sources are one a line, `title | address | checked | role | event date` (the last two may be left
out where the rules allow). The `changes` list holds Markdown paragraphs, so it is typed as the
YAML list itself and written back as one JSON (= YAML) line.
"""

import json

import yaml

from portal.content.catalog import load_yaml, read_front_matter
from portal.content.schema import CHANGE_KEYS, FIELDS, MATERIAL_FIELDS

LIST_FIELDS = frozenset(field.name for field in FIELDS if field.default == ())
MATERIAL_ONLY = frozenset(field.name for field in MATERIAL_FIELDS)
ALERT_ONLY = frozenset(("date", "regions", "industries", "risk", "severity"))
GUIDE_ONLY = frozenset(("request_type",))
EVENT_ONLY = frozenset(("event",))



def fields_for(kind):
    """The schema's fields an editor of this kind fills in, in the schema's order: every field a
    page of this kind may have, so that a save keeps what the form does not show (fixed pages
    cite sources and carry topics, too)."""
    skip = {"kind"}
    if kind != "material":
        skip |= MATERIAL_ONLY
    if kind != "alert":
        skip |= ALERT_ONLY
    if kind != "guide":
        skip |= GUIDE_ONLY
    if kind != "event":
        skip |= EVENT_ONLY
    return [field for field in FIELDS if field.name not in skip]


SOURCE_PARTS = ("title", "url", "checked", "role", "event_date")


def _source_line(item):
    parts = [str(item.get(part) or "") for part in SOURCE_PARTS]
    while len(parts) > 3 and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def _shown(name, value):
    if value is None:
        return ""
    if name == "sources":
        return "\n".join(_source_line(item) for item in value
                         if isinstance(item, dict)) if isinstance(value, list) else str(value)
    if name == "event":
        if not isinstance(value, dict):
            return str(value)
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000).strip()
    if name == "changes":
        if not isinstance(value, list):
            return str(value)
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000).strip()
    if name in LIST_FIELDS and isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def values_from_text(text):
    """(front-matter values as typed, body) of a page's text; empty values for a new page."""
    if not text:
        return {}, ""
    try:
        meta, body = read_front_matter(text)
    except (ValueError, yaml.YAMLError):
        return {}, text
    if not isinstance(meta, dict):
        return {}, body
    return {name: _shown(name, value) for name, value in meta.items()}, body


def _quoted(value):
    # JSON strings are YAML double-quoted strings; ensure_ascii=False keeps Chinese readable.
    return json.dumps(value, ensure_ascii=False)


def _yaml_line(name, typed):
    typed = typed.strip()
    if name == "sources":
        lines = ["sources:"]
        for row in filter(None, (line.strip() for line in typed.splitlines())):
            parts = [part.strip() for part in row.split("|")]
            title, url, checked, role, event_date = (parts + [""] * 5)[:5]
            lines += [f"  - title: {_quoted(title)}", f"    url: {_quoted(url)}", f"    checked: {_quoted(checked)}"]
            lines += [f"    {key}: {_quoted(value)}" for key, value in (("role", role), ("event_date", event_date))
                      if value]
        return "\n".join(lines) if len(lines) > 1 else ""
    if name == "changes":
        return f"changes: {_quoted(_typed_changes(typed))}" if typed else ""
    if name == "event":
        return f"event: {_quoted(_typed_mapping(typed))}" if typed else ""
    if name in LIST_FIELDS:
        items = [item.strip() for item in typed.split(",") if item.strip()]
        return f"{name}: [{', '.join(items)}]" if items else ""
    if name in ("order", "duration") and typed.isdigit():
        return f"{name}: {int(typed)}"
    return f"{name}: {_quoted(typed)}" if typed else ""


def _typed_changes(typed):
    """The typed YAML list, or the text itself when it is no list (the schema then says so)."""
    try:
        value = load_yaml(typed)
    except yaml.YAMLError:
        return typed
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return [{key: item[key] for key in (*CHANGE_KEYS, *sorted(set(item) - set(CHANGE_KEYS)))
                 if key in item} for item in value]
    return typed


def _typed_mapping(typed):
    """The typed YAML mapping, or the text itself when it is none (the schema then says so)."""
    try:
        value = load_yaml(typed)
    except yaml.YAMLError:
        return typed
    return value if isinstance(value, dict) else typed


def text_from_values(kind, typed, body, original=None):
    """The page's file text from the typed values and body; `original` when nothing changed."""
    if original is not None:
        old_values, old_body = values_from_text(original)
        same = all(typed.get(field.name, "").strip() == old_values.get(field.name, "").strip()
                   for field in fields_for(kind)) and body.replace("\r\n", "\n") == old_body
        if same:
            return original
    lines = [f"title: {_quoted(typed.get('title', '').strip())}" if typed.get("title", "").strip() else "",
             f"summary: {_quoted(typed.get('summary', '').strip())}" if typed.get("summary", "").strip() else "",
             f"kind: {kind}"]
    lines += [_yaml_line(field.name, typed.get(field.name, "")) for field in fields_for(kind)
              if field.name not in ("title", "summary")]
    body = body.replace("\r\n", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    return "---\n" + "\n".join(line for line in lines if line) + "\n---\n" + body
