"""URL converter for record kinds: the URL says ``achievements``, views get ``achievement``."""

from __future__ import annotations

from techbridge.catalogue.kinds import KINDS, PLURALS

_SINGULAR_TO_PLURAL = {kind: plural for plural, kind in PLURALS.items()}


class KindConverter:
    regex = "|".join(PLURALS)

    def to_python(self, value: str) -> str:
        return PLURALS[value]

    def to_url(self, value: str) -> str:
        if value in PLURALS:
            return value
        if value in KINDS:
            return _SINGULAR_TO_PLURAL[value]
        raise ValueError(value)


class ActionConverter:
    """Only the catalogue's own workflow verbs, so other apps' paths under the same prefix
    (e.g. /api/v1/demands/<id>/matches/) are never shadowed."""

    regex = "submit|publish|return|withdraw|delete|renew|confirm|reveal|withdraw_consent"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ProposalActionConverter(ActionConverter):
    regex = "accept|decline|withdraw"
