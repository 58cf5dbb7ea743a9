"""Reports not in English: read through a word-for-word gloss, evidence in the report's words.

Every text is written for these tests (no sentence of a real report), one report per
language, each telling one attack at a site of the curated gazetteer. The English rules
alone find nothing in any of them: the gloss is what reads them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.config import PROJECT_ROOT
from geo.places.gazetteer import Gazetteer
from geo.reports.extract import extract
from geo.reports.extract.multilingual import GLOSS_FACTOR, reading_label, reading_notice
from geo.reports.extract.pipeline import extract as extract_english

WED = dt.date(2023, 5, 10)  # a Wednesday

# (language, report, date, site, event type, munitions, the sentence that tells the attack)
CASES = [
    (
        "fr",
        "Trois roquettes sont tombées hier sur la base aérienne d'Ain al-Asad, dans l'ouest de l'Irak, selon une source "
        "de sécurité. Aucune victime n'a été signalée.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 3,
        "Trois roquettes sont tombées hier sur la base aérienne d'Ain al-Asad",
    ),
    (
        "es",
        "Dos drones atacaron el lunes 8 de mayo la base de Harir, en el norte de Irak, dijo un portavoz de la coalición. "
        "No hubo heridos entre el personal.",
        dt.date(2023, 5, 8), "harir-air-base", "drone", 2,  # "la base de Harir": the Harir base
        "Dos drones atacaron el lunes 8 de mayo la base de Harir",
    ),
    (
        "pt",
        "Ontem, quatro foguetes atingiram a base aérea de Ain al-Asad, no oeste do Iraque, onde estão tropas americanas. "
        "Ninguém ficou ferido, segundo as forças de segurança iraquianas.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 4,
        "Ontem, quatro foguetes atingiram a base aérea de Ain al-Asad",
    ),
    (
        "it",
        "Due razzi hanno colpito ieri sera la base militare di Harir, nel nord dell'Iraq, che ospita truppe americane. "
        "Non ci sono stati feriti, hanno detto fonti della sicurezza.",
        dt.date(2023, 5, 9), "harir-air-base", "rocket", 2,
        "Due razzi hanno colpito ieri sera la base militare di Harir",
    ),
    (
        "de",
        "Am 7. Mai wurde der Stützpunkt Ain al-Asad im Westen des Irak von drei Raketen getroffen, teilten irakische "
        "Sicherheitskräfte mit. Verletzt wurde niemand.",
        dt.date(2023, 5, 7), "ain-al-asad", "rocket", 3,
        "Am 7. Mai wurde der Stützpunkt Ain al-Asad im Westen des Irak von drei Raketen getroffen",
    ),
    (
        "id",
        "Dua roket menghantam pangkalan udara Ain al-Asad di Irak barat pada Senin, kata seorang pejabat keamanan Irak. "
        "Tidak ada korban dalam serangan tersebut.",
        dt.date(2023, 5, 8), "ain-al-asad", "rocket", 2,
        "Dua roket menghantam pangkalan udara Ain al-Asad di Irak barat pada Senin",
    ),
    (
        "ar",
        "قال مصدر أمني إن ثلاثة صواريخ سقطت مساء أمس على قاعدة عين الأسد الجوية في محافظة الأنبار غربي العراق. "
        "ولم تسفر الضربة عن إصابات بين الجنود.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 3,
        "قال مصدر أمني إن ثلاثة صواريخ سقطت مساء أمس",
    ),
    (
        "el",
        "Δύο ρουκέτες έπεσαν χθες κοντά στην αεροπορική βάση Αΐν αλ Άσαντ στο δυτικό Ιράκ, ανέφεραν πηγές ασφαλείας. "
        "Δεν αναφέρθηκαν τραυματίες.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 2,
        "Δύο ρουκέτες έπεσαν χθες κοντά στην αεροπορική βάση Αΐν αλ Άσαντ",
    ),
    (
        "ru",
        "Вчера две ракеты упали на территорию авиабазы Айн аль-Асад на западе Ирака, сообщили источники в силах "
        "безопасности. Пострадавших нет.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 2,
        "Вчера две ракеты упали на территорию авиабазы Айн аль-Асад",
    ),
    (
        "tr",
        "Irak'ın batısındaki Ayn el-Esad hava üssüne dün iki roket düştü, güvenlik kaynakları açıkladı. Can kaybı yok.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 2,
        "Irak'ın batısındaki Ayn el-Esad hava üssüne dün iki roket düştü",
    ),
    (
        "ar",  # a claim told verb first
        "تبنت المقاومة الإسلامية في العراق الهجوم بطائرة مسيرة على قاعدة حرير أمس. ولم تسجل إصابات.",
        dt.date(2023, 5, 9), "harir-air-base", "drone", None,
        "تبنت المقاومة الإسلامية في العراق الهجوم",
    ),
    (
        "fa",  # the verb at the clause's end, the place as Arabic spells it with Persian letters
        "دیشب سه راکت به پایگاه هوایی عین الاسد در غرب عراق اصابت کرد و منابع امنیتی گفتند که تلفاتی نداشته است.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 3,
        "دیشب سه راکت به پایگاه هوایی عین الاسد",
    ),
    (
        "cs",
        "Včera dopadly tři rakety na leteckou základnu Ain al-Asad v západním Iráku, uvedl zdroj z bezpečnostních "
        "sil. Nikdo nebyl zraněn.",
        dt.date(2023, 5, 9), "ain-al-asad", "rocket", 3,
        "Včera dopadly tři rakety na leteckou základnu Ain al-Asad",
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(PROJECT_ROOT / "gazetteer.csv")


@pytest.mark.parametrize(("lang", "text", "date", "site", "event_type", "munitions", "sentence"), CASES, ids=[c[0] for c in CASES])
def test_an_attack_told_in_another_language_is_proposed_with_its_own_sentence_as_evidence(
    gaz, lang, text, date, site, event_type, munitions, sentence
):
    result = extract(text, published=WED, gazetteer=gaz)
    assert (result.language, result.reading) == (lang, "gloss")
    # The gloss breaks a line only where a sentence starts with a letter outside A-Z (Arabic, Greek, Cyrillic).
    assert result.gloss.count("\n") == text.count("\n") + (lang in ("ar", "el", "ru"))
    assert [(c.date, c.site_id, c.event_type, c.munitions) for c in result.candidates] == [(date, site, event_type, munitions)]
    cand = result.candidates[0]
    assert cand.evidence.startswith(sentence)
    # Every highlighted span is a span of the report as given, not of the gloss.
    place = [text[s:e] for f, s, e in cand.evidence_spans if f == "place"]
    assert place and all(p in text for p in place)
    assert any(name in p for p in place for name in ("al-Asad", "Harir", "عين الأسد", "عین الاسد", "حرير", "Αΐν αλ Άσαντ", "Айн аль-Асад", "Ayn el-Esad"))


@pytest.mark.parametrize(
    ("lang", "text", "actor", "attribution"),
    [
        # The verb first (Arabic), second after a time (Czech): the actor is still who attacked or claimed.
        ("ar", "تبنت المقاومة الإسلامية في العراق الهجوم بطائرة مسيرة على قاعدة حرير أمس.", "Islamic Resistance in Iraq", "claimed"),
        ("cs", "Včera vypálily milice podporované Íránem tři rakety na leteckou základnu Ain al-Asad.", "Iran-backed militias", None),
        # A claim told at a clause's end (Kurdish), of the attack told before it.
        ("sdh", "دوێنێ هێرشێکی درۆنی کرایە سەر بنکەی حەریر. بەرگریی ئیسلامی لە عێراق بەرپرسیارێتیی هێرشەکەی گرتە ئەستۆ.", "Islamic Resistance in Iraq", "claimed"),
        ("ku", "Duh êrîşa dronan li ser baregeha Herîr hat kirin. Berxwedana Îslamî ya Iraqê berpirsiyariya êrîşê girt ser xwe.", "Islamic Resistance in Iraq", "claimed"),
    ],
)
def test_an_actor_told_after_its_verb_is_still_the_actor(gaz, lang, text, actor, attribution):
    (cand,) = extract(text, published=WED, gazetteer=gaz).candidates
    assert cand.actor == actor
    assert attribution is None or cand.attribution == attribution


@pytest.mark.parametrize(("lang", "text"), [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_the_english_rules_alone_find_nothing_in_these_reports(gaz, lang, text):
    assert extract_english(text, published=WED, gazetteer=gaz).candidates == ()


def test_glossed_proposals_are_less_confident_than_the_same_report_in_english(gaz):
    english = "Three rockets hit the Ain al-Asad air base in western Iraq yesterday, a security source said."
    french = CASES[0][1]
    native = extract(english, published=WED, gazetteer=gaz).candidates[0].confidence
    glossed = extract(french, published=WED, gazetteer=gaz).candidates[0].confidence
    assert glossed.overall < native.overall
    assert glossed.place == round(native.place * GLOSS_FACTOR, 2)
    assert any("gloss" in r for r in glossed.reasons)


def test_an_english_report_is_read_natively_without_a_notice(gaz):
    result = extract("Two rockets struck the Ain al-Asad air base on Monday.", published=WED, gazetteer=gaz)
    assert (result.language, result.reading, result.gloss) == ("en", "native", "")
    assert not any("gloss" in n or "does not read" in n for n in result.notes)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("آج ایک امریکی اڈے پر راکٹ گرے، سیکیورٹی ذرائع نے بتایا کہ کوئی جانی نقصان نہیں ہوا۔ یہ ایک ماہ کے اندر ملک میں تیسرا حملہ تھا۔", "ur"),
        ("שלוש רקטות נפלו אמש על בסיס צבאי במערב עיראק, לפי מקורות ביטחוניים. איש לא נפגע בתקרית.", "he"),
    ],
)
def test_a_language_without_a_lexicon_gets_a_plain_notice_not_a_silent_nothing(gaz, text, lang):
    result = extract(text, published=WED, gazetteer=gaz)
    assert (result.language, result.reading) == (lang, "none")
    assert result.notes[0] == reading_notice(lang, "none")
    assert "does not read" in result.notes[0]


def test_an_english_passage_in_an_unsupported_language_is_still_read(gaz):
    text = (
        "آج ایک امریکی اڈے پر راکٹ گرے، سیکیورٹی ذرائع نے بتایا کہ کوئی جانی نقصان نہیں ہوا۔ "
        "یہ ایک ماہ کے اندر ملک میں تیسرا حملہ تھا اور ایک غیر ملکی عہدیدار کے دورے سے چند دن پہلے ہوا۔\n"
        "Rockets hit the Ain al-Asad air base in Iraq today, a security source said."
    )
    result = extract(text, published=WED, gazetteer=gaz)
    assert result.reading == "none"
    assert [(c.date, c.site_id) for c in result.candidates] == [(WED, "ain-al-asad")]


def test_a_note_quoting_a_sentence_quotes_the_report_not_the_gloss(gaz):
    # An attack the rules leave out for want of a place: the note names the report's own sentence.
    text = "Hier, des roquettes sont tombées près d'une base dans le désert. Personne n'a été blessé."
    result = extract(text, published=WED, gazetteer=gaz)
    quoted = [n for n in result.notes if n.startswith("attack without a place left out: ")]
    assert quoted == ["attack without a place left out: Hier, des roquettes sont tombées près d'une base dans le désert."]


@pytest.mark.parametrize(
    ("code", "reading", "label"),
    [
        ("en", "native", "Language: English, read by the English rules"),
        ("it", "gloss", "Language: Italian, read through a word-for-word English gloss"),
        ("ur", "none", "Language: Urdu, not supported: not read"),
        ("fa", "gloss", "Language: Persian, read through a word-for-word English gloss"),
    ],
)
def test_the_reading_label_a_reviewer_sees(code, reading, label):
    assert reading_label(code, reading) == label


@pytest.mark.parametrize(
    ("lang", "text", "site", "event_type"),
    [
        # Passives and verb-first sentences, as news in these languages write them.
        ("fr", "La base aérienne d'Aïn al-Assad a été la cible mardi d'une attaque de drones, a indiqué la coalition.", "ain-al-asad", "drone"),
        ("es", "La base de Ain al-Asad fue atacada el martes con cohetes, informaron fuentes de seguridad.", "ain-al-asad", "rocket"),
        ("pt", "A base aérea de Ain al-Asad foi alvo de um ataque com foguetes na terça-feira, segundo fontes iraquianas.", "ain-al-asad", "rocket"),
        ("it", "La base di Ain al-Asad è stata colpita martedì da tre razzi, secondo fonti della sicurezza irachena.", "ain-al-asad", "rocket"),
        ("de", "Am Dienstag wurde der Luftwaffenstützpunkt Ain al-Asad mit Raketen angegriffen, teilte die Koalition mit.", "ain-al-asad", "rocket"),
        ("tr", "Salı günü Ayn el-Esad üssüne üç roket atıldı.", "ain-al-asad", "rocket"),
        ("ar", "قصفت فصائل مسلحة قاعدة عين الأسد بثلاثة صواريخ يوم الثلاثاء.", "ain-al-asad", "rocket"),
        ("fa", "روز سه‌شنبه سه راکت به پایگاه هوایی عین الاسد اصابت کرد.", "ain-al-asad", "rocket"),
        ("pl", "Baza Ain al-Asad została zaatakowana rakietami we wtorek, podało wojsko.", "ain-al-asad", "rocket"),
        ("nl", "Pro-Iraanse milities hebben dinsdag de basis Harir met drones aangevallen.", "harir-air-base", "drone"),
        ("nl", "Op dinsdag vuurden milities drie raketten af op de vliegbasis Ain al-Asad.", "ain-al-asad", "rocket"),
        ("sdh", "شەوی ڕابردوو سێ ڕۆکێت کەوتنە سەر بنکەی ئاسمانی عەین ئەلئەسەد لە ڕۆژئاوای عێراق.", "ain-al-asad", "rocket"),
        ("ku", "Duh êvarê sê roket li baregeha asmanî ya Eyn el-Esed li rojavayê Iraqê ketin.", "ain-al-asad", "rocket"),
    ],
)
def test_an_attack_told_in_the_passive_or_verb_first_is_found(gaz, lang, text, site, event_type):
    result = extract(text, published=WED, gazetteer=gaz)
    assert result.language == lang
    assert [(c.date, c.site_id, c.event_type) for c in result.candidates] == [(dt.date(2023, 5, 9), site, event_type)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Des roquettes sont tombées avant-hier sur la base d'Aïn al-Assad."),
        ("es", "Anteayer cayeron cohetes en la base de Ain al-Asad."),  # (the "two" of "two days" is no count)
        ("de", "Vorgestern schlugen Raketen auf dem Stützpunkt Ain al-Asad ein."),
        ("ar", "سقطت صواريخ أول أمس على قاعدة عين الأسد."),
    ],
)
def test_the_day_before_yesterday_is_two_days_before_publication(gaz, lang, text):
    result = extract(text, published=WED, gazetteer=gaz)
    assert [(c.date, c.site_id, c.munitions) for c in result.candidates] == [(dt.date(2023, 5, 8), "ain-al-asad", None)]
