"""geo.actors: canonical actors, their aliases and their family."""

from __future__ import annotations

import pytest

from geo.actors import ACTORS, FAMILIES, actor_named, family_key, family_of, family_of_acled

# --- the table ------------------------------------------------------------------------------------


def test_every_actor_has_a_known_family_and_a_unique_name():
    assert all(a.family in FAMILIES for a in ACTORS)
    assert len({a.name for a in ACTORS}) == len(ACTORS)


def test_every_family_but_unknown_has_an_actor():
    assert {a.family for a in ACTORS} == set(FAMILIES) - {"unknown"}


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("Kata'ib Hizbullah", "Kataib Hezbollah"),
        ("the Hezbollah Brigades", "Kataib Hezbollah"),
        ("Harakat Hezbollah al-Nujaba", "Harakat al-Nujaba"),
        ("Kataeb Sayyid al-Shuhada", "Kataib Sayyid al-Shuhada"),
        ("Ashab al-Kahf", "Ashab al-Kahf"),
        ("the al-Thaereen brigade", "Thaereen brigade"),
        ("Qasim al-Jabbarin", "Qassem al-Jabaryn"),
        ("Lebanon's Hezbollah", "Hezbollah"),
        ("Yemen's Houthis", "Houthis"),
        ("the Amaq news agency", "Islamic State"),
        ("Iran's Quds Force", "Iran (IRGC)"),
        ("Global Coalition Against Daesh", "Coalition (non-US)"),
    ],
)
def test_aliases_name_their_canonical_actor(spelling, canonical):
    assert actor_named(spelling).name == canonical


def test_a_group_named_inside_a_longer_name_yields_to_it():
    # Table order: the full name comes first, so "Kataib Hezbollah" is not Lebanese Hezbollah.
    assert actor_named("Kataib Hezbollah fighters").name == "Kataib Hezbollah"


# --- families -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, family",
    [
        ("Islamic Resistance in Iraq", "iran_aligned"),
        ("Saraya Awliya al-Dam", "iran_aligned"),
        ("Iran-backed militias", "iran_aligned"),
        ("Houthis", "iran_aligned"),
        ("IRGC", "iran"),
        ("Military Forces of Iran (1979-)", "iran"),
        ("US forces / US-led coalition", "us"),
        ("Military Forces of the United States (2017-)", "us"),
        ("Operation Inherent Resolve", "coalition"),
        ("Islamic State (Syria)", "isis"),
        ("Military Forces of Turkey (2016-)", "other"),
        ("PKK: Kurdistan Workers Party", "other"),
        ("QSD: Syrian Democratic Forces", "other"),
        ("Unknown", "unknown"),
        ("Unidentified Armed Group (Iraq)", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_family_of_names_and_aliases(actor, family):
    assert family_of(actor) == family


@pytest.mark.parametrize(
    "actor1, assoc, family",
    [
        ("Military Forces of the United States (2017-)", "QSD: Syrian Democratic Forces", "us"),
        ("Unidentified Armed Group (Iraq)", "Kataib Hezbollah", "iran_aligned"),
        ("Unidentified Armed Group (Iraq)", "Labour Group (Iraq); Islamic State (Iraq)", "isis"),
        ("Unidentified Armed Group (Syria)", "", "unknown"),
        ("Military Forces of Turkey (2016-)", "JWS: Syrian National Army", "other"),
        ("Military Forces of Syria (2000-)", "Military Forces of Russia (2000-)", "other"),
        ("Military Forces of Iraq (2018-) Popular Mobilization Forces", "", "iran_aligned"),
    ],
)
def test_an_acled_actor_takes_the_family_of_actor1_else_of_an_associated_actor(actor1, assoc, family):
    assert family_of_acled(actor1, assoc) == family


@pytest.mark.parametrize("value", ["iran_aligned", "Iran-aligned", "IRAN_ALIGNED", "Iran-aligned militias", " iran aligned "])
def test_family_key_reads_keys_and_labels(value):
    assert family_key(value) == "iran_aligned"


@pytest.mark.parametrize("value", ["", None, "militias", "<script>"])
def test_family_key_refuses_anything_else(value):
    assert family_key(value) is None
