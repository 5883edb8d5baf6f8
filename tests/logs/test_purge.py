"""manage.py purge_logs: old rows go, in batches, with progress; recent rows and replays stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from logs.models import RequestLog
from logs.services import parse_age
from tests.logs.factories import days, make_log


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_logs", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "age"),
    [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("2w", timedelta(weeks=2)), ("7", timedelta(days=7))],
)
def test_parse_age(text, age):
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "0d", "-3d", "30m", "thirty"])
def test_parse_age_refuses_nonsense(text):
    with pytest.raises(ValueError, match="is not an age like 30d"):
        parse_age(text)


def test_purge_deletes_only_old_rows_in_batches(db):
    old = [make_log(age=days(40 + n)) for n in range(5)]
    recent = [make_log(age=days(n)) for n in range(3)]
    output = purge("--older-than", "30d", "--batch-size", "2")
    assert set(RequestLog.objects.values_list("pk", flat=True)) == {row.pk for row in recent}
    lines = output.splitlines()
    assert lines[0].startswith("Removing rows created before ")
    assert lines[0].endswith(" in batches of 2 ids.")
    first = old[0].pk
    assert lines[1:] == [
        f"  … removed 2 (up to id {first + 1}), 2 so far",
        f"  … removed 2 (up to id {first + 3}), 4 so far",
        f"  … removed 1 (up to id {first + 5}), 5 so far",
        "Removed 5 request log rows.",
    ]


def test_default_age_is_the_retention_setting(db, settings):
    settings.LOG_RETENTION_DAYS = 10
    make_log(age=days(11))
    keep = make_log(age=days(9))
    from logs.management.commands import purge_logs

    parser = purge_logs.Command().create_parser("manage.py", "purge_logs")
    assert parser.parse_args([]).older_than == "10d"
    assert purge("--older-than", parser.parse_args([]).older_than).endswith("Removed 1 request log rows.\n")
    assert list(RequestLog.objects.values_list("pk", flat=True)) == [keep.pk]


def test_a_replay_outlives_its_purged_original(db):
    original = make_log(age=days(60))
    replayed = make_log(age=days(1), replay_of=original)
    purge("--older-than", "30d")
    replayed.refresh_from_db()
    assert replayed.replay_of is None
    assert list(RequestLog.objects.all()) == [replayed]


def test_nothing_to_purge(db):
    make_log(age=days(1))
    assert purge("--older-than", "30d").splitlines()[-1] == "Removed 0 request log rows."
    assert RequestLog.objects.count() == 1


def test_dry_run_deletes_nothing(db):
    make_log(age=days(40))
    assert purge("--older-than", "30d", "--dry-run").startswith("Would remove 1 rows created before ")
    assert RequestLog.objects.count() == 1


def test_bad_arguments_are_command_errors(db):
    with pytest.raises(CommandError, match="'soon' is not an age like 30d"):
        purge("--older-than", "soon")
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        purge("--batch-size", "0")
