"""The kit for domain apps (issue 9 item 14): actor, service errors, numbering, events,
attachments, field lists. Each test names the part of the kit it holds to its promise."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import RequestFactory

from techbridge.core.actors import actor_or_none, is_active_user
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.forms import report_error, submit_form
from techbridge.core.masking import PERSONAL_FIELDS, mask_field
from techbridge.core.models import SequenceCounter
from techbridge.core.sequences import advance_to, last_number, next_number


@pytest.fixture
def codes(db: None) -> None:
    from techbridge.codes.services import load_code_lists

    load_code_lists()


# --- actor -------------------------------------------------------------------------------


def test_actor_or_none_keeps_only_signed_in_users(personas):
    assert actor_or_none(personas.owner) == personas.owner
    assert actor_or_none(AnonymousUser()) is None
    assert actor_or_none(None) is None


def test_is_active_user_refuses_anonymous_and_deactivated(personas):
    assert is_active_user(personas.owner)
    personas.owner.is_active = False
    assert not is_active_user(personas.owner)
    assert not is_active_user(AnonymousUser())
    assert not is_active_user(None)


def test_one_masking_map_for_every_personal_field():
    assert mask_field("contact_phone", "13912345678") == "139****5678"
    assert mask_field("phone", "13912345678") == "139****5678"
    assert mask_field("email", "li@example.cn") == "l***@example.cn"
    assert mask_field("title", "公开标题") == "公开标题"
    assert set(PERSONAL_FIELDS) >= {"contact_name", "contact_phone", "contact_email"}


# --- service errors in views ------------------------------------------------------------


class _NameForm(forms.Form):
    name = forms.CharField(max_length=5)


def _post(data: dict[str, str]) -> Any:
    request = RequestFactory().post("/x/", data)
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_submit_form_answers_one_status_per_outcome():
    get = RequestFactory().get("/x/")
    assert submit_form(get, _NameForm(), lambda: 1).status == 200

    invalid = _NameForm({"name": "far too long"})
    done = submit_form(_post({}), invalid, lambda: pytest.fail("service called"))
    assert (done.status, done.saved) == (400, False)

    refused = _NameForm({"name": "ok"})

    def validation() -> None:
        raise ValidationError({"name": ["taken"], "hidden": ["not on the form"]})

    done = submit_form(_post({}), refused, validation)
    assert done.status == 400
    assert refused.errors["name"] == ["taken"]
    assert refused.non_field_errors() == ["not on the form"]

    for exc in (ConflictError(), TransitionError("not now")):
        form = _NameForm({"name": "ok"})

        def conflict(exc: Exception = exc) -> None:
            raise exc

        done = submit_form(_post({}), form, conflict)
        assert done.status == 409 and form.non_field_errors() == [exc.message]  # type: ignore[attr-defined]

    done = submit_form(_post({}), _NameForm({"name": "ok"}), lambda: "saved")
    assert (done.status, done.saved, done.value) == (200, True, "saved")


def test_report_error_statuses():
    request = _post({})
    assert report_error(request, ConflictError()) == 409
    assert report_error(request, TransitionError("no")) == 409
    assert report_error(request, ValidationError("bad")) == 400
    with pytest.raises(KeyError):
        report_error(request, KeyError("not a service refusal"))


def test_invalid_form_posts_answer_400_in_every_app(personas):
    """Organisations answered 200, brokerage 400: now one status everywhere."""
    client = personas.client_for(personas.staff)
    response = client.post("/organisations/new/", {"name": ""})
    assert response.status_code == 400
    response = personas.client_for(personas.owner).post("/contracts/new/", {"name": ""})
    assert response.status_code == 400


# --- numbering --------------------------------------------------------------------------


@pytest.mark.django_db
def test_next_number_counts_per_scope_without_gaps():
    with transaction.atomic():
        assert [next_number("kit:a") for _ in range(3)] == [1, 2, 3]
        assert next_number("kit:b") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("kit:a") == 4
        raise RuntimeError("the numbered thing failed")
    # The failed transaction did not use the number up.
    with transaction.atomic():
        assert next_number("kit:a") == 4
    assert last_number("kit:a") == 4 and last_number("kit:none") == 0


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    # Outside a transaction the number would be used up even if the caller then failed.
    with pytest.raises(RuntimeError):
        next_number("kit:a")


@pytest.mark.django_db
def test_advance_to_moves_forward_only():
    with transaction.atomic():
        advance_to("kit:c", 41)
        advance_to("kit:c", 7)
        assert next_number("kit:c") == 42


@pytest.mark.django_db(transaction=True)
def test_next_number_is_gapless_under_concurrency():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite's in-memory test database is not shared by threads.")
    n = 16
    barrier = threading.Barrier(n)
    got: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                got.append(next_number("kit:threads"))
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(got) == list(range(1, n + 1))


@pytest.mark.django_db
def test_registration_counters_move_to_the_kernel_and_continue():
    """The data migration copies each (year, office) counter; the next registration
    number follows the last one given before the migration."""
    import importlib

    from techbridge.contracts import numbering

    migration = importlib.import_module("techbridge.contracts.migrations.0002_sequence_counter")
    old = [SimpleNamespace(year=2026, office="52010001", last=122)]

    class _Counters:
        objects = SimpleNamespace(all=lambda: old)

    apps = SimpleNamespace(
        get_model=lambda app, name: _Counters if name == "RegistrationCounter" else SequenceCounter
    )
    migration.to_sequences(apps, None)
    with transaction.atomic():
        number = numbering.next_number(year=2026, office="52010001")
    assert number == "2026520100010000123"


# --- events -----------------------------------------------------------------------------

EVENT_COLUMNS = {"kind", "from_state", "to_state", "actor", "at", "note", "data"}


def test_every_event_table_has_the_same_columns():
    from techbridge.brokerage.models import DealEvent
    from techbridge.catalogue.models import RecordEvent
    from techbridge.contracts.models import ContractEvent

    for model in (RecordEvent, ContractEvent, DealEvent):
        names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
        assert names >= EVENT_COLUMNS, (model.__name__, EVENT_COLUMNS - names)


def test_record_event_writes_one_row_in_the_shared_columns(personas, codes):
    from techbridge.contracts import services
    from techbridge.contracts.models import ContractEvent
    from techbridge.contracts.tests.conftest import contract_data
    from techbridge.core.events import record_event

    contract = services.contract_create(actor=personas.owner, **contract_data(personas))
    event = record_event(
        ContractEvent,
        subject=contract,
        actor=AnonymousUser(),
        kind="returned",
        from_state="submitted",
        to_state="returned",
        note="缺少说明",
        data={"fields": ["name"]},
    )
    event.refresh_from_db()
    assert (event.contract_id, event.kind, event.actor_id) == (contract.pk, "returned", None)
    assert (event.from_state, event.to_state, event.note) == ("submitted", "returned", "缺少说明")
    assert event.data == {"fields": ["name"]} and event.at is not None
    with pytest.raises(ValueError):
        record_event(ContractEvent, subject=contract, actor=None, kind="no-such-kind")


def test_catalogue_history_reads_the_shared_columns(personas):
    """The record page's history shows status changes from the shared columns."""
    from techbridge.catalogue import selectors
    from techbridge.catalogue import services as catalogue

    record = catalogue.record_create(
        actor=personas.owner, kind="achievement", owner=personas.org, title="事件成果",
        technical_field="agriculture",
    )
    catalogue.record_submit(actor=personas.owner, record=record)
    history = list(selectors.record_history(record))
    assert [(e.kind, e.from_state, e.to_state) for e in history] == [
        ("created", "", "draft"),
        ("status", "draft", "submitted"),
    ]
    assert history[0].actor == personas.owner


# --- attachments ------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%kit\n"


def test_store_attachment_checks_and_stores_under_a_random_name(
    personas, codes, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from techbridge.contracts import services
    from techbridge.contracts.models import ContractAttachment
    from techbridge.contracts.tests.conftest import contract_data
    from techbridge.core.attachments import store_attachment

    settings.MEDIA_ROOT = tmp_path
    contract = services.contract_create(actor=personas.owner, **contract_data(personas))
    upload = SimpleUploadedFile("合同 扫描件.pdf", PDF, content_type="application/pdf")
    stored = store_attachment(
        ContractAttachment, subject=contract, actor=personas.owner, upload=upload
    )
    stored.refresh_from_db()
    assert (stored.contract_id, stored.original_name) == (contract.pk, "合同 扫描件.pdf")
    assert (stored.content_type, stored.size, stored.uploaded_by) == (
        "application/pdf", len(PDF), personas.owner,
    )
    assert stored.file.name.startswith("contracts/attachments/") and "合同" not in stored.file.name
    response = stored.download()
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    disguised = SimpleUploadedFile("run.pdf", b"#!/bin/sh\n", content_type="application/pdf")
    with pytest.raises(ValidationError):
        store_attachment(ContractAttachment, subject=contract, actor=None, upload=disguised)
    assert ContractAttachment.objects.count() == 1


def test_every_attachment_table_has_the_same_columns():
    from techbridge.brokerage.models import DealAttachment
    from techbridge.contracts.models import ContractAttachment
    from techbridge.core.models import AttachmentBase

    for model in (ContractAttachment, DealAttachment):
        assert issubclass(model, AttachmentBase)


# --- field lists ------------------------------------------------------------------------


def test_contract_field_lists_come_from_one_place():
    from techbridge.contracts import fields, importers, services
    from techbridge.contracts.api import ContractOutput
    from techbridge.contracts.forms import ContractForm

    assert tuple(ContractForm._meta.fields) == fields.CONTRACT_FIELDS
    assert services.EDITABLE_FIELDS is fields.CONTRACT_FIELDS
    assert tuple(ContractOutput.Meta.fields) == fields.OUTPUT_FIELDS
    assert set(fields.CONTRACT_FIELDS) <= set(fields.OUTPUT_FIELDS)
    assert tuple(importers.EXPORT_HEADERS) == fields.EXPORT_HEADERS
