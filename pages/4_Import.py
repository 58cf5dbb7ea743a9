"""Incident Atlas: import incidents from our CSV, an ACLED export or GeoJSON (editors only)."""

from __future__ import annotations

import streamlit as st

from ui import auth, common, importing

common.page_setup("Import")
st.title("Import incidents")
editor = auth.require_editor("import incidents")  # a viewer gets the sign-in form; the run stops there
auth.sign_out_control()
importing.import_section(editor)
