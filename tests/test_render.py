import pytest

from portal.content.render import plain_text, render_markdown


@pytest.mark.parametrize(("markdown", "anchor"), [
    ("## 办理步骤", "办理步骤"),
    ("## 常见 问题？", "常见-问题"),
    ("## Where and how to apply", "where-and-how-to-apply"),
    ("## 337 调查 (Section 337)", "337-调查-section-337"),
    ("## ！！！", "section"),
])
def test_headings_get_readable_anchors_chinese_included(markdown, anchor):
    rendered = render_markdown(markdown, "zh")
    assert f'id="{anchor}"' in rendered.html
    assert rendered.toc[0].anchor == anchor


def test_repeated_headings_get_distinct_anchors():
    rendered = render_markdown("## 费用\n\n## 费用\n", "zh")
    assert [h.anchor for h in rendered.toc] == ["费用", "费用_1"]


def test_toc_lists_levels_two_and_three_only():
    rendered = render_markdown("## A\n\n### B\n\n#### C\n", "en")
    assert [(h.level, h.title) for h in rendered.toc] == [(2, "A"), (3, "B")]


@pytest.mark.parametrize(("markdown", "forbidden"), [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<a href="#" onclick="x()">a</a>', "onclick"),
    ("<iframe src=https://evil.example></iframe>", "<iframe"),
    ('<p style="position:fixed">x</p>', "style="),
    ("<form action=/x><input name=a></form>", "<form"),
])
def test_html_is_sanitized(markdown, forbidden):
    assert forbidden not in render_markdown(markdown, "en").html


def test_allowed_markup_survives_with_safe_links():
    html = render_markdown("**粗体** [指南](/zh/guides/) [外部](https://www.cnipa.gov.cn/)", "zh").html
    assert "<strong>粗体</strong>" in html
    assert 'href="/zh/guides/"' in html
    assert 'href="https://www.cnipa.gov.cn/"' in html and 'rel="noopener noreferrer"' in html


def test_tables_get_column_scope_and_a_scrolling_region_labelled_in_the_page_language():
    html = render_markdown("| 项目 | 费用 |\n|---|---|\n| 注册 | 300 |\n", "zh").html
    assert '<th scope="col">项目</th>' in html
    assert 'class="table-wrap" role="region" tabindex="0" aria-label="表格（可左右滑动）"' in html
    english = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", "en").html
    assert 'aria-label="Table (scrolls sideways)"' in english


def test_footnote_backlinks_speak_the_page_language():
    html = render_markdown("正文[^1]\n\n[^1]: 注释\n", "zh").html
    assert "返回正文第 1 处" in html


def test_plain_text_has_no_markup_and_unescaped_entities():
    rendered = render_markdown("## 标题\n\nA &amp; B <b>粗</b>\n", "zh")
    assert rendered.text == "标题\nA & B 粗"
    assert plain_text("<p>x&lt;y</p>") == "x<y"
