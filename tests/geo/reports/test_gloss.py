"""The word-for-word gloss: what it rewrites, what it leaves, and the way back to the report."""

from __future__ import annotations

import pytest

from geo.reports.extract.gloss import gloss
from geo.reports.extract.lexicon import LANGUAGES, lexicon


@pytest.mark.parametrize(
    ("lang", "text", "english"),
    [
        # Attack vocabulary, several words in English order.
        ("fr", "des roquettes ont visé la base aérienne", "rockets targeted the air base"),
        ("es", "un ataque con aviones no tripulados", "a drone attack"),
        ("pt", "dois drones foram abatidos", "two drones were shot down"),
        ("it", "due razzi sono caduti vicino all'ambasciata", "two rockets fell near embassy"),
        ("de", "zwei Drohnen wurden abgefangen", "two drones were intercepted"),
        ("id", "pesawat tak berawak ditembak jatuh", "drone shot down"),
        # Dates: the weekday goes where a day and month say the day; "on" before it.
        ("es", "el domingo 3 de diciembre de 2023", "on 3 December 2023"),
        ("fr", "le 1er février", "on 1 February"),
        ("de", "Am 29. Dezember", "On 29 December"),
        ("it", "mercoledì", "Wednesday"),
        ("pt", "ontem", "yesterday"),
        ("fr", "hier", "yesterday"),
        ("es", "ayer", "yesterday"),
        ("id", "pada Senin", "on Monday"),
        # A nationality adjective after its noun comes before it, as in English (not after "the").
        ("fr", "des soldats américains", "American soldiers"),
        ("es", "las fuerzas de seguridad iraquíes", "the Iraqi security forces"),
        ("fr", "les Américains", "the American"),
        ("de", "die amerikanischen Soldaten", "the American soldiers"),  # German already has it first
        # A speaker after its verb comes before it, as in English.
        ("es", "cayeron, dijo el portavoz.", "fell, the spokesman said."),
        # Arabic: letters written several ways, words glued to "و"/"ب", Arabic punctuation.
        ("ar", "اطلقت صواريخ", "fired rockets"),
        ("ar", "وسقطت صواريخ، بحسب مصدر أمني", "and fell rockets, according to a security source"),
        ("ar", "بطائرة مسيرة", "with drone"),
        ("ar", "في 3 كانون الثاني 2024", "on 3 January 2024"),
        # Greek: case and final sigma, dates with the month in the genitive.
        ("el", "ΡΟΥΚΕΤΕΣ ΣΤΗ ΒΑΣΗ", "Rockets in the base"),  # capitals are written without accents
        ("el", "Ρουκέτες έπεσαν", "Rockets fell"),
        ("el", "στις 3 Μαρτίου", "on 3 March"),
        # Russian and Turkish: stems stand for every ending.
        ("ru", "ракетами и беспилотниками", "rockets and drones"),
        ("ru", "силами безопасности", "security forces"),
        ("tr", "roketlerle saldırıya uğradı", "rockets came under attack"),
        ("tr", "İki İHA düşürüldü", "Two drone shot down"),  # "İ" lower-cased is "i" and a dot; no plural after a count
        # Persian: letters Arabic writes otherwise ("ی", "ک"), digits, dates of the Iranian calendar.
        ("fa", "۱۸ دی ۱۳۹۸", "8 January 2020"),
        ("fa", "سه راکت به پایگاه هوایی عین الاسد", "three rocket to Ain al-Asad air base"),
        ("fa", "۳ پهپاد", "3 drone"),
        ("fa", "فرودگاه اربیل و کرکوک", "Erbil airport and Kirkuk"),  # Persian spellings (GeoNames), Arabic's table
        ("ar", "٣ صواريخ", "3 rockets"),
        # Elided articles.
        ("fr", "l'attaque d'hier", "the attack of yesterday"),
    ],
)
def test_the_gloss_renders_the_domain_words_in_english(lang, text, english):
    assert gloss(text, lexicon(lang)).text == english


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "la base de Ain Al Asad"),  # "Al" inside a name is not Spanish "al"
        ("es", "la base de Ain al-Asad"),  # nor glued to a name by a hyphen
        ("it", "la base di Harir"),
    ],
)
def test_names_are_left_as_they_are(lang, text):
    name = text.split(" de ")[-1].split(" di ")[-1]
    assert gloss(text, lexicon(lang)).text == f"the {name} base"  # (the name goes before "base": below)


def test_a_sentence_opening_with_a_letter_the_english_splitter_does_not_take_for_a_capital_stays_a_sentence():
    assert gloss("Deux roquettes. Élise a dit", lexicon("fr")).text == "Two rockets.\nÉlise said"
    assert gloss("سقطت صواريخ. قال مصدر", lexicon("ar")).text == "fell rockets.\nsaid مصدر"
    assert gloss("Deux roquettes. écrit-il", lexicon("fr")).text == "Two rockets. écrit-il"


def test_unknown_words_punctuation_and_line_breaks_are_kept_so_sentences_stay_the_same():
    text = "Le ministre n'a rien dit.\nTrois roquettes sont tombées sur Erbil hier soir !"
    out = gloss(text, lexicon("fr")).text
    assert out.count("\n") == 1 and out.endswith("!")
    assert "ministre" in out and "Erbil" in out


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_span_of_the_gloss_maps_back_onto_the_words_it_renders(lang):
    text = {
        "fr": "Hier, deux roquettes ont frappé la base américaine près d'Erbil, selon l'armée.",
        "es": "Ayer, dos cohetes alcanzaron la base estadounidense cerca de Erbil, según el ejército.",
        "pt": "Ontem, dois foguetes atingiram a base americana perto de Erbil, segundo o exército.",
        "it": "Ieri due razzi hanno colpito la base americana vicino a Erbil, secondo l'esercito.",
        "de": "Gestern trafen zwei Raketen den US-Stützpunkt nahe Erbil, sagte das Militär.",
        "id": "Kemarin dua roket menghantam pangkalan AS dekat Erbil, kata militer.",
        "ar": "أمس سقطت صواريخ على قاعدة أمريكية قرب Erbil، بحسب الجيش.",
        "el": "Χθες δύο ρουκέτες χτύπησαν την αμερικανική βάση κοντά στο Erbil, σύμφωνα με τον στρατό.",
        "ru": "Вчера две ракеты поразили американскую базу около Erbil, сообщили военные.",
        "tr": "Dün iki roket Erbil yakınındaki Amerikan üssünü vurdu, ordu açıkladı.",
        "cs": "Včera dvě rakety zasáhly americkou základnu poblíž Erbil, uvedla armáda.",
        "fa": "دیروز دو راکت به پایگاه آمریکایی نزدیک Erbil اصابت کرد، ارتش گفت.",
        "pl": "Wczoraj dwie rakiety trafiły w amerykańską bazę w pobliżu Erbil, podało wojsko.",
        "nl": "Gisteren troffen twee raketten de Amerikaanse basis nabij Erbil, zei het leger.",
        "ckb": "دوێنێ دوو ڕۆکێت کەوتنە سەر بنکەی ئەمریکی نزیک Erbil، سوپا ڕایگەیاند.",
        "ku": "Duh du roketan li baregeha amerîkî li nêzîkî Erbil ketin, artêş ragihand.",
    }[lexicon(lang).code]
    g = gloss(text, lexicon(lang))
    at = g.text.index("Erbil")
    assert g.to_original(at, at + 5) == (text.index("Erbil"), text.index("Erbil") + 5)
    rockets = g.text.lower().index("rocket")  # (Indonesian has no plural)
    s, e = g.to_original(rockets, g.text.index(" ", rockets))
    assert text[s:e].lower() in {"roquettes", "cohetes", "foguetes", "razzi", "raketen", "roket", "صواريخ", "ρουκέτες", "ракеты", "rakety", "راکت", "rakiety", "raketten", "ڕۆکێت", "roketan"}
    assert g.to_original(0, len(g.text)) == (0, len(text))


def test_a_text_with_no_known_word_is_its_own_gloss():
    g = gloss("Kirkuk, 2021.", lexicon("fr"))
    assert g.text == "Kirkuk, 2021." and g.pieces == ()


@pytest.mark.parametrize(
    ("lang", "text", "english"),
    [
        # A sentence opening with its verb, or with a time and then the verb: the actor goes first.
        ("cs", "V lednu vypálily milice osm raket.", "In January militias fired eight rockets."),
        ("cs", "Vypálily milice osm raket.", "Militias fired eight rockets."),
        ("de", "Am Sonntag feuerten Milizen Raketen ab.", "On Sunday militias fired rockets."),  # (a clause-final particle goes)
        ("es", "Ayer atacaron las milicias la base.", "Yesterday the militias attacked the base."),
        # After a subject the same noun is the object: nothing moves.
        ("es", "Las fuerzas estadounidenses atacaron milicias.", "The US forces attacked militias."),
        ("es", "Ayer atacaron cohetes la base.", "Yesterday attacked rockets the base."),  # no actor after the verb
        ("ar", "تبنت المقاومة الإسلامية في العراق الهجوم", "Islamic Resistance in Iraq claimed the attack"),
        ("ar", "وأعلنت الفصائل مسؤوليتها عن الهجوم", "and factions announced responsibility for the attack"),
        # A clause-final participle goes after its auxiliary (German), a clause-final verb after the
        # clause's first actor or weapon (Turkish).
        ("de", "Milizen haben die Basis angegriffen.", "Militias have attacked the base."),
        ("de", "Die Basis wurde gestern angegriffen, sagte er.", "The base was attacked yesterday, said er."),
        ("tr", "Milisler üsse roket fırlattı.", "Militias launched base rocket."),
        ("de", "Milizen griffen die Basis an.", "Militias attacked the base."),  # (the verb is not last; its particle goes)
        # A base named after the word "base" gets its name before it, as the gazetteer has it.
        ("it", "la base statunitense Euphrates:", "the US Euphrates base:"),
        ("fr", "la base aérienne d'Aïn al-Assad,", "the Aïn al-Assad air base,"),
        ("pt", "o campo de gás Conoco", "the Conoco gas field"),
        ("cs", "útok na základnu Green Village", "attack on Green Village base"),
        ("ar", "على قاعدة حرير", "on Harir base"),  # a name the lexicon knows
        ("es", "la base en Siria", "the base in Syria"),  # "en" is no name
    ],
)
def test_the_gloss_puts_words_in_english_order(lang, text, english):
    assert gloss(text, lexicon(lang)).text == english


def test_a_moved_word_leaves_the_words_around_it_mapped_exactly():
    text = "Milisler Erbil üssüne roket fırlattı."
    g = gloss(text, lexicon("tr"))
    assert g.text.startswith("Militias launched Erbil")
    at = g.text.index("Erbil")
    assert g.to_original(at, at + 5) == (text.index("Erbil"), text.index("Erbil") + 5)
    text = "la base de Harir, en Erbil"
    name = gloss(text, lexicon("es"))
    at = name.text.index("Harir")
    # (the words rendered as nothing before the name, "base de", go with the span that starts there)
    assert name.text.startswith("the Harir base,") and name.to_original(at, at + 5) == (text.index("base"), text.index(","))
    verb_first = "تبنت الفصائل الهجوم"
    g = gloss(verb_first, lexicon("ar"))
    assert g.text == "factions claimed the attack" and g.to_original(0, len(g.text)) == (0, len(verb_first))


def test_an_iranian_date_without_its_year_takes_the_latest_before_publication():
    import datetime as dt

    assert gloss("۱۰ آبان", lexicon("fa"), published=dt.date(2023, 11, 2)).text == "1 November 2023"
    assert gloss("۱۰ آبان", lexicon("fa"), published=dt.date(2023, 10, 30)).text == "1 November 2022"
    assert gloss("۱۰ آبان", lexicon("fa")).text == "۱۰ آبان"  # no publication day: no year to give
