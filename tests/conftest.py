"""Shared fixtures: the app built from the real content, and helpers to build throwaway content."""

import textwrap
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ROOT


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on the real content, with a search index built once for the session."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"TESTING": True, "PORTAL_ENV": "testing", "INSTANCE_DIR": instance,
                      "CONTENT_DIR": ROOT / "content", "SITE_URL": "https://portal.example",
                      "SEARCH_INDEX_DIR": tmp_path_factory.mktemp("search_index")})
    result = app.test_cli_runner().invoke(args=["search", "build"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def catalog(app):
    return app.extensions["catalog"]


GUIDE_BODY = {
    "zh": "".join(f"## {title}\n\n内容。\n\n" for title in (
        "适用对象", "办理条件", "办理地点和方式", "申请材料", "办理步骤", "办理时限",
        "费用", "法律依据", "进度查询", "本地求助", "常见错误", "常见问题")),
    "en": "".join(f"## {title}\n\nText.\n\n" for title in (
        "Who this is for", "Conditions", "Where and how to apply", "Materials to prepare", "Steps",
        "Time limits", "Fees", "Legal basis", "Checking progress", "Local help", "Common mistakes", "FAQ")),
}


def front_matter(**overrides):
    meta = {
        "title": "测试指南", "summary": "一句话摘要。", "kind": "guide", "topics": "[trademark]",
        "audience": "[enterprise]", "request_type": "trademark-gi", "updated": "2026-01-05",
        "reviewed": "2026-01-06",
        "sources": "\n  - title: 商标法\n    url: https://flk.npc.gov.cn/\n    checked: 2026-01-06",
    }
    meta.update(overrides)
    lines = [f"{key}: {value}" for key, value in meta.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


@pytest.fixture()
def make_content(tmp_path):
    """Write content files into a temporary folder: make_content({"guides/x.zh.md": text})."""
    def make(files):
        for name, text in files.items():
            path = tmp_path / "content" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path / "content"
    return make


@pytest.fixture()
def guide_pair():
    """A valid guide in both languages, as a files mapping for make_content."""
    return {
        "guides/demo.zh.md": front_matter() + GUIDE_BODY["zh"],
        "guides/demo.en.md": front_matter(title="Test guide", summary="One sentence.") + GUIDE_BODY["en"],
    }


def content_root():
    return Path(ROOT / "content")
