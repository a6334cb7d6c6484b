"""Before/after screenshots of five pages for the interface pass (issue 14).

Usage::

    .venv/bin/python docs/design/screenshots.py --base http://127.0.0.1:PORT \\
        --out DIR --password-file FILE

It logs the demo accounts in through the real login form in headless Chromium (Playwright)
and saves full-page JPEG screenshots (quality 70, so the files stay small) of five pages,
each at 1280 px and 390 px wide, in Chinese (browser locale and Accept-Language zh-CN):

    01-landing       where the login form sends the enterprise user (the workbench)
    02-achievements  the achievements list, /catalogue/achievements/          (enterprise)
    03-organisation  the first organisation in the list /organisations/       (enterprise)
    04-contract      the first technology contract in /contracts/             (bureau)
    05-stats         the market statistics page, /stats/                      (enterprise)

Files are named ``01-landing-1280.jpg``, ``01-landing-390.jpg`` … The "first item" of a list
is its first detail link in ``<main>``, so the same demo world gives the same page before and
after a change (unless the change reorders the list — the URLs chosen are printed).

The server must be a techbridge with the demo world loaded (``techbridge setup-demo``), which
writes the demo passwords to ``<data dir>/demo-accounts.txt`` (``user password role …`` one a
line); pass that file as ``--password-file``. Bureau staff normally need a TOTP code after the
password: run the server with ``STAFF_REQUIRE_TOTP=0`` in its environment so this script
needs none, e.g.::

    STAFF_REQUIRE_TOTP=0 .venv/bin/techbridge runserver --noreload 127.0.0.1:8765

Each page is checked before it is saved: HTTP 200, not the login page, and the user's name
box (``.who``) on screen; otherwise the script stops with the URL it got.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

WIDTHS = (1280, 390)
HEIGHT = {1280: 800, 390: 844}
QUALITY = 70
LANGUAGE = "zh-CN"
#: Debian's Chromium, as the test suite uses (techbridge/conftest.py); CHROMIUM_PATH overrides.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

#: First detail link inside <main> whose path matches the pattern.
FIRST_LINK_JS = """(pattern) => {
  const re = new RegExp(pattern);
  const root = document.querySelector('main') || document.body;
  for (const a of root.querySelectorAll('a[href]')) {
    const url = new URL(a.href, location.href);
    if (url.origin === location.origin && re.test(url.pathname)) return url.pathname;
  }
  return null;
}"""


def read_passwords(path: Path) -> dict[str, str]:
    """``user password role [TOTP key …]`` lines; a later line for a user wins (the file
    is appended to when the demo is set up again)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            found[parts[0]] = parts[1]
    return found


def log_in(page: Page, base: str, username: str, password: str) -> str:
    """Log in through the form; returns the URL the login redirected to."""
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    if "/accounts/login/" in page.url or "/accounts/otp/" in page.url:
        sys.exit(
            f"{username} did not log in (now at {page.url}); wrong password file, "
            "or the server needs STAFF_REQUIRE_TOTP=0"
        )
    if page.locator(".who").count() == 0:
        sys.exit(f"{username}: no user box after login at {page.url}")
    return page.url


def first_link(page: Page, base: str, list_path: str, pattern: str) -> str:
    response = page.goto(base + list_path)
    if response is None or response.status != 200:
        sys.exit(f"{list_path}: HTTP {response.status if response else '?'}")
    path = page.evaluate(FIRST_LINK_JS, pattern)
    if not path:
        sys.exit(f"{list_path}: no link matching {pattern} in <main>")
    return base + path


def shoot(page: Page, url: str, out: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT[width]})
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        status = response.status if response else 0
        if status != 200 or "/accounts/login/" in page.url or page.locator(".who").count() == 0:
            sys.exit(f"{name}: {url} gave HTTP {status} at {page.url} (not the page itself)")
        target = out / f"{name}-{width}.jpg"
        page.screenshot(path=str(target), full_page=True, type="jpeg", quality=QUALITY)
        print(f"{target}  {target.stat().st_size // 1024} KB  {page.url}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="server root, e.g. http://127.0.0.1:8765")
    parser.add_argument("--out", required=True, type=Path, help="folder for the .jpg files")
    parser.add_argument(
        "--password-file", required=True, type=Path, help="demo-accounts.txt of that server"
    )
    parser.add_argument("--enterprise", default="enterprise", help="enterprise demo account")
    parser.add_argument("--bureau", default="bureau", help="bureau demo account")
    args = parser.parse_args(argv)
    base = args.base.rstrip("/")
    passwords = read_passwords(args.password_file)
    for user in (args.enterprise, args.bureau):
        if user not in passwords:
            sys.exit(f"{user}: not in {args.password_file}")
    args.out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else None,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )

        def context():
            return browser.new_context(
                locale=LANGUAGE,
                extra_http_headers={"Accept-Language": f"{LANGUAGE},zh;q=0.9"},
                timezone_id="Asia/Shanghai",
                viewport={"width": WIDTHS[0], "height": HEIGHT[WIDTHS[0]]},
            )

        ctx = context()
        page = ctx.new_page()
        landing = log_in(page, base, args.enterprise, passwords[args.enterprise])
        shoot(page, landing, args.out, "01-landing")
        shoot(page, f"{base}/catalogue/achievements/", args.out, "02-achievements")
        org = first_link(page, base, "/organisations/", r"^/organisations/\d+/$")
        shoot(page, org, args.out, "03-organisation")
        shoot(page, f"{base}/stats/", args.out, "05-stats")
        ctx.close()

        ctx = context()
        page = ctx.new_page()
        log_in(page, base, args.bureau, passwords[args.bureau])
        contract = first_link(page, base, "/contracts/", r"^/contracts/\d+/$")
        shoot(page, contract, args.out, "04-contract")
        ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
