"""Actions the multi-process tests run in a child process against an external database
(``python -m techbridge.jobs.tests.proc ACTION …``); results are printed as JSON."""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")
    import django

    django.setup()
    from django.db import transaction

    from techbridge.jobs.models import Job, ScheduledRun
    from techbridge.jobs.selectors import queue_stats
    from techbridge.jobs.services import enqueue

    action = argv[0]
    if action == "notify-loop":
        # 1,000 business transactions, each writing an inbox row and queueing its e-mail;
        # then say so and wait to be killed.
        import uuid

        from techbridge.accounts.roles import Role
        from techbridge.core.testing import make_organisation, make_user
        from techbridge.notifications.services import notify

        tag = uuid.uuid4().hex[:8]
        org = make_organisation(f"被杀进程企业 {tag}")
        user = make_user(f"kill{tag}", Role.ENTERPRISE_MEMBER, org, email="kill@example.org")
        count = int(argv[1])
        for i in range(count):
            notify(recipients=[user], kind="other", title=f"第{i}条", body="正文")
        print(json.dumps({"committed": count}), flush=True)
        time.sleep(120)
    elif action == "enqueue":
        name, count, path = argv[1], int(argv[2]), argv[3]
        pause = float(argv[4]) if len(argv) > 4 else 0.0
        with transaction.atomic():
            for _ in range(count):
                enqueue(name, {"path": path, "pause": pause})
        print(json.dumps({"enqueued": count}))
    elif action == "reset":
        from techbridge.notifications.models import Notification, NotificationDelivery

        ScheduledRun.objects.all().delete()
        Job.objects.all().delete()
        NotificationDelivery.objects.all().delete()
        Notification.objects.all().delete()
        print(json.dumps({"reset": True}))
    elif action == "stats":
        stats = queue_stats()
        names = {}
        for name in set(Job.objects.values_list("name", flat=True)):
            names[name] = Job.objects.filter(name=name).count()
        runs: dict[str, int] = {}
        for name in ScheduledRun.objects.values_list("name", flat=True):
            runs[name] = runs.get(name, 0) + 1
        print(json.dumps({"by_status": stats.by_status, "names": names, "runs": runs}))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main(sys.argv[1:])
