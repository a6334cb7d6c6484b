"""Group robots against a real HTTP server on loopback (http.server in a thread, random
port) that records each request's path, query string and body: the WeCom and DingTalk
markdown bodies, DingTalk's signature (recomputed here), retries on 500 / vendor error
codes / timeouts with every message accepted exactly once, the 20-a-minute limit on a
controllable clock, held messages, and credentials kept out of logs and pages."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from techbridge.jobs import worker
from techbridge.jobs.models import Job, JobStatus
from techbridge.notifications import robots
from techbridge.notifications.channels import RobotChannel
from techbridge.notifications.models import (
    Notification,
    Robot,
    RobotAttempt,
    RobotKind,
    RobotMessage,
    RobotMessageStatus,
)

pytestmark = pytest.mark.django_db

TOKEN = "6f2c1d0e-robot-access-token-9b7a"
SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


# --- the loopback receiver ------------------------------------------------------------------


@dataclass
class Received:
    path: str
    query: str
    body: dict[str, Any]
    status: int


@dataclass
class Receiver:
    """Answers each POST with ``script(index, body) -> (status, answer, delay)`` and
    records it. ``accepted`` are the bodies it answered errcode 0."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    script: Callable[[int, dict[str, Any]], tuple[int, dict[str, Any], float]] = (
        lambda index, body: (200, {"errcode": 0, "errmsg": "ok"}, 0.0)
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def accepted(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.status == 200 and r.body.get("_ok")]

    def titles(self, only_accepted: bool = True) -> list[str]:
        rows = self.accepted if only_accepted else [r.body for r in self.requests]
        return [_title(body) for body in rows]


def _title(body: dict[str, Any]) -> str:
    markdown = body["markdown"]
    text = markdown.get("content") or markdown.get("text")
    return str(text.split("\n", 1)[0].removeprefix("### "))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            body = json.loads(raw.decode("utf-8"))
            with state.lock:
                index = len(state.requests)
                status, answer, delay = state.script(index, body)
                parts = urllib.parse.urlsplit(self.path)
                record = Received(parts.path, parts.query, body, status)
                state.requests.append(record)
            if delay:
                time.sleep(delay)
                record.status = 0  # the client gave up before this answer
            data = json.dumps(answer).encode()
            if status == 200 and answer.get("errcode") == 0 and not delay:
                body["_ok"] = True
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


# --- a clock the tests move (the queue and the robots read the same one) ---------------------


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture(autouse=True)
def _robot_settings(settings: Any) -> None:
    settings.JOBS_EAGER = False  # these tests run the worker themselves
    settings.ROBOT_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.ROBOT_TIMEOUT_SECONDS = 1.0
    settings.ROBOT_RETRY_BASE_SECONDS = 10.0


def drain() -> int:
    """Run the worker until nothing is due; returns how many jobs ran."""
    total = 0
    while True:
        claimed = worker.process_batch(owner="test", limit=100)
        if not claimed:
            return total
        total += claimed


def wecom(receiver: Receiver, **extra: Any) -> Robot:
    return Robot.objects.create(
        name=extra.pop("name", "项目服务群"),
        kind=RobotKind.WECOM,
        webhook_url=receiver.url(f"/cgi-bin/webhook/send?key={TOKEN}"),
        **extra,
    )


def dingtalk(receiver: Receiver, **extra: Any) -> Robot:
    return Robot.objects.create(
        name=extra.pop("name", "督办群"),
        kind=RobotKind.DINGTALK,
        webhook_url=receiver.url(f"/robot/send?access_token={TOKEN}"),
        secret=extra.pop("secret", SECRET),
        **extra,
    )


# --- formats and signing ---------------------------------------------------------------------


def test_wecom_markdown_body_as_received(receiver: Receiver, clock: Clock) -> None:
    robot = wecom(receiver)
    RobotChannel(robot).post(
        key="notice:1", title="关于开展项目调度的通知", text="各项目单位：\n请于周五前报送进度。"
    )
    drain()
    [got] = receiver.requests
    assert got.path == "/cgi-bin/webhook/send"
    assert urllib.parse.parse_qs(got.query) == {"key": [TOKEN]}
    assert got.body == {
        "msgtype": "markdown",
        "markdown": {"content": "### 关于开展项目调度的通知\n各项目单位：\n请于周五前报送进度。"},
        "_ok": True,
    }
    message = RobotMessage.objects.get()
    assert message.status == RobotMessageStatus.SENT and message.sent_at == clock.now
    assert message.attempts == 1


def test_dingtalk_markdown_body_and_signature(
    receiver: Receiver, clock: Clock, settings: Any
) -> None:
    robot = dingtalk(receiver)
    RobotChannel(robot).post(
        key="notice:2", title="督办通知", text="第一行\n第二行", link="/notices/2/"
    )
    drain()
    [got] = receiver.requests
    assert got.path == "/robot/send"
    query = urllib.parse.parse_qs(got.query)
    assert query["access_token"] == [TOKEN]
    timestamp = query["timestamp"][0]
    # The timestamp is the attempt's time in milliseconds …
    assert int(timestamp) == int(clock.now.timestamp() * 1000)
    # … and the sign is Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), URL-encoded.
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    raw_sign = dict(p.split("=", 1) for p in got.query.split("&"))["sign"]
    assert raw_sign == urllib.parse.quote(expected, safe="")
    assert got.body["msgtype"] == "markdown"
    assert got.body["markdown"]["title"] == "督办通知"
    # DingTalk joins single newlines: every line ends in a hard break (two spaces).
    assert got.body["markdown"]["text"] == (
        "### 督办通知\n\n第一行  \n第二行  \n  \n"
        f"[在 techbridge 中打开]({settings.SITE_URL}/notices/2/)"
    )


def test_dingtalk_signature_matches_the_published_example() -> None:
    # Recomputed independently of the module: the Python snippet from DingTalk's page.
    ts, secret = 1577262236757, "this is secret"
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    assert robots.dingtalk_sign(secret, ts) == base64.b64encode(digest).decode()
    url = robots.signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", secret, ts)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query == {
        "access_token": ["x"],
        "timestamp": [str(ts)],
        "sign": [base64.b64encode(digest).decode()],
    }


def test_long_text_is_clipped_to_4096_bytes_on_a_character_boundary() -> None:
    body = robots.wecom_body("标题", "汉" * 3000)
    content = body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("…")
    text = robots.dingtalk_body("标题", "汉" * 3000)["markdown"]["text"]
    assert len(text.encode("utf-8")) <= 4096


# --- at least once, never twice --------------------------------------------------------------


def test_receiver_answering_500_gets_retries_and_each_message_arrives_once(
    receiver: Receiver, clock: Clock
) -> None:
    receiver.script = lambda index, body: (
        (500, {"error": "down"}, 0.0) if index < 5 else (200, {"errcode": 0}, 0.0)
    )
    robot = wecom(receiver)
    channel = RobotChannel(robot)
    for n in range(3):
        channel.post(key=f"k{n}", title=f"消息{n}", text="正文")
    for _round in range(10):
        drain()
        clock.advance(3600)  # past any backoff
    assert sorted(receiver.titles()) == ["消息0", "消息1", "消息2"]  # each exactly once
    assert len(receiver.requests) == 5 + 3  # five refused, then one success each
    assert not RobotMessage.objects.exclude(status=RobotMessageStatus.SENT).exists()
    assert sum(m.attempts for m in RobotMessage.objects.all()) == 8
    # The retries were scheduled with backoff, not run at once: no drain without the clock.
    assert Job.objects.filter(status=JobStatus.FAILED).count() == 0


def test_backoff_waits_before_the_next_attempt(receiver: Receiver, clock: Clock) -> None:
    receiver.script = lambda index, body: (503, {}, 0.0)
    RobotChannel(wecom(receiver)).post(key="k", title="t", text="x")
    drain()
    assert len(receiver.requests) == 1
    message = RobotMessage.objects.get()
    assert message.status == RobotMessageStatus.QUEUED and message.last_error == "HTTP 503"
    # 10 s ± 25 % after the first failure: nothing before 7.5 s, a retry after 12.5 s.
    assert clock.now + timedelta(seconds=7) < message.next_attempt_at
    clock.advance(7)
    drain()
    assert len(receiver.requests) == 1
    clock.advance(6)
    drain()
    assert len(receiver.requests) == 2
    message.refresh_from_db()
    assert message.attempts == 2
    # The second wait doubles (20 s ± 25 %).
    assert message.next_attempt_at - clock.now > timedelta(seconds=14)


def test_vendor_errcode_and_timeout_are_retried(receiver: Receiver, clock: Clock) -> None:
    answers = [
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, 0.0),
        (200, {"errcode": 0}, 1.5),  # slower than the 1 s timeout: the client gives up
        (200, {"unexpected": True}, 0.0),
        (200, {"errcode": 0, "errmsg": "ok"}, 0.0),
    ]
    receiver.script = lambda index, body: answers[min(index, len(answers) - 1)]
    RobotChannel(wecom(receiver)).post(key="k", title="只送一次", text="x")
    outcomes = []
    for _round in range(6):
        drain()
        clock.advance(3600)
        outcomes = list(RobotAttempt.objects.order_by("at", "id").values_list("outcome", flat=True))
    assert outcomes == [
        "errcode 93000 invalid webhook url",
        "timed out",
        "HTTP 200 without errcode",
        "errcode 0",
    ]
    assert receiver.titles() == ["只送一次"]
    assert RobotMessage.objects.get().status == RobotMessageStatus.SENT


def test_a_done_job_run_again_sends_nothing(receiver: Receiver, clock: Clock) -> None:
    RobotChannel(wecom(receiver)).post(key="once", title="一次", text="x")
    drain()
    job = Job.objects.get(name=robots.SEND_JOB)
    assert job.status == JobStatus.DONE
    # A crash before the worker recorded success runs the job again …
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, run_after=clock.now)
    drain()
    # … and queueing the same key again is the same message.
    RobotChannel(Robot.objects.get()).post(key="once", title="一次", text="x")
    drain()
    assert len(receiver.requests) == 1
    assert RobotMessage.objects.count() == 1
    assert robots.send_message(RobotMessage.objects.get().pk) == robots.ALREADY_SENT


def test_a_message_in_flight_is_not_sent_in_parallel(receiver: Receiver, clock: Clock) -> None:
    message = RobotChannel(wecom(receiver)).post(key="k", title="t", text="x")
    step, *_rest = robots._claim(message.pk)  # another worker's request is under way
    assert step == "go"
    assert robots.send_message(message.pk) == robots.DEFERRED
    assert receiver.requests == []


def test_notification_through_the_channel_interface(
    receiver: Receiver, clock: Clock, personas: Any
) -> None:
    robot = wecom(receiver)
    notification = Notification.objects.create(
        recipient=personas.staff, kind="notice", title="简报", body="本周进展", link="/notices/"
    )
    RobotChannel(robot).send(notification)
    RobotChannel(robot).send(notification)  # same delivery key: one message
    drain()
    assert receiver.titles() == ["简报"]
    assert RobotMessage.objects.get().key == f"n{notification.pk}"


# --- the rate limit --------------------------------------------------------------------------


def test_25_messages_at_most_20_in_the_first_minute(receiver: Receiver, clock: Clock) -> None:
    start = clock.now
    robot = wecom(receiver)
    other = wecom(receiver, name="另一个群")
    channel = RobotChannel(robot)
    for n in range(25):
        channel.post(key=f"m{n}", title=f"第{n}条", text="x")
    RobotChannel(other).post(key="o", title="别的群", text="x")
    drain()
    # 20 to the first robot; the other robot's limit is its own.
    assert len(receiver.requests) == 21
    assert "别的群" in receiver.titles()
    for step in range(0, 60, 5):  # the rest of the minute: nothing more goes out
        clock.now = start + timedelta(seconds=step)
        drain()
        assert len(receiver.requests) == 21
    waiting = RobotMessage.objects.filter(robot=robot, status=RobotMessageStatus.QUEUED)
    assert waiting.count() == 5
    # Deferred, not failed: the waiting messages used no attempt.
    assert set(waiting.values_list("attempts", flat=True)) == {0}
    assert set(waiting.values_list("next_attempt_at", flat=True)) == {start + robots.WINDOW}
    clock.now = start + robots.WINDOW
    drain()
    assert len(receiver.requests) == 26
    assert sorted(receiver.titles()) == sorted([f"第{n}条" for n in range(25)] + ["别的群"])
    # Sliding window: no 61 s span holds more than 20 requests to one robot.
    times = sorted(RobotAttempt.objects.filter(robot=robot).values_list("at", flat=True))
    for i, t in enumerate(times):
        assert sum(1 for u in times[i:] if u < t + robots.WINDOW) <= 20


def test_retries_count_against_the_limit(receiver: Receiver, clock: Clock, settings: Any) -> None:
    settings.ROBOT_PER_MINUTE = 3
    settings.ROBOT_RETRY_BASE_SECONDS = 1.0
    receiver.script = lambda index, body: (500, {}, 0.0)
    RobotChannel(wecom(receiver)).post(key="k", title="t", text="x")
    for _step in range(10):
        drain()
        clock.advance(2)  # retries are due every ~2 s, the limit allows 3 per 61 s
    assert len(receiver.requests) == 3


def test_dingtalk_over_limit_answer_blocks_the_robot_for_ten_minutes(
    receiver: Receiver, clock: Clock
) -> None:
    receiver.script = lambda index, body: (
        (200, {"errcode": 130101, "errmsg": "send too fast"}, 0.0)
        if index == 0
        else (200, {"errcode": 0}, 0.0)
    )
    robot = dingtalk(receiver)
    RobotChannel(robot).post(key="a", title="甲", text="x")
    RobotChannel(robot).post(key="b", title="乙", text="x")
    drain()
    start = clock.now
    robot.refresh_from_db()
    assert robot.blocked_until == start + robots.DINGTALK_BLOCK
    requests_before = len(receiver.requests)
    clock.advance(9 * 60)
    drain()
    assert len(receiver.requests) == requests_before  # nothing during the block
    clock.advance(62 + robots.backoff(1).total_seconds() * 2)
    drain()
    assert sorted(receiver.titles()) == ["乙", "甲"]


# --- a robot that is disabled or whose job was lost ------------------------------------------


def test_disabled_robot_holds_messages_until_enabled(receiver: Receiver, clock: Clock) -> None:
    robot = wecom(receiver, is_active=False)
    RobotChannel(robot).post(key="k", title="等待", text="x")
    drain()
    assert receiver.requests == []
    assert RobotMessage.objects.get().status == RobotMessageStatus.HELD
    Robot.objects.filter(pk=robot.pk).update(is_active=True)
    robot.refresh_from_db()
    assert robots.release_held(robot) == 1
    drain()
    assert receiver.titles() == ["等待"]


def test_stranded_message_is_queued_again_by_the_sweep(receiver: Receiver, clock: Clock) -> None:
    RobotChannel(wecom(receiver)).post(key="k", title="找回", text="x")
    Job.objects.filter(name=robots.SEND_JOB).update(status=JobStatus.FAILED)  # the job is lost
    clock.advance(6 * 60)
    assert robots.requeue_stranded() == 1
    drain()
    assert receiver.titles() == ["找回"]
    assert robots.requeue_stranded() == 0


# --- credentials -----------------------------------------------------------------------------


def test_secrets_never_reach_the_log_or_the_masked_forms(
    receiver: Receiver, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.script = lambda index, body: (
        (500, {}, 0.0) if index == 0 else (200, {"errcode": 0}, 0.0)
    )
    robot = dingtalk(receiver)
    with caplog.at_level(logging.DEBUG):
        RobotChannel(robot).post(key="k", title="t", text="x")
        drain()
        clock.advance(3600)
        drain()
    assert len(receiver.requests) == 2
    assert caplog.records  # the failure and the success were logged …
    assert TOKEN not in caplog.text and SECRET not in caplog.text  # … without credentials
    sign = urllib.parse.parse_qs(receiver.requests[0].query)["sign"][0]
    assert sign not in caplog.text
    assert TOKEN not in robot.masked_url and robot.masked_url.endswith("access_token=6f2c****")
    assert robot.masked_secret == "SEC****"
    for message in RobotMessage.objects.all():
        assert TOKEN not in message.last_error
    for outcome in RobotAttempt.objects.values_list("outcome", flat=True):
        assert TOKEN not in outcome


def test_webhook_address_rules(settings: Any) -> None:
    settings.ROBOT_WEBHOOK_HOSTS = None  # the default: the vendors' API hosts
    ok = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    assert robots.check_webhook_url(f"  {ok} ") == ok
    assert robots.check_webhook_url("https://oapi.dingtalk.com/robot/send?access_token=x")
    for bad in (
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",  # not https
        "https://evil.example.org/hook",  # not a listed host
        "https://qyapi.weixin.qq.com.evil.example/x",
        "https://user:pw@oapi.dingtalk.com/robot/send",
        "ftp://oapi.dingtalk.com/robot/send",
        "http://127.0.0.1:9/hook",  # loopback only when listed
        "",
    ):
        with pytest.raises(ValidationError) as info:
            robots.check_webhook_url(bad)
        assert "webhook_url" in info.value.message_dict, bad
    settings.ROBOT_WEBHOOK_HOSTS = "127.0.0.1"
    assert robots.check_webhook_url("http://127.0.0.1:9/hook")
    with pytest.raises(ValidationError):
        robots.check_secret(RobotKind.WECOM, "SECabc")
    with pytest.raises(ValidationError):
        robots.check_secret(RobotKind.DINGTALK, "SEC abc")
    assert robots.check_secret(RobotKind.DINGTALK, " SECabc ") == "SECabc"


def test_address_no_longer_allowed_is_not_posted_to(receiver: Receiver, settings: Any) -> None:
    RobotChannel(wecom(receiver)).post(key="k", title="t", text="x")
    settings.ROBOT_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]  # the setting changed since
    drain()
    assert receiver.requests == []
    message = RobotMessage.objects.get()
    assert message.status == RobotMessageStatus.QUEUED
    assert "not allowed" in message.last_error


def test_answers_are_classified() -> None:
    assert robots.read_answer(200, b'{"errcode":0,"errmsg":"ok"}').ok
    limited = robots.read_answer(429, b"", {"Retry-After": "30"})
    assert not limited.ok and limited.rate_limited
    assert limited.retry_after == timedelta(seconds=30)
    assert robots.read_answer(429, b"", {}).retry_after is None
    too_fast = robots.read_answer(200, b'{"errcode":130101,"errmsg":"send too fast"}')
    assert too_fast.rate_limited and too_fast.retry_after == timedelta(seconds=60)
    assert robots.read_answer(502, b"<html>").detail == "HTTP 502"
    assert robots.read_answer(200, b"\xff\xfe").detail == "HTTP 200 without a JSON answer"
    assert robots.read_answer(200, b"[0]").detail == "HTTP 200 without errcode"


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_share_one_limit_on_postgresql(receiver: Receiver, clock: Clock) -> None:
    """Four threads run send steps for 30 messages at once: the robot-row lock makes the
    count-then-record atomic, so exactly 20 requests go out and 10 wait."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("select_for_update is a no-op on SQLite (writers are serialised there)")
    from django.db import transaction

    robot = wecom(receiver)
    with transaction.atomic():
        ids = [
            RobotChannel(robot).post(key=f"c{n}", title=f"并发{n}", text="x").pk for n in range(30)
        ]
    results: list[str] = []
    lock = threading.Lock()

    def work(chunk: list[int]) -> None:
        from django.db import connection as thread_connection

        try:
            for message_id in chunk:
                outcome = robots.send_message(message_id)
                with lock:
                    results.append(outcome)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work, args=(ids[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.requests) == 20
    assert sorted(set(results)) == [robots.DEFERRED, robots.SENT]
    assert results.count(robots.SENT) == 20
    assert RobotAttempt.objects.filter(robot=robot).count() == 20
