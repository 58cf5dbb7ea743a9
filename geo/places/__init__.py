"""Places: which site a name means, and where it is.

The gazetteer (:mod:`.gazetteer`) matches a name against the curated sites and the team sites, then the
GeoNames layer (:mod:`.geonames`) and, if enabled, an online geocoder (:mod:`.online`). A site record and its
validation (:mod:`.sites`) and the fuzzy name index (:mod:`.fuzzy`) are what the layers share, so the gazetteer
depends on the layers and never the other way round. :mod:`.normalize` turns a name into its matching key,
:mod:`.countries` checks a point lies in its country, :mod:`.teamsites` keeps the sites editors add.
"""

from geo import lazy_exports

#: public name -> the module of this package that defines it (imported on first use)
_EXPORTS = {
    "Gazetteer": "gazetteer",
    "load_default": "gazetteer",
    "KINDS": "sites",
    "Site": "sites",
    "SiteMatch": "sites",
    "parse_sites": "sites",
    "FuzzyIndex": "fuzzy",
    "NameKey": "normalize",
    "name_key": "normalize",
    "find_country": "countries",
    "point_problem": "countries",
    "GeoNamesLayer": "geonames",
    "import_geonames": "geonames",
    "OnlineGeocoder": "online",
    "TeamSite": "teamsites",
    "TeamSites": "teamsites",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
