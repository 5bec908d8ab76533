import dataclasses
from datetime import date

import pytest

from portal.content.catalog import ContentError, content_build_id, load_catalog
from tests.conftest import front_matter


def test_loads_both_languages_rendered(make_content, guide_pair):
    catalog = load_catalog(make_content(guide_pair), today=date(2026, 11, 26))
    zh = catalog.get("guides", "demo", "zh")
    en = catalog.get("guides", "demo", "en")
    assert zh.title == "测试指南" and en.title == "Test guide"
    assert zh.updated == date(2026, 1, 5)
    assert '<h2 id="适用对象">适用对象</h2>' in zh.html
    assert zh.h2_titles[0] == "适用对象"
    assert "内容" in zh.text
    assert len(catalog) == 2
    assert catalog.guides("zh", topic="trademark") == [zh]
    assert catalog.guides("zh", topic="patent") == []


def test_catalog_is_immutable(make_content, guide_pair):
    catalog = load_catalog(make_content(guide_pair), today=date(2026, 11, 26))
    page = catalog.get("guides", "demo", "zh")
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.title = "changed"
    with pytest.raises(TypeError):
        catalog._pages[("guides", "x", "zh")] = page


@pytest.mark.parametrize(("text", "message"), [
    ("no front matter\n", "does not start with a '---' front-matter block"),
    ("---\ntitle: x\n", "front-matter block is not closed"),
    ("---\ntitle: [unclosed\n---\nbody\n", "guides/bad.zh.md:"),
    (front_matter(updated="2026-02-30"), "updated:"),
    (front_matter(topics="[nonsense]"), "unknown ['nonsense']"),
])
def test_bad_files_stop_loading_with_the_file_named(make_content, text, message):
    folder = make_content({"guides/bad.zh.md": text})
    with pytest.raises(ContentError) as caught:
        load_catalog(folder, today=date(2026, 11, 26))
    assert "guides/bad.zh.md" in str(caught.value)
    assert message in str(caught.value)


def test_file_names_must_name_a_language(make_content, guide_pair):
    folder = make_content({**guide_pair, "guides/other.fr.md": guide_pair["guides/demo.en.md"]})
    with pytest.raises(ContentError, match=r"guides/other.fr.md: file name must be"):
        load_catalog(folder, today=date(2026, 11, 26))


def test_build_id_changes_with_content(make_content, guide_pair):
    folder = make_content(guide_pair)
    before = content_build_id(folder)
    (folder / "guides" / "demo.en.md").write_text(guide_pair["guides/demo.en.md"] + "\nMore.\n", encoding="utf-8")
    assert content_build_id(folder) != before


def test_front_matter_is_read_by_libyaml_as_the_python_loader_would():
    import yaml

    from portal.config import ROOT
    from portal.content import catalog as catalog_module

    if yaml.__with_libyaml__:  # PyYAML's wheels have it; the C loader is then the one used
        assert issubclass(catalog_module._NoDatesLoader, yaml.CSafeLoader)
    python_loader = catalog_module.without_dates(yaml.SafeLoader)
    files = list(catalog_module.content_files(ROOT / "content"))
    assert files
    for _section, _slug, _lang, path in files:
        meta_text, _body = catalog_module.split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.load(meta_text, Loader=catalog_module._NoDatesLoader)  # noqa: S506 (safe loaders)
        assert meta == yaml.load(meta_text, Loader=python_loader), path  # noqa: S506
        assert isinstance(meta["updated"], str)  # dates stay text for the schema to check


def test_apps_on_the_real_content_share_the_sessions_catalog(app, tmp_path):
    from portal import create_app
    from portal.config import ROOT

    other = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "CONTENT_DIR": ROOT / "content"})
    assert other.extensions["catalog"] is app.extensions["catalog"]  # loaded once per test session
    assert len(other.extensions["catalog"]) == len(load_catalog(ROOT / "content"))
