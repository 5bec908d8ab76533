"""Real processes for the fault and scale-out tests: gunicorn, flask commands, a TCP proxy that
can cut a connection, and a browser-like HTTP client that submits the request form."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from portal.config import ROOT

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')
FIELDS = {"applicant_kind": "enterprise", "organisation": "并发测试示例公司", "credit_code": "91110000600037341L",
          "contact_name": "测试", "phone": "13803181234", "email": "live@example.com", "county": "wuyi",
          "industry": "rubber", "description": "多实例与故障测试用的求助申请，不是真实请求。", "consent": "y"}


def portal_env(instance, **extra):
    """Environment for a portal process on its own instance folder (log quiet, no access log)."""
    instance = Path(instance)
    env = {**os.environ, "PORTAL_ENV": "testing", "PORTAL_INSTANCE_DIR": str(instance),
           "PORTAL_SEARCH_INDEX_DIR": str(instance / "search_index"), "PORTAL_LOG_LEVEL": "WARNING",
           "GUNICORN_ACCESS_LOG": "", "PYTHONPATH": str(ROOT)}
    env.update({key: str(value) for key, value in extra.items()})
    return env


def flask(env, *args, check=True, timeout=120):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=check, timeout=timeout)


def start_gunicorn(env, port, log_path, workers=2, wait=True):
    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    with open(log_path, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if wait:
        wait_for(f"http://127.0.0.1:{port}/healthz", process, log_path)
    return process


def wait_for(url, process, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("gunicorn did not start:\n" + Path(log_path).read_text(errors="replace")) \
                    from None
            time.sleep(0.2)


def stop(process, timeout=20):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master_pid):
    """gunicorn's workers: the master's children."""
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: a cookie jar, no automatic redirects."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def open_form(self, lang="zh", request_type="general"):
        html = self.opener.open(f"{self.base}/{lang}/requests/new?type={request_type}", timeout=30).read().decode()
        return {**FIELDS, "csrf_token": CSRF.search(html)[1], "form_token": FORM_TOKEN.search(html)[1]}

    def post(self, path, fields):
        """(status, Location or None) for a form post."""
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, None
        except urllib.error.HTTPError as answer:
            answer.close()
            return answer.code, answer.headers.get("Location")

    def submit(self, fields, lang="zh", request_type="general"):
        """The status token of an acknowledged (303) submission, or the HTTP status it got."""
        status, location = self.post(f"/{lang}/requests/new?type={request_type}", fields)
        if status == 303 and "/status/" in (location or ""):
            return location.split("/status/")[1].split("?")[0]
        return status


class TCPProxy:
    """Forwards 127.0.0.1:<port> to a target; stop() cuts every connection, as a network or a
    database host going away would; start() again serves on the same port."""

    def __init__(self, target_port, port=None):
        self.target_port = target_port
        self.port = port or _free_port()
        self._server = None
        self._connections = []
        self._lock = threading.Lock()

    def start(self):
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def stop(self):
        server, self._server = self._server, None
        if server:
            try:
                server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
            except OSError:
                pass
            server.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()

    def _accept(self, server):
        while True:
            try:
                client, _address = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.close()
                except OSError:
                    pass


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
