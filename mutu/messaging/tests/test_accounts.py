import pytest
from django.utils import timezone

from mutu.messaging.accounts import account_for, normalise_phone, template_for, whatsapp_contact_for_phone
from mutu.messaging.models import ChannelAccount, MessageTemplate, Platform, TemplatePurpose


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("12", ""),
        ("", ""),
        ("bukan nomor", ""),
    ],
)
def test_phone_numbers_are_written_as_whatsapp_writes_them(raw, expected):
    assert normalise_phone(raw) == expected


def test_a_unit_with_its_own_number_uses_it_and_others_share_the_instansi_number(chat_world):
    w = chat_world
    own = ChannelAccount.objects.create(
        platform=Platform.WHATSAPP,
        external_id="999",
        instansi=w.bontang,
        unit=w.dukcapil,
        display_name="Dukcapil",
        created_at=timezone.now(),
    )

    assert account_for(platform=Platform.WHATSAPP, unit=w.dukcapil) == own
    assert account_for(platform=Platform.WHATSAPP, unit=w.dpmptsp) == w.wa_account
    assert account_for(platform=Platform.WHATSAPP, instansi=w.bontang) == w.wa_account
    assert account_for(platform=Platform.WHATSAPP, unit=w.bpjs) is None


def test_a_units_own_template_wins_over_the_account_default(chat_world):
    w = chat_world
    MessageTemplate.objects.create(
        account=w.wa_account, unit=w.dukcapil, purpose=TemplatePurpose.QUEUE_CALLED, name="dukcapil_dipanggil"
    )

    assert template_for(account=w.wa_account, purpose=TemplatePurpose.QUEUE_CALLED, unit=w.dukcapil).name == (
        "dukcapil_dipanggil"
    )
    assert template_for(account=w.wa_account, purpose=TemplatePurpose.QUEUE_CALLED, unit=w.dpmptsp).name == (
        "mutu_queue_called"
    )


def test_the_same_number_typed_twice_is_one_contact(db):
    now = timezone.now()
    first = whatsapp_contact_for_phone(phone="0812 3456 7890", now=now)
    second = whatsapp_contact_for_phone(phone="+6281234567890", now=now)

    assert first == second and first.phone == "6281234567890"
    with pytest.raises(ValueError):
        whatsapp_contact_for_phone(phone="abc", now=now)
