"""Error pages: each status in both languages, no stack trace, an incident id for 500s."""

import logging

import pytest
from flask import abort

from portal import create_app
from portal.config import ROOT


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory):
    app = create_app({"TESTING": False, "PORTAL_ENV": "testing", "CONTENT_DIR": ROOT / "content",
                      "INSTANCE_DIR": tmp_path_factory.mktemp("instance"), "MAX_CONTENT_LENGTH": 1024})

    @app.route("/<lang>/test-abort/<int:code>", methods=["GET", "POST"])
    def test_abort(code):
        abort(code)

    @app.post("/<lang>/test-upload")
    def test_upload():
        from flask import request
        return str(len(request.get_data()))

    @app.get("/<lang>/test-crash")
    def test_crash():
        raise RuntimeError("secret internal detail: password=hunter2")

    return app


@pytest.mark.parametrize(("code", "zh", "en"), [
    (400, "无法处理该请求", "The request could not be understood"),
    (403, "不允许此操作", "Not allowed"),
    (404, "找不到该页面", "Page not found"),
    (405, "不允许此操作", "Not allowed"),
    (413, "上传的文件过大", "Upload too large"),
])
def test_error_pages_in_both_languages(failing_app, code, zh, en):
    client = failing_app.test_client()
    for lang, text in (("zh", zh), ("en", en)):
        response = client.get(f"/{lang}/test-abort/{code}")
        assert response.status_code == code
        html = response.get_data(as_text=True)
        assert text in html
        assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in html


def test_too_large_body_is_413_with_a_message(failing_app):
    response = failing_app.test_client().post("/en/test-upload", data=b"x" * 4096,
                                              headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 413
    assert "larger than the portal accepts" in response.get_data(as_text=True)


def test_crash_shows_an_incident_id_and_nothing_internal(failing_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = failing_app.test_client().get("/zh/test-crash")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "本站出现了问题" in html
    assert "hunter2" not in html and "RuntimeError" not in html and "Traceback" not in html
    incident = html.split("事件编号 ")[1][:8]
    assert len(incident) == 8 and all(ch in "0123456789abcdef" for ch in incident)
    assert any(incident in record.getMessage() for record in caplog.records)
