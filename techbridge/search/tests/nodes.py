"""A process of a multi-node test (test_nodes.py): run as
``python -m techbridge.search.tests.nodes COMMAND ...`` with DATABASE_URL and
SEARCH_INDEX_DIR set. Prints one JSON line per command.

    world                     organisations and users (once per database)
    publish TITLE N           N records published through the services, one by one
    withdraw PK ...           withdraw them again
    publish-and-die N         prepare N submitted records, print the log position, publish
                              them one transaction each and SIGKILL itself right after the
                              last commit
    log-since ID              changes logged after change ID, per kind
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()


def _people() -> tuple[Any, Any]:
    from techbridge.accounts.models import User

    return User.objects.get(username="node-researcher"), User.objects.get(username="node-staff")


def world() -> dict[str, Any]:
    from techbridge.accounts.models import User
    from techbridge.accounts.roles import Role
    from techbridge.organisations.models import Organisation, OrganisationKind, OrganisationStatus

    def org(name: str, kind: str) -> Organisation:
        return Organisation.objects.create(
            name=name, kind=kind, status=OrganisationStatus.VERIFIED, region_code="520100"
        )

    institute = org("节点测试研究院", OrganisationKind.RESEARCH_INSTITUTE)
    bureau = org("节点测试科技局", OrganisationKind.GOVERNMENT)
    for username, role, organisation, extra in (
        ("node-researcher", Role.INSTITUTION_MEMBER, institute, {}),
        ("node-staff", Role.BUREAU_STAFF, bureau, {"is_reviewer": True, "is_staff": True}),
    ):
        user = User(username=username, role=role, organisation=organisation, **extra)
        user.set_unusable_password()  # nobody logs in: no hashing cost
        user.save()
    return {"ok": True}


def _drafts(title: str, n: int) -> list[Any]:
    from django.db import transaction

    from techbridge.catalogue.services import records as services

    researcher, _ = _people()
    with transaction.atomic():
        drafts = [
            services.record_create(
                actor=researcher,
                kind="achievement",
                title=f"{title} {i}",
                summary="多节点索引测试",
                technical_field="new_energy",
            )
            for i in range(n)
        ]
    with transaction.atomic():
        return [services.record_submit(actor=researcher, record=r) for r in drafts]


def publish(title: str, n: str) -> dict[str, Any]:
    from techbridge.catalogue.services import records as services

    _, staff = _people()
    pks = []
    for record in _drafts(title, int(n)):
        pks.append(services.record_publish(actor=staff, record=record).pk)
    return {"pks": pks}


def withdraw(*pks: str) -> dict[str, Any]:
    from techbridge.catalogue.models import Achievement
    from techbridge.catalogue.services import records as services

    researcher, _ = _people()
    for pk in pks:
        services.record_withdraw(actor=researcher, record=Achievement.objects.get(pk=int(pk)))
    return {"withdrawn": [int(pk) for pk in pks]}


def publish_and_die(n: str) -> None:
    from techbridge.catalogue.services import records as services
    from techbridge.search.models import IndexChange

    _, staff = _people()
    records = _drafts("被强杀前提交的成果", int(n))
    before = IndexChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    print(json.dumps({"before": before, "pks": [r.pk for r in records]}), flush=True)
    for record in records:
        services.record_publish(actor=staff, record=record)  # one commit each
    # Right after the last commit: no exit handler, no flush, no after-commit work left.
    os.kill(os.getpid(), signal.SIGKILL)


def log_since(since: str) -> dict[str, Any]:
    from django.db.models import Count

    from techbridge.search.models import IndexChange

    rows = IndexChange.objects.filter(id__gt=int(since)).values("kind").annotate(n=Count("id"))
    return {"kinds": {row["kind"]: row["n"] for row in rows}}


COMMANDS = {
    "world": world,
    "publish": publish,
    "withdraw": withdraw,
    "publish-and-die": publish_and_die,
    "log-since": log_since,
}


def main(argv: list[str]) -> None:
    _setup()
    result = COMMANDS[argv[0]](*argv[1:])
    if result is not None:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
