"""Demo accounts, one per role, with the organisations they belong to.

Passwords are random, printed once when the accounts are created and kept in
``<data dir>/demo-accounts.txt`` (mode 600) for the developer who missed the output.
"""

from __future__ import annotations

from typing import TextIO

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from techbridge.accounts import otp
from techbridge.accounts.models import User
from techbridge.accounts.roles import STAFF_ROLES, Duty, Role
from techbridge.accounts.services import generate_password, user_create
from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus
from techbridge.organisations.uscc import check_character

# (external id, name, kind, region, legal-person type, USCC body of 17 characters)
DEMO_ORGANISATIONS = [
    (
        "demo-bj-inst",
        "北京先进材料研究院",
        OrganisationKind.RESEARCH_INSTITUTE,
        "110108",
        "021",
        "12110108MB0000001",
    ),
    (
        "demo-gy-ent",
        "贵阳铝镁新材料有限公司",
        OrganisationKind.ENTERPRISE,
        "520115",
        "150",
        "91520115MA0000002",
    ),
    (
        "demo-bj-agency",
        "京筑技术转移服务中心",
        OrganisationKind.AGENCY,
        "110108",
        "500",
        "52110108MJ0000003",
    ),
    (
        "demo-gy-station",
        "贵阳科技成果转移转化快速响应站",
        OrganisationKind.STATION,
        "520100",
        "500",
        "52520100MJ0000004",
    ),
    (
        "demo-gy-bureau",
        "贵阳市科学技术局",
        OrganisationKind.GOVERNMENT,
        "520100",
        "010",
        "11520100000000005",
    ),
]

# (username, role, organisation external id or None, duties, display name)
DEMO_ACCOUNTS = [
    ("visitor", Role.VISITOR, None, (), "访客"),
    ("enterprise", Role.ENTERPRISE_MEMBER, "demo-gy-ent", (), "王经理"),
    ("institution", Role.INSTITUTION_MEMBER, "demo-bj-inst", (), "李研究员"),
    # Service staff (服务人员) who run the institute's shared instruments (sharing demo).
    ("technician", Role.INSTITUTION_MEMBER, "demo-bj-inst", (), "周工程师"),
    ("broker", Role.BROKER, "demo-bj-agency", (), "张经纪人"),
    ("station", Role.STATION_STAFF, "demo-gy-station", (), "刘站长"),
    (
        "bureau",
        Role.BUREAU_STAFF,
        "demo-gy-bureau",
        (Duty.REVIEWER, Duty.REGISTRAR, Duty.STATISTICIAN),
        "陈科长",
    ),
    ("handler", Role.DEPARTMENT_HANDLER, "demo-gy-bureau", (), "赵办事员"),
    ("sysadmin", Role.SYSTEM_ADMIN, None, (), "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, None, (), "安全管理员"),
    ("auditadmin", Role.AUDIT_ADMIN, None, (), "审计管理员"),
]


def ensure_demo_organisations() -> dict[str, Organisation]:
    found = {}
    for ext, name, kind, region, lpt, body in DEMO_ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            external_id=ext,
            defaults={
                "name": name,
                "kind": kind,
                "region_code": region,
                "legal_person_type": lpt,
                "uscc": body + check_character(body),
                "status": OrganisationStatus.VERIFIED,
            },
        )
        found[ext] = org
    return found


@transaction.atomic
def load(out: TextIO) -> None:
    orgs = ensure_demo_organisations()
    created: list[tuple[str, str, Role, str]] = []
    for username, role, org_ext, duties, display in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        password = generate_password()
        user = user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            organisation=orgs[org_ext] if org_ext else None,
            duties=duties,
            display_name=display,
        )
        totp = ""
        if role in STAFF_ROLES:
            # Staff need a second factor; the demo gives them a ready device whose key is
            # printed, so a tester can generate codes (e.g. `oathtool --totp -b KEY`).
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
            totp = f"TOTP key {otp.secret_base32(device)}"
        created.append((username, password, role, totp))
    if not created:
        out.write("demo accounts: already present (passwords in var/demo-accounts.txt)\n")
        return
    lines = [f"{u:12} {p:20} {r.label:24} {t}".rstrip() for u, p, r, t in created]
    path = settings.DATA_DIR / "demo-accounts.txt"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    out.write(
        "demo accounts created (user name, password, role, TOTP key) — shown once, "
        f"also in {path}:\n"
    )
    for line in lines:
        out.write(f"  {line}\n")
