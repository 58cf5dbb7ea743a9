"""Reports: from the text of a news report to incidents.

:mod:`.text` cleans a pasted or uploaded report (HTML, encodings), :mod:`.dates` finds and resolves date
phrases against the publication date, :mod:`.extract` proposes incidents clause by clause, :mod:`.merge` folds
them into the stored incidents (one attack, many sources), and :mod:`.evaluate` scores extraction against
annotated reports; :mod:`.fetch` refills the texts of the real-report evaluation corpus from its manifest.
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "clean_text": "text",
    "date_window": "dates",
    "find_dates": "dates",
    "resolve_date": "dates",
    "Candidate": "extract.candidates",
    "ExtractionResult": "extract.candidates",
    "MergePlan": "merge",
    "combine": "merge",
    "same_incident": "merge",
    "ANNOTATED_SETS": "evaluate",
    "evaluate_set": "evaluate",
    "format_evaluation": "evaluate",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
