"""Input hygiene: turn whatever a user pasted or uploaded into clean report text.

Reports arrive as pasted strings, ``.txt`` files of unknown encoding or saved
``.html`` pages. Everything downstream (dates, extraction) wants one plain,
normalised ``str``; this module is the only place that guesses encodings or
strips markup, and it refuses input it cannot use with an :class:`InputError`
rather than passing garbage on.

A saved page is a whole web page: menus, "2 min read", photo captions, share
buttons and related-story links, each of which can name a base or a date that
is not the report's. :func:`html_article` hands the page to trafilatura, a
maintained article extractor, which keeps the article body and reads the
headline and publication date from the page's metadata; the headline and a
wire-style dateline ("ERBIL, Jan 10 (Reuters) -") are kept as fields of their
own. Only when trafilatura finds no article (a bare fragment) are the tags
stripped with the standard library's parser.

Pure functions; no network.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from geo.errors import InputError
from geo.formats.readfile import looks_binary

__all__ = [
    "MAX_BYTES",
    "Article",
    "CleanText",
    "clean_text",
    "decode_bytes",
    "html_article",
    "html_to_text",
    "looks_like_html",
]

#: Larger inputs are refused: a news report is a few kB, and 2 MB is already a book.
MAX_BYTES = 2 * 1024 * 1024

# Tried in order. utf-8-sig is needed separately only to drop a BOM; cp1252 is
# what Windows editors save "ANSI" text as and decodes almost any byte, so it
# goes last and always comes with a note the user can see.
_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


@dataclass(frozen=True)
class CleanText:
    """Clean text plus what was done to get it (shown to the user, never silent).

    For a saved page, ``title`` is its headline, ``date`` the publication date
    its metadata gives (ISO ``YYYY-MM-DD``) and ``dateline`` the wire-style
    opening of the article ("BAGHDAD (AP) -"); all three are empty otherwise.
    The dateline stays in ``text`` too: it is the article's first line.
    """

    text: str
    encoding: str = "utf-8"
    was_html: bool = False
    notes: tuple[str, ...] = ()
    title: str = ""
    date: str = ""
    dateline: str = ""


@dataclass(frozen=True)
class Article:
    """What :func:`html_article` finds in a page: headline, publication date, dateline and body."""

    title: str
    date: str  # ISO YYYY-MM-DD from the page's metadata, or ""
    dateline: str
    text: str
    extractor: str  # "trafilatura", or "tags" when no article was found and the tags were stripped


def decode_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """``(text, encoding, notes)`` for raw bytes; raises InputError for binary data."""
    if looks_binary(data):
        raise InputError("input looks binary (it contains NUL bytes); expected a text or HTML report")
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", ()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1252":
            notes.append("input was not valid UTF-8; decoded as Windows-1252 (check quotes and accents)")
        return text, encoding, tuple(notes)
    # cp1252 leaves five byte values undefined; such input is not text we know.
    raise InputError("input is neither UTF-8 nor Windows-1252 text; save it as UTF-8 and try again")


def looks_like_html(text: str) -> bool:
    """True when ``text`` is an HTML document or fragment rather than plain prose."""
    head = text[:4096].lower()
    if "<!doctype html" in head or "<html" in head or "<body" in head:
        return True
    # A fragment: several paragraph/div/br tags in the first few kB.
    return len(re.findall(r"<(?:p|div|br|span|a|h[1-6]|article|section)\b[^>]*>", head)) >= 2


class _TextExtractor(HTMLParser):
    """Collects visible text; block elements become line breaks so sentences stay apart."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})
    _BLOCK = frozenset(
        ["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "footer", "blockquote", "figcaption", "figure", "pre", "hr", "title", "dt", "dd"]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page: scripts/styles dropped, entities unescaped."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    # convert_charrefs handles entities in data; this catches double-escaped ones
    # ("&amp;quot;") that CMS exports are full of.
    return html.unescape(text)


# A wire dateline opens the first paragraph: a place in capitals, then an optional date or agency,
# then a dash ("ERBIL, Iraq, Jan 10 (Reuters) -", "BAGHDAD (AP) —", "WASHINGTON -").
_DATELINE = re.compile(
    r"^(?P<dl>[A-Z][A-Z .'’-]{2,40}"  # the place, in capitals
    r"(?:,[^\n–—-]{1,40})?"  # ", Iraq, Jan 10"
    r"(?:\([^)\n]{1,30}\))?"  # "(Reuters)"
    r"\s*[-–—]{1,2})\s*"
)


def html_article(markup: str) -> Article:
    """The article in an HTML page, without its navigation, captions and related links.

    trafilatura (offline: it only parses ``markup``) picks the main text and reads
    the headline and date from the page's metadata. A headline repeated as the
    body's first line is dropped from the body, so it is not read twice.
    """
    import trafilatura  # heavy (lxml); imported only when a page arrives
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(markup.encode("utf-8"))
    except (etree.ParserError, ValueError):  # nothing parseable: leave it to the tag stripper
        return Article(title="", date="", dateline="", text=html_to_text(markup), extractor="tags")
    # What a browser with scripts never shows (trafilatura keeps <noscript> text).
    for hidden in tree.xpath("//noscript|//template"):
        hidden.drop_tree()
    doc = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        # Not trafilatura's deduplication: it keeps one cache for the whole process, so a page read
        # a seventh time in a long-running app (or in one test run) lost its body, headline and date.
        deduplicate=False,
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        return Article(title="", date="", dateline="", text=html_to_text(markup), extractor="tags")
    title = (doc.title or "").strip()
    lines = body.split("\n")
    if title and lines and lines[0].strip() == title:
        body = "\n".join(lines[1:]).strip()
    m = _DATELINE.match(body)
    dateline = m.group("dl").strip() if m else ""
    return Article(title=title, date=(doc.date or "")[:10], dateline=dateline, text=body, extractor="trafilatura")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n\s*(?:\n\s*)+")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


def _printable_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 1.0
    good = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t")
    return good / len(sample)


def clean_text(data: bytes | str, *, filename: str = "") -> CleanText:
    """Clean report text from raw bytes or a string.

    Raises :class:`InputError` for empty, binary, oversized or undecodable input.
    ``filename`` only helps decide whether the input is HTML (``.html``/``.htm``).
    """
    notes: list[str] = []
    encoding = "utf-8"
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise InputError(f"input is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB")
        text, encoding, decode_notes = decode_bytes(data)
        notes.extend(decode_notes)
    elif isinstance(data, str):
        if len(data.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
            raise InputError(f"input is larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
        if looks_binary(data):
            raise InputError("input looks binary (it contains NUL characters); expected a text or HTML report")
        text = data
    else:
        raise InputError(f"expected text or bytes, got {type(data).__name__}")

    if _printable_ratio(text) < 0.9:
        raise InputError("input looks binary (mostly non-printable characters); expected a text or HTML report")

    was_html = filename.lower().endswith((".html", ".htm")) or looks_like_html(text)
    title = date = dateline = ""
    if was_html:
        article = html_article(text)
        text, title, date, dateline = article.text, article.title, article.date, article.dateline
        if article.extractor == "trafilatura":
            notes.append("article text taken from the HTML page (menus, captions and related links left out)")
        else:
            notes.append("HTML converted to plain text")
    text = _normalise(text)
    if not text:
        raise InputError("input is empty" + (" (no visible text in the HTML)" if was_html else ""))
    return CleanText(
        text=text,
        encoding=encoding,
        was_html=was_html,
        notes=tuple(notes),
        title=_normalise(title),
        date=date,
        dateline=_normalise(dateline),
    )
