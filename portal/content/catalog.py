"""The immutable catalog: every content page, loaded, validated and rendered once per process.

Loaded in create_app, so with gunicorn's preload_app the workers share it. A file that does
not load stops the process with a message naming the file: a portal that silently drops a
guide is worse than one that does not start.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

import yaml

from portal.content.law_changes import render_changes
from portal.content.render import render_markdown
from portal.content.schema import SECTIONS, validate_front_matter
from portal.vocab import LANGUAGES


class ContentError(RuntimeError):
    """Content that cannot be published; the message names every file and problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("content cannot be loaded:\n" + "\n".join(f"  {p}" for p in self.problems))


def without_dates(safe_loader):
    """`safe_loader` leaving dates as text, so the schema alone decides what a valid date is."""
    loader = type(f"NoDates{safe_loader.__name__}", (safe_loader,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in safe_loader.yaml_implicit_resolvers.items()
    }
    return loader


# libyaml's parser (C) where PyYAML was built with it, several times faster on the front matter;
# the pure-Python SafeLoader only where it is missing. Both construct the safe types only.
_NoDatesLoader = without_dates(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True)
class Page:
    section: str
    slug: str
    lang: str
    kind: str
    title: str
    summary: str
    topics: tuple
    audience: tuple
    request_type: str
    order: int
    updated: date
    reviewed: date
    sources: tuple
    date: date | None  # alerts only, like the four fields below
    regions: tuple
    industries: tuple
    risk: str | None
    severity: str | None
    html: str
    toc: tuple
    text: str
    path: str  # relative to the content folder, for messages
    # Education materials only (see MATERIAL_FIELDS in schema.py); empty for other kinds.
    levels: tuple = ()
    material_kind: str = None
    duration: int = None
    subjects: tuple = ()
    # Dated law changes (LawChange, see schema.py), their texts rendered at load time.
    changes: tuple = ()
    # Events only: their EventFacts (portal/content/event_facts.py).
    event: object = None
    # From the content store: the public history ((published at, change note), …, newest first)
    # and whether the other language's version is newer than this one.
    history: tuple = ()
    translation_behind: bool = False
    generation: int = 0

    @property
    def key(self):
        return (self.section, self.slug)

    @property
    def h2_titles(self):
        return tuple(h.title for h in self.toc if h.level == 2)


def split_front_matter(raw):
    """(front-matter text, body) of a file that starts with a --- fenced YAML block."""
    if not raw.startswith("---\n"):
        raise ValueError("does not start with a '---' front-matter block")
    end = raw.find("\n---\n", 4)
    if end == -1:
        raise ValueError("front-matter block is not closed with '---'")
    return raw[4:end], raw[end + 5:]


def load_yaml(text):
    """YAML as the front matter is read: dates stay the text they were typed as."""
    return yaml.load(text, Loader=_NoDatesLoader)  # noqa: S506 (a SafeLoader)


def read_front_matter(raw):
    """(front-matter mapping, body) of a page's text; ValueError or yaml.YAMLError when broken."""
    meta_text, body = split_front_matter(raw)
    return yaml.load(meta_text, Loader=_NoDatesLoader), body  # noqa: S506 (a SafeLoader)


def content_files(content_dir):
    """Every page file under the known sections, as (section, slug, lang, path)."""
    for section in SECTIONS:
        for path in sorted((Path(content_dir) / section).glob("*.md")):
            stem, _, lang = path.stem.rpartition(".")
            yield section, stem, lang, path


def read_page(content_dir, section, slug, lang, path, today):
    """(Page or None, problems) for one file; problems name the file."""
    rel = path.relative_to(content_dir).as_posix()
    if lang not in LANGUAGES or not slug:
        return None, [f"{rel}: file name must be <slug>.zh.md or <slug>.en.md"]
    try:
        # Bytes, not read_text: universal newlines would change a file that export must give back
        # byte for byte.
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None, [f"{rel}: not UTF-8 text"]
    return page_from_text(section, slug, lang, raw, rel, today)


def page_from_text(section, slug, lang, raw, rel, today, **extra):
    """(Page or None, problems) for one page's whole text (front matter and body), from a file or
    from a revision in the content store; `rel` names it in the problems."""
    try:
        meta, body = read_front_matter(raw)
    except (ValueError, yaml.YAMLError) as error:
        return None, [f"{rel}: {str(error).splitlines()[0]}"]
    values, problems = validate_front_matter(meta, SECTIONS[section], today)
    if problems:
        return None, [f"{rel}: {problem}" for problem in problems]
    rendered = render_markdown(body, lang)
    values["changes"] = render_changes(values["changes"], lang)
    page = Page(section=section, slug=slug, lang=lang, html=rendered.html, toc=rendered.toc,
                text=rendered.text, path=rel, **values, **extra)
    return page, []


def content_build_id(content_dir):
    """A short hash of every content file: names the build in /healthz and the search index."""
    digest = hashlib.sha256()
    for _section, _slug, _lang, path in content_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def read_all(content_dir, today=None):
    """(pages, problems) for the whole folder, never raising: the checker reports them all."""
    today = today or date.today()
    content_dir = Path(content_dir)
    pages, problems = [], []
    for section, slug, lang, path in content_files(content_dir):
        page, page_problems = read_page(content_dir, section, slug, lang, path, today)
        problems.extend(page_problems)
        if page:
            pages.append(page)
    return pages, problems


class Catalog:
    """Read-only view of the published pages, looked up by (section, slug, lang). `generation` is
    the content store's counter it was built from (0: the shipped files, before any import)."""

    def __init__(self, pages, build_id, generation=0):
        self.build_id = build_id
        self.generation = generation
        self._pages = MappingProxyType({(p.section, p.slug, p.lang): p for p in pages})

    def __len__(self):
        return len(self._pages)

    def __iter__(self):
        return iter(self._pages.values())

    def get(self, section, slug, lang):
        return self._pages.get((section, slug, lang))

    def in_section(self, section, lang):
        pages = (p for p in self._pages.values() if p.section == section and p.lang == lang)
        return sorted(pages, key=lambda p: (p.order, p.title))

    def alerts(self, lang, industries=(), regions=(), risks=()):
        """Alerts newest first; any of the values within one choice, all choices together."""
        alerts = (p for p in self._pages.values() if p.section == "alerts" and p.lang == lang)
        chosen = [p for p in alerts
                  if (not industries or set(industries) & set(p.industries))
                  and (not regions or set(regions) & set(p.regions))
                  and (not risks or p.risk in risks)]
        return sorted(chosen, key=lambda p: (p.date, p.slug), reverse=True)

    def guides(self, lang, topic=None, audience=None):
        return [p for p in self.in_section("guides", lang)
                if (topic is None or topic in p.topics) and (audience is None or audience in p.audience)]

    def materials(self, lang, levels=(), material_kinds=()):
        """Education materials matching any of the levels and any of the kinds (empty: all)."""
        return [p for p in self.in_section("education", lang)
                if (not levels or set(levels) & set(p.levels))
                and (not material_kinds or p.material_kind in material_kinds)]


def load_catalog(content_dir, today=None):
    """The catalog, or ContentError naming every file that cannot be published."""
    pages, problems = read_all(content_dir, today)
    if problems:
        raise ContentError(problems)
    return Catalog(pages, content_build_id(content_dir))
