"""``python -m geo check``: the stored incidents that break today's rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from geo.cli import main
from tests.geo.incident_factory import make_incident
from tests.geo.storage.test_store import insert_past_validation


@pytest.fixture
def env(monkeypatch, store, store_url, tmp_path):
    """The command pointed at the (migrated, empty) test store, never seeded from a CSV."""
    monkeypatch.setenv("GEO_DATABASE_URL", store_url)
    monkeypatch.setenv("GEO_INCIDENTS_CSV", str(tmp_path / "no-seed.csv"))
    return store


def test_a_store_meeting_todays_rules_passes(env, capsys):
    env.upsert_many([make_incident()])
    assert main(["check"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "every stored incident meets today's rules" in err


def test_each_problem_of_each_breaking_row_is_one_line_and_the_exit_status_is_1(env, capsys):
    good = make_incident()
    old = make_incident(date=make_incident().date.replace(year=2019), country="XX", summary="s" * 50_001)
    away = make_incident(event_type="drone", lat=51.5, lon=-0.1)  # in London, filed under Iraq
    env.upsert_many([good])
    insert_past_validation(env, old)
    insert_past_validation(env, away)
    env.soft_delete(away.id, user="alice")
    assert main(["check"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[:2] == [
        f"{old.id}: country: 'XX' is not an ISO 3166-1 alpha-2 code of a country",
        f"{old.id}: summary: 50,001 characters; at most 50,000",
    ]
    assert len(lines) == 3 and lines[2].startswith(f"{away.id} (deleted): ")
    assert err.strip() == "error: 2 stored incidents break today's rules; fix them in the Edit tab or re-import them"
