"""`flask content check` on the real content, and on broken content it must refuse."""

from datetime import date

from portal.content.catalog import read_all
from portal.content.check import check_pages
from portal.content.urls import link_resolver
from tests.conftest import GUIDE_BODY, front_matter


def test_real_content_passes_the_check(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "pages OK" in result.output


def problems_for(app, folder):
    pages, load_problems = read_all(folder, today=date(2026, 11, 26))
    return check_pages(pages, load_problems, link_resolver(app, pages))


def test_clean_pair_has_no_problems(app, make_content, guide_pair):
    assert problems_for(app, make_content(guide_pair)) == []


def test_missing_translation(app, make_content, guide_pair):
    del guide_pair["guides/demo.en.md"]
    assert problems_for(app, make_content(guide_pair)) == [
        "guides/demo.en.md: missing (the zh version exists)"]


def test_languages_must_agree_on_shared_keys(app, make_content, guide_pair):
    guide_pair["guides/demo.en.md"] = front_matter(topics="[patent]") + GUIDE_BODY["en"]
    [problem] = problems_for(app, make_content(guide_pair))
    assert "guides/demo.en.md: topics ('patent',) differs" in problem


def test_guides_must_have_every_section_in_order(app, make_content, guide_pair):
    guide_pair["guides/demo.zh.md"] = front_matter() + GUIDE_BODY["zh"].replace("## 费用", "## 收费")
    [problem] = problems_for(app, make_content(guide_pair))
    assert "missing ['费用']" in problem and "unexpected ['收费']" in problem


def test_broken_internal_links_and_anchors(app, make_content, guide_pair):
    body = GUIDE_BODY["zh"] + "[a](/zh/guides/no-such-guide) [b](/zh/nowhere) [c](#不存在) [d](/zh/guides/demo#x)" \
        " [e](/en/guides/demo) [f](/zh/guides) [g](/fr/guides/)\n"
    guide_pair["guides/demo.zh.md"] = front_matter() + body
    problems = problems_for(app, make_content(guide_pair))
    assert "guides/demo.zh.md: broken internal link /zh/guides/no-such-guide" in problems
    assert "guides/demo.zh.md: broken internal link /zh/nowhere" in problems
    assert "guides/demo.zh.md: link to missing anchor #不存在" in problems
    assert "guides/demo.zh.md: link /en/guides/demo goes to the other language" in problems
    assert "guides/demo.zh.md: broken internal link /zh/guides" in problems  # redirects: not canonical
    assert "guides/demo.zh.md: broken internal link /fr/guides/" in problems
    assert not any("/zh/guides/demo#x" in p for p in problems)


def test_check_command_fails_on_bad_content(make_content, guide_pair):
    from portal import create_app

    guide_pair["guides/demo.zh.md"] = front_matter(reviewed="2020-01-01") + GUIDE_BODY["zh"]
    folder = make_content(guide_pair)
    try:
        create_app({"TESTING": True, "CONTENT_DIR": folder})
    except Exception as error:  # the process refuses to start, naming the file
        assert "guides/demo.zh.md: reviewed (2020-01-01) is before updated" in str(error)
    else:
        raise AssertionError("create_app accepted invalid content")
