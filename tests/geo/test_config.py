"""Settings from the environment: the online tiles setting (GEO_TILES, GEO_TILES_ATTRIBUTION)."""

from __future__ import annotations

import pytest

from geo.config import OSM_TILES, TileSource, get_settings, parse_tiles
from geo.errors import ValidationError


@pytest.mark.parametrize("value", [None, "", "  ", "auto", "AUTO", " Auto "])
def test_tiles_default_to_openstreetmap_probed_in_the_browser(value):
    assert parse_tiles(value) == OSM_TILES
    assert OSM_TILES.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in OSM_TILES.attribution


@pytest.mark.parametrize("value", ["off", "OFF", " Off "])
def test_tiles_off_means_no_tile_source_at_all(value):
    assert parse_tiles(value, "ignored") is None


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://tiles.example.org/{z}/{x}/{y}.png", "tiles.example.org tiles"),
        ("http://127.0.0.1:8080/osm/{z}/{x}/{y}.png", "127.0.0.1 tiles"),
        ("https://{s}.tiles.example.org/{z}/{x}/{-y}{r}.png?key=abc", "tiles.example.org tiles"),
    ],
)
def test_a_tile_url_template_with_its_credit_is_a_tile_source(url, name):
    source = parse_tiles(f"  {url} ", " &copy; Our team ")
    assert source == TileSource(url=url, attribution="&copy; Our team", name=name)


@pytest.mark.parametrize(
    ("value", "attribution", "variable", "says"),
    [
        ("osm", None, "GEO_TILES", "not auto, off or a tile URL"),
        ("on", None, "GEO_TILES", "not auto, off or a tile URL"),
        ("tiles.example.org/{z}/{x}/{y}.png", "c", "GEO_TILES", "not auto, off or a tile URL"),
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", "c", "GEO_TILES", "not auto, off or a tile URL"),
        ("https:///{z}/{x}/{y}.png", "c", "GEO_TILES", "not auto, off or a tile URL"),
        ("https://tiles.example.org/{z}/{x}.png", "c", "GEO_TILES", "needs the placeholders"),
        ("https://tiles.example.org/tile.png", "c", "GEO_TILES", "needs the placeholders"),
        ("https://tiles.example.org/{z}/{x}/{y}.png?k={apikey}", "c", "GEO_TILES", "unknown placeholder(s) {apikey}"),
        ("https://tiles.example.org/{z}/{x}/{y}.png?a=1 b", "c", "GEO_TILES", "spaces, quotes"),
        ('https://tiles.example.org/{z}/{x}/{y}.png"><script>', "c", "GEO_TILES", "spaces, quotes"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", None, "GEO_TILES_ATTRIBUTION", "must be set"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "   ", "GEO_TILES_ATTRIBUTION", "must be set"),
    ],
)
def test_a_bad_tiles_setting_is_an_error_naming_the_variable(value, attribution, variable, says):
    with pytest.raises(ValidationError) as caught:
        parse_tiles(value, attribution)
    (problem,) = caught.value.problems
    assert problem.field == variable and problem.source == "environment"
    assert says in problem.reason
    assert variable in str(caught.value)


def test_get_settings_reads_the_tiles_setting_from_the_environment():
    assert get_settings({}).tiles == OSM_TILES
    assert get_settings({"GEO_TILES": "off"}).tiles is None
    env = {"GEO_TILES": "https://t.example.org/{z}/{x}/{y}.png", "GEO_TILES_ATTRIBUTION": "Team"}
    assert get_settings(env).tiles == TileSource("https://t.example.org/{z}/{x}/{y}.png", "Team", "t.example.org tiles")
    with pytest.raises(ValidationError, match="GEO_TILES"):
        get_settings({"GEO_TILES": "maybe"})


# --- the clock: one UTC helper for every "now" the library takes -------------------------------


def test_utc_instant_is_the_given_time_in_utc_or_now():
    import datetime as dt

    from geo.config import utc_instant

    baghdad = dt.timezone(dt.timedelta(hours=3))
    assert utc_instant(dt.datetime(2024, 3, 4, 12, 30, tzinfo=baghdad)) == dt.datetime(
        2024, 3, 4, 9, 30, tzinfo=dt.timezone.utc
    )
    assert utc_instant(dt.datetime(2024, 3, 4, 12, 30, tzinfo=baghdad)).tzinfo is dt.timezone.utc
    before = dt.datetime.now(dt.timezone.utc)
    assert before <= utc_instant() <= dt.datetime.now(dt.timezone.utc)
    with pytest.raises(ValueError, match="created_at must be timezone-aware"):
        utc_instant(dt.datetime(2024, 3, 4, 12, 30), name="created_at")
    # Read back from the store (SQLite hands times back naive), naive means the UTC it was written in.
    assert utc_instant(dt.datetime(2024, 3, 4, 12, 30), stored=True) == dt.datetime(
        2024, 3, 4, 12, 30, tzinfo=dt.timezone.utc
    )


def test_every_injectable_now_goes_through_the_one_helper():
    """Lockouts, team sites and backups take ``now=`` alike: a naive time is refused everywhere
    (the lockout used to read it as the server's local time)."""
    import datetime as dt

    from geo.lockout import MemoryBook, SignInGuard

    naive = dt.datetime(2024, 3, 4, 12, 30)
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        SignInGuard(MemoryBook()).failed(["user:alice"], now=naive)
    folded = {"geo.lockout": "_utc", "geo.places.teamsites": "_now", "geo.storage.backup": "_utc_instant"}
    for module, helper in folded.items():  # the three variants this helper replaced stay gone
        assert not hasattr(__import__(module, fromlist=["x"]), helper)
