"""Editing on the Incidents page under AppTest: save, conflicts, merge, detach, delete, restore, history.

Each test has a store of its own (seeded with :mod:`tests.ui.seed`) and is
signed in as editor alice. "Another editor" is a second :class:`Store` on the
same database, as a colleague's session would be.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.geo.incident_factory import make_incident, make_source
from tests.ui.seed import XSS_ID, XSS_SCRIPT
from ui.editing import audit_changes, form_values, history_frame, incident_from_form, widget_key

PAGE = "pages/1_Incidents.py"


@pytest.fixture
def editor_page(open_page):
    """``editor_page(sel)``: the Incidents page signed in as alice with incident ``sel`` open."""

    def open_(sel: str):
        at = open_page(PAGE, editor="alice", params={"sel": sel})
        assert at.selectbox(key="ia_edit_pick").value == sel
        return at

    return open_


def run(node):
    """Run the app (``node`` is the AppTest or a widget just changed); no exception allowed."""
    at = node.run()
    assert not at.exception, at.exception
    return at


def click(at, name: str):
    return run(at.button(key=widget_key(name)).click())


def save(at):
    return click(at, "save")


def table_with(at, column: str):
    """The first table on the page that has ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def messages(at, kind: str) -> list[str]:
    """The texts of st.error / st.success / ... with Markdown escapes removed."""
    return [e.value.replace("\\", "") for e in getattr(at, kind)]


# --- editing -------------------------------------------------------------------------------------


def test_an_edit_saves_bumps_the_version_and_shows_everywhere(editor_page, store):
    at = editor_page("inc-t1")
    assert at.number_input(key=widget_key("killed")).value == 0
    at.text_area(key=widget_key("summary")).input("Checked against two more reports.")
    at.number_input(key=widget_key("killed")).set_value(None)  # "unknown" is an empty box
    at.selectbox(key=widget_key("status")).set_value("verified")
    save(at)
    assert messages(at, "success") == ["Saved inc-t1 (now version 2)."]
    saved = store.get("inc-t1")
    assert (saved.summary, saved.killed, saved.status) == ("Checked against two more reports.", None, "verified")
    assert store.get_version("inc-t1") == 2
    assert (saved.lat, saved.lon, saved.munitions) == (33.79, 42.44, 5)  # untouched fields stay bit for bit
    (entry,) = store.audit("inc-t1", limit=1)
    assert (entry["user"], entry["action"]) == ("alice", "update")
    # The table (cached on the store version) shows the new text at once.
    table = at.dataframe[0].value
    assert table.loc[table["id"] == "inc-t1", "summary"].iloc[0] == "Checked against two more reports."
    # The form holds the saved version, ready for the next edit.
    assert at.text_area(key=widget_key("summary")).value == "Checked against two more reports."
    assert any(m.value.endswith("· version 2") for m in at.markdown)


def test_invalid_values_are_refused_with_reasons_and_the_input_is_kept(editor_page, store):
    at = editor_page("inc-t1")
    at.text_input(key=widget_key("country")).input("Iq")  # lower case is fine: it is upper-cased
    at.text_input(key=widget_key("actor")).input("")
    save(at)
    assert store.get("inc-t1").country == "IQ" and store.get("inc-t1").actor == "Unknown"

    at.text_input(key=widget_key("country")).input("X1")
    save(at)
    (error,) = messages(at, "error")
    assert error.startswith("Not saved: these fields need fixing.") and "country: 'X1' is not an ISO 3166-1" in error
    assert at.text_input(key=widget_key("country")).value == "X1"
    assert store.get("inc-t1").country == "IQ" and store.get_version("inc-t1") == 2

    at.number_input(key=widget_key("lat")).set_value(None)  # a cleared box is missing, never the minimum
    save(at)
    assert "lat: missing" in messages(at, "error")[0] and store.get("inc-t1").lat == 33.79


def test_a_stale_edit_shows_who_saved_first_and_overwrites_nothing(editor_page, store):
    at = editor_page("inc-t2")
    # Bob saves first, from his own session, after alice opened the form.
    bob_version = store.update(
        store.get("inc-t2").with_changes(summary="Bob's reading."), expected_version=1, user="bob"
    )
    assert bob_version.summary == "Bob's reading."
    at.text_area(key=widget_key("summary")).input("Alice's reading.")
    save(at)
    errors = messages(at, "error")
    assert errors[0] == "Not saved: another editor changed this incident since you opened it."
    assert errors[1].startswith("bob changed this incident at ")
    assert "; reload to see their version." in errors[1]
    assert any("Their version differs in: summary" in c.value for c in at.caption)
    assert store.get("inc-t2").summary == "Bob's reading." and store.get_version("inc-t2") == 2
    assert at.text_area(key=widget_key("summary")).value == "Alice's reading."  # her input is kept

    save(at)  # saving again without reloading is refused again, never a silent overwrite
    assert store.get("inc-t2").summary == "Bob's reading."

    click(at, "reload")
    assert at.text_area(key=widget_key("summary")).value == "Bob's reading."
    assert not messages(at, "error")
    at.text_area(key=widget_key("summary")).input("Alice's reading, after Bob's.")
    save(at)
    assert store.get("inc-t2").summary == "Alice's reading, after Bob's." and store.get_version("inc-t2") == 3


def test_picking_another_incident_opens_it_and_puts_it_in_the_link(editor_page):
    at = editor_page("inc-t1")
    at = run(at.selectbox(key="ia_edit_pick").set_value("inc-t4"))
    assert at.text_input(key=widget_key("location")).value == "Place 4"
    assert at.query_params["sel"] == "inc-t4"


def test_report_text_in_the_form_stays_text(editor_page):
    at = editor_page(XSS_ID)
    assert XSS_SCRIPT in at.text_area(key=widget_key("summary")).value
    assert not [m for m in at.markdown if "<script" in m.value or "<img" in m.value]


def _break_behind_the_models_back(store, incident_id: str, **columns) -> None:
    """Write ``columns`` into a stored row by raw SQL, past every validation, as a store written
    before today's limits holds them."""
    import sqlalchemy as sa

    from geo.storage.store import incidents_table

    with store._engine.begin() as conn:
        conn.execute(sa.update(incidents_table).where(incidents_table.c.id == incident_id).values(**columns))


def test_a_stored_row_breaking_todays_rules_opens_shows_its_problems_and_can_be_fixed(editor_page, store):
    _break_behind_the_models_back(
        store, "inc-t1", country="XX", killed=-3, location="L" * 1_500, event_type="flamethrower", status="odd"
    )
    at = editor_page("inc-t1")
    (warning,) = messages(at, "warning")
    assert warning.startswith("This stored incident breaks 5 of today's rules")
    for text in ("country: 'XX' is not an ISO 3166-1", "killed: -3 is negative", "location: 1,500 characters",
                 "event_type: 'flamethrower' is not one of", "status: 'odd' is not one of"):  # fmt: skip
        assert text in warning
    # The form shows what is stored; a choice that is no longer an option is empty, never the first one.
    assert at.text_input(key=widget_key("country")).value == "XX"
    assert at.number_input(key=widget_key("killed")).value == -3
    assert at.text_input(key=widget_key("location")).value == "L" * 1_500
    assert at.selectbox(key=widget_key("event_type")).value is None
    assert at.selectbox(key=widget_key("status")).value is None
    # Saving as it is stays refused: writes keep today's rules.
    save(at)
    assert messages(at, "error") == ["Not saved: these fields need fixing.\n- status: missing\n- event_type: missing"]
    at.selectbox(key=widget_key("event_type")).set_value("rocket")
    at.selectbox(key=widget_key("status")).set_value("reviewed")
    save(at)
    (error,) = messages(at, "error")
    assert "country: 'XX' is not an ISO 3166-1" in error and "killed: -3 is negative" in error
    assert "location: 1,500 characters" in error
    assert store.get_version("inc-t1") == 1
    # Fixed in the form, it saves, and the notice is gone.
    at.text_input(key=widget_key("country")).input("IQ")
    at.number_input(key=widget_key("killed")).set_value(0)
    at.text_input(key=widget_key("location")).input("Ain al-Asad")
    save(at)
    assert messages(at, "success") == ["Saved inc-t1 (now version 2)."]
    saved = store.get("inc-t1")
    assert (saved.country, saved.killed, saved.location, saved.event_type) == ("IQ", 0, "Ain al-Asad", "rocket")
    assert not messages(at, "warning")


# --- merge, detach ------------------------------------------------------------------------------


def test_merge_moves_the_sources_and_deletes_the_duplicate(editor_page, store):
    at = editor_page("inc-t1")
    merge = at.selectbox(key=widget_key("merge_other"))
    # Incidents within a month of 2024-01-04, nearest first.
    assert [o.split(" · ")[3] for o in merge.options] == ["inc-t3", "inc-t2"]
    assert merge.options[1].startswith("2024-01-20 · Drone / UAV · Place 2 · inc-t2 · ")
    assert merge.options[1].endswith(" km away")
    run(merge.set_value("inc-t2"))
    preview = next(m.value for m in at.markdown if m.value.startswith("After merging"))
    assert "**2 sources**" in preview
    click(at, "merge")
    assert messages(at, "success") == [
        "Merged inc-t2 into inc-t1. inc-t2 is deleted; it can be restored from Deleted incidents."
    ]
    merged = store.get("inc-t1")
    assert [s.url for s in merged.sources] == ["https://example.org/r/1", "https://example.org/r/2"]
    assert store.count() == 7 and "inc-t2" not in set(at.dataframe[0].value["id"])
    assert [e["action"] for e in store.audit("inc-t2", limit=1)] == ["merge"]
    assert store.audit("inc-t2", limit=1)[0]["after"] == {"merged_into": "inc-t1"}
    assert at.text_input(key=widget_key("location")).value == "Place 1"  # still editing the kept one


def test_a_merge_refuses_a_duplicate_changed_after_its_preview(editor_page, store):
    at = editor_page("inc-t1")
    run(at.selectbox(key=widget_key("merge_other")).set_value("inc-t2"))
    store.update(store.get("inc-t2").with_changes(killed=4), expected_version=1, user="bob")
    click(at, "merge")
    assert messages(at, "error")[0].startswith("Not merged: one of the two incidents changed since you looked at it")
    assert store.count() == 8 and len(store.get("inc-t1").sources) == 1
    click(at, "merge")  # the preview now shows bob's version: merging it is what alice saw
    assert store.count() == 7 and store.get("inc-t1").killed == 4


def test_detach_removes_one_source_and_the_last_one_cannot_go(editor_page, store):
    at = editor_page(XSS_ID)
    options = at.selectbox(key=widget_key("detach_index")).options
    assert options[0].startswith("1. Outlet <img") and options[1].startswith("2. AP: Title")  # labels are plain text
    at.selectbox(key=widget_key("detach_index")).set_value(0)
    click(at, "detach")
    assert messages(at, "success")[0].startswith("Detached source 1 (Outlet <img")
    assert [s.outlet for s in store.get(XSS_ID).sources] == ["AP"]
    assert store.audit(XSS_ID, limit=1)[0]["action"] == "detach"
    assert not at.get("selectbox") or widget_key("detach_index") not in {s.key for s in at.selectbox}
    assert any("only source cannot be detached" in c.value for c in at.caption)


# --- delete, restore, history ---------------------------------------------------------------------


def test_delete_then_restore_from_the_deleted_list(editor_page, store):
    at = editor_page("inc-t5")
    assert at.button(key=widget_key("delete")).disabled  # until the box is ticked
    run(at.checkbox(key=widget_key("delete_confirm")).check())
    click(at, "delete")
    assert messages(at, "success") == ["Deleted inc-t5. It can be restored from Deleted incidents."]
    assert store.count() == 7 and "inc-t5" not in set(at.dataframe[0].value["id"])
    assert at.selectbox(key="ia_edit_pick").value is None and "sel" not in at.query_params

    deleted = table_with(at, "deleted")
    assert list(deleted["incident"]) == ["2024-03-05 · Indirect fire / mortar · Place 5 · inc-t5"]
    run(at.selectbox(key=widget_key("restore_pick")).set_value("inc-t5"))
    assert any(c.value.startswith("alice deleted it at ") for c in at.caption)
    click(at, "restore")
    assert messages(at, "success") == ["Restored inc-t5."]
    assert store.count() == 8 and store.get("inc-t5").location == "Place 5"
    assert at.selectbox(key="ia_edit_pick").value == "inc-t5"  # opened again for editing
    assert [e["action"] for e in reversed(store.audit("inc-t5"))] == ["add", "delete", "restore"]


def test_deleting_what_another_editor_just_changed_is_refused(editor_page, store):
    at = editor_page("inc-t5")
    store.update(store.get("inc-t5").with_changes(killed=2), expected_version=1, user="bob")
    run(at.checkbox(key=widget_key("delete_confirm")).check())
    click(at, "delete")
    assert messages(at, "error")[0] == "Not deleted: another editor changed this incident since you opened it."
    assert store.count() == 8


def test_the_history_lists_who_changed_what(editor_page):
    at = editor_page("inc-t6")
    at.number_input(key=widget_key("munitions")).set_value(6)
    at.text_input(key=widget_key("attributed_by")).input("Local officials")
    save(at)
    history = table_with(at, "who")
    update = history[history["action"] == "update"]
    assert set(update["who"]) == {"alice"}
    assert sorted(zip(update["field"], update["before"], update["after"])) == [
        ("attributed_by", "", "Local officials"),
        ("munitions", "4", "6"),
    ]
    assert list(history["action"])[-1] == "add" and list(history["field"])[-1] == "(incident)"


# --- the pure parts -----------------------------------------------------------------------------


def test_form_round_trip_changes_nothing_and_tolerates_rounded_coordinates():
    inc = make_incident(lat=33.785612345678, site_id=None, killed=None)
    values = form_values(inc)
    assert values["site_id"] == "" and values["killed"] is None
    assert incident_from_form(inc, values) == (inc, [])
    # A browser sending back the 6-decimal text of an untouched field does not move the incident...
    assert incident_from_form(inc, {**values, "lat": 33.785612})[0].lat == inc.lat
    # ... but a real edit does.
    assert incident_from_form(inc, {**values, "lat": 33.79})[0].lat == 33.79


def test_form_values_are_cleaned_and_validated():
    inc = make_incident()
    edited, reasons = incident_from_form(inc, {**form_values(inc), "actor": "  ", "country": "iq", "site_id": " "})
    assert reasons == [] and (edited.actor, edited.country, edited.site_id) == ("Unknown", "IQ", None)
    assert incident_from_form(inc, {**form_values(inc), "date": None}) == (None, ["date: missing"])
    _, reasons = incident_from_form(inc, {**form_values(inc), "country": "Syria", "killed": -1})
    assert [r.split(":")[0] for r in reasons] == ["country", "killed"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"summary": "a\x00b"}, "summary"),
        ({"killed": 2**70}, "killed"),
        ({"date": dt.date(1, 1, 1)}, "date"),
        ({"country": "MX"}, "lat"),  # Ain al-Asad is not in Mexico
        ({"country": "XX"}, "country"),
    ],
)
def test_the_edit_form_applies_the_same_validation_as_every_importer(changes, field):
    inc = make_incident()
    edited, reasons = incident_from_form(inc, {**form_values(inc), **changes})
    assert edited is None and [r.split(":")[0] for r in reasons] == [field]


def test_audit_changes_name_each_changed_field_and_merge_notes():
    a = make_incident(sources=(make_source(),))
    b = a.with_changes(killed=None, sources=(make_source(), make_source(outlet="AP")))

    def snap(inc):
        return {
            **{k: getattr(inc, k) for k in ("id", "killed", "summary")},
            "sources": [s.to_dict() for s in inc.sources],
        }

    assert audit_changes({"action": "update", "before": snap(a), "after": snap(b)}) == [
        ("killed", "0", "unknown"),  # an unknown figure is not an empty one
        ("sources", "1 source: Reuters", "2 sources: Reuters, AP"),
    ]
    assert audit_changes({"action": "merge", "before": snap(a), "after": {"merged_into": "inc-k"}}) == [
        ("merged_into", "", "inc-k")
    ]
    assert audit_changes({"action": "add", "before": None, "after": snap(a)}) == [("(incident)", "", "added")]
    assert audit_changes({"action": "delete", "before": snap(a), "after": None}) == [("(incident)", "", "deleted")]
    at = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    frame = history_frame([{"at": at, "user": "bob", "action": "restore", "before": None, "after": snap(a)}])
    assert frame.to_dict("records") == [
        {"when": "2024-05-01 12:00:00 UTC", "who": "bob", "action": "restore", "field": "(incident)", "before": "",
         "after": "restored"}
    ]  # fmt: skip
