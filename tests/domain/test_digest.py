from datetime import UTC, datetime

from secretariat_app.domain.digest import next_digest_instant


def test_the_digest_goes_out_at_seven_in_the_recipients_morning():
    # 09:00 UTC is 12:00 in Moscow: the next 07:00 there is tomorrow, 04:00 UTC.
    assert next_digest_instant(datetime(2025, 6, 2, 9, 0, tzinfo=UTC), "Europe/Moscow") == \
        datetime(2025, 6, 3, 4, 0, tzinfo=UTC)
    # 01:00 UTC is 06:00 in Almaty (UTC+5): today at 07:00, 02:00 UTC.
    assert next_digest_instant(datetime(2025, 6, 2, 1, 0, tzinfo=UTC), "Asia/Almaty") == \
        datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
    # Exactly 07:00 local is that digest; an unknown zone counts as UTC.
    assert next_digest_instant(datetime(2025, 6, 2, 7, 0, tzinfo=UTC), "Nowhere/Else") == \
        datetime(2025, 6, 2, 7, 0, tzinfo=UTC)
