"""Derive the compact project fixtures in ``codes/data/`` from the public source tables.

This runs at development time only (``manage.py derive_codes``); the platform itself reads
nothing but the derived files. The source is the MIT-licensed snapshot of
github.com/liulinwjzx/liuinwj-public-coding; what is changed on the way, and why, is listed
here and reported into ``data/PROVENANCE.md`` between the ``derive_codes`` markers.

No Django import: the derivation is plain CSV work and is tested without a database.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

REGION_SOURCE = "GB-2260.csv"
INDUSTRY_SOURCE = "GB-4754-2017.csv"
COUNTRY_SOURCE = "ISO-3166-1-CN.csv"
LICENSE_SOURCE = "LICENSE-liuinwj-public-coding.txt"

REGION_FIXTURE = "regions.csv"
INDUSTRY_FIXTURE = "industries.csv"
COUNTRY_FIXTURE = "countries.csv"

REGION_COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "parent_name",
    "revoked",
    "latitude",
    "longitude",
)
INDUSTRY_COLUMNS = ("code", "name", "level", "parent_code", "definition")
COUNTRY_COLUMNS = (
    "alpha2",
    "alpha3",
    "numeric",
    "name_en",
    "name_zh",
    "sovereign",
    "independent",
)

#: Revocation flags of the source that contradict the standard, keyed by (code, name).
#: Each entry is (revoked as it should be, why). The derivation fails loudly if an entry no
#: longer matches a source row, so a newer source cannot silently skip a correction.
REGION_REVOKED_CORRECTIONS: dict[tuple[str, str], tuple[bool, str]] = {
    ("130300", "秦皇岛市"): (
        False,
        "current prefecture-level city of Hebei; the source keeps all its districts current",
    ),
    ("130408", "永年区"): (
        False,
        "永年县 (130429) became 邯郸市永年区 (130408) in 2016; the source marks both revoked",
    ),
    ("232701", "加格达奇区"): (
        True,
        "232701 has meant 漠河市 since 漠河县 became a city in 2018; without this the code "
        "would have two current divisions",
    ),
}

PROVENANCE_BEGIN = "<!-- derive_codes:begin -->"
PROVENANCE_END = "<!-- derive_codes:end -->"


class DerivationError(ValueError):
    """The source does not have the shape the derivation relies on."""


@dataclass
class DeriveReport:
    """What one derivation read, wrote and changed; ``lines()`` renders it for humans."""

    sources: dict[str, str] = field(default_factory=dict)  # file name → sha256
    rows_read: dict[str, int] = field(default_factory=dict)
    rows_written: dict[str, int] = field(default_factory=dict)
    corrections: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["| source file | rows | sha256 |", "|---|---:|---|"]
        for name, digest in self.sources.items():
            rows = self.rows_read.get(name)
            out.append(f"| {name} | {'' if rows is None else rows} | `{digest}` |")
        out += ["", "| fixture | rows |", "|---|---:|"]
        out += [f"| {name} | {rows} |" for name, rows in self.rows_written.items()]
        out += ["", "Corrections applied to the source:", ""]
        out += [f"- {line}" for line in self.corrections] or ["- none"]
        return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        # The source has "former_name " with a trailing space; strip every header.
        reader = csv.DictReader(handle)
        return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _depths(rows: list[dict[str, str]]) -> dict[str, int]:
    """Tree depth (1 = root) of every row id, following ``parent_id``."""
    by_id = {row["id"]: row for row in rows}
    depths: dict[str, int] = {}
    for row in rows:
        chain = []
        current: dict[str, str] | None = row
        while current is not None and current["id"] not in depths:
            chain.append(current["id"])
            if len(chain) > 10:
                raise DerivationError(f"parent cycle at id {row['id']}")
            parent_id = current["parent_id"]
            if parent_id and parent_id not in by_id:
                raise DerivationError(f"id {current['id']}: unknown parent_id {parent_id}")
            current = by_id[parent_id] if parent_id else None
        base = depths[current["id"]] if current is not None else 0
        for offset, row_id in enumerate(reversed(chain), start=1):
            depths[row_id] = base + offset
    return depths


def _region_level(depth: int, code: str) -> int:
    # Depth alone would call Beijing's districts and province-administered county-level
    # cities (济源市 419001) "prefecture-level" because they hang directly under the
    # province; the code pattern says what the standard means, the depth confirms it.
    if depth == 1 and code.endswith("0000"):
        return 1
    if depth == 2 and code.endswith("00"):
        return 2
    if depth in (2, 3) and not code.endswith("00"):
        return 3
    raise DerivationError(f"region {code}: depth {depth} does not fit the code pattern")


def derive_regions(
    rows: list[dict[str, str]],
    report: DeriveReport,
    corrections: dict[tuple[str, str], tuple[bool, str]] | None = None,
) -> list[list[str]]:
    """GB-2260 source rows → fixture rows (``REGION_COLUMNS``), sorted by code and name.
    ``corrections`` defaults to :data:`REGION_REVOKED_CORRECTIONS`."""
    if corrections is None:
        corrections = REGION_REVOKED_CORRECTIONS
    by_id = {row["id"]: row for row in rows}
    depths = _depths(rows)
    for row in rows:
        row["code"], row["name"] = row["code"].strip(), row["name"].strip()
        if len(row["code"]) != 6 or not row["code"].isdigit():
            raise DerivationError(f"region id {row['id']}: bad code {row['code']!r}")
    keys = [(row["code"], row["name"]) for row in rows]
    if len(set(keys)) != len(keys):
        raise DerivationError("GB-2260: (code, name) is not unique")

    prefectures: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if depths[row["id"]] == 2 and row["code"].endswith("00"):
            prefectures.setdefault(row["code"][:4], []).append(row)

    out_rows: list[list[str]] = []
    seen_corrections: set[tuple[str, str]] = set()
    for row in rows:
        code, name = row["code"], row["name"]
        level = _region_level(depths[row["id"]], code)
        parent = by_id.get(row["parent_id"]) if row["parent_id"] else None
        # A county's code starts with its prefecture's four digits. Where the source links
        # a county to another prefecture (开封市's districts hang under 郑州市), the
        # code is the better witness; parent_id stays the rule everywhere else because
        # codes repeat.
        parent_is_prefecture = (
            parent is not None
            and parent["code"].endswith("00")
            and not parent["code"].endswith("0000")
        )
        if parent is not None and parent_is_prefecture and parent["code"][:4] != code[:4]:
            candidates = prefectures.get(code[:4], [])
            if level != 3 or len(candidates) != 1:
                raise DerivationError(f"region {code} {name}: cannot repair its parent")
            report.corrections.append(
                f"parent of {code} {name}: {parent['code']} {parent['name']} → "
                f"{candidates[0]['code']} {candidates[0]['name']} (code prefix)"
            )
            parent = candidates[0]
        province = parent
        while province is not None and province["parent_id"]:
            province = by_id[province["parent_id"]]
        if province is not None and province["code"][:2] != code[:2]:
            raise DerivationError(f"region {code} {name} lies outside {province['name']}")
        revoked = row["revoked"].strip() == "1"
        fix = corrections.get((code, name))
        if fix is not None:
            seen_corrections.add((code, name))
            if fix[0] == revoked:
                raise DerivationError(f"correction for {code} {name} is no longer needed")
            report.corrections.append(
                f"revoked of {code} {name}: {int(revoked)} → {int(fix[0])} ({fix[1]})"
            )
            revoked = fix[0]
        out_rows.append(
            [
                code,
                name,
                str(level),
                parent["code"] if parent else "",
                parent["name"].strip() if parent else "",
                "1" if revoked else "0",
                row["latitude"].strip(),
                row["longitude"].strip(),
            ]
        )
    missing = set(corrections) - seen_corrections
    if missing:
        raise DerivationError(f"corrections match no source row: {sorted(missing)}")
    out_rows.sort(key=lambda r: (r[0], r[1]))
    return out_rows


def derive_industries(rows: list[dict[str, str]], report: DeriveReport) -> list[list[str]]:
    """GB-4754-2017 source rows → fixture rows (``INDUSTRY_COLUMNS``), sorted by code.

    The source lost leading zeros ("111" for class 0111); the tree depth says how many
    digits the code has, so it is padded back: division 2, group 3, class 4.
    """
    depths = _depths(rows)

    def proper_code(row: dict[str, str]) -> str:
        depth, raw = depths[row["id"]], row["code"].strip()
        if depth == 1:
            if len(raw) != 1 or not raw.isalpha():
                raise DerivationError(f"industry section {raw!r} is not a letter")
            return raw.upper()
        if depth > 4 or not raw.isdigit() or len(raw) > depth:
            raise DerivationError(f"industry {raw!r} at depth {depth} is malformed")
        return raw.zfill(depth)

    codes = {row["id"]: proper_code(row) for row in rows}
    padded = sum(1 for row in rows if codes[row["id"]] != row["code"].strip())
    if len(set(codes.values())) != len(codes):
        raise DerivationError("GB-4754: padded codes are not unique")
    out_rows: list[list[str]] = []
    for row in rows:
        code = codes[row["id"]]
        parent_code = codes[row["parent_id"]] if row["parent_id"] else ""
        if depths[row["id"]] > 2 and not code.startswith(parent_code):
            raise DerivationError(f"industry {code} does not extend its parent {parent_code}")
        # Names carry stray no-break spaces ("盐加工\xa0\xa0"); str.strip() removes them.
        out_rows.append(
            [
                code,
                row["name"].strip(),
                str(depths[row["id"]]),
                parent_code,
                row["dest"].strip(),
            ]
        )
    if padded:
        report.corrections.append(
            f"GB/T 4754: leading zeros restored on {padded} codes (e.g. 111 → 0111)"
        )
    out_rows.sort(key=lambda r: (len(r[0]) > 1, r[0]))
    return out_rows


def derive_countries(rows: list[dict[str, str]], report: DeriveReport) -> list[list[str]]:
    """ISO-3166-1-CN source rows → fixture rows (``COUNTRY_COLUMNS``), sorted by alpha-2."""
    by_id = {row["id"]: row for row in rows}
    out_rows: list[list[str]] = []
    for row in rows:
        alpha2, alpha3 = row["code_2"].strip().upper(), row["code_3"].strip().upper()
        numeric = row["code_number"].strip().zfill(3)
        if len(alpha2) != 2 or len(alpha3) != 3 or len(numeric) != 3 or not numeric.isdigit():
            raise DerivationError(f"country id {row['id']}: malformed codes")
        sovereign = by_id[row["parent_id"]]["code_2"].strip() if row["parent_id"] else ""
        out_rows.append(
            [
                alpha2,
                alpha3,
                numeric,
                row["name"].strip(),
                row["name_cn"].strip(),
                sovereign,
                "1" if row["independent"].strip() == "1" else "0",
            ]
        )
    for index in range(3):
        values = [r[index] for r in out_rows]
        if len(set(values)) != len(values):
            raise DerivationError(f"ISO 3166-1: {COUNTRY_COLUMNS[index]} is not unique")
    out_rows.sort(key=lambda r: r[0])
    return out_rows


def _update_provenance(path: Path, report: DeriveReport) -> None:
    block = "\n".join([PROVENANCE_BEGIN, *report.lines(), PROVENANCE_END])
    if path.exists():
        text = path.read_text(encoding="utf-8")
        start, end = text.find(PROVENANCE_BEGIN), text.find(PROVENANCE_END)
        if start != -1 and end != -1:
            text = text[:start] + block + text[end + len(PROVENANCE_END) :]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = "# Provenance of the code-list fixtures\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def derive(source: Path, output: Path = DATA_DIR) -> DeriveReport:
    """Read the three source tables and the licence from ``source``; write the fixtures,
    a copy of the licence and the provenance block into ``output``. Returns the report."""
    names = (REGION_SOURCE, INDUSTRY_SOURCE, COUNTRY_SOURCE, LICENSE_SOURCE)
    missing = [name for name in names if not (source / name).is_file()]
    if missing:
        raise DerivationError(f"missing in {source}: {', '.join(missing)}")
    output.mkdir(parents=True, exist_ok=True)
    report = DeriveReport(sources={name: _sha256(source / name) for name in names})

    jobs = (
        (REGION_SOURCE, REGION_FIXTURE, REGION_COLUMNS, derive_regions),
        (INDUSTRY_SOURCE, INDUSTRY_FIXTURE, INDUSTRY_COLUMNS, derive_industries),
        (COUNTRY_SOURCE, COUNTRY_FIXTURE, COUNTRY_COLUMNS, derive_countries),
    )
    for source_name, fixture_name, columns, derive_rows in jobs:
        rows = _read(source / source_name)
        report.rows_read[source_name] = len(rows)
        written = _write(output / fixture_name, columns, derive_rows(rows, report))
        report.rows_written[fixture_name] = written
    # MIT asks that the copyright and permission notice travel with copies of the data.
    shutil.copyfile(source / LICENSE_SOURCE, output / LICENSE_SOURCE)
    _update_provenance(output / "PROVENANCE.md", report)
    return report
