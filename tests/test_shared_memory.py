"""What the web server's processes share instead of each holding its own copy: jieba's dictionary
as a file mapped into memory (portal/search/dictionary.py), and the libraries it does not load."""

import json
import os
import subprocess
import sys

import pytest

from portal.search import dictionary
from portal.search.analysis import USER_DICT, segment
from portal.search.dictionary import DictionaryFileError, MappedFrequencies, jieba

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_written_file_answers_as_the_dict_it_was_written_from(tmp_path):
    words = {"专利": 5000, "专": 0, "质押融资": 12, "trademark": 3, "𝔘": 1, "": 7}
    dictionary.write(tmp_path / "f.freq", words, 9999)
    mapped = MappedFrequencies(tmp_path / "f.freq")
    assert mapped.total == 9999 and len(mapped) == len(words)
    for word, frequency in words.items():
        assert word in mapped and mapped[word] == frequency and mapped.get(word) == frequency
    assert "专" in mapped and mapped.get("专") == 0  # a prefix: present, frequency 0 (jieba's DAG needs both)
    for absent in ("商标", "专利权", "trade", "\ud800", 42, None):
        assert absent not in mapped
        assert mapped.get(absent) is None and mapped.get(absent, 1) == 1
    with pytest.raises(KeyError):
        mapped["商标"]
    assert dict(mapped.items()) == words


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_file_is_refused_and_written_again(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("PORTAL_DICTIONARY_DIR", str(tmp_path))
    saved = jieba.dt.FREQ, jieba.dt.total
    try:
        assert dictionary.load(USER_DICT) is False  # none yet: loads jieba's own dict and writes the file
        (path,) = tmp_path.glob("portal-jieba-*.freq")
        good = path.read_bytes()
        broken = {"truncated": good[:len(good) // 2], "garbage": b"x" * 4096, "empty": b""}[damage]
        path.write_bytes(broken)
        with pytest.raises(DictionaryFileError):
            MappedFrequencies(path)
        assert dictionary.load(USER_DICT) is False  # refused, loaded in full, written again
        assert path.read_bytes() == good
        assert dictionary.load(USER_DICT) is True and isinstance(jieba.dt.FREQ, MappedFrequencies)
    finally:
        jieba.dt.FREQ, jieba.dt.total = saved


def _texts():
    from portal.content.catalog import load_catalog

    texts = [page.text for page in load_catalog(os.path.join(ROOT, "content"))]
    return [*texts, "软件著作权登记怎么办理", "337调查 PCT申请 ＷＩＰＯ ３３７", "质押融资，专利权质押登记。",
            "衡水企业申请马德里国际注册", "how to file a trademark", "未登录词汇很多的一句话比如犇骉羴"]


def test_the_mapped_dictionary_cuts_every_text_as_jiebas_own(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_DICTIONARY_DIR", str(tmp_path))
    saved = jieba.dt.FREQ, jieba.dt.total
    try:
        dictionary.load_full(USER_DICT)
        texts = _texts()
        full = [list(segment(text)) for text in texts]
        dictionary.write(tmp_path / "check.freq", jieba.dt.FREQ, jieba.dt.total)
        mapped = MappedFrequencies(tmp_path / "check.freq")
        jieba.dt.FREQ, jieba.dt.total = mapped, mapped.total
        assert [list(segment(text)) for text in texts] == full
        assert sum(len(words) for words in full) > 10_000  # the real content, not a handful of words
    finally:
        jieba.dt.FREQ, jieba.dt.total = saved


def test_the_web_server_loads_no_migration_link_checker_or_setuptools_code(tmp_path):
    # Alembic + Mako (11 MB), requests (5 MB) and pkg_resources (5 MB) in every web process, for
    # nothing: `flask db`, the worker loop's link check and jieba's file opening load them instead.
    script = ("import json, sys, wsgi; print(json.dumps([m for m in ('flask_migrate', 'alembic', 'mako', "
              "'requests', 'pkg_resources') if m in sys.modules]))")
    env = {**os.environ, "PORTAL_INSTANCE_DIR": str(tmp_path), "PORTAL_SEARCH_INDEX_DIR": str(tmp_path / "si")}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_migrations_still_run_through_flask_db(tmp_path):
    from portal import create_app

    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "SEARCH_INDEX_DIR": tmp_path / "si"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "--help"]).exit_code == 0
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from sqlalchemy import inspect

        from portal.db import db

        assert {"assistance_request", "alembic_version"} <= set(inspect(db.engine).get_table_names())
