"""Page benchmark (issue 14): the server time of every page each demo role can reach, with
the demo world and again with 100,000 more published achievements; and login → workbench.

    .venv/bin/python benchmarks/bench_pages.py --quick            # demo world only, 3 reps
    .venv/bin/python benchmarks/bench_pages.py                    # + 100,000 achievements
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_pages.py               # PostgreSQL

It works in a database of its own: a temporary data directory (SQLite file, search index,
media) or a new PostgreSQL database ``tb_bench_pages_<pid>`` next to the one DATABASE_URL
names, dropped at the end. It never touches var/. It runs as the development environment
does (real password hashing, staff second factor on, the search follower thread).

The world is what ``make setup`` builds: ``load-codes``, every loader of
``techbridge.core.demo.LOADERS`` in Chinese, then ``reindex``; the demo passwords are set
here (as the page-walk fixture does). The second phase adds N published achievements with
``generate-demo --scale N`` (bulk_create with audit rows, realistic Chinese titles and
summaries over the demo institutions, all technical fields and their regions), then
ANALYZE and one ``reindex --workers 2``.

The pages are found as the page walk finds them (core/tests/pagewalk.py): each role logs in
through the real form (staff then hold a confirmed TOTP device in the session, as
``Personas.otp_client_for`` does), starts at its landing page and its main navigation, and
follows same-site links breadth-first, one page per URL route (``Walk.route``, the walk's
own rule: a list's filtered and paged views are one page, one detail page per kind of
record), up to ``--limit`` pages per role. Redirects are followed for discovery.

Server time is measured in-process with Django's test Client (the whole WSGI handler and
middleware stack, no socket): per page one warm-up, ``--reps`` timed requests, then one
more under CaptureQueriesContext for the query count. Figures, next to a baseline measured
the same way in the same run (``/health/``: the framework and one query; the public home
page):
- p50 / p95 per page, the p95 over every sample, the slowest ten (with query counts and
  the most repeated query shape — an N+1 shows up there) — target: every page p95 ≤ 150 ms;
- login → workbench: the real login form POSTed as ``enterprise`` and its redirect followed
  to ``/workbench/``, p95 over ``--logins`` logins — target ≤ 400 ms — next to the
  password check alone (the hasher's floor).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import scratch  # benchmarks/scratch.py: a database of the benchmark's own

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_TARGET_MS = 150.0
LOGIN_TARGET_MS = 400.0
PASSWORD = "Bench-Pages-2026!"  # noqa: S105 - demo accounts of a throw-away database
ENTERPRISE = "enterprise"


def setup_database() -> tuple[str, str | None]:
    return scratch.setup_database("pages")


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


# --- the world ----------------------------------------------------------------------------


def build_demo_world() -> None:
    """``load-codes`` + ``setup-demo`` (in Chinese, as management commands run) +
    ``reindex``; then every demo account's password is set to PASSWORD."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import translation
    from django.utils.module_loading import import_string

    from techbridge.accounts.demo import DEMO_ACCOUNTS
    from techbridge.accounts.models import User
    from techbridge.core.demo import LOADERS
    from techbridge.search import indexing

    out = io.StringIO()
    call_command("migrate", verbosity=0)
    call_command("load_codes", verbosity=0, stdout=out)
    started = time.perf_counter()
    # `make setup` loads the demo and then reindexes: the per-commit index log is not
    # needed for a load that ends with a rebuild.
    with translation.override(settings.LANGUAGE_CODE), indexing.suspended():
        for path in LOADERS:
            import_string(path)(out)
    print(f"  demo world loaded in {time.perf_counter() - started:.1f} s")
    for user in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    reindex()


def reindex() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    out = io.StringIO()
    call_command("reindex", workers=2, no_progress=True, stdout=out)
    print(f"  {out.getvalue().strip()} in {time.perf_counter() - started:.1f} s")


def add_achievements(count: int) -> None:
    """``generate-demo --scale count``, planner statistics, one reindex."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("generate_demo", scale=count, no_progress=True, stdout=io.StringIO())
    print(
        f"  {count:,} achievements (bulk_create + audit rows) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    reindex()


# --- pages --------------------------------------------------------------------------------


class _Links(HTMLParser):
    """The ``<a href>`` of a page, and those inside ``<nav class="mainnav">``."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.nav: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav":
            if self._nav_depth or "mainnav" in (values.get("class") or "").split():
                self._nav_depth += 1
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
            if self._nav_depth:
                self.nav.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def parse_links(base: str, html: str) -> tuple[list[str], list[str]]:
    parser = _Links()
    parser.feed(html)
    return [urljoin(base, u) for u in parser.links], [urljoin(base, u) for u in parser.nav]


@dataclass
class Page:
    role: str
    url: str  # path and query
    route: str
    status: int = 0
    queries: int = 0
    repeated: tuple[int, str] = (0, "")  # the most repeated query shape
    times: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return _p95(self.times)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def log_in(username: str) -> tuple[Any, str]:
    """A test Client logged in through the real login form (a staff session then holds its
    confirmed TOTP device, as after the code page); returns (client, landing path)."""
    from django.conf import settings
    from django.shortcuts import resolve_url
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from techbridge.accounts import otp
    from techbridge.accounts.models import User
    from techbridge.accounts.roles import STAFF_ROLES

    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200, (username, response.status_code)
    user = User.objects.get(username=username)
    assert int(client.session.get("_auth_user_id", 0)) == user.pk, f"{username} not logged in"
    landing = response.redirect_chain[-1][0] if response.redirect_chain else "/"
    if user.role in STAFF_ROLES:
        device = otp.confirmed_device(user)
        assert device is not None, f"{username} has no confirmed TOTP device"
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        landing = resolve_url(settings.LOGIN_REDIRECT_URL)
    return client, _path(landing)


def discover(role: str, client: Any, start: list[str], limit: int) -> list[Page]:
    """Breadth-first from ``start``, one page per route (the page walk's rule)."""
    from techbridge.core.tests.pagewalk import Walk

    walk = Walk(base="http://testserver", shots=Path(os.environ["TECHBRIDGE_DATA_DIR"]))
    seen: set[str] = set()
    pages: list[Page] = []
    queue = list(start)
    while queue and len(pages) < limit:
        url = queue.pop(0).split("#")[0]
        if urlsplit(url).scheme not in ("", "http", "https"):
            continue  # tel:, mailto:
        route = walk.route(url)
        if route is None or route in seen:
            continue
        seen.add(route)
        response = client.get(_path(url), follow=True)
        pages.append(Page(role, _path(url), route, status=response.status_code))
        if response.status_code >= 400:
            continue
        here = response.redirect_chain[-1][0] if response.redirect_chain else url
        if "html" in response.get("Content-Type", ""):
            links, _nav = parse_links(
                urljoin("http://testserver/", here), response.content.decode()
            )
            queue += links
    return pages


def role_clients() -> list[tuple[str, Any, list[str]]]:
    """(role, client, start URLs) for anonymous and each demo account, as the walk starts."""
    from django.test import Client

    from techbridge.accounts.demo import DEMO_ACCOUNTS

    roles: list[tuple[str, Any, list[str]]] = [("anonymous", Client(), ["/"])]
    for username, *_rest in DEMO_ACCOUNTS:
        if username == "technician":  # an institution member like "institution"
            continue
        client, landing = log_in(username)
        html = client.get(landing).content.decode()
        _links, nav = parse_links(f"http://testserver{landing}", html)
        roles.append((username, client, [landing, *nav]))
    return roles


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+\b")


def _shape(sql: str) -> str:
    return re.sub(r"\(\s*(\?\s*,\s*)+\?\s*\)", "(…)", _LITERALS.sub("?", sql))


def measure(client: Any, page: Page, reps: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page.url)  # warm-up
    for _ in range(reps):
        started = time.perf_counter()
        response = client.get(page.url)
        page.times.append((time.perf_counter() - started) * 1000)
    page.status = response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    page.queries = len(captured.captured_queries)
    shapes = Counter(_shape(q["sql"]) for q in captured.captured_queries)
    if shapes:
        sql, n = shapes.most_common(1)[0]
        page.repeated = (n, sql)


def time_login(logins: int) -> tuple[list[float], list[float], list[float], str]:
    """Login → workbench as ENTERPRISE through the real form (CSRF enforced): the POST and
    the redirect it answers with, followed. Returns (total, POST, landing) ms and where."""
    from django.test import Client

    total: list[float] = []
    posts: list[float] = []
    landings: list[float] = []
    where = ""
    for _ in range(logins + 1):  # the first one warms up
        client = Client(enforce_csrf_checks=True)
        form = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
        assert token, "no CSRF token on the login form"
        data = {"username": ENTERPRISE, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        started = time.perf_counter()
        response = client.post("/accounts/login/", data)
        posted = time.perf_counter()
        assert response.status_code == 302, f"login answered {response.status_code}"
        where = response["Location"]
        landing = client.get(where)
        done = time.perf_counter()
        assert landing.status_code == 200, f"{where} answered {landing.status_code}"
        total.append((done - started) * 1000)
        posts.append((posted - started) * 1000)
        landings.append((done - posted) * 1000)
    return total[1:], posts[1:], landings[1:], where


def time_password_check(n: int) -> list[float]:
    from techbridge.accounts.models import User

    user = User.objects.get(username=ENTERPRISE)
    out = []
    for _ in range(n):
        started = time.perf_counter()
        assert user.check_password(PASSWORD)
        out.append((time.perf_counter() - started) * 1000)
    return out


def baseline(reps: int) -> list[Page]:
    from django.test import Client

    client = Client()
    pages = [Page("anonymous", "/health/", "core:health"), Page("anonymous", "/", "core:home")]
    for page in pages:
        measure(client, page, reps)
    return pages


def run_phase(label: str, reps: int, logins: int, limit: int) -> dict[str, Any]:
    print(f"\n== {label} == load average {_load()}")
    started = time.perf_counter()
    base = baseline(reps)
    pages: list[Page] = []
    for role, client, start in role_clients():
        found = discover(role, client, start, limit)
        for page in found:
            if page.status < 400:
                measure(client, page, reps)
        pages += found
        print(f"  {role:<12} {len(found):>3} pages")
    errors = [p for p in pages if p.status >= 400 or not p.times]
    timed = [p for p in pages if p.times]
    total, posts, landings, where = time_login(logins)
    hasher = time_password_check(max(5, logins // 4))
    elapsed = time.perf_counter() - started

    every = [t for p in timed for t in p.times]
    worst = max(timed, key=lambda p: p.p95)
    over = [p for p in timed if p.p95 > PAGE_TARGET_MS]
    print(f"\n{'page (role)':<58}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for page in sorted(timed, key=lambda p: (p.role, p.url)):
        print(
            f"{_cut(page.url, 44) + ' (' + page.role + ')':<58}"
            f"{page.p50:>9.1f}{page.p95:>9.1f}{page.queries:>9}"
        )
    print(f"\nbaseline, timed the same way ({reps} reps after 1 warm-up):")
    for page in base:
        print(
            f"  {page.url:<20} p50 {page.p50:6.1f} ms  p95 {page.p95:6.1f} ms  "
            f"{page.queries} queries"
        )
    print("\nslowest ten pages by p95:")
    print(f"  {'p95 ms':>7} {'p50 ms':>7} {'q':>4} {'role':<11} {'page':<46} most repeated query")
    for page in sorted(timed, key=lambda p: -p.p95)[:10]:
        n, sql = page.repeated
        print(
            f"  {page.p95:7.1f} {page.p50:7.1f} {page.queries:4} {page.role:<11} "
            f"{_cut(page.url, 46):<46} ×{n} {_cut(sql, 90)}"
        )
    if errors:
        print(f"\nnot timed (HTTP ≥ 400 on discovery): {len(errors)}")
        for page in errors:
            print(f"  {page.status} {page.role} {page.url} ({page.route})")
    login_p95 = _p95(total)
    print(
        f"\n{len(timed)} pages over {len({p.role for p in timed})} roles, "
        f"{len(every)} timed requests; "
        f"phase took {elapsed:.0f} s"
    )
    print(
        f"  every page p95 ≤ {PAGE_TARGET_MS:.0f} ms: worst {worst.p95:.1f} ms "
        f"({worst.role} {worst.url}), {len(over)} pages over   {_mark(not over)}"
    )
    print(
        f"  p95 over all samples: {_p95(every):.1f} ms (p50 {statistics.median(every):.1f})   "
        f"{_mark(_p95(every) <= PAGE_TARGET_MS)}"
    )
    print(
        f"  baseline /health/ p95 {base[0].p95:.1f} ms, home p95 {base[1].p95:.1f} ms   "
        f"{_mark(base[1].p95 <= PAGE_TARGET_MS)}"
    )
    print(
        f"  login → workbench ({where}) p95 {login_p95:.1f} ms, p50 {statistics.median(total):.1f} "
        f"over {len(total)} logins (POST p50 {statistics.median(posts):.1f}, landing p50 "
        f"{statistics.median(landings):.1f}); target ≤ {LOGIN_TARGET_MS:.0f} ms   "
        f"{_mark(login_p95 <= LOGIN_TARGET_MS)}"
    )
    print(f"  baseline password check alone (the hasher): p50 {statistics.median(hasher):.1f} ms")
    print(f"  load average {_load()}")
    return {"worst": worst.p95, "overall": _p95(every), "login": login_p95}


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="demo world only, 3 reps, 10 logins")
    parser.add_argument("--achievements", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=None, help="timed requests per page (7)")
    parser.add_argument("--logins", type=int, default=None, help="timed logins (20)")
    parser.add_argument("--limit", type=int, default=200, help="pages per role, as the walk")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    reps = args.reps or (3 if args.quick else 7)
    logins = args.logins or (10 if args.quick else 20)

    original_url = os.environ.get("DATABASE_URL", "")
    description, pg_name = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.conf import settings

    started = time.perf_counter()
    try:
        print(
            f"database: {description}; environment {settings.ENVIRONMENT}, "
            f"STAFF_REQUIRE_TOTP {settings.STAFF_REQUIRE_TOTP}, hasher "
            f"{settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}; {reps} reps per page after 1 "
            f"warm-up; {os.cpu_count()} CPUs; load average at start {_load()}"
        )
        build_demo_world()
        results = [("demo world", run_phase("demo world", reps, logins, args.limit))]
        if not args.quick and args.achievements:
            print(f"\nadding {args.achievements:,} published achievements")
            add_achievements(args.achievements)
            label = f"demo world + {args.achievements:,} achievements"
            results.append((label, run_phase(label, reps, logins, args.limit)))
        print(f"\n{'summary':<40}{'worst page p95':>16}{'all p95':>10}{'login p95':>11}")
        for label, r in results:
            print(
                f"{label:<40}{r['worst']:>13.1f} {_mark(r['worst'] <= PAGE_TARGET_MS)}"
                f"{r['overall']:>8.1f} {_mark(r['overall'] <= PAGE_TARGET_MS)}"
                f"{r['login']:>9.1f} {_mark(r['login'] <= LOGIN_TARGET_MS)}"
            )
        print(
            f"total {time.perf_counter() - started:.0f} s; load average at the end {_load()} "
            "(other work on the machine skews times)"
        )
    finally:
        scratch.clean_up(original_url, pg_name, keep=args.keep)


if __name__ == "__main__":
    main()
