"""Concurrent registration: 20 registrars at once get 20 distinct consecutive numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from techbridge.contracts import services
from techbridge.contracts.models import TechnologyContract
from techbridge.contracts.numbering import parse_number
from techbridge.contracts.tests.conftest import contract_data

N = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_registrations_get_consecutive_numbers(personas, codes):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite's in-memory test database cannot be shared by threads; "
            "there IMMEDIATE transactions serialise writers (sequential numbering is tested "
            "in test_workflow)."
        )
    pks = []
    for i in range(N):
        contract = services.contract_create(
            actor=personas.owner, **contract_data(personas, name=f"并发合同{i}")
        )
        services.contract_submit(actor=personas.owner, contract=contract)
        pks.append(contract.pk)
    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def register(pk: int) -> None:
        try:
            contract = TechnologyContract.objects.get(pk=pk)
            barrier.wait(timeout=30)
            services.contract_certify_and_register(actor=personas.staff, contract=contract)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(pk,)) for pk in pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = list(TechnologyContract.objects.values_list("registration_number", flat=True))
    assert len(set(numbers)) == N and None not in numbers
    sequences = sorted(parse_number(n)[2] for n in numbers)
    assert sequences == list(range(1, N + 1))
