"""Markdown to sanitized HTML, a table of contents and plain text, once per page.

Runs at load time only: Markdown instances are slow to build and not thread-safe, so the
catalog keeps the results and no request ever renders Markdown.
"""

import html
import re
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    # Heading ids are the anchors the table of contents and shared links point at.
    **{tag: {"id"} for tag in ("h2", "h3", "h4", "h5", "h6")},
    "a": {"href", "title", "id"},
    "li": {"id"},  # footnote targets
    "sup": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
}
ALLOWED_CLASSES = {"div": {"footnote"}, "a": {"footnote-ref", "footnote-backref"}}
TABLE_LABEL = {"zh": "表格（可左右滑动）", "en": "Table (scrolls sideways)"}
FOOTNOTE_BACKLINK = {"zh": "返回正文第 {} 处", "en": "Back to reference {} in the text"}


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: Markup
    toc: tuple  # of Heading, levels 2 and 3
    text: str  # plain text for search and snippets


def _slugify(value, separator):
    # Keeps Chinese characters, so 办理步骤 anchors as #办理步骤, readable in a shared link.
    return slugify_unicode(value, separator) or "section"


def _new_markdown(lang):
    return markdown.Markdown(
        extensions=["tables", "footnotes", "def_list", "sane_lists", "toc"],
        extension_configs={
            "toc": {"slugify": _slugify, "toc_depth": "2-3"},
            "footnotes": {"BACKLINK_TITLE": FOOTNOTE_BACKLINK.get(lang, FOOTNOTE_BACKLINK["en"])},
        },
        output_format="html",
    )


def _flatten(tokens):
    for token in tokens:
        yield Heading(token["level"], token["id"], html.unescape(token["name"]))
        yield from _flatten(token["children"])


def _accessible_tables(safe_html, lang):
    # Column headers get scope; a wide table scrolls inside a focusable region at 320 px.
    safe_html = re.sub(r"<th(?=[\s>])", '<th scope="col"', safe_html)
    label = TABLE_LABEL.get(lang, TABLE_LABEL["en"])
    safe_html = safe_html.replace(
        "<table>", f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}"><table>')
    return safe_html.replace("</table>", "</table></div>")


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|tr|dt|dd|blockquote|pre|table)>|<br\s*/?>")


def plain_text(fragment):
    """Text of an HTML fragment, one line per block (paragraph, list item, table row, heading),
    so search snippets never run from one block into the next."""
    text = re.sub(r"<[^>]+>", " ", _BLOCK_END.sub("\n", fragment))
    lines = (re.sub(r"\s+", " ", html.unescape(line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def render_markdown(source, lang):
    md = _new_markdown(lang)
    raw = md.convert(source)
    safe = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    toc = tuple(_flatten(md.toc_tokens))
    # Markup is safe here: the HTML has just been through nh3 with the allow-list above.
    return Rendered(Markup(_accessible_tables(safe, lang)), toc, plain_text(safe))  # noqa: S704
