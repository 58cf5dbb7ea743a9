"""The Ingest page under AppTest: paste or upload a report, review, save, and refuse bad input.

Each test gets its own empty store (``GEO_DATABASE_URL`` in a temporary folder, the way
``tests/ui/seed.py`` builds one), so that saving here never changes what the other page tests
count in the shared seeded store. The report text is written for this test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.config import get_settings
from geo.storage.store import Store
from tests.ui.seed import XSS_SCRIPT, store_env

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "3_Ingest.py")
KEY = "ia_ingest"
PUBLISHED = dt.date(2023, 5, 11)  # a Thursday

REPORT = (
    f"Three rockets struck the Ain al-Asad air base on Wednesday {XSS_SCRIPT}; nobody was hurt, according to "
    "a spokesman for the base.\n\n"
    "Hours later two drones were shot down near Erbil airport, Kurdish officials said."
)


@pytest.fixture
def store_settings(tmp_path, monkeypatch):
    """An empty store of this test's own, named through the environment as the app reads it."""
    for key, value in store_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    settings = get_settings()
    Store.open(settings, seed=False).dispose()
    return settings


def stored(settings) -> list:
    store = Store.open(settings, seed=False)
    try:
        return store.all()
    finally:
        store.dispose()


EDITOR = "test-editor"


def page():
    """The page as a signed-in editor sees it (the sign-in itself is tested in test_auth_gate)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["atlas_editor"] = EDITOR
    at.run()
    assert not at.exception
    return at


def submit(at, text: str = "", *, outlet: str = "Test Wire", url: str = "", upload=None, published=PUBLISHED):
    at.text_area(key=f"{KEY}_text").input(text)
    if published is not None:
        at.date_input(key=f"{KEY}_published").set_value(published)
    at.text_input(key=f"{KEY}_outlet").input(outlet)
    at.text_input(key=f"{KEY}_url").input(url)
    if upload is not None:
        at.get("file_uploader")[0].set_value(upload)
    next(b for b in at.button if b.label == "Extract incidents").click()
    at.run()
    assert not at.exception
    return at


def save(at):
    at.button(key=f"{KEY}_save").click()
    at.run()
    assert not at.exception
    return at


def evidence_html(at) -> list[str]:
    return [md.value for md in at.markdown if "<mark" in md.value]


def test_a_pasted_report_is_proposed_with_escaped_evidence_and_saved(store_settings):
    at = submit(page(), REPORT)
    assert not at.error
    assert at.subheader[0].value == "2 proposed incidents"
    html = evidence_html(at)
    assert len(html) == 2, [e.label for e in at.expander]
    joined = "\n".join(html)
    # The report's markup reaches the page as text: escaped, never as a live tag.
    assert "&lt;script&gt;" in joined and "<script>" not in joined
    assert "<mark" in joined and "Ain al-Asad" in joined
    labels = [e.label for e in at.expander]
    assert any("Ain al" in lab for lab in labels) and any("Erbil" in lab for lab in labels), labels

    save(at)
    assert at.success and "2 added" in at.success[0].value
    incidents = stored(store_settings)
    assert sorted(i.site_id for i in incidents) == ["ain-al-asad", "erbil-airport"]
    asad = next(i for i in incidents if i.site_id == "ain-al-asad")
    assert (asad.date, asad.event_type, asad.munitions, asad.killed, asad.injured) == (
        dt.date(2023, 5, 10),
        "rocket",
        3,
        0,
        0,
    )
    assert [s.outlet for s in asad.sources] == ["Test Wire"]


def test_proposals_come_weakest_first_and_say_which_sentence_named_the_actor(store_settings):
    text = (
        "A drone struck a base in Syria, officials said. "
        "Three rockets hit Ain al-Asad air base on Wednesday. Kataib Hezbollah claimed the attack on Wednesday."
    )
    at = submit(page(), text)
    labels = [e.label for e in at.expander]
    assert len(labels) == 2 and "Syria" in labels[0] and "Ain al" in labels[1], labels  # country, no date: weakest
    scores = [float(label.rsplit(" ", 1)[1].replace("\\", "")) for label in labels]  # md_escape escapes the dot
    assert scores == sorted(scores)
    said = [md.value for md in at.markdown if md.value.startswith("Actor ")]
    assert any("Kataib Hezbollah" in m and "claimed the attack on Wednesday" in m for m in said), said
    assert any("no sentence of the report names who did it" in m for m in said), said

    save(at)
    kh = next(i for i in stored(store_settings) if i.site_id == "ain-al-asad")
    assert (kh.actor, kh.actor_family, kh.attribution) == ("Kataib Hezbollah", "iran_aligned", "claimed")


def test_the_same_report_again_adds_a_source_not_a_duplicate(store_settings):
    save(submit(page(), REPORT, outlet="Test Wire", url="https://example.org/wire/1"))
    assert len(stored(store_settings)) == 2

    # The same attacks told by another outlet: one more source on each, no new incident.
    at = save(submit(page(), REPORT, outlet="Other Paper", url="https://example.org/paper/7"))
    assert at.success and "0 added" in at.success[0].value and "2 updated" in at.success[0].value
    incidents = stored(store_settings)
    assert len(incidents) == 2
    assert all(sorted(s.outlet for s in i.sources) == ["Other Paper", "Test Wire"] for i in incidents)

    # And the very same report once more: nothing changes.
    at = save(submit(page(), REPORT, outlet="Other Paper", url="https://example.org/paper/7"))
    assert at.success and "0 added" in at.success[0].value
    assert len(stored(store_settings)) == 2
    assert all(len(i.sources) == 2 for i in stored(store_settings))


def test_empty_text_is_refused_and_nothing_is_stored(store_settings):
    at = submit(page(), "   \n  ")
    assert [e.value for e in at.error] == [
        "There is no report to read: paste its text in the box above, or upload a .txt or .html file."
    ]
    assert not at.subheader  # no review section
    assert not [b for b in at.button if b.key == f"{KEY}_save"]
    assert stored(store_settings) == []


def test_the_uploader_states_the_real_size_limit(store_settings):
    """The uploader's "Limit ... per file" is the reader's 2 MB, not Streamlit's default 200 MB."""
    (uploader,) = page().get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 2
    assert "2 MB" in uploader.label


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(store_settings):
    at = submit(page(), "", upload=("big.txt", b"a " * (1024 * 1024 + 10), "text/plain"))
    assert at.error and "the limit is 2 MB" in at.error[0].value
    assert stored(store_settings) == []


def test_a_binary_upload_is_refused(store_settings):
    blob = b"PK\x03\x04" + b"\x00" * 64 + b"word/document.xml"
    at = submit(page(), "", upload=("report.txt", blob, "text/plain"))
    assert at.error and "binary" in at.error[0].value
    assert not at.subheader
    assert stored(store_settings) == []


def test_a_report_without_an_attack_says_so(store_settings):
    at = submit(page(), "The defence ministers met in Baghdad on Tuesday to discuss the coalition's future.")
    assert not at.error
    assert at.subheader[0].value == "0 proposed incidents"
    assert any("No attack with a place and a date" in c.value for c in at.caption)


def test_a_report_in_another_language_says_how_it_was_read_next_to_its_proposals(store_settings):
    at = submit(page(), "Hier, deux drones ont visé la base aérienne d'Ain al-Asad, dans l'ouest de l'Irak, sans faire de victimes.")
    assert at.subheader[0].value == "1 proposed incident"  # not "incident(s)"
    assert any("Language: French, read through a word-for-word English gloss" in c.value for c in at.caption)
    assert any("English gloss" in i.value and "French" in i.value for i in at.info)
    gloss, proposal = [e.label for e in at.expander]
    assert gloss == "The English gloss the rules read" and "Ain al" in proposal
    assert any(t.value.startswith("Yesterday, two drones targeted the Ain al-Asad air base") for t in at.text)


def test_a_report_in_an_unsupported_language_is_flagged_not_silently_empty(store_settings):
    at = submit(page(), "آج ایک امریکی اڈے پر راکٹ گرے، سیکیورٹی ذرائع نے بتایا کہ کوئی جانی نقصان نہیں ہوا۔ یہ ایک ماہ کے اندر ملک میں تیسرا حملہ تھا۔")
    assert at.subheader[0].value == "0 proposed incidents"
    assert any("Language: Urdu, not supported" in w.value for w in at.warning)
    assert any("does not read" in i.value for i in at.info)


def test_an_english_report_names_its_language_quietly(store_settings):
    at = submit(page(), REPORT)
    assert any(c.value == "Language: English, read by the English rules" for c in at.caption)
    assert not at.warning


def test_saved_incidents_are_audited_under_the_editor_who_saved_them(store_settings):
    save(submit(page(), REPORT))
    store = Store.open(store_settings, seed=False)
    try:
        users = {entry["user"] for entry in store.audit(limit=10)}
    finally:
        store.dispose()
    assert users == {EDITOR}


def test_a_viewer_gets_the_sign_in_prompt_and_no_report_box(store_settings):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert not at.text_area and not at.get("file_uploader")
    assert any("editor sign-in" in info.value for info in at.info)


# --- places the gazetteer does not know -------------------------------------------------------------

UNKNOWN_PLACE_REPORT = "Three rockets struck the town of Qaraqosh on Wednesday, police said. Nobody was hurt."


def site_form(at, *, country="IQ", lat=36.2696, lon=43.3767, aliases="", site_id=None):
    """Fill in the new-site form for the selected unresolved place."""
    by_label = {w.label: w for w in at.text_input}
    if site_id is not None:
        by_label["id (slug)"].input(site_id)
    by_label["country (ISO2)"].input(country)
    by_label["aliases (other spellings, separated by |)"].input(aliases)
    by_label["source of the coordinates"].input("OSM")
    numbers = {w.label: w for w in at.number_input}
    numbers["lat"].set_value(lat)
    numbers["lon"].set_value(lon)
    return at


def press(at, label: str):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def team_sites(settings):
    from geo.places.teamsites import list_sites

    store = Store.open(settings, seed=False)
    try:
        return list_sites(store)
    finally:
        store.dispose()


def test_adding_an_unresolved_place_stores_it_and_the_report_is_placed_there(store_settings):
    at = submit(page(), UNKNOWN_PLACE_REPORT)
    assert at.subheader[0].value == "0 proposed incidents"
    assert at.selectbox(key=f"{KEY}_unresolved").value == "Qaraqosh"
    assert next(w for w in at.text_input if w.label == "id (slug)").value == "qaraqosh"  # suggested from the name

    at = press(site_form(at, aliases="Bakhdida"), "Add to gazetteer")
    assert not at.error
    assert "Added Qaraqosh (qaraqosh, IQ) to the gazetteer" in at.success[0].value
    assert "1 placed at the new site" in at.success[0].value
    # Extracted again: the rocket attack is now proposed, at the new site, and the place is no longer unknown.
    assert at.subheader[0].value == "1 proposed incident"  # not "incident(s)"
    assert any("Qaraqosh" in e.label for e in at.expander)
    assert "Places not in the gazetteer" not in [s.value for s in at.subheader]
    assert [b.proto.label for b in at.get("download_button")] == ["Download the gazetteer row"]  # kept for curators

    (stored_site,) = team_sites(store_settings)
    assert (stored_site.site.id, stored_site.site.aliases, stored_site.added_by) == ("qaraqosh", ("Bakhdida",), EDITOR)
    store = Store.open(store_settings, seed=False)
    try:
        (entry,) = store.audit("site:qaraqosh")
    finally:
        store.dispose()
    assert (entry["action"], entry["user"]) == ("site-add", EDITOR)

    # Saving places the incident at the team site.
    save(at)
    assert [i.site_id for i in stored(store_settings)] == ["qaraqosh"]


def test_the_next_report_naming_the_place_resolves_it_at_once(store_settings):
    press(site_form(submit(page(), UNKNOWN_PLACE_REPORT)), "Add to gazetteer")
    # Another session, another report: the shared gazetteer already knows the place.
    at = submit(page(), "Two drones hit a checkpoint in Qaraqosh on Tuesday, local officials said.")
    assert at.subheader[0].value == "1 proposed incident"  # not "incident(s)"
    assert "Places not in the gazetteer" not in [s.value for s in at.subheader]


@pytest.mark.parametrize(
    "form, words",
    [
        ({"lat": 33.51, "lon": 36.29}, "outside Iraq"),  # Damascus, given as Iraq
        ({"aliases": "Erbil"}, "already a name of curated site"),  # a curated site of Iraq has that name
        ({"site_id": "erbil"}, "already used by curated site"),
    ],
)
def test_a_bad_or_clashing_site_shows_the_problem_and_stores_nothing(store_settings, form, words):
    at = press(site_form(submit(page(), UNKNOWN_PLACE_REPORT), **form), "Add to gazetteer")
    assert at.error and "The site was not added" in at.error[0].value and words in at.error[0].value
    assert not at.success
    assert at.subheader[0].value == "0 proposed incidents"  # nothing re-extracted
    assert team_sites(store_settings) == ()


def test_checking_a_site_offers_the_csv_row_and_stores_nothing(store_settings):
    at = press(site_form(submit(page(), UNKNOWN_PLACE_REPORT)), "Check the new site")
    assert at.success and "The row is valid" in at.success[0].value
    assert [b.proto.label for b in at.get("download_button")] == ["Download the gazetteer row"]
    assert team_sites(store_settings) == ()


def test_a_viewer_cannot_reach_the_add_button(store_settings):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    # Even with an extraction left in the session, the page stops at the sign-in prompt.
    at.session_state[KEY] = {"text": UNKNOWN_PLACE_REPORT, "notes": (), "result": None}
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.label in ("Add to gazetteer", "Check the new site")]
    assert not at.selectbox and not at.number_input
    assert any("editor sign-in" in info.value for info in at.info)


def test_a_saved_page_is_read_as_an_article_with_its_headline_shown(store_settings):
    page_html = (ROOT / "tests" / "geo" / "data" / "pages" / "saved_report.html").read_bytes()
    at = submit(page(), "", upload=("saved_report.html", page_html, "text/html"))
    infos = [i.value.replace("\\", "") for i in at.info]  # md_escape puts backslashes before punctuation
    assert any("article text taken from the HTML page" in v for v in infos)
    assert any("Drones downed over Harir base" in v for v in infos)
    assert any("2024-03-06" in v for v in infos)
    # The photo caption (Ain al-Asad, 2020) and the related links (Tower 22) are not proposed.
    joined = "\n".join(evidence_html(at))
    assert "Harir" in joined and "Ain al-Asad" not in joined and "Tower 22" not in joined


def test_published_has_no_default_and_extract_asks_for_it(store_settings):
    """An old report pasted without its date is not read against today: Extract asks for the date."""
    at = page()
    assert at.date_input(key=f"{KEY}_published").value is None
    at = submit(at, REPORT, published=None)
    (error,) = at.error
    assert "Set the report's publication date ('Published') first" in error.value
    assert not at.subheader and KEY not in at.session_state
    # Set, the same report is read against it: "on Wednesday" is the day before the Thursday it was published.
    at = submit(at, REPORT)
    assert not at.error and at.session_state[KEY]["published"] == PUBLISHED


def test_a_saved_pages_own_date_fills_an_empty_published_and_says_so(store_settings):
    page_html = (ROOT / "tests" / "geo" / "data" / "pages" / "saved_report.html").read_bytes()
    at = submit(page(), "", upload=("saved_report.html", page_html, "text/html"), published=None)
    assert not at.error
    assert at.session_state[KEY]["published"] == dt.date(2024, 3, 6)
    assert at.date_input(key=f"{KEY}_published").value == dt.date(2024, 3, 6)
    infos = [i.value.replace("\\", "") for i in at.info]
    assert any("'Published' is set to 2024-03-06, the publication date in the page's metadata" in v for v in infos)


@pytest.mark.parametrize(
    ("opening", "where"),
    [("ERBIL, May 11 2023 (Wire) - ", "the dateline “ERBIL, May 11 2023 (Wire) -”"),
     ("Rockets on a base\nPublished 11 May 2023\n", "the 'Published' line “Published 11 May 2023”")],
    ids=["dateline", "published-line"],
)  # fmt: skip
def test_a_pasted_reports_own_date_fills_an_empty_published_and_says_where_from(store_settings, opening, where):
    """Only an uploaded page's metadata date was used: a pasted report with its date at the top was refused."""
    at = submit(page(), opening + REPORT, published=None)
    assert not at.error
    assert at.session_state[KEY]["published"] == PUBLISHED
    assert at.date_input(key=f"{KEY}_published").value == PUBLISHED  # shown in the field it was taken for
    infos = [i.value.replace("\\", "") for i in at.info]
    assert any(f"'Published' is set to 2023-05-11, from {where}" in v for v in infos), infos
    assert at.subheader and at.subheader[0].value.endswith("proposed incidents")  # extracted, not refused


def test_a_pasted_dateline_without_a_year_says_the_year_was_assumed(store_settings, monkeypatch):
    monkeypatch.setenv("GEO_TODAY", "2023-06-01")
    at = submit(page(), "ERBIL, May 11 (Wire) - " + REPORT, published=None)
    assert at.session_state[KEY]["published"] == PUBLISHED
    infos = " ".join(i.value.replace("\\", "") for i in at.info)
    assert "it gives no year: 2023 is the latest year" in infos


def test_a_pasted_report_with_two_dates_at_the_top_is_not_guessed(store_settings):
    at = submit(page(), "Base hit\n2023-05-11\nPublished 12 May 2023\n" + REPORT, published=None)
    (error,) = at.error
    assert "Set the report's publication date ('Published') first" in error.value
    infos = " ".join(i.value.replace("\\", "") for i in at.info)
    assert "more than one date (2023-05-12 in the 'Published' line; 2023-05-11 in a line of its own" in infos
    assert KEY not in at.session_state


def test_a_date_set_by_hand_wins_and_the_reports_own_is_named(store_settings):
    at = submit(page(), "Published 12 May 2023\n" + REPORT)  # PUBLISHED is the 11th
    assert at.session_state[KEY]["published"] == PUBLISHED
    infos = " ".join(i.value.replace("\\", "") for i in at.info)
    assert "The report gives 2023-05-12 as its publication date" in infos


def test_a_phone_cards_save_box_leaves_its_proposal_out_until_the_next_extraction(store_settings):
    """On a phone the table (and its "save" column) is hidden: each card has its own box."""
    at = submit(page(), REPORT)
    boxes = [c for c in at.checkbox if c.label == "Save this incident"]
    assert len(boxes) == 2 and all(b.value for b in boxes)
    weakest_first = sorted(at.session_state[KEY]["result"].candidates, key=lambda c: c.confidence.overall)
    cards = [h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="ia-cards">')]
    assert len(cards) == 2 and all("Confidence" in c and "Date precision" in c for c in cards)
    boxes[0].uncheck()
    at.run()
    save(at)
    assert at.success and "1 added" in at.success[0].value
    assert [i.site_id for i in stored(store_settings)] == [weakest_first[1].site_id]  # the first card's left out
    at = submit(at, REPORT)  # a new extraction: every card's box checked again
    assert all(c.value for c in at.checkbox if c.label == "Save this incident")


def test_the_proposals_map_opens_fitted_to_the_proposals(store_settings):
    # Its frame starts without a size: a fixed view set then left the proposals in a corner at the
    # lowest zoom. The map fits their bounds once it has a size (FitBounds, shared with the Gazetteer).
    at = submit(page(), REPORT)
    (proposals_map,) = at.get("component_instance")
    script = json.loads(proposals_map.proto.json_args)["script"]
    start = script.index("L.latLngBounds(") + len("L.latLngBounds(")
    bounds = json.loads(script[start : script.index("]]", start) + 2])
    table = at.dataframe[0].value
    assert bounds == [[table["lat"].min(), table["lon"].min()], [table["lat"].max(), table["lon"].max()]]
    assert "fitBounds" in script
