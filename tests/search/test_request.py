"""rag.search.request: the question's typed request met by one sentence. Examples are
invented; none comes from the letters or the eval questions."""
from __future__ import annotations

import pytest

from rag.search import question as Q
from rag.search import request as R
from rag.ingest import spans as S
from rag.textnl import tokenize


def answers(question: str, sentence: str) -> bool:
    return R.fit(R.read(question), S.extract(sentence), sentence, counted_stems=tokenize).answers


def test_a_number_of_another_noun_does_not_count_the_thing_asked():
    q = "Hoeveel aanbevelingen doet de commissie?"
    assert not answers(q, "Naast vijf knelpunten doet de commissie een aantal aanbevelingen.")
    assert answers(q, "De commissie doet zeven aanbevelingen.")


def test_a_number_whose_noun_is_said_elsewhere_in_the_sentence_still_counts():
    assert answers("Hoeveel meldpunten zijn er?", "Het aantal meldpunten steeg vorig jaar naar 12.")


@pytest.mark.parametrize("question, expected", [
    ("Hoeveel rechercheurs heeft de eenheid?", False),  # the number itself is asked
    ("Hoeveel rechercheurs komen er bij de eenheid bij?", True),
    ("Hoeveel extra rechercheurs krijgt de eenheid?", True),
    ("How many more detectives will the unit get?", True),
])
def test_a_doubling_answers_only_a_question_about_a_change(question, expected):
    sentence = "Het aantal rechercheurs bij de eenheid wordt verdubbeld."
    assert answers(question, sentence) is expected


@pytest.mark.parametrize("q", ["Aan hoeveel Gemeenschappelijke Controle Teams nam de douane deel?",
                               # the question's first word is capitalised
                               "Hoeveel Gemeenschappelijke Controle Teams zette de douane in?"])
def test_a_named_thing_is_counted_by_its_acronym(q):
    assert answers(q, "In 2024 nam de douane deel aan 14 GCT’s.")
    assert not answers(q, "In 2024 nam de douane deel aan 14 overleggen.")


def test_a_target_does_not_answer_what_was_actually_reached():
    q = "Hoeveel procent van de scholen deed vorig jaar daadwerkelijk mee aan het programma?"
    target = "Het kabinet heeft de ambitie dat 60 procent van de scholen meedoet aan het programma."
    fit = R.fit(R.read(q), S.extract(target), target, counted_stems=tokenize)
    assert not fit.answers and fit.replaced[0][1] == "het doel"
    assert answers(q, "Vorig jaar deed 45 procent van de scholen mee aan het programma.")
    # Without "daadwerkelijk" the question may be about the target itself.
    assert answers("Hoeveel procent van de scholen moet meedoen aan het programma?", target)


@pytest.mark.parametrize("question, years", [
    ("Which measures does the 2025 progress letter announce?", []),
    ("Wat staat er in de 2025-brief over de havens?", []),
    ("Wat meldt de voortgangsbrief van 2023 over de havens?", []),
    ("How many ports joined in 2023 according to the letter?", ["2023"]),
])
def test_a_year_that_names_a_letter_is_no_anchor(question, years):
    assert [a.surface for a in R.read(question).anchors if a.kind == S.YEAR] == years


def test_a_figure_for_a_place_does_not_answer_for_the_sector_asked():
    q = "Hoeveel nieuwe scanners komen er in de bloementeeltsector?"
    other = "In het Westlandgebied komen 12 nieuwe scanners."
    fit = R.fit(R.read(q), S.extract(other), other, counted_stems=tokenize)
    assert not fit.answers and fit.replaced[0][1] == "Westlandgebied"  # as the sentence writes it
    assert answers(q, "In de bloementeelt komen 12 nieuwe scanners.")
    assert not answers(q, "In de transportsector komen 12 nieuwe scanners.")


def test_the_other_place_is_named_as_the_sentence_writes_it():
    q = "Welk verdrag sloot Nederland in 2021 met Peru?"
    sentence = "In 2021 sloot Nederland een verdrag met België."
    assert R.fit(R.read(q), S.extract(sentence), sentence).replaced[0][1] == "België"


def test_a_body_that_shares_its_name_with_a_town_is_the_body():
    assert [(s.kind, s.value) for s in S.extract("Hoeveel geld krijgt de Douane erbij?") if s.kind in S.PLACES] == []


def test_a_sum_shared_by_other_bodies_does_not_answer_for_the_body_asked():
    q = "Hoeveel geld krijgt de FIOD erbij?"
    sentence = "Het gaat om 3 miljoen euro, verdeeld over het Openbaar Ministerie en de Nationale Politie."
    fit = R.fit(R.read(q), S.extract(sentence), sentence)
    assert not fit.answers and fit.replaced[0][0].surface == "FIOD"
    assert answers(q, "Het gaat om 3 miljoen euro, verdeeld over de FIOD en de Nationale Politie.")
    # The sum in the next sentence is judged by the bodies that sentence names.
    lead, nxt = "De FIOD krijgt er structureel geld bij.", "Het gaat om 3 miljoen euro per jaar."
    assert R.fit(R.read(q), S.extract(lead), lead, S.extract(nxt), nxt).answers



# Sentences that report no outcome of what they name: a report sent along with
# the letter, what a tool was set up for, a request of parliament.
@pytest.mark.parametrize("question, no_outcome, outcome", [
    ("Wat concludeert het rapport over de wachtlijsten?",
     "Bij deze brief wordt ook het rapport over de wachtlijsten meegezonden.",
     "Het rapport concludeert dat de wachtlijsten korter zijn geworden."),
    ("Wat bleek uit het dashboard over de wachttijden?",
     "Vorig jaar is er een dashboard ontwikkeld om inzicht te krijgen in de wachttijden.",
     "Uit het dashboard bleek dat de wachttijden met een week zijn gedaald."),
    ("Wat zijn de uitkomsten van het onderzoek naar de wachtlijsten?",
     "Naar aanleiding van het onderzoek vroeg uw Kamer of het mogelijk was de wachtlijsten te halveren.",
     "Uit het onderzoek naar de wachtlijsten bleek dat ze korter worden."),
])
def test_a_sentence_that_reports_no_outcome_does_not_answer_an_outcome_question(question, no_outcome, outcome):
    assert not answers(question, no_outcome)
    assert answers(question, outcome)


def test_a_question_put_to_the_minister_reports_no_outcome():
    # A Kamervraag may put a claim to the minister; what came of it is not in it.
    question = "Wat antwoordde de wethouder op de vraag of de stalling vol is?"
    assert not answers(question, "Klopt het dat de fietsenstalling bij het station vol is?2")
    assert answers(question, "De wethouder antwoordde dat de fietsenstalling bij het station vol is.")


@pytest.mark.parametrize("question, kind", [
    ("Welke knelpunten heeft de werkgroep gevonden?", R.OUTCOME),  # what was found is an outcome
    # the name of a role asks a person
    ("What is the name of the regional police commander who opened the centre?", R.PERSON),
    ("Hoe heet de directeur van het nieuwe centrum?", R.PERSON),
    ("Hoe heet de nieuwe wet?", R.LAW_PROGRAMME),
    # "hoe hoog" asks a size, not a way
    ("Hoe hoog is de boete voor wildplakken?", R.AMOUNT),
    ("How high is the fine for fly-posting?", R.AMOUNT),
    ("Hoe hoog was het ziekteverzuim?", R.SIZE),  # a size without its unit: a number or a share
    ("Hoe hoog wordt het minimumloon voor fietskoeriers?", R.AMOUNT),  # a wage, an allowance: money
    ("How high will the allowance for bicycle couriers be?", R.AMOUNT),
    # a year of its kind
    ("In welk schooljaar kregen de scholen een fietsenstalling?", R.YEAR),
    ("Which financial year does the ferry subsidy cover?", R.YEAR),
    # a deadline is a date
    ("By what deadline must the ferry rules be in force?", R.DATE),
    ("Wat is de uiterste datum voor de nieuwe veerregels?", R.DATE),
    # a share or percentage with an adjective before it
    ("What minimum share of the ferry budget goes to safety?", R.PERCENTAGE),
    ("Welk minimaal percentage van de veerboten moet elektrisch varen?", R.PERCENTAGE),
    # a body named by its kind
    ("Welk gespecialiseerd team van de politie controleert de veerboten?", R.ORGANISATION),
    ("Welk investeringsfonds betaalt de nieuwe veerboot?", R.ORGANISATION),
    ("Which newspaper first reported the ferry plans?", R.ORGANISATION),
    # the costs named by their noun, in Dutch as in English
    ("Wat waren de oorspronkelijk begrote kosten van de nieuwe veerdienst?", R.AMOUNT),
    ("What was the originally budgeted cost of the new ferry?", R.AMOUNT),
    ("Hoe werkt het nieuwe meldpunt?", R.WHY_HOW),
    # a yes/no question about how a request or a plan ended asks an outcome
    ("Is de aanvraag voor de nieuwe veerdienst inmiddels toegewezen?", R.OUTCOME),
    ("Was the ferry operator's permit granted in the end?", R.OUTCOME),
    ("Did the two provinces agree to extend the ferry pilot?", R.OUTCOME),
    ("What agreement did the provinces reach on the new ferry?", R.OUTCOME),
    # a value asked is a sum of money, not a count
    ("Hoeveel mag een geschonken fiets hooguit waard zijn?", R.AMOUNT),
    ("How much may a donated bicycle be worth at most?", R.AMOUNT),
    # officials named by more than one adjective
    ("Which Danish and Swedish officials attended the ferry summit?", R.PERSON),
    ("Welke Deense functionarissen waren bij de top?", R.PERSON),
    # a role after a verb is not the asked thing ("welke plannen heeft de minister")
    ("Welke plannen heeft de minister voor de veerdienst?", R.LIST),
    ("Op welke dag heeft de minister het rapport gestuurd?", R.DATE),
    # "when" inside the question joins a clause; it asks a date where it opens
    # the question or follows a verb that asks
    ("Which official was in charge when the ferry was privatised?", R.PERSON),
    ("Which agreement does the MP mean when asking about the ferry?", R.LIST),
    ("What happens to the ferry when the subsidy ends?", ""),
    ("When does the new ferry start?", R.DATE),
    ("En wanneer start de nieuwe veerdienst?", R.DATE),
    ("Kunt u aangeven wanneer de veerdienst start?", R.DATE),
    # a reply, a response, a vote asked of its own is an outcome; a reply
    # named inside another question is not what it asks
    ("Wat antwoordde de wethouder op de vraag over de fietsenstalling?", R.OUTCOME),
    ("Hoe heeft de gemeenteraad gestemd over het fietsplan?", R.OUTCOME),
    ("Hoe reageert het college op het advies over de fietspaden?", R.OUTCOME),
    ("What was the alderman's response to the cycling report?", R.OUTCOME),
    ("Why is the alderman holding back his response to the cycling report?", R.WHY_HOW),
    # a year asked with its preposition; a measured quantity named by its noun
    ("Since what year has the ferry carried bicycles?", R.YEAR),
    ("Welke gemiddelde fijnstofconcentratie is gemeten langs het fietspad?", R.SIZE),
    ("What average concentration of particulates was measured along the cycle path?", R.SIZE),
    # who put written questions, for which party, when: their header answers
    ("Wanneer diende Kamerlid Bakker zijn vragen over de fietsenstalling in?", R.ASKERS),
    ("Namens welke partij stelde Bakker de vragen over de fietsenstalling?", R.ASKERS),
    ("Van welke partij is Kamerlid Bakker, die in mei vragen stelde over de fietsenstalling?", R.ASKERS),
    ("Wie stelden de schriftelijke vragen over de fietsenstalling?", R.ASKERS),
    ("Which MPs tabled the written questions on the bicycle shed?", R.ASKERS),
    ("Welk Fietspartij-Kamerlid stelde in mei vragen over de fietsenstalling?", R.ASKERS),
    ("Which Cyclist Party MPs asked in May about the bicycle shed?", R.ASKERS),
    # when the answers came: the answer's own date
    ("Wanneer zijn de vragen over de fietsenstalling beantwoord?", R.LETTER_DATE),
    ("When did the minister answer the written questions about the bicycle shed?", R.LETTER_DATE),
    ("When were the questions about the bicycle shed submitted?", R.ASKERS),
    # ... not what the questions ask (who answered them: the sender), not a motion's mover
    ("Welke vragen stelde Kamerlid Bakker over de fietsenstalling?", R.LIST),
    ("Wie heeft de vragen over de fietsenstalling beantwoord?", R.SENDER),
    ("Wie heeft de vragen over de fietsenstalling gesteld?", R.ASKERS),
    ("Wanneer worden de vragen over de fietsenstalling beantwoord?", R.DATE),
    ("Which party does MP Bakker, who tabled the motion on bicycle sheds, represent?", R.ORGANISATION),
])
def test_the_asked_type(question, kind):
    assert R.read(question).type == kind


@pytest.mark.parametrize("question, sentence, named", [
    # The category only under a quantifier: no member is named.
    ("Welke gemeente werkt met de nieuwe aanpak?", "Zo werkt een van de gemeenten al met de aanpak.", False),
    ("Welke vier stoffen worden verboden?", "Per 1 maart worden vier stoffen verboden, ongeacht hun vorm.", False),
    ("Welk bureau bemiddelt tussen de partners?", "Een van de bureaus bemiddelt tussen de partners.", False),
    # Named after a colon, by a name the question does not hold, or described by kind.
    ("Welke vier stoffen worden verboden?", "Per 1 maart worden vier stoffen verboden: a, b, c en d.", True),
    ("Welk bureau bemiddelt tussen de partners?", "Een van de bureaus, het Bureau Noord, bemiddelt.", True),
    ("Welke convenanten zijn gesloten?", "Er zijn twee convenanten voor havenbeveiliging gesloten.", True),
])
def test_a_category_only_counted_names_no_member(question, sentence, named):
    fit = R.fit(R.read(question), S.extract(sentence), sentence, counted_stems=tokenize)
    assert fit.unnamed is not named


def test_a_count_followed_by_its_list_names_the_members():
    q = "Welke twee thema's pakt het team eerst op?"
    first = "Het team pakt twee van deze thema's met voorrang op."
    nxt = "Het gaat om jeugdcriminaliteit en om witwassen."
    req = R.read(q)
    assert R.fit(req, S.extract(first), first, counted_stems=tokenize).unnamed
    assert not R.fit(req, S.extract(first), first, S.extract(nxt), nxt, counted_stems=tokenize).unnamed
    assert R.names_members(req, nxt) and not R.names_members(req, first)


def test_the_partial_answer_says_the_letters_do_not_say_which():
    from rag.answer.extractive import partial_sentence
    assert partial_sentence("de bureaus", R.NAMED, [], False) == "De brieven noemen de bureaus, maar zeggen niet welke."
    assert partial_sentence("the offices", R.NAMED, [], True) == "The letters mention the offices, but do not say which."


def test_another_branch_of_the_body_asked_is_another_anchor():
    q = "Hoeveel winkels bezocht RIEC Kustzone tijdens de actieweek?"
    other = "RIEC Heuvelland bezocht tijdens de actieweek 40 winkels."
    fit = R.fit(R.read(q), S.extract(other), other, counted_stems=tokenize)
    assert not fit.answers and fit.replaced[0][0].surface == "RIEC Kustzone" and fit.replaced[0][1] == "RIEC Heuvelland"
    assert answers(q, "RIEC Kustzone bezocht tijdens de actieweek 40 winkels.")
    # both branches named: the sentence may well give the asked one's figure
    assert answers(q, "RIEC Kustzone en RIEC Heuvelland bezochten samen 40 winkels.")


@pytest.mark.parametrize("question, other, same", [
    # a body named by its seat: the same kind of body elsewhere is another one
    ("In welke landen deed de Universiteit Deventer onderzoek naar fietsenstallingen?",
     "De Universiteit Zwolle deed onderzoek naar fietsenstallingen in Duitsland en België.",
     "De Universiteit Deventer deed onderzoek naar fietsenstallingen in Duitsland en België."),
    # a body of several words and its region, written by its initials in the letter
    ("Hoeveel winkels bezocht het Platform Veilig Fietsen Noord in 2031?",
     "Het PVF Zuid bezocht in 2031 40 winkels.", "Het PVF Noord bezocht in 2031 40 winkels."),
])
def test_a_body_named_by_its_seat_elsewhere_is_another_anchor(question, other, same):
    assert not answers(question, other)
    assert answers(question, same)
    # nor does the sentence after one that only names the subject supply it
    first = "De fietsenstallingen in de regio zijn op orde en de aanpak komt op stoom."
    assert not R.fit(R.read(question), S.extract(first), first, S.extract(other), other,
                     counted_stems=tokenize).from_next


@pytest.mark.parametrize("question, sentence, expected", [
    ("Hoe heet de burgemeester die het convenant tekende?", "Burgemeester Jansen tekende het convenant.", True),
    ("Hoe heet de burgemeester die het convenant tekende?", "Het convenant volgde op vragen van de leden Bos en Smit.", False),
    ("What is the name of the minister who signed the covenant?", "Minister Jansen tekende het convenant.", True),
    ("What is the name of the minister who signed the covenant?", "Het lid Bos vroeg naar het convenant.", False),
    ("Met welke hoogleraar sprak de burgemeester?", "De burgemeester sprak met professor Pietersen.", True),
])
def test_a_person_asked_by_role_is_a_name_in_that_role(question, sentence, expected):
    assert R.read(question).type == R.PERSON
    assert answers(question, sentence) is expected


@pytest.mark.parametrize("question, sentence, expected", [
    ("Met welke Franse organisaties werkt de fietspolitie samen?",
     "De fietspolitie werkt samen met de Franse Gendarmerie bij grensoverschrijdende fietsdiefstal.", True),
    ("Met welke Franse organisaties werkt de fietspolitie samen?",
     "De fietspolitie werkt samen met de RDW en met haar Franse en Belgische partners.", False),
    # the home country's bodies go without their adjective
    ("Welke Nederlandse instanties werken mee aan de fietsregistratie?",
     "De RDW en de Fietsersbond werken mee aan de fietsregistratie.", True),
])
def test_bodies_asked_by_their_country_are_bodies_of_that_country(question, sentence, expected):
    assert R.read(question).type == R.ORGANISATION
    assert answers(question, sentence) is expected


def test_the_authors_asked_by_who_are_persons():
    assert R.read("Wie waren de onderzoekers die het rapport schreven?").type == R.PERSON
    assert not answers("Wie waren de onderzoekers die het rapport schreven?",
                       "Het rapport werd in december aan de Kamer aangeboden door het instituut.")


def test_an_application_filed_does_not_answer_whether_it_was_granted():
    q = "Was the ferry operator's permit granted in the end?"
    assert not answers(q, "De vervoerder heeft in mei een aanvraag voor de vergunning ingediend.")
    assert answers(q, "De provincie heeft de vergunning van de vervoerder in mei toegewezen.")


@pytest.mark.parametrize("question, sentence, expected", [
    ("Op welke datum is het convenant getekend?", "In het voorjaar is het convenant getekend.", False),
    ("Op welke datum is het convenant getekend?", "In april 2024 is het convenant getekend.", False),
    ("On what date was the covenant signed?", "Het convenant is in 2024 getekend.", False),
    ("Op welke datum is het convenant getekend?", "Op 3 april 2024 is het convenant getekend.", True),
    # "wanneer" asks a time at any precision
    ("Wanneer is het convenant getekend?", "In het voorjaar van 2024 is het convenant getekend.", True),
])
def test_a_day_asked_is_answered_only_by_a_date_with_its_day(question, sentence, expected):
    assert answers(question, sentence) == expected


@pytest.mark.parametrize("question, discusses, reports", [
    ("Wat is er met de provincies afgesproken over de veerdienst?",
     "De veerdienst speelt al jaren een belangrijke rol voor de provincies.",
     "Met de provincies is afgesproken dat de veerdienst tot 2030 blijft varen."),
    ("What was agreed with the provinces about the ferry?",
     "De veerdienst speelt al jaren een belangrijke rol voor de provincies.",
     "De provincies en het rijk zijn overeengekomen dat de veerdienst blijft varen."),
    ("Wat concludeerden de onderzoekers over de veerdienst?",
     "De onderzoekers bezochten de veerdienst drie keer.",
     "De onderzoekers concluderen dat de veerdienst te duur is."),
    ("Is de aanvraag voor de nieuwe veerdienst inmiddels toegewezen?",
     "De provincie en de vervoerder spreken regelmatig over de nieuwe veerdienst.",
     "De provincie heeft de aanvraag voor de nieuwe veerdienst toegewezen."),
])
def test_an_outcome_asked_by_its_event_needs_a_sentence_reporting_that_event(question, discusses, reports):
    assert R.read(question).event
    assert not answers(question, discusses)
    assert answers(question, reports)


def test_the_partial_answer_names_the_event_the_letters_do_not_report():
    from rag.answer.extractive import partial_sentence
    assert partial_sentence("de veerdienst", R.AGREEMENT, [], False) == "De brieven noemen de veerdienst, maar geven geen afspraak."
    assert partial_sentence("the ferry", R.FINDING, [], True) == "The letters mention the ferry, but give no conclusion."


@pytest.mark.parametrize("question, date", [
    ("Which agreement does the MP mean when asking about the ferry?", False),
    ("What happens to the ferry when the subsidy ends?", False),
    ("Wanneer start de nieuwe veerdienst?", True),
    ("Kunt u aangeven wanneer de veerdienst start?", True),
])
def test_the_coarse_kind_reads_a_joining_when_the_same_way(question, date):
    # The answerer's coarse kind (which sentence opens) and the typed request agree.
    assert (Q.asked_type(question) == Q.DATE) is date
    assert (R.asked_type(question) == R.DATE) is date


@pytest.mark.parametrize("question, sentence, expected", [
    # the part of the world itself does not answer which countries in it
    ("Met welke Oost-Europese landen wisselt de politie kentekens uit?",
     "De politie wisselt kentekens uit met landen in Oost-Europa; ook Scandinavië doet mee.", False),
    ("Which East African countries receive the new bicycles?",
     "The new bicycles go to Eastern Africa and, later, to Southern Europe.", False),
    # a country outside the part of the world named is no member of it
    ("Met welke Oost-Europese landen wisselt de politie kentekens uit?",
     "De politie wisselt kentekens uit met Portugal en Ierland.", False),
    ("Met welke Oost-Europese landen wisselt de politie kentekens uit?",
     "De politie wisselt kentekens uit met Polen en Ierland.", True),
    # a qualifier that names no part of the world still asks for countries
    ("Met welke Arabische landen wisselt de politie kentekens uit?",
     "De politie wisselt kentekens uit met landen in Noord-Afrika.", False),
    ("Met welke Arabische landen wisselt de politie kentekens uit?",
     "De politie wisselt kentekens uit met Marokko.", True),
    # without a qualifier a part of the world is the letters' coarser answer
    ("Met welke landen wisselt de politie kentekens uit?",
     "De politie wisselt kentekens uit met landen in Oost-Europa.", True),
])
def test_countries_asked_within_a_part_of_the_world(question, sentence, expected):
    assert answers(question, sentence) is expected


def test_a_part_of_the_world_is_read_from_its_adjective():
    from rag.ingest import gazetteer as G
    assert G.area_of_adjective("Oost-Europese").key == G.area_of_adjective("East European").key == "UN151"
    assert G.area_of_adjective("West African").key == "UN011"
    assert G.area_of_adjective("Asielzoekers") is None  # a word that only opens like "Asia"
    assert "PL" in G.members("UN151") and "PT" not in G.members("UN151")
    assert {"BR", "MX", "CU"} <= G.members("UN419")  # Latin America: three regions of the table


@pytest.mark.parametrize("question, sentence, expected", [
    ("Sinds wanneer is het fietsverdrag met Belgi\u00eb van kracht?",
     "Het fietsverdrag met Belgi\u00eb is op 3 maart 2021 ondertekend.", False),
    ("Sinds wanneer is het fietsverdrag met Belgi\u00eb van kracht?",
     "Het fietsverdrag met Belgi\u00eb is sinds 1 mei 2022 in werking.", True),
    ("When does the bicycle ban take effect?",
     "Op 1 juli 2026 gaat het verbod in op snelle fietsen.", True),
    ("When does the bicycle ban take effect?",
     "Het verbod is in maart 2025 bij de Tweede Kamer ingediend.", False),
    # a date asked without an entry into force: any date of the subject
    ("Wanneer is het verbod bij de Kamer ingediend?",
     "Het verbod is in maart 2025 bij de Tweede Kamer ingediend.", True),
])
def test_a_date_of_entry_into_force_is_not_the_date_of_signing_or_sending(question, sentence, expected):
    assert answers(question, sentence) is expected


def test_the_partial_answer_names_the_entry_into_force_it_lacks():
    from rag.answer.extractive import partial_sentence
    assert R.read("Per wanneer treedt de fietswet in werking?").event == R.IN_FORCE
    assert partial_sentence("de fietswet", R.IN_FORCE, [], False) == \
        "De brieven noemen de fietswet, maar geven geen datum van inwerkingtreding."


def test_without_the_region_table_a_part_of_the_world_is_still_no_country(monkeypatch):
    from rag.ingest import gazetteer as G
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    G._area_members.cache_clear()
    try:
        assert G.members("UN151") == frozenset()
        q = "Met welke Oost-Europese landen wisselt de politie kentekens uit?"
        assert not answers(q, "De politie wisselt kentekens uit met landen in Oost-Europa.")
        assert answers(q, "De politie wisselt kentekens uit met Polen.")
    finally:
        G._area_members.cache_clear()


@pytest.mark.parametrize("question, kind", [
    # a kind of body, also as a compound and after neuter "welk"
    ("Welk bureau heeft de fietstelling uitgevoerd?", R.ORGANISATION),
    ("Welk adviesbureau schreef het rapport over de veerdienst?", R.ORGANISATION),
    ("Welk ministerie betaalt de nieuwe veerboot?", R.ORGANISATION),
    ("Van welke omroep kwam de reportage over de veerdienst?", R.ORGANISATION),
    ("Which institute counted the bicycles?", R.ORGANISATION),
    ("Welk orgaan houdt toezicht op de veerdienst?", R.ORGANISATION),
    # a named programme or plan, also as a compound
    ("Aan welk bestaand EU-programma draagt de provincie bij?", R.LAW_PROGRAMME),
    ("Met welk stappenplan start de veerdienst?", R.LAW_PROGRAMME),
    # a preposition before "wie" still asks who
    ("Met wie heeft de gedeputeerde over de veerdienst gesproken?", R.PERSON_OR_ORG),
    ("Aan wie wordt de subsidie voor de veerboot betaald?", R.PERSON_OR_ORG),
    ("With whom did the ferry operator negotiate?", R.PERSON_OR_ORG),
    ("Voor wie is de korting op de veerboot bedoeld?", ""),  # a group of people as often as a name
    # a size asked in a currency is a sum of money
    ("Hoe groot was het tekort van de veerdienst in euro's?", R.AMOUNT),
    ("How large was the ferry subsidy in euros?", R.AMOUNT),
])
def test_a_body_a_sum_or_who_asked_by_its_words(question, kind):
    assert R.read(question).type == kind


@pytest.mark.parametrize("question, kind", [
    ("Hoeveel reistijd scheelt de nieuwe fietsbrug?", R.DURATION),
    ("How much travel time does the new cycle bridge save?", R.DURATION),
    ("How much money does the cyclists' union get?", R.AMOUNT),
])
def test_time_asked_by_how_much_is_a_duration(question, kind):
    assert R.read(question).type == kind


@pytest.mark.parametrize("question, kind", [
    ("What would the new bicycle shed cost?", R.AMOUNT),
    ("How much extra cycling spending did the council ask for?", R.AMOUNT),
    ("Hoeveel extra geld krijgt de fietsersbond?", R.AMOUNT),
    ("Hoeveel extra euro kost de nieuwe stalling?", R.AMOUNT),
    ("Hoeveel extra fietsenstallingen komen er?", R.COUNT),
    ("Which former state secretary opened the cycle path?", R.PERSON),
    ("On what exact day did the cycle path open?", R.DATE),
    ("Op welke exacte datum opende het fietspad?", R.DATE),
    ("Wat zou de nieuwe fietsenstalling kosten?", R.AMOUNT),
    ("Welke andere lidstaten steunden het fietsplan?", R.COUNTRY),
    ("Which member states backed the cycling plan?", R.COUNTRY),
    ("Welke fabriek levert de fietsframes?", R.ORGANISATION),
    ("Which factory makes the bicycle frames?", R.ORGANISATION),
])
def test_a_sum_a_country_or_a_body_asked_in_other_words(question, kind):
    assert R.read(question).type == kind


def test_a_place_the_question_names_does_not_answer_which_place():
    q = "Naar welke stad zou de fietsfabriek eerst verhuizen, voordat Deventer in beeld kwam?"
    assert not answers(q, "De fietsfabriek wil verhuizen naar Deventer.")
    assert answers(q, "De fietsfabriek zou eerst naar Zwolle verhuizen, daarna kwam Deventer in beeld.")


def test_minutes_are_a_duration():
    q = "Hoeveel reistijd scheelt de nieuwe fietsbrug?"
    assert answers(q, "De nieuwe fietsbrug scheelt fietsers vier minuten.")
    assert not answers(q, "De nieuwe fietsbrug kreeg vier lantaarns.")


@pytest.mark.parametrize("question, repeats, names", [
    ("Welk bureau telde de fietsen voor het rapport «Fiets en Veer»?",
     "Het rapport «Fiets en Veer» telt de fietsen op de veerboot.",
     "Voor het rapport «Fiets en Veer» telde het Bureau Oeverland de fietsen."),
    ("Met welke organisaties werkt de Stichting Veerpont samen?",
     "De Stichting Veerpont bestaat sinds 1990.",
     "De Stichting Veerpont werkt samen met de Vereniging Fietsvrienden."),
])
def test_a_name_the_question_gives_does_not_answer_it(question, repeats, names):
    assert not answers(question, repeats)
    assert answers(question, names)


@pytest.mark.parametrize("question, anchored", [
    ("Welke ambitie noemt de minister in de antwoorden van 2031 over fietspaden?", False),
    ("Up to which year does the cycling ambition run, as cited in the 2031 reply to the council?", False),
    ("What is raised in the 2031 written questions about cycle paths?", False),
    ("Hoeveel fietspaden zijn er in 2031 aangelegd?", True),
])
def test_a_year_that_names_the_reply_or_the_questions_is_no_anchor(question, anchored):
    # the year dates the document, not what the question asks about
    assert bool(R.read(question).anchors) == anchored


@pytest.mark.parametrize("question, kind", [
    ("Hoe groot is het tekort aan fietsenstallingen?", R.SIZE),
    ("How big is the bicycle fleet of the city?", R.SIZE),
    ("Hoe groot is de begroting van de fietsersbond?", R.AMOUNT),
])
def test_a_size_asked_without_its_unit(question, kind):
    assert R.read(question).type == kind


def test_a_size_is_answered_by_a_number_not_by_the_subject_alone():
    q = "Hoe groot is het tekort aan fietsenstallingen?"
    assert not answers(q, "Het tekort aan fietsenstallingen is een bekend probleem.")
    assert answers(q, "Er zijn 4.000 fietsenstallingen te weinig.")


def test_a_members_question_states_a_figure_only_to_who_asks_what_was_claimed():
    claim = "Klopt het dat 40% van de fietspaden in de provincie te smal is?"
    assert not answers("Welk percentage van de fietspaden in de provincie is te smal?", claim)
    assert answers("Welk percentage van de fietspaden is volgens de vragenstellers te smal?", claim)
    assert answers("What share of cycle paths did the MPs say was too narrow?", claim)


def test_a_place_name_cut_short_by_a_truncated_opening_is_the_same_place():
    # A published opening may end mid-word ("... in havens in Zuid-Ho"): the
    # name that begins the question's own is no other place; a short or
    # different beginning still is.
    req = R.read("Welke fietsenmakers werken in havens in Zuid-Holland?")
    for text, replaced in (("De fietsenmakers werken in havens in Zuid-Ho", False),
                           ("De fietsenmakers werken in havens in Noord-Holland.", True)):
        fit = R.fit(req, S.extract(text), text)
        assert bool(fit.replaced) is replaced, (text, fit.replaced)


def test_a_figure_for_now_answers_no_question_about_another_year():
    text = "Momenteel staan er 40 deelfietsen bij het station."
    own = R.spans_of(S.of_chunk(text, ((0, len(text)),), "2031-03-02"), 0, len(text))
    assert R.fit(R.read("Hoeveel deelfietsen stonden er eind 2030 bij het station?"), own, text).replaced
    assert R.fit(R.read("Hoeveel deelfietsen staan er in 2031 bij het station?"), own, text).answers


def test_a_date_the_letter_places_in_its_own_year_answers_no_question_about_another():
    text = "Op 8 en 15 februari jl. sprak ik met de fietsbond over deelfietsen."
    own = R.spans_of(S.of_chunk(text, ((0, len(text)),), "2031-03-02"), 0, len(text))
    assert R.fit(R.read("Wanneer sprak de minister in 2029 met de fietsbond?"), own, text).replaced
    # the year read off the letter places the sentence; it is no date asked after
    text = "Vorig jaar is een fietsmonitor ontwikkeld."
    own = R.spans_of(S.of_chunk(text, ((0, len(text)),), "2031-03-02"), 0, len(text))
    assert not R.fit(R.read("Wanneer verschijnt de fietsmonitor?"), own, text).answers


@pytest.mark.parametrize("question, within", [
    ("Welke lidstaten steunden het Europese fietsplan?", "EU"),
    ("Which EU countries backed the cycling plan?", "EU"),
    ("Welke EU-lidstaten steunden het fietsplan?", "EU"),
    # member states of another body, or countries: no membership to check
    ("Welke NAVO-lidstaten leverden fietsen?", ""),
    ("Which NATO member states delivered bicycles?", ""),
    ("Welke landen steunden het fietsplan?", ""),
])
def test_member_states_are_the_unions(question, within):
    req = R.read(question)
    assert req.type == R.COUNTRY and req.within == within


def test_a_country_outside_the_union_is_no_member_state():
    req = R.read("Welke lidstaten steunden het Europese fietsplan?")
    for text, holds in (("Ook Noorwegen steunde het Europese fietsplan.", False),
                        ("Ook Frankrijk en Griekenland steunden het Europese fietsplan.", True)):
        assert R.fit(req, S.extract(text), text).holds_type is holds, text


@pytest.mark.parametrize("question, kind", [
    ("Welk deel van de fietsendiefstallen wordt binnen een jaar opgelost?", R.PERCENTAGE),
    ("Welk aandeel van de fietsers draagt een helm?", R.PERCENTAGE),
    ("What proportion of cyclists wear a helmet?", R.PERCENTAGE),
    ("In welk deel van Zwolle komt de nieuwe fietsenstalling?", ""),
])
def test_a_share_of_a_plural_asks_a_percentage(question, kind):
    assert (R.read(question).type == R.PERCENTAGE) is (kind == R.PERCENTAGE)


def test_a_city_the_question_names_does_not_give_its_port():
    # "welke haven ... in Amsterdam": the Amsterdam port answers; naming a port
    # still gives it.
    text = "In de Amsterdamse haven onderschept de douane geregeld fietsonderdelen."
    req = R.read("Welke haven noemt de minister bij de fietsendiefstallen in Amsterdam?")
    assert R.fit(req, S.extract(text), text).holds_type
    req = R.read("Welke haven noemt de minister naast de Amsterdamse haven?")
    assert not R.fit(req, S.extract(text), text).holds_type


_POLL = "Volgens een enquête verwacht 80% van de wethouders dat de stalling vol raakt."
_FOUND = "Uit de monitor blijkt dat 40 procent van racefietsen binnen een jaar wordt teruggevonden."


@pytest.mark.parametrize("question, text, replaced", [
    ("Welk percentage van de fietsers verwacht dat de stalling vol raakt?", _POLL, True),
    ("Welk percentage van de wethouders verwacht dat de stalling vol raakt?", _POLL, False),
    # a compound with the same head is another group
    ("Welk percentage van de gestolen bakfietsen wordt binnen een jaar teruggevonden?", _FOUND, True),
])
def test_a_share_of_another_group_is_another_fact(question, text, replaced):
    assert bool(R.fit(R.read(question), S.extract(text), text).replaced) is replaced, text


@pytest.mark.parametrize("question, party", [
    ("Van welke partij is Kamerlid Bakker, die de fietsmotie indiende?", True),
    ("Which political party does MP Bakker, who tabled the cycling motion, represent?", True),
    # the parties to an agreement, not political parties
    ("Welke partijen ondertekenden het fietsconvenant?", False),
])
def test_a_political_party_is_answered_only_by_one_written_as_such(question, party):
    req = R.read(question)
    assert req.type == R.ORGANISATION and req.party is party
    if party:
        for text, holds in (("De motie van de leden Bakker en Smit vraagt om bredere fietspaden.", False),
                            ("De motie van het lid Bakker (FP) vraagt om bredere fietspaden.", True)):
            assert R.fit(req, S.extract(text), text).holds_type is holds, text


@pytest.mark.parametrize("question, answers", [
    # what is expected or planned is asked: the prediction answers it
    ("Welke gevolgen verwacht de fietsbond van de nieuwe stallingen?", True),
    ("What impact does the cycling union expect from the new sheds?", True),
    # what came of it is asked: a prediction is only an announcement
    ("Welke gevolgen hadden de nieuwe stallingen?", False),
])
def test_an_expectation_asked_is_answered_by_a_prediction(question, answers):
    text = "De fietsbond verwacht dat de nieuwe stallingen de diefstal van fietsen zullen halveren."
    fit = R.fit(R.read(question), S.extract(text), text)
    assert fit.answers is answers and fit.announced is not answers


@pytest.mark.parametrize("question", [
    "Is de wachttijd bij de fietsenstalling in 2031 daadwerkelijk gehalveerd?",
    "Welke fietspaden besloot de minister te verbreden?",
    "Which cycle paths did the minister decide to widen?",
])
def test_what_was_actually_reached_or_decided_is_not_stated_by_an_announcement(question):
    text = "In 2031 zal de wachttijd bij de fietsenstalling zijn gehalveerd."
    fit = R.fit(R.read(question), S.extract(text), text)
    assert fit.announced and not fit.answers


@pytest.mark.parametrize("question", [
    "Wat wordt het resultaat van het voorgenomen fietsplan?",
    "What effect is the planned cycling scheme meant to have?",
])
def test_a_plan_asked_is_stated_by_an_announcement(question):
    text = "Het fietsplan zal de wachttijd bij de stallingen halveren."
    req = R.read(question)
    assert req.type == R.OUTCOME and req.prospect
    assert not R.fit(req, S.extract(text), text).announced


@pytest.mark.parametrize("question, asked", [
    ("Who has been appointed cycling coordinator of Zwolle?", R.PERSON),
    ("Wie werd in 2030 benoemd tot fietscoördinator?", R.PERSON),
    # who holds a post may be a body
    ("Wie is verantwoordelijk voor de fietsenstalling?", R.PERSON_OR_ORG),
])
def test_who_was_appointed_asks_a_person(question, asked):
    assert R.read(question).type == asked
    text = "Het Fietsbureau (FB) is in 2030 opgericht om de stallingen te beheren."
    if asked == R.PERSON:
        assert not R.fit(R.read(question), S.extract(text), text).answers


@pytest.mark.parametrize("question, asked", [
    ("Welke Kamerleden, en voor welke fractie, dienden in mei 2031 vragen in over de fietsenstalling?", R.ASKERS),
    ("Welke minister, en namens wie, beantwoordde de vragen over de fietsenstalling?", R.SENDER),
    # a question in two parts otherwise asks what its first part asks
    ("Welke gemeenten, en hoeveel fietsen, telde de fietsbond?", R.CITY),
])
def test_who_put_or_answered_written_questions_is_read_from_the_whole_question(question, asked):
    assert R.read(question).type == asked


@pytest.mark.parametrize("question", ["Which MP tabled the motion on the bicycle sheds?",
                                      "Welk Kamerlid vroeg om een brief over de fietsenstallingen?",
                                      "Van welk lid was de motie over de fietsenstallingen?"])
def test_which_member_of_parliament_asks_a_person_named_as_such(question):
    req = R.read(question)
    assert req.type == R.PERSON
    for text, answers in (("De motie van lid Jansen (Fietspartij) vraagt om een brief over de fietsenstallingen.", True),
                          ("Uw Kamer vroeg om een brief over de fietsenstallingen.", False)):
        assert R.fit(req, S.extract(text), text).answers is answers, text


def test_a_year_within_a_period_is_kept_unless_the_question_dates_one_event():
    sentence = "De provincie werkt aan de hand van de Fietsagenda 2030–2035 aan veilige stallingen."
    assert answers("Aan de hand van welke agenda werkt de provincie in 2032 aan veilige stallingen?", sentence)
    # a month dates one document or event, which a period of years does not state
    assert not answers("Aan de hand van welke agenda werkt de provincie sinds mei 2032 aan veilige stallingen?",
                       sentence)
    assert not answers("Aan de hand van welke agenda werkt de provincie in 2037 aan veilige stallingen?", sentence)


@pytest.mark.parametrize("question, first, second", [
    ("How much money will the ferry get, and from when?", "How much money will the ferry get", "from when?"),
    ("Hoeveel geld krijgt de veerdienst erbij, en vanaf wanneer?", "Hoeveel geld krijgt de veerdienst erbij",
     "vanaf wanneer?"),
])
def test_a_second_question_joined_on_with_a_preposition_is_its_own_part(question, first, second):
    # the first part says what kind of fact opens the answer; the second is answered on its own
    assert Q.parts(question) == [first, second]
    assert R.read(question).type == R.AMOUNT
    assert R.read("From when does the new ferry timetable apply?").type == R.DATE


def test_examples_asked_are_a_list():
    assert R.read("What examples of new ferry routes does the province give?").type == R.LIST
