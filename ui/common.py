"""What every page does: page setup, notices, safe text, links back to the map.

Untrusted text (summaries, titles, actor names from reports) reaches the page
in one of two ways only: :func:`streamlit.text` (no Markdown, no HTML) or
Markdown passed through :func:`md_escape`; links go through :func:`safe_url`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import streamlit as st

from geo.config import PROJECT_ROOT
from ui import style
from ui.assets import ensure_vendor_assets

__all__ = [
    "app_root_url",
    "base_path",
    "copy_link",
    "copy_link_html",
    "counted",
    "md_escape",
    "md_link",
    "page_setup",
    "safe_url",
    "show_notices",
]

# Every ASCII punctuation mark Markdown (or Streamlit's :colour[...] / :emoji:
# directives and $math$) could act on; CommonMark renders "\X" as a literal X.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


def counted(n: int, noun: str) -> str:
    """ "1 proposed incident", "0 proposed incidents", "1,204 team-added sites": never "incident(s)"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


@st.cache_resource(show_spinner=False)
def _vendor_once() -> None:
    ensure_vendor_assets()


def _through_the_page_menu() -> None:
    """When Streamlit ran a page file on its own, run it through app.py's page menu instead.

    With a ``pages/`` folder beside the entry file, a fresh Streamlit process starts
    in its older "pages folder" mode and leaves it only when ``st.navigation`` is
    called. Until somebody opened the map, a link straight to a page (``/Import``)
    therefore ran ``pages/4_Import.py`` alone, under an automatic menu that names
    the map page "app". Here the mode is switched off, as ``st.navigation`` itself
    does, and the menu is declared within this same run (not a rerun, which would
    drop a button press); it resolves the URL to the same page, which runs inside
    it. Then the outer run of the file stops.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the old mode: nothing to leave
        return
    if not getattr(PagesManager, "uses_pages_directory", False):
        return
    from ui import page  # late: ui.page builds on this module

    if page.inside_navigation():
        return
    PagesManager.uses_pages_directory = False
    page.navigate(str(PROJECT_ROOT / "app.py"))
    st.stop()


# The map emoji as the SVG Streamlit's browser code makes of an emoji favicon, given as that data URL:
# an emoji makes Streamlit load its emoji table to recognise it (~0.03 s of every cold start).
FAVICON = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'><text y='.9em' font-size='90'>🗺️</text></svg>",
    safe=" '=:/.",
)


def page_setup(title: str, *, icon: str = FAVICON, layout: str = "wide") -> None:
    """Page config plus the app-wide set-up (local Leaflet files in place, the app-wide style sheet)."""
    _through_the_page_menu()
    st.set_page_config(page_title=f"{title} · Incident Atlas", page_icon=icon, layout=layout)
    _vendor_once()
    style.apply()


def show_notices(notices: Iterable[str]) -> None:
    """One visible warning listing what was wrong with the link (nothing when all was fine)."""
    notices = list(notices)
    if notices:
        st.warning("Parts of this link could not be used:\n\n" + "\n".join(f"- {md_escape(n)}" for n in notices))


def md_escape(text: object) -> str:
    """``text`` as Markdown that displays literally (no markup, links, HTML or directives)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL, with characters that could break out of
    a Markdown link percent-encoded; None otherwise (``javascript:``, relative, junk)."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe=":/?#@!$&'*+,;=%~-._")


def md_link(label: object, url: object) -> str:
    """A Markdown link when ``url`` is safe, else the escaped label alone."""
    href = safe_url(url)
    return f"[{md_escape(label)}]({href})" if href else md_escape(label)


def app_root_url(page_path: str = "") -> str:
    """The app's base URL (scheme, host, port, base path; no trailing slash).

    From ``st.context.url``, which is the current page's URL; ``page_path`` is
    the page's URL path ("Incidents") and is cut off. Empty when unknown (tests,
    very old browsers): links then stay relative, which still works in place.
    """
    url = (getattr(st.context, "url", None) or "").split("?", 1)[0].rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    return url


def base_path() -> str:
    """The server's ``baseUrlPath`` as a URL prefix ("" or "/atlas"), for relative links."""
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}" if path else ""


# The boxes' script (st.html runs <script> elements; it drops inline handlers such as onclick).
# It binds every box not bound yet: the Clipboard API where the page is a secure context
# (https, localhost), else select the box and the older execCommand("copy"); if both
# fail the text stays selected for Ctrl+C.
_COPY_JS = """<script>
document.querySelectorAll(".ia-copy:not([data-bound])").forEach(function (box) {
  box.setAttribute("data-bound", "1");
  var input = box.querySelector("input"), button = box.querySelector("button");
  function said(text) {
    button.textContent = text;
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }
  function fallback() {
    input.focus();
    input.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) {}
    said(ok ? "Copied" : "Press Ctrl+C");
  }
  input.addEventListener("focus", function () { input.select(); });
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { said("Copied"); }, fallback);
    } else {
      fallback();
    }
  });
});
</script>"""
_COPY_CSS = (
    "<style>.ia-copy{display:flex;gap:.4rem;align-items:stretch;width:100%;}"
    ".ia-copy input{flex:1;min-width:0;font:inherit;font-size:.85rem;padding:.3rem .5rem;color:inherit;"
    "border:1px solid rgba(49,51,63,.2);border-radius:.5rem;background:transparent;text-overflow:ellipsis;}"
    ".ia-copy button{font:inherit;font-size:.85rem;padding:.3rem .75rem;border-radius:.5rem;cursor:pointer;"
    "border:1px solid rgba(49,51,63,.2);background:var(--background-color,#fff);color:inherit;}"
    ".ia-copy button:hover{border-color:currentColor;}</style>"
)


def copy_link_html(label: str, url: str) -> str:
    """A read-only box holding ``url`` and a "Copy" button (both escaped), with their script."""
    return (
        f'{_COPY_CSS}<div class="ia-copy"><input type="text" readonly value="{html.escape(url)}" '
        f'aria-label="{html.escape(label)}"><button type="button">Copy</button></div>{_COPY_JS}'
    )


def copy_link(label: str, url: str, *, help_text: str | None = None) -> None:
    """A link in a read-only box with a copy button.

    Not ``st.code``, whose copy button comes with a syntax highlighter: the first
    code block on a page makes the browser fetch a 1.5 MB script bundle.
    """
    st.caption(label if help_text is None else f"{label} — {help_text}")
    st.html(copy_link_html(label, url), unsafe_allow_javascript=True)
