"""Group-chat robots (企业微信 / 钉钉 群机器人): the vendors' markdown formats, DingTalk's
signature, the per-robot rate limit and the send step of the ``notifications.robot_send``
job (ADR 0011).

A message is a ``RobotMessage`` row plus a queued job, both written in the caller's
transaction. The job's run locks the robot row, counts the requests of the last minute
(``RobotAttempt``) and either defers itself to the moment a slot opens or records the
attempt and posts. An answer with ``errcode`` 0 marks the message sent (final: a re-run
sends nothing); anything else — HTTP 429 / 5xx, a timeout, a vendor error code — schedules
the next attempt with backoff. Nothing gives up: a message waits until its robot answers,
or is held while the robot is disabled and re-queued when it is enabled again.

Time comes from ``django.utils.timezone.now`` (read at each call), so a test moves the
robots' clock and the queue's together.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import random
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.jobs.services import enqueue
from techbridge.notifications.models import (
    Robot,
    RobotAttempt,
    RobotKind,
    RobotMessage,
    RobotMessageStatus,
)

log = logging.getLogger(__name__)

SEND_JOB = "notifications.robot_send"
# Both vendors publish "20 messages a minute per robot"; DingTalk blocks the robot for
# 10 minutes when it is exceeded. The window is one second longer than a minute so that
# clock skew between us and the vendor cannot squeeze a 21st request into their minute.
VENDOR_PER_MINUTE = 20
WINDOW = timedelta(seconds=61)
DINGTALK_BLOCK = timedelta(minutes=10)
# WeCom documents 4096 bytes for markdown content; DingTalk's text is capped the same so
# that a message looks the same in both.
MAX_BYTES = 4096
MAX_ANSWER_BYTES = 64 * 1024
# Vendor error codes that mean "too many messages" (WeCom: api freq out of limit;
# DingTalk: send too fast / robot over limit).
RATE_LIMIT_ERRCODES = frozenset({45009, 130101, 410100})
DEFAULT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
LOOPBACK_NAMES = frozenset({"localhost"})

# Results of one send step (what the job did; tests and logs read them).
SENT = "sent"
ALREADY_SENT = "already-sent"
HELD = "held"
DEFERRED = "deferred"
RETRY = "retry"
GONE = "gone"


# --- settings (read when used, never at import time) -----------------------------------------


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def per_minute() -> int:
    """Requests allowed per robot in any minute: ROBOT_PER_MINUTE, never above the vendors'."""
    return max(1, min(VENDOR_PER_MINUTE, int(_setting("ROBOT_PER_MINUTE", VENDOR_PER_MINUTE))))


def request_timeout() -> float:
    return float(_setting("ROBOT_TIMEOUT_SECONDS", 5.0))


def allowed_hosts() -> tuple[str, ...]:
    hosts = _setting("ROBOT_WEBHOOK_HOSTS", None)
    if hosts is None:
        return DEFAULT_HOSTS
    if isinstance(hosts, str):
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    return tuple(str(h).lower() for h in hosts)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: base · 2^(n−1), capped,
    jittered ±25 % so robots that failed together do not retry together."""
    base = float(_setting("ROBOT_RETRY_BASE_SECONDS", 30.0))
    cap = float(_setting("ROBOT_RETRY_MAX_SECONDS", 3600.0))
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return timedelta(seconds=delay * random.uniform(0.75, 1.25))


# --- credentials on screen -------------------------------------------------------------------


def _mask(value: str, keep: int = 4) -> str:
    if not value:
        return ""
    if len(value) <= keep * 2:
        return "****"
    return value[:keep] + "****"


def mask_url(url: str) -> str:
    """The webhook URL with every query value masked (WeCom's ``key``, DingTalk's
    ``access_token`` are the robot's credential)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    masked = "&".join(f"{name}={_mask(value)}" for name, value in query)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, masked, ""))


def mask_secret(secret: str) -> str:
    return _mask(secret, keep=3)


# --- validation ------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_allowed(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)


def check_webhook_url(url: str) -> str:
    """The URL stripped, or a ValidationError on ``webhook_url``: https to a host in
    ROBOT_WEBHOOK_HOSTS (default: the two vendors' API hosts), plain http only to a listed
    loopback address (a local relay, the tests), no user:password part."""
    url = (url or "").strip()
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"https", "http"} or not host:
        raise ValidationError(
            {"webhook_url": _("Enter the robot's full webhook address (https://…).")}
        )
    if parts.username or parts.password:
        raise ValidationError({"webhook_url": _("The webhook address must not contain a login.")})
    if parts.scheme == "http" and not _is_loopback(host):
        raise ValidationError({"webhook_url": _("The webhook address must use https.")})
    if not _host_allowed(host, allowed_hosts()):
        raise ValidationError(
            {
                "webhook_url": _("Robots may only post to %(hosts)s (setting ROBOT_WEBHOOK_HOSTS).")
                % {"hosts": ", ".join(allowed_hosts())}
            }
        )
    return url


def check_secret(kind: str, secret: str) -> str:
    """The signing secret stripped; only DingTalk robots have one, without spaces."""
    secret = (secret or "").strip()
    if secret and kind != RobotKind.DINGTALK:
        raise ValidationError({"secret": _("Only DingTalk robots have a signing secret.")})
    if any(ch.isspace() or ord(ch) < 32 for ch in secret):
        raise ValidationError({"secret": _("The signing secret must not contain spaces.")})
    return secret


# --- the vendors' formats --------------------------------------------------------------------


def clip(text: str, limit: int = MAX_BYTES) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes on a character boundary (… marks a cut)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    ellipsis = "…"
    room = limit - len(ellipsis.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + ellipsis


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")


def wecom_body(title: str, text: str) -> dict[str, Any]:
    """WeCom's markdown message: ``{"msgtype": "markdown", "markdown": {"content": …}}``."""
    content = "\n".join([f"### {title}", *_lines(text)])
    return {"msgtype": "markdown", "markdown": {"content": clip(content)}}


def dingtalk_body(title: str, text: str) -> dict[str, Any]:
    """DingTalk's markdown message: ``{"msgtype": "markdown", "markdown": {"title": …,
    "text": …}}``; ``title`` is what the chat list shows. DingTalk joins single newlines,
    so each line ends with two spaces (a markdown hard break)."""
    body = "  \n".join(_lines(text))
    return {
        "msgtype": "markdown",
        "markdown": {"title": clip(title, 200), "text": clip(f"### {title}\n\n{body}")},
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Base64 of HMAC-SHA256(key=secret, message=f"{timestamp}\\n{secret}") — DingTalk's
    加签; the caller URL-encodes it into the ``sign`` query parameter."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """``url`` with ``timestamp`` and ``sign`` added to its query (existing ones replaced)."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if k not in {"timestamp", "sign"}
    ]
    query += [("timestamp", str(timestamp_ms)), ("sign", dingtalk_sign(secret, timestamp_ms))]
    return urllib.parse.urlunsplit(
        parts._replace(query=urllib.parse.urlencode(query, quote_via=urllib.parse.quote))
    )


def build_request(robot: Robot, message: RobotMessage, at: datetime) -> tuple[str, bytes]:
    """The URL and JSON body of one attempt to post ``message`` to ``robot`` at ``at``."""
    url = robot.webhook_url
    if robot.kind == RobotKind.DINGTALK:
        payload = dingtalk_body(message.title, message.text)
        if robot.secret:
            url = signed_url(url, robot.secret, int(at.timestamp() * 1000))
    else:
        payload = wecom_body(message.title, message.text)
    return url, json.dumps(payload, ensure_ascii=False).encode("utf-8")


# --- queueing (in the caller's transaction) --------------------------------------------------


def _schedule(message_id: int, at: datetime) -> None:
    # One queued job per message: a second enqueue while one waits returns that one.
    enqueue(
        SEND_JOB, {"message": message_id}, run_after=at, dedupe_key=f"robot-message:{message_id}"
    )


def queue_message(*, robot: Robot, key: str, title: str, text: str) -> RobotMessage:
    """Queue one markdown message for ``robot`` in the current transaction (a rollback
    sends nothing). The same ``key`` for the same robot is one message: queueing it again
    returns the existing row and sends nothing more. A disabled robot holds the message."""
    moment = timezone.now()
    status = RobotMessageStatus.QUEUED if robot.is_active else RobotMessageStatus.HELD
    RobotMessage.objects.bulk_create(
        [
            RobotMessage(
                robot=robot,
                key=key[:100],
                title=title[:200],
                text=text,
                status=status,
                next_attempt_at=moment,
                created_at=moment,
            )
        ],
        ignore_conflicts=True,
    )
    message = RobotMessage.objects.get(robot=robot, key=key[:100])
    if message.status == RobotMessageStatus.QUEUED and message.attempts == 0:
        _schedule(message.pk, moment)
    return message


def release_held(robot: Robot) -> int:
    """Re-queue the messages a disabled robot held (call when it is enabled again, in
    that transaction); returns how many."""
    moment = timezone.now()
    ids = list(
        RobotMessage.objects.filter(robot=robot, status=RobotMessageStatus.HELD).values_list(
            "pk", flat=True
        )
    )
    RobotMessage.objects.filter(pk__in=ids, status=RobotMessageStatus.HELD).update(
        status=RobotMessageStatus.QUEUED, next_attempt_at=moment, lease_until=None
    )
    for message_id in ids:
        _schedule(message_id, moment)
    return len(ids)


def requeue_stranded(*, grace: timedelta = timedelta(minutes=5)) -> int:
    """Safety net (periodic): a queued message whose next attempt is overdue by ``grace``
    lost its job (a job that ran out of attempts on database errors): queue it again.
    A message that still has its queued job is not duplicated (dedupe key)."""
    cutoff = timezone.now() - grace
    ids = list(
        RobotMessage.objects.filter(
            status=RobotMessageStatus.QUEUED, next_attempt_at__lt=cutoff
        ).values_list("pk", flat=True)[:1000]
    )
    with transaction.atomic():
        for message_id in ids:
            _schedule(message_id, timezone.now())
    return len(ids)


def prune_attempts(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete the request log older than ``older_than`` (the rate limit needs one minute)."""
    deleted, _ = RobotAttempt.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted


# --- sending (the job) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one request came to: ``ok`` (errcode 0), else a short reason without the URL."""

    ok: bool
    detail: str
    retry_after: timedelta | None = None
    rate_limited: bool = False


def window_opens(robot: Robot, moment: datetime) -> datetime:
    """When the robot may be sent the next request: ``moment`` if fewer than the limit were
    made in the last WINDOW, else when the oldest of those leaves the window."""
    limit = per_minute()
    recent = list(
        RobotAttempt.objects.filter(robot=robot, at__gt=moment - WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return moment
    return recent[-1] + WINDOW


def _claim(message_id: int) -> tuple[str, RobotMessage | None, Robot | None, RobotAttempt | None]:
    """Decide under the robot's row lock (robot first, then message — the one lock order)
    whether this run may make a request now; if so record the attempt and lease."""
    moment = timezone.now()
    robot_id = RobotMessage.objects.filter(pk=message_id).values_list("robot_id", flat=True).first()
    if robot_id is None:
        return GONE, None, None, None
    with transaction.atomic():
        robot = Robot.objects.select_for_update().get(pk=robot_id)
        message = RobotMessage.objects.select_for_update().get(pk=message_id)
        if message.status == RobotMessageStatus.SENT:
            return ALREADY_SENT, message, robot, None
        if not robot.is_active:
            if message.status != RobotMessageStatus.HELD:
                message.status = RobotMessageStatus.HELD
                message.save(update_fields=["status"])
            return HELD, message, robot, None
        if message.status == RobotMessageStatus.HELD:  # enabled meanwhile
            message.status = RobotMessageStatus.QUEUED
        waits = [message.next_attempt_at, window_opens(robot, moment)]
        if message.lease_until is not None:
            waits.append(message.lease_until)
        if robot.blocked_until is not None:
            waits.append(robot.blocked_until)
        opens = max(waits)
        if opens > moment:
            # Deferred, not failed: no attempt is used, the message keeps its place.
            message.next_attempt_at = opens
            message.save(update_fields=["status", "next_attempt_at"])
            _schedule(message.pk, opens)
            return DEFERRED, message, robot, None
        attempt = RobotAttempt.objects.create(
            robot=robot, message=message, at=moment, outcome="in flight"
        )
        message.attempts += 1
        message.lease_until = moment + timedelta(seconds=request_timeout() + 30)
        message.save(update_fields=["status", "attempts", "lease_until"])
        return "go", message, robot, attempt


def send_message(message_id: int) -> str:
    """One step for one message: send it if a slot is free (at most the robot's limit a
    minute), else defer; mark it sent on errcode 0, else schedule a retry with backoff.
    Returns what it did (SENT, ALREADY_SENT, HELD, DEFERRED, RETRY or GONE)."""
    step, message, robot, attempt = _claim(message_id)
    if step != "go":
        return step
    assert message is not None and robot is not None and attempt is not None
    answer = post(robot, message, attempt.at)
    with transaction.atomic():
        RobotAttempt.objects.filter(pk=attempt.pk).update(outcome=answer.detail[:80])
        if answer.ok:
            RobotMessage.objects.filter(pk=message.pk).exclude(
                status=RobotMessageStatus.SENT
            ).update(
                status=RobotMessageStatus.SENT,
                sent_at=timezone.now(),
                lease_until=None,
                last_error="",
            )
            log.info("robot %s: message %s sent", robot.pk, message.pk)
            return SENT
        moment = timezone.now()
        retry_at = moment + (answer.retry_after or backoff(message.attempts))
        if answer.rate_limited and robot.kind == RobotKind.DINGTALK:
            Robot.objects.filter(pk=robot.pk).update(blocked_until=moment + DINGTALK_BLOCK)
            retry_at = max(retry_at, moment + DINGTALK_BLOCK)
        RobotMessage.objects.filter(pk=message.pk, status=RobotMessageStatus.QUEUED).update(
            next_attempt_at=retry_at, lease_until=None, last_error=answer.detail[:300]
        )
        _schedule(message.pk, retry_at)
    log.warning(
        "robot %s: message %s not delivered (attempt %s: %s); next try %s",
        robot.pk,
        message.pk,
        message.attempts,
        answer.detail,
        retry_at.isoformat(timespec="seconds"),
    )
    return RETRY


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook answers; it does not redirect. Following one would turn our POST into a
    request to wherever the answer points (and carry the signed query along)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _retry_after(value: str | None) -> timedelta | None:
    if value and value.strip().isdigit():
        return timedelta(seconds=min(3600, int(value.strip())))
    return None


def read_answer(status: int, body: bytes, headers: Any = None) -> Answer:
    """Classify a vendor's HTTP answer: only HTTP 200 with JSON ``errcode`` 0 is done."""
    if status == 429:
        retry = _retry_after(headers.get("Retry-After") if headers is not None else None)
        return Answer(False, "HTTP 429", retry_after=retry, rate_limited=True)
    if status != 200:
        return Answer(False, f"HTTP {status}")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Answer(False, "HTTP 200 without a JSON answer")
    errcode = data.get("errcode") if isinstance(data, dict) else None
    if errcode == 0:
        return Answer(True, "errcode 0")
    if not isinstance(errcode, int):
        return Answer(False, "HTTP 200 without errcode")
    errmsg = str(data.get("errmsg", ""))[:60]
    limited = errcode in RATE_LIMIT_ERRCODES
    return Answer(
        False,
        f"errcode {errcode} {errmsg}".strip(),
        retry_after=timedelta(seconds=60) if limited else None,
        rate_limited=limited,
    )


def post(robot: Robot, message: RobotMessage, at: datetime) -> Answer:
    """Make the request (stdlib urllib, with a timeout, no redirects). Network and vendor
    failures come back as an Answer, never as an exception; the URL (a credential) is not
    part of any detail."""
    try:
        check_webhook_url(robot.webhook_url)
    except ValidationError:
        return Answer(False, "webhook address not allowed (ROBOT_WEBHOOK_HOSTS)")
    url, body = build_request(robot, message, at)
    request = urllib.request.Request(  # noqa: S310 (scheme and host checked above)
        url,
        data=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=request_timeout()) as response:
            return read_answer(response.status, response.read(MAX_ANSWER_BYTES), response.headers)
    except urllib.error.HTTPError as exc:
        with exc:
            return read_answer(exc.code, exc.read(MAX_ANSWER_BYTES), exc.headers)
    except TimeoutError:
        return Answer(False, "timed out")
    except (OSError, http.client.HTTPException) as exc:
        # URLError, refused or reset connections, bad status lines: the robot is down.
        return Answer(False, f"network error ({type(exc).__name__})")
