"""URL view state: every view round-trips through query parameters; bad links still open."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.view.filters import Filters
from geo.view.viewstate import MAX_VALUE_LENGTH, MAX_VALUES, ViewState, parse_params

D = dt.date

FULL_VIEW = ViewState(
    filters=Filters(
        date_from=D(2021, 6, 27),
        date_to=D(2022, 1, 5),
        actors=("Iran-backed militias", "Qassem al-Jabaryn, a front group"),  # a comma inside a name
        attributions=("claimed", "blamed"),
        event_types=("rocket", "drone"),
        countries=("IQ", "SY"),
        text="green village, Syria",
        intercepted=False,
        families=("iran_aligned", "isis"),
    ),
    center=(33.7856, 42.4411),
    zoom=7,
    selected="inc-2022-01-05-3b6bf80e87",
)


@pytest.mark.parametrize(
    "view",
    [
        ViewState(),
        FULL_VIEW,
        ViewState(filters=Filters(intercepted=True)),
        ViewState(center=(-12.5, -170.25), zoom=1),
    ],
)
def test_round_trip_to_params_and_back(view):
    parsed, notices = parse_params(view.to_params())
    assert notices == []
    assert parsed == view


def test_round_trip_survives_strings_as_a_browser_gives_them():
    # Streamlit hands repeated keys as lists and single ones as strings.
    params = {k: (v if isinstance(v, str) else list(v)) for k, v in FULL_VIEW.to_params().items()}
    assert parse_params(params)[0] == FULL_VIEW


def test_default_view_makes_an_empty_link():
    assert ViewState().to_params() == {}


def test_comma_joined_values_are_split_except_actor_and_text():
    view, notices = parse_params({"type": "rocket,drone", "country": ["iq, sy"], "actor": "A, B", "q": "a,b"})
    assert notices == []
    assert view.filters.event_types == ("rocket", "drone")
    assert view.filters.countries == ("IQ", "SY")
    assert view.filters.actors == ("A, B",)
    assert view.filters.text == "a,b"


def test_duplicate_values_collapse():
    view, _ = parse_params({"type": ["rocket", "ROCKET", "rocket"]})
    assert view.filters.event_types == ("rocket",)


def test_from_after_to_is_swapped_with_a_notice():
    view, notices = parse_params({"from": "2022-01-05", "to": "2021-07-07"})
    assert (view.filters.date_from, view.filters.date_to) == (D(2021, 7, 7), D(2022, 1, 5))
    assert len(notices) == 1 and "swapped" in notices[0]


XSS = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "params, dropped_key",
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2022-02-30"}, "to"),
        ({"from": "1066-10-14"}, "from"),
        ({"type": XSS}, "type"),
        ({"type": "nuke"}, "type"),
        ({"attr": "rumoured"}, "attr"),
        ({"country": "Iraq"}, "country"),
        ({"country": XSS}, "country"),
        ({"icpt": "yes"}, "icpt"),
        ({"lat": "95", "lon": "40"}, "lat"),
        ({"lat": "nan", "lon": "40"}, "lat"),
        ({"lat": "33.3"}, "lat"),
        ({"z": "0"}, "z"),
        ({"z": "19"}, "z"),
        ({"z": "7.5"}, "z"),
        ({"z": "²"}, "z"),  # a digit to str.isdigit(), not to int()
        ({"sel": XSS}, "sel"),
        ({"sel": "x" * 101}, "sel"),
        ({"q": "x" * (MAX_VALUE_LENGTH + 1)}, "q"),
        ({"actor": "x" * (MAX_VALUE_LENGTH + 1)}, "actor"),
        # Bounded before conversion: int() of 4,301 digits raises, float() takes anything long.
        ({"z": "9" * 4301}, "z"),
        ({"z": "0" * 30 + "7"}, "z"),
        ({"lat": "1" * 40, "lon": "40"}, "lat"),
        ({"lat": "١٢", "lon": "40"}, "lat"),  # Arabic-Indic digits: float() reads them, links never hold them
        ({"lat": "inf", "lon": "40"}, "lat"),
        ({"q": "a\x00b"}, "q"),
        ({"from": "2024-01-01\n"}, "from"),
        ({"type": ",".join(["rocket"] * 300)}, "type"),
    ],
)
def test_garbage_is_dropped_with_a_notice_and_never_raises(params, dropped_key):
    view, notices = parse_params(params)
    assert view == ViewState()
    assert len(notices) == 1
    assert f"Ignored link parameter {dropped_key}=" in notices[0]


def test_a_centre_missing_half_after_the_length_bound_is_dropped_whole():
    view, notices = parse_params({"lat": "3" + "0" * 5000, "lon": "40"})
    assert view == ViewState()
    assert notices[0].startswith("Ignored link parameter lat='300") and "longer than 1000 characters" in notices[0]
    assert notices[1] == (
        "Ignored link parameter lon='40': a map centre needs both lat and lon."
    )


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"lat": "999"}, "Ignored link parameter lat='999': not a latitude (a number in [-90, 90])."),
        ({"lat": "999", "lon": "40"}, "Ignored link parameter lat='999': not a latitude (a number in [-90, 90])."),
        ({"lat": "33", "lon": "east"}, "Ignored link parameter lon='east': not a longitude (a number in [-180, 180])."),
        ({"lon": "44"}, "Ignored link parameter lon='44': a map centre needs both lat and lon."),
    ],
)
def test_a_bad_centre_names_the_offending_parameter_as_typed(params, notice):
    view, notices = parse_params(params)
    assert view.center is None and notices == [notice]


def test_notices_shorten_huge_values():
    _, notices = parse_params({"type": "y" * 5000})
    assert len(notices[0]) < 120 and "..." in notices[0]


def test_too_many_values_are_capped_with_one_notice():
    view, notices = parse_params({"type": ["rocket"] * (MAX_VALUES + 10)})
    assert view.filters.event_types == ("rocket",)
    assert notices == [f"Ignored 10 extra type parameters (at most {MAX_VALUES})."]


def test_good_parameters_survive_next_to_bad_ones():
    view, notices = parse_params({"type": ["rocket", "nuke"], "z": "99", "country": "sy"})
    assert view.filters.event_types == ("rocket",)
    assert view.filters.countries == ("SY",)
    assert view.zoom is None
    assert len(notices) == 2


def test_unknown_actors_are_dropped_when_the_known_list_is_given():
    view, notices = parse_params({"actor": ["Iran", XSS]}, known_actors=["Iran", "United States"])
    assert view.filters.actors == ("Iran",)
    assert len(notices) == 1 and "unknown value" in notices[0]


def test_free_text_is_kept_verbatim_for_the_ui_to_escape():
    # The text box shows what the link said; it is data, never markup, and the UI escapes it.
    view, notices = parse_params({"q": XSS})
    assert notices == [] and view.filters.text == XSS


def test_last_value_wins_for_single_valued_keys():
    view, _ = parse_params({"z": ["3", "8"], "sel": ["a", "b"]})
    assert (view.zoom, view.selected) == (8, "b")


def test_with_filters_changes_only_the_filters():
    view = FULL_VIEW.with_filters(text="", countries=())
    assert view.filters.text == "" and view.filters.countries == ()
    assert (view.center, view.zoom, view.selected) == (FULL_VIEW.center, FULL_VIEW.zoom, FULL_VIEW.selected)


def test_families_read_keys_or_labels_and_drop_the_unknown_with_a_notice():
    view, notices = parse_params({"fam": ["Iran-aligned militias", "us,isis", "martians"]})
    assert view.filters.families == ("iran_aligned", "us", "isis")
    assert notices == ["Ignored link parameter fam='martians': unknown value."]


def test_a_link_from_before_families_shows_every_family():
    view, notices = parse_params({"actor": ["Kataib Hezbollah"], "attr": ["claimed"]})
    assert view.filters.families == () and notices == []
