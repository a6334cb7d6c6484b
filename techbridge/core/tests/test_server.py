"""`techbridge serve`: gunicorn with sensible workers and an access log without personal
data (the multi-node test in search/tests/test_nodes.py runs it for real)."""

from __future__ import annotations

import datetime
import json
from types import SimpleNamespace

from django.core.management import call_command

from techbridge.core import server


def test_workers_follow_the_cores_and_are_capped():
    assert server.default_workers(1) == 3
    assert server.default_workers(2) == 5
    assert server.default_workers(64) == server.MAX_WORKERS


def test_access_log_has_no_query_string_referrer_agent_or_address():
    fmt = server.options()["access_log_format"]
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%(h)s", "%({cookie}i)s"):
        assert atom not in fmt
    assert "%(U)s" in fmt and "x-request-id" in fmt


def test_access_log_escapes_control_characters(capsys):
    from gunicorn.config import Config

    logger = server.SafeAccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/search/?q=%E5%BC%A0%E4%B8%89",
        "PATH_INFO": "/search/\n2026-12-03 forged line",
        "QUERY_STRING": "q=张三&email=a@b.cn",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[("X-Request-ID", "abc")])
    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, datetime.timedelta(0, 0, 5))
    line = server.ACCESS_LOG_FORMAT % atoms
    assert "\n" not in line and "\\x0a" in line
    assert "张三" not in line and "a@b.cn" not in line and "q=" not in line
    assert "rid=abc" in line


def test_serve_prints_its_configuration(capsys):
    call_command("serve", "--bind", "0.0.0.0:9000", "--workers", "3", "--print-config")
    config = json.loads(capsys.readouterr().out)
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 3 and config["threads"] == 4 and config["timeout"] == 60
    assert config["worker_class"] == "gthread"
