"""The page walk (issue 14): a role logs in through the real form in headless Chromium and
opens every page it can reach from its navigation by following links (one page per URL
route, so a list of 200 records costs one detail page, not 200). Each page is read at
1280 px, then again at 390 px without reloading, and fails on what a user would see:

- an HTTP error or a JavaScript error;
- a page wider than the window;
- an internal identifier in the visible text: ``snake_case`` names (signal and field
  names), ``{…}`` dict syntax, model labels such as ``accounts.user 10``, and, on a Chinese
  page, a choice value (``draft``, ``achievement`` …) — collected from the models, so a new
  choice is checked without editing this file;
- a region code (GB/T 2260, e.g. 520115) instead of the region's name;
- on a Chinese page, an English phrase (two or more English words) — an untranslated message.

Text inside ``<code>``, ``<kbd>``, ``<pre>``, ``[translate=no]`` or ``.code`` is exempt: that is
where a page shows a code on purpose (a registration number, a code beside its name).

The walk reports every finding at once (not the first), with the URL and the text around
it, and saves a screenshot of every page under ``var/pagewalk/`` (CI keeps them)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.urls import Resolver404, resolve

WIDE, NARROW = 1280, 390

#: Paths never followed: they change state, leave the HTML site or download a file.
SKIP = re.compile(
    r"^/(api|admin|static|media|i18n)/|/logout/|\.(ics|xlsx|csv|pdf|jsonl|json|zip)$"
    r"|/(export|download|feed|calendar\.ics)(/|$)|/attachments/\d+/"
)

#: The visible text of a page, code-like elements left out (see the module docstring).
VISIBLE_TEXT_JS = """() => {
  const skip = 'code, kbd, pre, script, style, noscript, template, [translate="no"], .code';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const text = node.textContent.trim();
    if (!text) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 && box.height === 0) continue;
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    out.push(text);
  }
  // Buttons and inputs show their values and placeholders too.
  const fields = 'input[type=submit], input[type=button], [placeholder]';
  for (const el of document.querySelectorAll(fields)) {
    if (el.closest(skip)) continue;
    if (el.value && (el.type === 'submit' || el.type === 'button')) out.push(el.value);
    if (el.placeholder) out.push(el.placeholder);
  }
  return out;
}"""

WIDTH_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"

#: What sticks out of the window: elements past its right edge none of whose children
#: are (the culprits rather than their containers), outside boxes that scroll.
CULPRITS_JS = r"""() => {
  const width = window.innerWidth + 1;
  const out = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right <= width) continue;
    let scrolled = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { scrolled = true; break; }
    }
    if (scrolled) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width)) continue;
    const named = (e) => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className
      ? '.' + e.className.trim().split(/\s+/).join('.') : '');
    out.add((el.parentElement ? named(el.parentElement) : '') + ' > ' + named(el));
    if (out.size >= 3) break;
  }
  return [...out];
}"""

SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
BRACES = re.compile(r"[{}]")
MODEL_LABEL = re.compile(r"\b[a-z]+\.[a-z]+ \d+\b")
ENGLISH_PHRASE = re.compile(r"(?<![\w@./-])[A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]*)+(?![\w@./-])")
URLISH = re.compile(r"\S+@\S+|\w+://\S+|/[\w./?=&%-]+")
#: English a Chinese page may show: names, formats and the brand.
ALLOWED_ENGLISH = re.compile(
    r"^(techbridge|API|Open311|Excel|iCalendar|OpenAPI|Swagger|PDF|XLSX|CSV|JSONL|TOTP|TRL"
    r"|ICS|Chromium|English|USCC|ID|URL|Email|WeChat|DingTalk|Webhook)$",
    re.IGNORECASE,
)


def choice_values() -> frozenset[str]:
    """Every lowercase ASCII choice value of every model field (``draft``, ``lab`` …)."""
    values: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    values.add(value)
    return frozenset(values)


def _region_codes() -> frozenset[str]:
    from techbridge.codes.selectors import region_codes

    return region_codes()


REGION_LIKE = re.compile(r"(?<![0-9A-Za-z.,])\d{6}(?![0-9A-Za-z.,])")


@dataclass
class Finding:
    role: str
    language: str
    url: str
    problem: str

    def __str__(self) -> str:
        return f"[{self.role} · {self.language}] {self.url}: {self.problem}"


@dataclass
class Walk:
    base: str
    shots: Path
    findings: list[Finding] = field(default_factory=list)
    visited: dict[str, set[str]] = field(default_factory=dict)  # role → routes
    choices: frozenset[str] = field(default_factory=choice_values)
    errors: dict[int, list[str]] = field(default_factory=dict)  # page → its errors
    regions: frozenset[str] = field(default_factory=lambda: _region_codes())
    #: Screenshots cost a tenth of a second each: kept of the Chinese pages (CI artefacts).
    screenshot_languages: tuple[str, ...] = ("zh-CN",)

    def route(self, url: str) -> str | None:
        """The route name of a same-site page worth a visit, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", ""):
            return None  # tel:, mailto: (a contact card) leave the site by design
        if parts.netloc and parts.netloc != urlsplit(self.base).netloc:
            return None
        path = parts.path or "/"
        if SKIP.search(path):
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return f"404:{path}"  # a broken link: visit it, it will be reported
        name = match.view_name or path
        # A list's filtered and paged views are the same page.
        return name

    def check_text(self, role: str, language: str, url: str, texts: Iterable[str]) -> None:
        seen: set[str] = set()
        for raw in texts:
            text = URLISH.sub(" ", raw)
            problems = []
            problems += [f"identifier {m!r}" for m in SNAKE.findall(text)]
            if BRACES.search(text):
                problems.append("dict syntax")
            problems += [f"model label {m!r}" for m in MODEL_LABEL.findall(text)]
            problems += [
                f"region code {m!r} instead of its name"
                for m in REGION_LIKE.findall(text)
                if m in self.regions
            ]
            if language == "zh-CN":
                problems += [
                    f"choice value {w!r}"
                    for w in re.findall(r"(?<![\w-])[a-z][a-z_]{2,}(?![\w-])", text)
                    if w in self.choices
                ]
                problems += [
                    f"untranslated {m!r}"
                    for m in ENGLISH_PHRASE.findall(text)
                    if not all(ALLOWED_ENGLISH.match(w) for w in re.split(r"[ -]", m))
                ]
            for problem in problems:
                key = f"{problem} in {raw[:80]!r}"
                if key not in seen:
                    seen.add(key)
                    self.findings.append(Finding(role, language, url, key))

    def visit(self, page: Any, role: str, language: str, url: str) -> list[str]:
        """Open ``url`` and check it at both widths; returns the links it offers."""
        errors = self.errors.setdefault(id(page), [])
        if not errors and not getattr(page, "_walk_listening", False):
            page.on("pageerror", lambda e: errors.append(f"JavaScript error: {e}"))
            # A failed sub-resource (a stylesheet, an image) by its address; the console's
            # own "Failed to load resource" line names none, so it is left out.
            page.on(
                "response",
                lambda r: (
                    errors.append(f"HTTP {r.status} for {r.url}")
                    if r.status >= 400 and r.request.resource_type != "document"
                    else None
                ),
            )
            page.on(
                "console",
                lambda m: (
                    errors.append(f"console error: {m.text}")
                    if m.type == "error" and not m.text.startswith("Failed to load resource")
                    else None
                ),
            )
            page._walk_listening = True
        errors.clear()
        page.set_viewport_size({"width": WIDE, "height": 900})
        try:
            response = page.goto(url)
        except Exception as error:  # playwright's Error: a file download is not a page
            if "Download is starting" in str(error):
                return []
            self.findings.append(Finding(role, language, url, f"not opened: {error}"))
            return []
        path = urlsplit(page.url).path
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            self.findings.append(Finding(role, language, url, f"HTTP {status}"))
            return []
        page.wait_for_load_state("load")
        slug = re.sub(r"[^\w]+", "_", path).strip("_") or "home"
        for width in (WIDE, NARROW):
            if width == NARROW:
                page.set_viewport_size({"width": NARROW, "height": 844})
                page.wait_for_timeout(50)
            scroll, inner = page.evaluate(WIDTH_JS)
            if scroll > inner + 1:
                culprits = ", ".join(page.evaluate(CULPRITS_JS))
                self.findings.append(
                    Finding(
                        role, language, url, f"{scroll} px wide at a {inner} px window: {culprits}"
                    )
                )
            if language not in self.screenshot_languages:
                continue
            self.shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(self.shots / f"{role}-{language}-{width}-{slug}.png"), full_page=False
            )
        self.check_text(role, language, url, page.evaluate(VISIBLE_TEXT_JS))
        for error in errors:
            self.findings.append(Finding(role, language, url, error))
        return list(page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"))

    def crawl(self, page: Any, role: str, language: str, start: Iterable[str], limit: int) -> int:
        """Breadth-first from ``start``: every route once. Returns the pages visited."""
        routes = self.visited.setdefault(f"{role}·{language}", set())
        queue = list(start)
        count = 0
        while queue and count < limit:
            url = queue.pop(0).split("#")[0]
            name = self.route(url)
            if name is None or name in routes:
                continue
            routes.add(name)
            count += 1
            queue += self.visit(page, role, language, url)
        return count
