"""Refilling the real-report corpus: download each manifest URL and keep its article text.

The evaluation corpus (``tests/data/eval/real/manifest.csv``) may not ship the
reports' text, so ``var/reports/<id>.txt`` is filled on each machine that
evaluates. On a machine with internet this module downloads every URL and
keeps the article as :func:`geo.reports.text.clean_text` finds it (trafilatura: the
headline, a blank line, then the body). An offline sandbox gets the texts from
the project's search tool instead (README, "Extraction and its evaluation").

Pure parsing (:func:`read_manifest`, :func:`report_text`) is kept apart from
I/O (:func:`fetch_reports` takes the download function, so tests pass a
loopback server's).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InputError, NotFound, Problem, ValidationError
from geo.reports.text import clean_text

__all__ = [
    "MANIFEST_COLUMNS",
    "FetchResult",
    "ManifestRow",
    "fetch_reports",
    "http_get",
    "missing_texts",
    "read_manifest",
    "report_text",
]

MANIFEST_COLUMNS = ("id", "url", "outlet", "published", "headline", "split")
_SPLITS = {"dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6",
           "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12"}  # heldout2-12: the fresh held-out parts of rounds 2-12


@dataclass(frozen=True)
class ManifestRow:
    id: str
    url: str
    outlet: str
    published: dt.date
    headline: str
    split: str

    @property
    def file(self) -> str:
        return f"{self.id}.txt"


def read_manifest(path: Path) -> list[ManifestRow]:
    """The rows of a corpus manifest; ValidationError naming each bad row."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                expected = ", ".join(MANIFEST_COLUMNS)
                raise InputError(f"{path}: missing column(s) {', '.join(missing)} (expected {expected})")
            raw = list(reader)
    except FileNotFoundError:
        raise NotFound(f"manifest not found: {path}") from None
    rows, problems, seen = [], [], set()
    for n, r in enumerate(raw, start=2):  # row 1 is the header
        rid, url = (r["id"] or "").strip(), (r["url"] or "").strip()
        reasons = []
        if not rid or not rid.replace("-", "").replace("_", "").isalnum():
            reasons.append(("id", "must be letters, digits, '-' or '_' (it names the text file)"))
        elif rid in seen:
            reasons.append(("id", f"{rid!r} appears twice"))
        if not url.startswith(("http://", "https://")):
            reasons.append(("url", "must start with http:// or https://"))
        try:
            published = dt.date.fromisoformat((r["published"] or "").strip())
        except ValueError:
            reasons.append(("published", "must be a date YYYY-MM-DD"))
            published = None
        if (r["split"] or "").strip() not in _SPLITS:
            reasons.append(("split", f"must be one of {', '.join(sorted(_SPLITS))}"))
        if reasons:
            problems += [Problem(source=path.name, row=n, field=f, reason=why) for f, why in reasons]
            continue
        seen.add(rid)
        rows.append(ManifestRow(rid, url, r["outlet"].strip(), published, r["headline"].strip(), r["split"].strip()))
    if problems:
        raise ValidationError(problems)
    return rows


def report_text(page: bytes) -> str:
    """The text kept for one downloaded page: its headline, a blank line, then the article body."""
    clean = clean_text(page, filename="page.html")
    return f"{clean.title}\n\n{clean.text}\n" if clean.title else f"{clean.text}\n"


def missing_texts(rows: Iterable[ManifestRow], texts_dir: Path) -> list[ManifestRow]:
    """The rows whose ``<id>.txt`` is not in ``texts_dir``."""
    return [r for r in rows if not (texts_dir / r.file).is_file()]


@dataclass
class FetchResult:
    saved: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already present, not downloaded again
    failed: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)


def http_get(url: str, *, user_agent: str, timeout: float = 20.0) -> bytes:
    """The body of ``url`` (redirects followed); InputError for a transport error or an HTTP error status."""
    import httpx

    try:
        response = httpx.get(url, headers={"User-Agent": user_agent}, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise InputError(f"download failed: {exc.__class__.__name__}: {exc}") from None
    if response.status_code >= 400:
        raise InputError(f"HTTP {response.status_code}")
    return response.content


def fetch_reports(
    rows: Iterable[ManifestRow],
    texts_dir: Path,
    get: Callable[[str], bytes],
    *,
    force: bool = False,
    on_row: Callable[[ManifestRow, str], None] | None = None,
) -> FetchResult:
    """Download each row's URL with ``get`` and save its article text as ``texts_dir/<id>.txt``.

    Texts already present are kept unless ``force``. A failure (download, or a
    page with no text) is recorded and the next row is tried; nothing is written
    for a failed row, so a half-written file never passes for a report.
    """
    texts_dir.mkdir(parents=True, exist_ok=True)
    result = FetchResult()
    for row in rows:
        target = texts_dir / row.file
        if target.is_file() and not force:
            result.kept.append(row.id)
            status = "kept"
        else:
            try:
                text = report_text(get(row.url))
            except InputError as exc:
                result.failed.append((row.id, str(exc)))
                status = f"failed: {exc}"
            else:
                tmp = target.with_suffix(".part")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(target)
                result.saved.append(row.id)
                status = "saved"
        if on_row is not None:
            on_row(row, status)
    return result
