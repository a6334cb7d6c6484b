"""Compile the .po catalogues to .mo without GNU gettext (which a fresh machine may lack).

Django's `compilemessages` needs the `msgfmt` program; polib does the same in Python, so
`make run` works with nothing but Python installed.

Each ``LC_MESSAGES`` folder holds ``django.po`` and, optionally, part catalogues named
``django-<part>.po`` (one per subsystem, so work on two subsystems never edits the same
file). They are merged into the one ``django.mo`` that Django reads; an entry in
``django.po`` wins over a part's entry for the same message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def merged_catalogue(folder: Path) -> polib.POFile:
    main = polib.pofile(str(folder / "django.po"))
    seen = {_key(e) for e in main}
    for part in sorted(folder.glob("django-*.po")):
        for entry in polib.pofile(str(part)):
            if _key(entry) not in seen and entry.msgid:
                seen.add(_key(entry))
                main.append(entry)
    return main


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django*.po into django.mo when out of date."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for main_po in Path(locale_dir).glob("*/LC_MESSAGES/django.po"):
                folder = main_po.parent
                mo_path = folder / "django.mo"
                sources = [main_po, *folder.glob("django-*.po")]
                newest = max(p.stat().st_mtime for p in sources)
                if mo_path.exists() and mo_path.stat().st_mtime >= newest:
                    continue
                merged_catalogue(folder).save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 0:
            self.stdout.write(f"translations: {compiled} catalogue(s) compiled")
