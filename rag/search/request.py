"""The question's typed request, read once: what type of fact it asks for,
at the granularity that decides an answer, and its anchors.

    type     city | port | region | country | place | person | person_or_org |
             organisation | law_programme | amount | count | percentage | date |
             year | duration | penalty | outcome | yes_no | list | why_how | ""
    anchors  what the answer must be about: the question's years, countries,
             cities, regions, ports (rag.ingest.gazetteer, either language) and its
             acronyms — a sentence that gives the fact for ANOTHER of these
             (another year, another country) does not answer it
    counted  what a "hoeveel X" counts

`fit(request, spans, text)` judges one sentence with its immediate
neighbours (their typed spans, rag.ingest.spans, built into the index): does it
hold a fact of the asked type, and is any anchor of the question replaced by
another of the same kind? Nothing here knows the letters or any eval
question: these are the grammar of questions and the types of facts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from rag.search import question as Q
from rag.ingest.chunk import ENDS_QUESTION
from rag.ingest import gazetteer as G
from rag.ingest import spans as S
from rag.textnl import STOPWORDS_NL, fold, numberised

CITY, PORT, REGION, COUNTRY, PLACE = "city", "port", "region", "country", "place"
PERSON, PERSON_OR_ORG, ORGANISATION, LAW_PROGRAMME = "person", "person_or_org", "organisation", "law_programme"
AMOUNT, COUNT, PERCENTAGE, DATE, YEAR, DURATION, PENALTY = (
    "amount", "count", "percentage", "date", "year", "duration", "penalty")
# A magnitude asked without its unit ("hoe groot is de wachtlijst", "how big
# is the bicycle fleet"): a number, a share, a sum or a length of time answers.
SIZE = "size"
OUTCOME, YES_NO, LIST, WHY_HOW = "outcome", "yes_no", "list", "why_how"
# Who signed or sent the letter itself, and its date: answered from its signature
# and letterhead, not from its sentences.
SENDER, LETTER_DATE = "sender", "letter_date"
# Who put written Kamervragen, for which party, and when they were sent in:
# answered from the questions' own header ("Vragen van het lid ... (ingezonden ...)").
ASKERS = "askers"
# The event of an outcome asked (what was agreed, decided, concluded).
AGREEMENT, DECISION, FINDING = "agreement", "decision", "finding"
IN_FORCE = "in_force"  # the event of a date asked: a rule's entry into force
# Not an asked type but what a partial answer lacks: the members of a category
# the letters only count ("vier stoffen", "een van de gemeenten").
NAMED = "named"
# Nor this: an outcome asked where the letters only announce it.
ANNOUNCED = "announced"

# The span kinds that hold a fact of each asked type (rag.ingest.spans).
HOLDERS: dict[str, tuple[str, ...]] = {
    CITY: (S.CITY, S.PORT), PORT: (S.PORT, S.CITY), REGION: (S.REGION, S.CITY, S.AREA), COUNTRY: (S.COUNTRY, S.AREA),
    PLACE: (S.CITY, S.PORT, S.REGION, S.COUNTRY, S.AREA), PERSON: (S.PERSON,),
    # "wie" is answered by a person, a body, or countries acting together.
    PERSON_OR_ORG: (S.PERSON, S.ORG, S.COUNTRY, S.LAW),
    ORGANISATION: (S.ORG, S.LAW), LAW_PROGRAMME: (S.LAW,), AMOUNT: (S.MONEY,), COUNT: (S.COUNT,),
    PERCENTAGE: (S.PERCENT,), DATE: (S.DATE, S.YEAR), YEAR: (S.YEAR,), DURATION: (S.DURATION,),
    PENALTY: (S.DURATION, S.MONEY), SIZE: (S.COUNT, S.PERCENT, S.MONEY, S.DURATION),
}
# How the partial answer names what is missing.
LABEL_NL = {
    CITY: "stad of gemeente", PORT: "haven", REGION: "regio", COUNTRY: "land", PLACE: "plaats",
    PERSON: "naam van een persoon", PERSON_OR_ORG: "persoon of organisatie", ORGANISATION: "organisatie",
    LAW_PROGRAMME: "naam van een wet, programma of project", AMOUNT: "bedrag", COUNT: "aantal",
    PERCENTAGE: "percentage", DATE: "datum", YEAR: "jaartal", DURATION: "duur of termijn", PENALTY: "straf",
    SIZE: "omvang of aantal",
    OUTCOME: "uitkomst", ANNOUNCED: "uitkomst (die wordt alleen aangekondigd)", SENDER: "ondertekenaar", LETTER_DATE: "datum",
    ASKERS: "vragenstellers",
    AGREEMENT: "afspraak", DECISION: "besluit", FINDING: "conclusie", IN_FORCE: "datum van inwerkingtreding",
}
LABEL_EN = {
    CITY: "city or municipality", PORT: "port", REGION: "region", COUNTRY: "country", PLACE: "place",
    PERSON: "person's name", PERSON_OR_ORG: "person or organisation", ORGANISATION: "organisation",
    LAW_PROGRAMME: "name of a law, programme or project", AMOUNT: "amount", COUNT: "number", PERCENTAGE: "percentage",
    DATE: "date", YEAR: "year", DURATION: "duration or term", PENALTY: "penalty",
    SIZE: "size or number",
    OUTCOME: "outcome", ANNOUNCED: "outcome (it is only announced)", SENDER: "signatory", LETTER_DATE: "date",
    ASKERS: "who asked the questions",
    AGREEMENT: "agreement", DECISION: "decision", FINDING: "conclusion", IN_FORCE: "date of entry into force",
}

# In order of precedence: the most specific wording wins ("hoeveel geld" is an
# amount and "hoeveel reistijd" a duration before "hoeveel" is a count).
_RULES: tuple[tuple[str, re.Pattern], ...] = tuple((t, re.compile(p, re.I)) for t, p in (
    # The date of the letter itself ("van welke datum is de fietsbrief", "when
    # was this letter sent"); not "wanneer stuurde de minister het evaluatierapport",
    # a document the text may name with its own date.
    (LETTER_DATE, r"\b(?:van welke datum|welke datum (?:heeft|draagt))\b[^?]{0,12}?\b(?:de|deze|die|het)\s+(?:[\w-]+\s+)?"
                  r"(?:\w*brief|beantwoording|antwoorden)\b|"
                  r"\b(?:wat is )?de datum van (?:de|deze|die) (?:[\w-]+ )?(?:\w*brief|beantwoording)\b|"
                  r"\b(?:wanneer|op welke datum) (?:is|werd|zijn|werden) (?:de|deze|die) (?:[\w-]+ )?(?:\w*brief|"
                  r"beantwoording|antwoorden)\b[^?]*\b(?:verstuurd|gestuurd|verzonden|gedateerd|ondertekend)\b|"
                  r"\bwhat is the date of (?:the|this|that) (?:[\w-]+ ){0,2}?(?:letter|reply)\b|"
                  r"\b(?:(?:on )?what date|when) (?:is|was) (?:the|this|that) (?:[\w-]+ ){0,2}?(?:letter|reply)\b"
                  r"[^?]*\b(?:sent|dated|signed|written)\b|"
                  # the date the answers to written questions were sent
                  r"\b(?:wanneer|op welke datum)\b[^?]{0,60}?\b(?:beantwoordde|beantwoordden)\b[^?]{0,60}?\b(?:de )?"
                  r"(?:\w+ )?vragen\b|\b(?:wanneer|op welke datum) (?:zijn|werden|heeft|hebben)\b[^?]{0,80}?\bvragen\b"
                  r"[^?]{0,80}?\bbeantwoord\b|\b(?:when|on what date) (?:did|were)\b[^?]{0,60}?\b(?:answer|answered)\b"
                  r"[^?]{0,20}?\b(?:the )?(?:\w+ )?questions\b|\b(?:when|on what date) were\b[^?]{0,80}?\bquestions\b"
                  r"[^?]{0,40}?\banswered\b|"
                  # ... and how long answering them took (a data site's "Beantwoord <date> (na 23 dagen)")
                  r"\b(?:hoe lang|hoeveel (?:dagen|weken|tijd))\b[^?]*?\b(?:\w*vragen\b[^?]*?\bbeantwoord\w*|"
                  r"beantwoord\w*\b[^?]*?\b\w*vragen)\b|"
                  r"\b(?:how long|how many (?:days|weeks))\b[^?]*?\b(?:questions\b[^?]*?\banswer\w*|"
                  r"answer\w*\b[^?]*?\bquestions)\b"),
    # The written questions themselves: who put them, for which party, when
    # ("Wie stelde de vragen over de fietsenstalling", "Voor welke partij diende A
    # de vragen", "Which MPs tabled the written questions"); not a Kamervraag's content.
    (ASKERS, r"\b(?:wie|welk(?:e)? (?:[\w-]+ |\w+-)?(?:kamerleden|kamerlid|leden|lid|partij|partijen)|namens welke partij|"
             r"van welke partij)\b[^?]{0,60}?\b(?:stelde|stelden|gesteld|diende|dienden|ingediend|ingezonden|zond|"
             r"zonden|stuurde|stuurden)\b[^?]{0,40}?\b(?:\w+ )?(?:kamer)?vragen\b|"
             r"\b(?:wie|welk(?:e)? (?:[\w-]+ |\w+-)?(?:kamerleden|kamerlid|leden|lid|partij))\b[^?]{0,20}?\b(?:stelde|stelden|"
             r"diende|dienden)\b[^?]{0,60}?\b(?:schriftelijke |kamer)?vragen\b|"
             r"\bwie (?:heeft|hebben) (?:de |deze |die )?(?:\w+ )?(?:kamer)?vragen\b[^?]{0,80}?\b(?:gesteld|ingediend|"
             r"ingezonden)\b|"
             r"\b(?:van|namens|voor) welke partij\b[^?]{0,80}?\b(?:kamer)?vragen\b[^?]{0,20}?\b(?:stelde|stelden|gesteld|"
             r"indiende|indienden|ingediend|ingezonden)\b|"
             r"\bwhich (?:political )?party\b[^?]{0,80}?\b(?:asked|tabled|submitted|put)\b[^?]{0,40}?\bquestions\b|"
             r"\bwanneer (?:zijn|werden|stuurde|stuurden|diende|dienden|zond|zonden|stelde|stelden)\b[^?]{0,80}?"
             r"\b(?:\w+ )?(?:kamer)?vragen\b[^?]{0,80}?\b(?:in|ingezonden|ingediend|gesteld)\b|"
             r"\b(?:who|which (?:[\w-]+ )?(?:mps?|members?|party|parties))\b[^?]{0,40}?\b(?:asked|ask|tabled|table|"
             r"submitted|submit|put|sent in|send in|filed|file)\b[^?]{0,40}?\b(?:\w+ )?questions\b|"
             # "which MPs asked about ...": members asking are written questions
             r"\bwhich (?:[\w-]+ ){0,2}(?:mps|members of parliament)\b (?:asked|enquired)\b|"
             r"\bwhen (?:were|was|did)\b[^?]{0,80}?\bquestions?\b[^?]{0,60}?\b(?:submitted|tabled|sent in|filed|"
             r"asked|put)\b|\bwhen did\b[^?]{0,60}?\b(?:submit|table|send in|file)\b[^?]{0,40}?\bquestions\b"),
    # A yes/no question about how something ended ("Heeft X uiteindelijk ... gestemd?")
    # asks for an outcome.
    (OUTCOME, r"^(?:is|zijn|was|waren|heeft|hebben|had|werd|werden|has|have|did|was|were)\b.*\b(?:uiteindelijk|"
              r"inmiddels|intussen|"
              r"gestemd|aangenomen|verworpen|ingestemd|goedgekeurd|veroordeeld|verboden verklaard|toegekend|afgewezen|"
              r"toegewezen|ingewilligd|aanvaard|akkoord gegaan|"
              r"eventually|voted|adopted|rejected|approved|convicted|banned|grant|granted|agree|agreed|accept|accepted)\b"),
    # A question that opens with a finite verb asks yes or no, whatever it is about.
    (YES_NO, r"^(?:is|zijn|was|waren|heeft|hebben|had|kan|kunnen|wordt|worden|werd|gaat|gaan|zal|zullen|moet|"
             r"moeten|mag|mogen|komt|klopt|bestaat|does|do|did|are|were|has|have|will|can|could|should)\b"),
    (WHY_HOW, r"^(?:en )?(?:waarom|why|hoe komt het|om welke reden|for what reason)\b"),
    # ("welk deel van de fietsendiefstallen": a share of a plural; "welk deel van
    # Zwolle" is a place)
    (PERCENTAGE, r"\b(?:hoeveel procent|welk(?:e)? (?:\w+ )?percentage|met hoeveel procent|wat is het percentage|"
                 r"what (?:\w+ )?percentage|how many percent|what (?:\w+ )?share|what (?:\w+ )?proportion|welk (?:\w+ )?aandeel|"
                 r"welk deel van (?:de|alle) [\w-]+(?:en|s))\b"),
    (PENALTY, r"\b(?:welke (?:straf|strafmaat|sanctie|boete)|(?:maximale|hoogste) (?:straf|straffen|gevangenisstraf|"
              r"gevangenisstraffen|boete|boetes|strafmaxima)|strafmaxim\w+|"
              r"hoeveel jaar (?:cel|gevangenisstraf)|strafmaat|what (?:penalty|sentence)|maximum (?:penalty|sentence))\b"),
    # ("hoeveel reistijd", "how much travel time": a length of time too)
    (DURATION, r"\b(?:hoe lang|hoeveel (?:jaar|jaren|maanden|weken|dagen|uur|\w*tijd)|voor hoelang|how long|"
               r"how many (?:years|months|weeks|days|hours)|how much (?:\w+ )?time|welke (?:termijn|periode|looptijd))\b"),
    (YEAR, r"\b(?:in welk jaar|welk jaar|vanaf welk jaar|sinds welk jaar|(?:in|since|from|until|by) what year|which year|"
           # a year of its kind: "op welk begrotingsjaar", "in welk schooljaar", "which financial year"
           r"welk \w+jaar|(?:which|what) (?:\w+ )?(?:school|academic|financial|fiscal|calendar|budget) year)\b"),
    (DATE, r"\b(?:wanneer|sinds wanneer|per wanneer|tot wanneer|vanaf wanneer|op welke (?:exacte )?datum|"
           r"welke (?:exacte )?datum|op welke (?:exacte )?dag|on (?:what|which) (?:exact )?day|"
           r"in welke maand|when|since when|by when|from when|(?:on )?what (?:exact )?date|uiterlijk wanneer|"
           # a deadline is a date: "by what deadline", "wat is de uiterste datum"
           r"(?:by )?(?:what|which) (?:is the )?(?:\w+ )?deadline|what is the (?:\w+ )?deadline|"
           r"(?:welke|wat is de) (?:\w+ )?(?:deadline|uiterste datum))\b"),
    (AMOUNT, r"\b(?:hoeveel (?:\w+ )?geld|in euro(?:['’]s)?(?!\w)|in euros|welk bedrag|welk deel van (?:de|het) .{0,30}\b(?:euro|geld|bedrag|budget)|wat kost|wat kostte|wat kosten|hoeveel (?:\w+ )?(?:euro|miljoen|miljard)|"
             r"hoeveel\b[^?]{0,60}\bwaard\b|what (?:is the )?value|how much\b[^?]{0,60}\bworth\b|"
             r"hoe(?:veel)? (?:groot|hoog) is het budget|wat (?:is|was|zijn|waren) (?:het|de) (?:\w+ ){0,3}(?:budget|bedrag|kosten|begroting)|hoeveel (?:is|wordt|werd) er\b.{0,40}"
             r"\b(?:geïnvesteerd|uitgetrokken|uitgegeven|vrijgemaakt|beschikbaar gesteld)|geld (?:is|wordt) (?:er)? ?"
             r"(?:mee )?gemoeid|how much (?:\w+ ){0,2}(?:money|funding|budget|spending|investment)|what (?:does|did|would|will) .{1,60} cost|"
             r"wat (?:zou|zouden|gaat|gaan) .{1,60} kosten|"
             r"what (?:is|was) the (?:\w+ ){0,3}(?:budget|cost|amount)|what (?:budget|amount)|"
             # "hoe hoog is de boete", "how high is the fine": a sum of money named by its noun
             r"(?:hoe (?:hoog|groot)|how (?:high|large|big)) (?:\w+ ){1,4}?\w*(?:bedrag|kosten|budget|begroting|prijs|boete|geld|"
             r"subsidie|salaris|tarief|bijdrage|investering|loon|lonen|uitkering|toeslag|premie|huur|fine|cost|price|fee|amount|"
             r"salary|grant|wage|allowance|benefit|rent|premium)s?)\b"),
    (COUNT, r"\b(?:hoeveel|hoe ?veel|how many|how much|wat is het aantal|welk aantal|om hoeveel)\b"),
    # (a measured quantity named by its noun: "welke hoeveelheid fijnstof")
    (SIZE, r"\b(?:hoe (?:groot|hoog|omvangrijk)|how (?:large|big|high|extensive)|wat is de omvang|"
           r"what (?:is|was) the (?:size|scale|extent)|"
           r"(?:welke|wat is de|wat was de) (?:\w+ )?[\w-]*(?:concentratie|hoeveelheid|gehalte)s?|"
           r"what (?:is the |was the )?(?:\w+ )?[\w-]*(?:concentration|quantity)s?)\b"),
    (CITY, r"\b(?:in |naar |uit )?welke (?:\w+ )?(?:stad|steden|gemeente|gemeenten|plaats|plaatsen|dorpen)\b|"
           r"\bwelk(?:e)? (?:\w+ )?(?:stad|gemeente|plaats)\b|\b(?:which|what) (?:\w+ )?(?:cit(?:y|ies)|towns?|"
           r"municipalit(?:y|ies))\b"),
    (PORT, r"\b(?:welke|in welke|via welke|which|what) (?:\w+ )?(?:haven|havens|zeehaven|zeehavens|luchthaven|ports?)\b"),
    (REGION, r"\b(?:welke|in welke|which|what) (?:\w+ )?(?:regio|regio's|provincie|provincies|regions?|"
             r"provinces?)\b"),
    (COUNTRY, r"\b(?:welk|welke|in welk|in welke|uit welke|met welke|naar welke|which|what|with which|from which)\s+"
              r"(?:[\w-]+\s+){0,2}(?:\w+-)?(?:land|landen|staten|lidstaat|lidstaten|countr(?:y|ies)|nations?|"
              r"member states?)\b"),
    # The letter's own signatory: "welke staatssecretaris ondertekende de fietsbrief",
    # "who sent this letter", "and who signed it?" (not "which
    # minister signed the treaty": that is a person in the letter's sentences).
    # who was appointed or elected to a post: a person, not the body
    (PERSON, r"\b(?:wie|who)\b[^?]{0,40}?\b(?:benoemd|aangesteld|verkozen|appointed|elected|named as)\b"),
    (SENDER, r"\b(?:wie|welke (?:[\w-]+ )?(?:minister|staatssecretaris|bewindspersoon|bewindslieden)|who|"
             r"which (?:[\w-]+ )?(?:minister|state secretary|secretary of state))\b[^?]{0,30}?\b(?:heeft|hebben|"
             r"ondertekende|ondertekenden|tekende|stuurde|stuurden|verstuurde|verzond|schreef|has|have|signed|sent|"
             r"wrote)\b[^?]{0,12}?\b(?:de|deze|die|het|the|this|that)?\s*(?:[\w-]+\s+){0,2}?(?:\w*brief|"
             r"beantwoording|antwoorden|letter|reply|answers)\b[^?]*?(?:\b(?:ondertekend|verstuurd|gestuurd|"
             r"geschreven|verzonden)\b)?|"
             r"\b(?:which (?:[\w-]+ )?(?:minister|state secretary)|who) (?:signed|sent|wrote) (?:it|them)\b|"
             # who answered the written questions: the answer's own "Antwoord van ..." line
             r"\b(?:wie|welke (?:[\w-]+ )?(?:ministers?|staatssecretariss(?:en)?|staatssecretaris|bewindspersonen|"
             r"bewindspersoon|bewindslieden))\b[^?]{0,20}?\b(?:(?:beantwoordde|beantwoordden)\b[^?]{0,30}?"
             r"\b(?:de )?(?:\w+ )?\w*vragen\b|(?:heeft|hebben)\b[^?]{0,30}?\b(?:de )?(?:\w+ )?\w*vragen\b[^?]{0,80}?"
             r"\bbeantwoord\b)|"
             r"\b(?:who|which (?:[\w-]+ )?(?:ministers?|state secretar(?:y|ies)))\b[^?]{0,20}?\banswered\b[^?]{0,30}?"
             r"\b(?:the )?(?:\w+ )?questions\b|"
             r"\b(?:welke (?:[\w-]+ )?(?:minister|staatssecretaris)|wie) (?:heeft|hebben) (?:hem|die|deze|ze) "
             r"(?:ondertekend|verstuurd|gestuurd|geschreven)\b|"
             r"\b(?:van wie|door wie) (?:is|was|komt|kwam) (?:de|deze|die) (?:[\w-]+ )?(?:\w*brief|beantwoording)\b|"
             r"\b(?:afzender|ondertekenaar|signatory|sender) van (?:de|deze|die) (?:[\w-]+ )?\w*brief\b|"
             r"\b(?:sender|signatory) of (?:the|this) (?:[\w-]+ )?letter\b"),
    # (one adjective before the role, or two joined: "which Danish and Swedish officials")
    (PERSON, r"\b(?:welke?|which) (?:[\w-]+ (?:(?:and|en) [\w-]+ )?)?(?:minister|staatssecretaris|state secretary|"
             r"persoon|personen|kamerleden|kamerlid|lid|leden|mp|members? of parliament|hoogleraar|"
             r"onderzoeker|onderzoekers|burgemeester|criminoloog|deskundige|functionaris|functionarissen|ambtsgenoot|"
             r"ambtsgenoten|person|people|researcher|professor|official|counterpart)s?\b|"
             r"\bwie (?:is|was|zijn|waren) (?:de|het) (?:minister|staatssecretaris|voorzitter|burgemeester|hoogleraar|"
             r"hoofd|directeur|leider|commandant|vertrouwenspersoon|coördinator|voorzitter|baas|onderzoekers?|auteurs?|"
             r"schrijvers?|opstellers?)\b|"
             r"\bwie (?:leidt|leidde|leiden|voert .{0,20} aan|zit .{0,30} voor|is voorzitter)\b|"
             r"\b(?:hoe heet|what is the name of|what was the name of) (?:de|het|the) (?:[\w-]+ ){0,4}(?:minister|"
             r"staatssecretaris|commandant|commander|directeur|director|voorzitter|chair\w*|burgemeester|mayor|hoofd|head|"
             r"leider|leader|officier|officer|official|hoogleraar|professor|onderzoeker|researcher|persoon|person)\b|"
             r"\b(?:wat is )?de naam van (?:de|het) (?:\w+ )?(?:minister|staatssecretaris|voorzitter|burgemeester|"
             r"hoogleraar|hoofd|directeur|commandant|officier|rechter|persoon|vertrouwenspersoon)\b|"
             r"\bhoe heet (?:de|het) (?:[\w-]+ )?[\w-]*(?:minister|staatssecretaris|voorzitter|burgemeester|hoofd|commandant)\b|"
             r"\bwho (?:chairs|leads|led|heads|headed|is the (?:head|chair|director|commander|minister))\b|"
             r"\bwhat is the name of the (?:\w+ )?(?:minister|commander|head|chair|director|official|person)\b"),
    # ("met wie", "aan wie" still ask who; "voor wie", "bij wie" ask a group
    # or a role as often: "voor jongeren", "bij een vertrouwenspersoon")
    (PERSON_OR_ORG, r"^(?:en )?(?:(?:met|aan|namens) )?(?:wie|who)\b|\bdoor wie\b|\b(?:by|with|to) whom\b"),
    # (a compound names a kind of body too: "welk onderzoeksbureau", "which broadcaster")
    (ORGANISATION, r"\b(?:welke|welk|which|what) (?:\w+ )?(?:\w*(?:organisatie|organisaties|instantie|instanties|bureau|"
                   r"bureaus|instituut|instituten|stichting|stichtingen|vereniging|verenigingen|omroep|omroepen|orgaan|organen)|"
                   r"dienst|diensten|"
                   r"universiteit|universiteiten|hogeschool|hogescholen|ministerie|ministeries|universit(?:y|ies)|"
                   r"instelling|instellingen|partij|partijen|partner|partners|bedrijf|bedrijven|organi[sz]ations?|"
                   r"agenc(?:y|ies)|bod(?:y|ies)|institutions?|institutes?|foundations?|associations?|"
                   r"broadcasters?|firms?|compan(?:y|ies)|partners?|fabriek|fabrieken|factor(?:y|ies)|plants?|"
                   r"part(?:y|ies)|"
                   # bodies named by their kind: "welk fietsteam", "welke krant", "which fund" (not "welke
                   # media": a platform is no body the letters name as one)
                   r"team|teams|[\w-]*fonds|[\w-]*fondsen|nieuwsmedi(?:um|a)|krant|kranten|dagblad|dagbladen|onderdeel|onderdelen|eenheid|"
                   r"eenheden|korps|korpsen|funds?|units?|newspapers?|(?:news )?outlets?)\b"),
    # (also a compound: "welk EU-programma", "welk actieplan")
    (LAW_PROGRAMME, r"\b(?:welke|welk|which|what) (?:\w+ )?[\w-]*(?:wet|wetten|wetsvoorstel|programma|project|projecten|"
                    r"plan|regeling|verdrag|convenant|instrument|campagne|laws?|bill|programme|program|project|treaty|"
                    r"campaign)\b|\bhoe heet\b|\bwhat is (?:it|the \w+) called\b"),
    # A reply, a response, a vote asked of its own ("Wat antwoordde de wethouder …",
    # "Hoe heeft de raad gestemd …"): what came of a question or a proposal.
    (OUTCOME, r"^(?:en )?(?:wat|hoe|what|how)\b[^?]*?\b(?:antwoordde|antwoordden|reageerde|reageerden|reageert|"
              r"reageren|gestemd|stemde|stemden|repl(?:y|ied)|respon(?:se|ded)|voted?)\b"),
    (OUTCOME, r"\b\w*(?:resultaat|resultaten|uitkomst|uitkomsten|opgeleverd|opleverde|opbrengst|bevinding|bevindingen|"
              r"effect|effecten|gevolg|gevolgen|impact|uitslag|aangenomen|verworpen|opgeleverd|geleid tot|"
              r"naar voren gekomen|komt naar voren|kwam (?:er )?uit|zijn gevonden|(?:heeft|hebben)\b[^?]*\bgevonden|aangemerkt|aangebracht|afgesproken|"
              r"overeengekomen|wat staat er in|adviseerde|adviseert|concludeerde|oordeelde|bleek|blijkt uit|"
              r"vastgesteld|produce[ds]?|yield(?:ed)?|"
              r"show(?:ed|s)?|recommended|agreed|found)\b|"
              r"\b(?:akkoord|overeenstemming|agreements?)\b[^?]*\b(?:bereikt|reach(?:ed)?)\b|"
              r"\b(?:welk|welke|wat (?:is|was|zijn|waren) (?:de|het))\s+(?:\w+\s+)?(?:advies|adviezen|aanbeveling|"
              r"aanbevelingen|oordeel)\b|\bwhat (?:advice|recommendations?)\b|\b(?:"
              r"conclusie|conclusies|concludeer\w*|uitspraak|afloop|besluit|beslissing|beslist|besloten|oordeel|"
              r"results?|outcomes?|findings?|conclusions?|conclude[ds]?|decided|decision|ruling|verdict)\b"),
    # "Waar ... op/aan/over": a split "waarop", "waaraan": no place asked.
    (PLACE, r"^(?:en )?waar\b(?!.*\b(?:over|om|aan|mee|voor|toe|naar|door|op|uit|vandaan)\b)(?!.*\bvan\s*\??$)|"
            r"\bwhere\b(?! from)"),
    # ("hoe hoog", "how large" ask a size, not a way)
    (WHY_HOW, r"^(?:waarom|why|hoe(?! (?:hoog|groot|laag|klein|lang|vaak|oud|ver|duur)\b)|"
              r"how(?! (?:high|large|big|low|small|long|often|old|far|much|many)\b)|op welke (?:manier|wijze)|in what way|wat is het doel|what is the (?:aim|goal|"
              r"purpose))\b"),
    (LIST, r"\b(?:welke|which|wat zijn de|what are the|noem|what (?:\w+ )?examples|wat voor voorbeelden)\b"),
    (YES_NO, r"^(?:is|zijn|was|waren|heeft|hebben|had|kan|kunnen|wordt|worden|werd|gaat|gaan|zal|zullen|moet|"
             r"moeten|mag|mogen|komt|klopt|bestaat|does|do|did|is|are|was|were|has|have|will|can|could|should)\b"),
))


def _first_rule(question: str, skip: str = "") -> tuple[str, str]:
    """(asked type, the words that ask it) of the first rule the question
    meets (other than those asking `skip`)."""
    q = " ".join(question.split())
    for kind, pattern in _RULES:
        if kind == skip:
            continue
        m = Q.asking_match(pattern, q)
        if m:
            return kind, m.group(0)
    return "", ""


def asked_type(question: str, skip: str = "") -> str:
    return _first_rule(question, skip)[0]


def asking_words(question: str) -> str:
    """The words of the question that ask for the type ("welke resultaten",
    "hoeveel geld"): not what it is about."""
    return _first_rule(question)[1]


@dataclass(frozen=True)
class Anchor:
    kind: str  # a span kind of rag.ingest.spans: year, country, city, region, port, ordinal
    value: str  # what spans are compared by (the year, the ISO code, the folded name)
    surface: str  # as the question writes it
    extra: str = ""  # an ordinal's noun


# An outcome asked by its event: event -> (the question's words for it, the
# words a sentence reports that event in, Dutch as the letters write it). A
# sentence that only discusses the subject ("X speelt al jaren een rol")
# reports no agreement, decision or conclusion.
_EVENTS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    event: (re.compile(asked, re.I), re.compile(reported, re.I)) for event, asked, reported in (
        (AGREEMENT, r"\b(?:afgesproken|afspra(?:ak|ken)|overeengekomen|overeenstemming|akkoord|agree(?:d|ments?)?)\b",
         r"\b(?:afgesproken|afspra(?:ak|ken)|overeengekomen|overeenstemming|akkoord|ingestemd|instemming|toegezegd|"
         r"convenant|ondertekend|getekend|besloten)\b"),
        (DECISION, r"\b(?:besloten|besluit|beslist|beslissing|toegewezen|afgewezen|uitspraak|decided|decisions?|"
                   r"grant(?:ed)?|ruled|ruling|verdict)\b",
         r"\b(?:besloten|besluit|beslist|beslissing|toegewezen|afgewezen|uitspraak|geoordeeld|oordeel|verboden|"
         r"goedgekeurd|aangenomen|verworpen|ingestemd|veroordeeld|vrijgesproken)\b"),
        (FINDING, r"\b(?:concludeer\w*|conclusies?|bevindingen?|gevonden|uitgewezen|conclude[ds]?|conclusions?|"
                  r"findings?|found)\b",
         r"\b(?:concludeer\w*|concluderen|conclusies?|bevinding\w*|blijkt|bleek|gevonden|toont|tonen|laat zien|"
         r"laten zien|wijst uit|wezen uit|uitgewezen|vastgesteld|constateer\w*|geconstateerd)\b"),
        # A date of entry into force is not the date a treaty was negotiated,
        # signed or sent to parliament ("gaat de regeling in op 1 mei": it starts).
        (IN_FORCE, r"\b(?:in werking|van kracht|in ?gaan|in ?gegaan|ingaat|gaat\b[^?]{0,40}\bin|geldt|gelden|"
                   r"in force|take[sn]? effect|took effect|come into effect|came into effect)\b",
         r"\b(?:in werking|van kracht|in ?gegaan|ingaat|gaat\b[^.;]{0,40}?\bin|gaan\b[^.;]{0,40}?\bin|geldt|gelden|"
         r"ingevoerd|in force|effective|takes? effect|took effect|into effect)\b"),
    )}


def _event(kind: str, first: str) -> str:
    if kind == OUTCOME:
        return next((event for event in (AGREEMENT, DECISION, FINDING) if _EVENTS[event][0].search(first)), "")
    if kind in (DATE, YEAR) and _EVENTS[IN_FORCE][0].search(first):
        return IN_FORCE
    return ""


# A calendar day asked ("op welke datum"): a month, a season or a year does not answer it.
_DAY = re.compile(r"\b(?:op welke (?:datum|dag)|welke datum|exacte datum|(?:on )?(?:what|which) (?:exact )?(?:date|day)|"
                  r"exact date)\b", re.I)
# An exact number asked: a vague quantity ("tientallen", "een halvering") is no answer.
_EXACT = re.compile(r"\b(?:precies|exact|exacte|in totaal|totaal|totale|precisely|exactly|in total|total)\b", re.I)
# A change in number asked ("hoeveel meer", "how much has it grown"): then "een
# verdubbeling" answers; a plain "hoeveel" asks the number itself.
_CHANGE = re.compile(r"\b(?:meer|minder|extra|erbij|bijkomen|(?:komt|komen) er\b[^?]*\bbij|toename|afname|gestegen|gedaald|gegroeid|groei|stijging|daling|"
                     r"more|fewer|less|increase\w*|decrease\w*|grow\w*|grew|rise|rose)\b", re.I)


@dataclass(frozen=True)
class Request:
    asked: Q.Asked  # the coarse reading the answerer's selection uses
    type: str
    anchors: tuple[Anchor, ...] = ()
    counted: str = ""
    exact: bool = False
    change: bool = False  # a change in number is asked: a multiple ("een verdubbeling") answers
    # the initials of a counted name ("hoeveel Gemeenschappelijke Controle Teams" -> "gct"),
    # which a letter may count by its acronym ("14 GCT's")
    counted_initials: str = ""
    realised: bool = False  # what was actually reached is asked ("daadwerkelijk"): a target is no answer
    # what someone claims, reports or asks is asked ("volgens het bericht",
    # "what did the MPs say"): a member's question may state it
    claimed: bool = False
    # what is expected, feared or planned is asked ("Wat verwacht de bond van
    # ...?"): an announcement or a prediction answers it
    prospect: bool = False
    # years that date the letter asked about, not what happened ("volgens de
    # brief van oktober 2030"): no anchor, and found in the letter's date
    letter_years: tuple[str, ...] = ()
    # what the letter asked about is about, folded ("volgens de brief van juni
    # 2030 over de fietsenstalling in Zwolle"): its names are the letter's, found
    # anywhere in it, not necessarily beside the fact
    letter_about: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()  # the sectors the question names ("de bloementeeltsector"), folded
    bodies: tuple[str, ...] = ()  # the organisations the question names, as span values
    # (kind, value) of the facts the question itself gives ("van de 7 miljoen euro"):
    # a sentence repeating them does not answer it
    given: frozenset = frozenset()
    # "welk(e) [N] X": the words that may name the category X whose member is
    # asked, as folded prefixes; a sentence that has X only under a quantifier
    # ("een van de X", "drie X") names no member
    category: tuple[str, ...] = ()
    members: int = 0  # "welke drie X": how many members are asked
    # (acronym, folded qualifier, as written) of a body's branch the question
    # names ("PVO Noord", "RIEC Limburg"): the same body's other branch is
    # another anchor
    branches: tuple[tuple[str, str, str], ...] = ()
    # a person asked by role ("welke criminoloog", "the name of the minister"):
    # the words that must stand before the name ("criminoloog Jansen")
    role: tuple[str, ...] = ()
    day: bool = False  # a calendar day is asked: only a date with its day answers
    event: str = ""  # the event of an outcome (AGREEMENT, DECISION, FINDING) or a date (IN_FORCE) asked
    # "welke Zuidoost-Aziatische landen": the part of the world the countries
    # asked lie in ("UN035"; "?" for a qualifier that names none: "Arabische").
    # Only countries answer, and only countries inside it where it is known.
    within: str = ""
    # years the question writes with their month ("de evaluatie van mei 2030"):
    # each dates one event, which a period of years ("2028–2032") does not state
    month_years: tuple[str, ...] = ()
    # "welk percentage van de fietsers": the folded prefix of what the share is
    # of; a share of another group ("80% van de wethouders") gives another fact
    share_of: str = ""
    # "van welke partij is X", "for which party": only a political party answers,
    # as the letters write one: after a name in brackets, or as a fractie
    party: bool = False
    # "welke Franse instanties": the folded proper adjective the bodies asked
    # are of ("fran"); only a body the letter writes with it answers
    # ("de Franse gendarmerie", not "de fietspolitie ... en hun Franse collega's").
    # None for the home country, whose bodies go without it, and for an English
    # question (its adjective is not the Dutch letters').
    nationality: str = ""

    @property
    def english(self) -> bool:
        return self.asked.english

    @property
    def text(self) -> str:
        return self.asked.text


_NAMES_A_LETTER = re.compile(r"\b(?:\w*brief|brieven|letter|rapportage|report|jaarverslag|kamerstuk|\w*vragen|"
                             r"beantwoording|antwoord|antwoorden|repl(?:y|ies)|answers?|questions)\w*\s+"
                             r"(?:van|uit|from|of)?\s*(?:\w+\s+)?$", re.I)
_LETTER_AFTER_YEAR = re.compile(r"[\s-]*(?:\w+\s+)?(?:\w*brief|brieven|letter|progress letter|rapportage|report|"
                                r"kamerstuk|\w*vragen|beantwoording|antwoorden|repl(?:y|ies)|answers|questions|"
                                r"\w*reactie|response)\b", re.I)
# ... or dates it by its month, further on ("volgens de brief over X van
# oktober 2030", "the minister's response (June 2030)"): a month and year that
# date a letter or a statement, not what happened.
_LETTER_DATED = re.compile(rf"(?:\b(?:\w*brief|brieven|letter|rapportage|report|jaarverslag|\w*vragen|antwoord\w*|"
                           rf"answers?|questions|\w*reactie|response)\b[^?;]*?\b(?:van|of|from|dated)\s+|\(\s*)"
                           rf"(?:\d{{1,2}}\s+)?(?:{S.MONTHS})\s+$", re.I)
# A year written with its month ("mei 2030"): Request.month_years.
_MONTH_YEAR = re.compile(rf"\b(?:{S.MONTHS})\s+((?:19|20)\d\d)\b", re.I)
# Anchors the home country and generic words never are.
_HOME = {"NL"}
_HOME_ADJECTIVES = ("nederland", "dutch", "rijks")
_ANCHOR_KINDS = (S.YEAR, S.COUNTRY, S.CITY, S.REGION, S.PORT, S.ORDINAL)


# The realised figure asked, and a figure stated as a target.
_REALISED = re.compile(r"\b(?:daadwerkelijk|feitelijk|in werkelijkheid|in de praktijk|gerealiseerd|actually|in reality|"
                       r"in practice|"
                       # what was decided or chosen: an announcement does not say it
                       r"besloot|besloten|beslist|koos|kozen|gekozen|decided?|chose|chosen|choose)\b", re.I)
_PROSPECT = re.compile(r"\b(?:verwacht|verwachten|voorziet|voorzien|vreest|vrezen|zal|zullen|"
                       r"(?:is|zijn) (?:\w+ ){0,3}van plan|beoogde?|voorgenomen|expects?|anticipates?|predicts?|"
                       r"foresees?|fears?|will|intended|planned|(?:is|are) to be|(?:plans?|intends?|going) to)\b", re.I)
_LETTER_ABOUT = re.compile(rf"\b(?:\w*brief|brieven|letter|antwoorden|answers|beantwoording|\w*reactie|response)\b"
                           rf"(?:\s+(?:van|of|from|dated)\s+(?:\d{{1,2}}\s+)?(?:(?:{S.MONTHS})\s+)?(?:19|20)\d\d)?"
                           rf"\s+(?:over|on|about|inzake|betreffende|regarding|concerning)\s+([^?,;]+)", re.I)
# A claim, a report or a member's question asked after: what a Kamervraag
# puts to the minister may answer it, and nothing else may be answered by one.
_CLAIMED = re.compile(r"\b(?:volgens|according to|claim\w*|allegedly|zou|zouden|beweer\w*|stel(?:t|len|de|den)|"
                      r"noem(?:t|en|de|den)|say|says|said|refer\w*|vragensteller\w*|\w*kamerlid|\w*kamerleden|lid|leden|"
                      r"MPs?|members?|\w*vragen|questions?|asked|vroeg|vroegen|bericht\w*|reportage\w*|artikel\w*|"
                      r"articles?|report\w*|news|headlines?|media|uitzending)\b", re.I)
_TARGET = re.compile(r"\b(?:ambitie|doelstelling\w*|streefcijfer\w*|streefwaarde\w*|streven|streeft|streefden|beoog\w*|"
                     r"het doel is|target|aim(?:s|ed)? (?:at|to))\b", re.I)
_TARGET_NL = ("het doel", "het bereikte resultaat")
_TARGET_EN = ("the target", "the result achieved")
# A named sector or branch: an anchor like a place ("in de bloementeeltsector").
_SECTOR = re.compile(r"\b\w{3,}(?:sector|branche)\b", re.I)
# "welk(e) [N] X ...": the one or two words after the asking word.
_CATEGORY = re.compile(r"\b(?:welke?|which)\s+(?:(\d+|" + S.NUMBER_WORDS.pattern + r")\s+)?([\w'’-]{3,})(?:\s+([\w'’-]{3,}))?",
                       re.I)
# A proper adjective before the countries asked: "welke Oost-Europese landen",
# "which South American countries" (the question word itself is no qualifier).
_AREA_QUALIFIED = re.compile(r"\b((?:[A-Z][\w'’]*[\s-]){0,2}[A-Z][\w'’]*)\s+(?:landen|lidstaten|countries|states)\b")
_QUESTION_WORDS = re.compile(r"^(?:(?:welke?|which|what|op|in|met|uit|naar|van|from|with|to|de|the)(?:\s+|$))+", re.I)
_COUNTED_NAME = re.compile(r"\b(?i:hoeveel|how many)\s+((?:[A-Z][\w-]+\s+){1,4}[A-Z][\w-]+)")


def read(question: str, asked: Q.Asked | None = None, skip: str = "") -> Request:
    """`skip`: an asked type not to read (one the caller could not answer as such)."""
    asked = asked or Q.read(question)
    q = asked.text
    # What is asked, from the user's own question; anchors from all that was searched.
    split = Q.parts(asked.own)
    first = split[0] if split else asked.own
    kind = asked_type(first, skip)
    # Who put or answered written questions, or when, is asked of the whole
    # question ("Welke Kamerleden, en voor welke fractie, dienden de vragen over
    # de fietsenstalling in"): its first part alone ("Welke Kamerleden") reads as any person.
    whole = asked_type(asked.own, skip) if first != asked.own else kind
    if whole in (ASKERS, SENDER, LETTER_DATE):
        kind = whole
    spans = S.extract(q)
    anchors: list[Anchor] = []
    letter_years: list[str] = []
    seen: set[tuple[str, str]] = set()
    for sp in spans:
        if sp.kind not in _ANCHOR_KINDS or (sp.kind == S.COUNTRY and sp.value in _HOME):
            continue
        if sp.kind == S.YEAR and (_NAMES_A_LETTER.search(q[max(0, sp.start - 40):sp.start])
                                  or _LETTER_AFTER_YEAR.match(q[sp.end:sp.end + 40])
                                  or _LETTER_DATED.search(q[:sp.start])):
            # "de jaarbrief van 2023", "the 2025 letter" name a letter, not when something happened
            letter_years.append(sp.value)
            continue
        key = (S.CITY if sp.kind == S.PORT and not sp.value.startswith("name:") else sp.kind, sp.value)
        if key not in seen:
            seen.add(key)
            anchors.append(Anchor(sp.kind, sp.value, q[sp.start:sp.end], sp.extra))
    # "Welke landen ..." asks for countries: a country it names is then no anchor
    # but part of the asked list ("naast Colombia").
    if kind in (COUNTRY, CITY, REGION, PORT, PLACE):
        anchors = [a for a in anchors if a.kind == S.YEAR]
    counted = asked.counted
    if counted:
        # "hoeveel meldpunten (MPK's)": the name in brackets counts the same thing.
        m = re.search(re.escape(counted) + r"\s*\(([^()]{2,40})\)", q)
        if m:
            counted = f"{counted} {m.group(1)}"
    named = _COUNTED_NAME.search(q)
    initials = _initials(named.group(1).split()).lower() if named else ""
    given = frozenset((sp.kind, sp.value) for sp in spans if sp.kind in _GIVEN_KINDS)
    given |= frozenset((S.AREA, fold(w)[:8]) for w in re.findall(r"[\w-]{5,}", q))
    if kind in (COUNTRY, CITY, REGION, PORT, PLACE):
        # "naar welke stad ... voordat Deventer": a place the question names is no answer to it
        # (a city's name gives the city, not its port: "welke haven ... in Amsterdam" may
        # be answered by "de Amsterdamse haven"; a port it names gives its city too)
        given |= frozenset((k, sp.value) for sp in spans if sp.kind in S.PLACES
                           for k in ((S.CITY, S.PORT) if sp.kind == S.PORT else (sp.kind,)))
    cat = _CATEGORY.search(first)
    category = tuple(dict.fromkeys(
        _prefix(w) for w in (cat.groups()[1:] if cat else ()) if w and fold(w) not in STOPWORDS_NL and len(_prefix(w)) >= 3))
    members = int(numberised(cat.group(1))) if cat and cat.group(1) and numberised(cat.group(1)).isdigit() else 0
    return Request(asked=asked, type=kind, anchors=tuple(anchors), counted=counted,
                   exact=bool(_EXACT.search(first)), change=bool(_CHANGE.search(first)),
                   counted_initials=initials, realised=bool(_REALISED.search(q)), claimed=bool(_CLAIMED.search(q)),
                   prospect=bool(_PROSPECT.search(q)), letter_years=tuple(letter_years),
                   letter_about=tuple(fold(m.group(1)) for m in _LETTER_ABOUT.finditer(q)),
                   sectors=tuple(dict.fromkeys(fold(m.group(0)) for m in _SECTOR.finditer(q))),
                   bodies=tuple(dict.fromkeys(sp.value for sp in spans if sp.kind == S.ORG)), given=given,
                   category=category, members=members, branches=tuple(dict.fromkeys(_branches(q) + _seats(spans, q))),
                   role=_role(kind, asking_words(first)), day=kind == DATE and bool(_DAY.search(first)),
                   event=_event(kind, first),
                   within=_within(first) if kind == COUNTRY else "",
                   month_years=tuple(m.group(1) for m in _MONTH_YEAR.finditer(q)),
                   share_of=_share_of(first) if kind == PERCENTAGE and not asked.english else "",
                   party=kind == ORGANISATION and bool(ASKS_PARTY.search(first)),
                   nationality=_nationality(cat.group(2)) if cat and kind == ORGANISATION and not asked.english else "")


# What a share is of: "percentage van de fietsers", "share of the stolen bicycles".
_SHARE_OF = re.compile(r"\b(?:percentage|procent|deel|aandeel|share|proportion|part)\s+(?:van|of)\s+"
                       r"(?:de |het |alle |all |the )?(?:opgelegde |imposed )?([^\W\d_][\w-]{3,})", re.I)
_SHARE_IN_TEXT = re.compile(r"(?:\d+(?:[.,]\d+)?\s*(?:%|procent|percent)|de helft|een (?:derde|kwart)|twee derde)\s+"
                            r"(?:van|of)\s+(?:de |het |alle |all |the )?(?:[^\W\d_][\w-]*e |[^\W\d_][\w-]* (?=\())?"
                            r"([^\W\d_][\w-]{3,})", re.I)
# (one party: "welke partijen" are as often the parties to an agreement or a project)
ASKS_PARTY = re.compile(r"\b(?:partij|fractie|party)\b", re.I)
# Of a question about written questions (ASKERS, or who answered them and when):
# that it is about them, asks when, asks which member.
OF_QUESTIONS = re.compile(r"\b(?:\w*vragen|questions)\b", re.I)
ASKS_HOW_LONG = re.compile(r"\b(?:hoe lang|hoeveel (?:dagen|weken|tijd)|how long|how many (?:days|weeks))\b", re.I)
ASKS_WHEN = re.compile(r"\b(?:wanneer|datum|when|date)\b", re.I)
ASKS_MEMBER = re.compile(r"\b(?:wie|who|welk(?:e)? (?:[\w-]+ |\w+-)?(?:kamerlid|kamerleden|lid|leden)|"
                         r"which (?:[\w-]+ ){0,2}(?:mps?|members?))\b", re.I)
# A party as the letters write one: in brackets after a name ("Bakker (VVD)",
# "(beiden CDA)"), or with its fractie ("de VVD-fractie", "de fractie van de SP").
_PARTY_IN_TEXT = re.compile(r"[A-ZÀ-Ý][\w'’-]+\s*\((?:beiden\s+|allen\s+)?[^()]{2,40}\)|\bfractie\b|-fractie\b", re.I)


def _share_of(question: str) -> str:
    m = _SHARE_OF.search(question)
    return _prefix(m.group(1)) if m and fold(m.group(1)) not in STOPWORDS_NL else ""


def _nationality(word: str) -> str:
    """The stem of a proper adjective of another country or region ("Franse"
    -> "fran", "Zweedse" -> "zweed"), else ""."""
    m = re.fullmatch(r"([A-Z][a-z]{2,}?)(?:ische|sche|se|an|ian|ish|ese)", word or "")
    if not m or any(fold(word).startswith(h) for h in _HOME_ADJECTIVES):
        return ""
    return fold(m.group(1))


def _within(question: str) -> str:
    for m in _AREA_QUALIFIED.finditer(question):
        qualifier = _QUESTION_WORDS.sub("", m.group(1))
        if qualifier:
            if qualifier.upper() == "EU":
                return G.EU
            area = G.area_of_adjective(qualifier)
            return area.key if area else "?"
    # Member states of no other body ("welke lidstaten", "EU-landen") are the
    # Union's: its members answer, not a territory of one of them.
    return G.EU if _EU_MEMBERS.search(question) else ""


# (not "NAVO-lidstaten", "NATO member states")
_EU_MEMBERS = re.compile(r"\bEU-(?:lidstaten|landen)\b|(?<![\w-])(?<![A-Z]{2} )(?<![A-Z]{3} )(?<![A-Z]{4} )(?:lidstaten|member states)\b")


# A role asked and the titles that name a person in it in the letters (Dutch,
# whatever the question's language); a role not listed is not checked.
_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"staatssecretaris|state secretary", ("staatssecretaris",)),
    (r"minister", ("minister",)),
    (r"burgemeester|mayor", ("burgemeester",)),
    (r"hoogleraar|professor", ("hoogleraar", "professor", "prof.")),
    (r"criminolo(?:og|gist)", ("criminoloog", "hoogleraar", "professor", "prof.")),
    (r"kamerle(?:den|d)|\bmps?\b|members? of parliament", ("lid", "leden", "kamerlid")),
    (r"commandant|commander", ("commandant",)),
    (r"rechter|judge", ("rechter",)),
    (r"ambassadeur|ambassador", ("ambassadeur",)),
)


def _role(kind: str, asking: str) -> tuple[str, ...]:
    if kind != PERSON:
        return ()
    return next((titles for pattern, titles in _ROLES if re.search(pattern, asking, re.I)), ())


def _in_role(req: Request, span: S.Span, text: str) -> bool:
    """The person is named in the asked role: one of its titles stands
    right before the name ("minister Jansen", "de leden Van Dam en Smit").
    (Spans carry their chunk's offsets, so the name is found by its value.)"""
    if not req.role:
        return True
    titles = "|".join(re.escape(t) for t in req.role)
    return bool(re.search(rf"\b(?:{titles})\s+(?:\S+\s+){{0,4}}?{re.escape(span.value)}\b", fold(text)))


def _of_nationality(stem: str, span: S.Span, text: str) -> bool:
    """The body is written with the country's adjective: in its name, or at
    most two words before it ("de Franse nationale gendarmerie"). Adjectives
    alone name no body ("Franse en Spaanse collega's")."""
    name = fold(span.value)
    if not re.sub(r"\b(?:\w+(?:se|sche)|en|and)\b", "", name).strip():
        return False
    return stem in name or bool(re.search(rf"\b{re.escape(stem)}\w*\s+(?:\S+\s+){{0,2}}?{re.escape(name)}\b",
                                          fold(text)))


# An acronym followed by a capitalised qualifier: a body's branch ("RIEC Limburg",
# "PVO Zuid-Holland", "Eenheid Oost" is not matched: no acronym).
_BRANCH = re.compile(r"(?<![\w-])([A-Z]{2,6})(?:['’]s)?[ -]((?:[A-Z][a-z][\w]*)(?:-[A-Z][a-z][\w]*)?)(?![\w-])")


def _branches(text: str) -> list[tuple[str, str, str]]:
    return [(m.group(1), fold(m.group(2)), m.group(0)) for m in _BRANCH.finditer(text)]


def _initials(words: Sequence[str]) -> str:
    """The acronym a name of several words is also written as ("Fiets Parkeer
    Teams" -> "FPT")."""
    return "".join(w[0] for w in words).upper()


# A part of the country that ends a body's name ("Platform Veilig Fietsen Noord-Holland").
_COMPASS = re.compile(r"(?:Noord|Oost|Zuid|West|Midden|Noordoost|Noordwest|Zuidoost|Zuidwest)(?:-[A-Z][\w-]+)?")


def _seats(spans: Sequence[S.Span], text: str) -> list[tuple[str, str, str]]:
    """Bodies named by their seat, as branches: (head, seat, as written) for
    "Universiteit Zwolle" ("universiteit", "zwolle"), and for a name of
    several words also under its initials ("Platform Veilig Fietsen
    Noord" -> "PVF", which a letter may write "PVF Noord"). Read from the
    spans' values (folded names), whatever offsets the spans are in."""
    places = {sp.extra or sp.value for sp in spans if sp.kind in (S.CITY, S.REGION)}
    out = []
    for org in (sp for sp in spans if sp.kind == S.ORG):
        name = _as_written(text, org.value)
        words = name.split()
        seat = next((p for p in places if org.value.endswith(" " + p)), "")
        if not seat and len(words) > 1 and _COMPASS.fullmatch(words[-1]):
            seat = fold(words[-1])
        head = words[: len(words) - len(seat.split())] if seat else []
        if not head:
            continue
        out.append((fold(" ".join(head)), seat, name))
        if len(head) > 1 and all(w[:1].isupper() for w in head):
            out.append((_initials(head), seat, name))
    return out


def _folded_bare(word: str) -> str:
    """A word folded, without an acronym's genitive or plural "'s" ("RIEC's" -> "riec")."""
    return re.sub(r"['’]s$", "", fold(word))


def _prefix(word: str) -> str:
    """A word's folded form without a plural or genitive ending, enough to
    find it inflected ("groepen" -> "groep", "RIEC's" -> "riec")."""
    w = _folded_bare(word)
    return re.sub(r"(?:en|s)$", "", w) if len(w) > 5 else w


@dataclass(frozen=True)
class Fit:
    """How one sentence (with the one after it) meets the request."""

    holds_type: bool
    replaced: tuple[tuple[Anchor, str], ...] = ()  # (the question's anchor, what the sentence names instead)
    announced: bool = False  # an outcome is asked, the sentence announces
    unnamed: bool = False  # a member of a category is asked, the sentence only counts or quantifies it
    from_next: bool = False  # the asked fact is in the next sentence of the paragraph ("Het gaat om € 3 mln.")

    @property
    def answers(self) -> bool:
        return self.holds_type and not self.replaced and not self.announced and not self.unnamed


def fit(req: Request, own: Sequence[S.Span], text: str, nxt: Sequence[S.Span] = (), next_text: str = "",
        counted_stems: Callable[[str], list[str]] | None = None) -> Fit:
    """`own`: the typed spans of the sentence (`text`); `nxt`: those of the
    sentence after it in the same paragraph, which may supply the asked fact
    ("... is extra uitgetrokken. Het gaat daarbij om ruim 3 miljoen euro").
    Anchors and announcements are judged on the sentence itself."""
    holds = _holds(req, own, text, counted_stems)
    from_next = False
    # The next sentence continues this one unless it adds another item
    # ("Daarnaast ...", "Ook ...") or names another year, place or country.
    if (not holds and nxt and not _ADDS.match(next_text) and not _replaced(req, nxt)
            and not _body_replaced(req, nxt, next_text) and not _branch_replaced(req, nxt, next_text)
            and _holds(req, nxt, f"{text} {next_text}", counted_stems)):
        holds = from_next = True
    replaced = [(a, _as_written(text, other))
                for a, other in _replaced(req, own) + _sector_replaced(req, own, text) + _body_replaced(req, own, text)]
    replaced += _branch_replaced(req, own, text)
    if req.share_of:
        shares = [m for m in _SHARE_IN_TEXT.finditer(text)]
        if shares and not any(_prefix(m.group(1)).startswith(req.share_of) or req.share_of.startswith(_prefix(m.group(1)))
                              for m in shares):
            replaced.append((Anchor("share", req.share_of, req.share_of), shares[0].group(1)))
    if req.realised and req.type in (COUNT, PERCENTAGE, AMOUNT) and _TARGET.search(text):
        found, asked_for = _TARGET_EN if req.english else _TARGET_NL
        replaced.append((Anchor("target", "realised", asked_for), found))
    # an outcome, or what was actually reached or decided, asked: the sentence only announces it
    announced = (((req.type == OUTCOME and not req.prospect) or req.realised)
                 and any(s.kind == S.PROSPECTIVE for s in own))
    unnamed = bool(req.category) and _quantified_only(req, text) and not _ENUMERATES.match(next_text)
    return Fit(holds, tuple(replaced), announced=announced, unnamed=unnamed, from_next=from_next)


# A quantifier before the category: "een van de", "enkele", "drie" (bare "een" is the article).
_QUANTIFIER = (r"(?:een van (?:de|deze|die)|enkele|sommige|meerdere|verschillende|diverse|een aantal|"
               r"een deel van (?:de|deze|die)|\d+|" + S.NUMBER_WORDS.pattern.replace(r"\b", "") + r")")
# A category described by its kind ("twee convenanten voor havenbeveiliging"):
# that names the members as well as the letters do.
_DESCRIBED = r"(?:voor|van|inzake|over|tegen|rond|op het gebied van|gericht op|met betrekking tot)\b"
# Words that introduce the members themselves.
_NAMES_FOLLOW = re.compile(r":|\b(?:namelijk|te weten|zoals|waaronder|bijvoorbeeld|onder andere|o\.a\.)\b", re.I)
# A next sentence that lists the members ("Het gaat om ...", "Dit zijn ...").
_ENUMERATES = re.compile(r"^\W*(?:het gaat (?:\w+ )?om|dit zijn|dat zijn|deze zijn|het betreft|dit betreft|"
                         r"namelijk)\b", re.I)
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZÀ-Ý][\w’'-]+")


def names_members(req: Request, text: str) -> bool:
    """Does the sentence name members of a category at all: after a colon
    or "namelijk", by a capitalised name the question does not hold, or as
    a list of as many items as the question asks ("welke drie X": three
    items separated by commas, "en", "of")?"""
    if _NAMES_FOLLOW.search(text) or _new_names(req, text):
        return True
    items = 1 + len(re.findall(r",|;|\s(?:en|of|and|or)\s", text))
    return items >= max(2, req.members)


def _new_names(req: Request, text: str) -> bool:
    asked_words = set(re.findall(r"[\w-]+", fold(req.text)))
    body = re.sub(r"^\W+", "", text)
    return any(_folded_bare(w) not in asked_words and fold(w) not in asked_words
               for w in _CAPITALISED.findall(body))


def _quantified_only(req: Request, text: str) -> bool:
    """The sentence has the asked category only under a quantifier ("een
    van de gemeenten werkt al zo", "vier stoffen worden verboden") and names
    no member: nothing after a colon or "namelijk", no capitalised name the
    question does not already hold."""
    folded = fold(text)
    cats = "|".join(re.escape(c) for c in req.category)
    m = re.search(rf"\b{_QUANTIFIER}\s+(?:[\w'’-]+\s+){{0,2}}?(?:{cats})[\w'’-]*(?![\w'’-])(?!\s+{_DESCRIBED})", folded)
    return bool(m) and not _NAMES_FOLLOW.search(text) and not _new_names(req, text)


# A sentence that opens by adding another item to what was said before.
_ADDS = re.compile(r"^\W*(?:daarnaast|ook|verder|bovendien|tevens|voorts|eveneens|een ander\w*|andere|tot slot|"
                   r"in addition|also|furthermore|another)\b", re.I)


def _as_written(text: str, folded: str) -> str:
    """A folded name as the sentence writes it ("belgie" -> "België"), for the
    partial answer; folded as it is when the sentence does not hold it."""
    folded_text = fold(text)
    i = folded_text.find(folded)
    return text[i:i + len(folded)] if i >= 0 and len(folded_text) == len(text) else folded


def _replaced(req: Request, spans: Sequence[S.Span]) -> list[tuple[Anchor, str]]:
    out = []
    for a in req.anchors:
        same_kind = [s for s in spans if _comparable(s, a)
                     and not (s.extra == S.IN_RANGE and a.value in req.month_years)]
        if same_kind and not any(_same_value(s.value, a.value) for s in same_kind):
            first = same_kind[0]
            out.append((a, first.value if first.kind == S.YEAR else first.extra or first.value))
    return out


# A place read by its name alone may be cut short where a published opening
# ends mid-word ("... fietsenmakers in Zuid-Ho"): a name that begins the other
# one is the same place, from this many letters on.
_MIN_CUT_NAME = 6


def _same_value(found: str, asked: str) -> bool:
    if found == asked:
        return True
    if not (found.startswith("name:") and asked.startswith("name:")):
        return False
    short, long = sorted((found[5:], asked[5:]), key=len)
    return len(short) >= _MIN_CUT_NAME and long.startswith(short)


def _body_replaced(req: Request, spans: Sequence[S.Span], text: str) -> list[tuple[Anchor, str]]:
    """A figure given for a list of other bodies than the one the question
    names ("3 miljoen, verdeeld over OM en politie" for "hoeveel krijgt de
    FIOD"): the organisation is an anchor where the sentence lists others."""
    if req.type not in (AMOUNT, COUNT, PERCENTAGE) or not req.bodies:
        return []
    others = [s for s in spans if s.kind == S.ORG]
    folded = fold(text)
    if len({s.value for s in others}) < MIN_OTHER_BODIES or any(s.value in req.bodies for s in others) \
            or any(fold(b) in folded for b in req.bodies):
        return []
    return [(Anchor("org", req.bodies[0], _as_written(req.text, req.bodies[0])), others[0].value)]


MIN_OTHER_BODIES = 2


def _branch_replaced(req: Request, spans: Sequence[S.Span], text: str) -> list[tuple[Anchor, str]]:
    """Another branch of the body the question names ("PVO Oost" for "PVO
    West", "Universiteit Zwolle" for "Universiteit Deventer"), where the
    sentence does not name the asked branch too."""
    found = _branches(text) + _seats(spans, text)
    out = []
    for acronym, branch, surface in req.branches:
        same_body = [(b, written) for a, b, written in found if a == acronym]
        other = next((written for b, written in same_body if b != branch), "")
        if other and all(b != branch for b, _ in same_body):
            out.append((Anchor("org", f"{acronym} {branch}", surface), other))
    return out


def _sector_replaced(req: Request, spans: Sequence[S.Span], text: str) -> list[tuple[Anchor, str]]:
    """A sentence that gives the fact for another sector, or for a place
    where the question names a sector ("12 scanners in het
    Westlandgebied" for "in de bloementeeltsector")."""
    folded = fold(text)
    out = []
    for sector in req.sectors:
        if sector[:-6 if sector.endswith("sector") else -7] in folded:
            continue  # the sector itself (or its stem: "bloementeelt") is named
        other = next((fold(m.group(0)) for m in _SECTOR.finditer(text) if fold(m.group(0)) != sector), "")
        place = next((s for s in spans if s.kind in (S.REGION, S.CITY, S.PORT)), None)
        if other or place:
            out.append((Anchor("sector", sector, sector), other or place.extra or place.value))
    return out


# Facts the question itself states are no answer to it: "welk bureau
# telde de fietsen voor rapport «X»" is not answered by a sentence that names only «X».
_GIVEN_KINDS = (S.MONEY, S.COUNT, S.PERCENT, S.DATE, S.ORG, S.LAW)


def _holds(req: Request, spans: Sequence[S.Span], text: str,
           counted_stems: Callable[[str], list[str]] | None) -> bool:
    if req.event and not _EVENTS[req.event][1].search(text):
        return False
    holders = HOLDERS.get(req.type)
    # A Kamervraag may put a claim to the minister: it reports no outcome, and
    # states a fact only to a user who asks what was claimed or asked.
    if ENDS_QUESTION.search(text) and (req.type == OUTCOME or (holders and not req.claimed)):
        return False
    if not holders:
        return True
    # (a year read off the letter's date, "vorig jaar", places the sentence in
    # time for the anchors; it tells no date a "when" asks after)
    found = [s for s in spans if s.kind in holders and (s.kind, s.value) not in req.given
             and s.extra != S.OF_THE_LETTER
             # "welke Oost-Europese landen": Oost-Europa itself is no answer
             and not (s.kind == S.AREA and ((S.AREA, s.extra[:8]) in req.given or req.within))]
    if req.type in (COUNTRY, PLACE):
        found = [s for s in found if not (s.kind == S.COUNTRY and s.value in _HOME)]
    if req.within and G.members(req.within):
        found = [s for s in found if s.kind != S.COUNTRY or s.value in G.members(req.within)]
    if req.type == PERSON:
        found = [s for s in found if _in_role(req, s, text)]
    if req.nationality:
        found = [s for s in found if _of_nationality(req.nationality, s, text)]
    if req.party and not _PARTY_IN_TEXT.search(text):
        return False
    if req.day:
        found = [s for s in found if S.has_day(s)]
    if req.type == COUNT and req.exact:
        found = [s for s in found if s.value.isdigit()]
    if req.type == COUNT and not req.change:
        found = [s for s in found if not S.is_multiple(s)]
    if req.type == COUNT:
        return bool(found) and (not req.counted or counted_stems is None
                                or _counts_thing(found, text, counted_stems(req.counted), req.counted_initials))
    return bool(found)


def _comparable(s: S.Span, a: Anchor) -> bool:
    if a.kind == S.ORDINAL:  # "de derde rapportage" for "de vierde rapportage": the same series only
        return s.kind == S.ORDINAL and _same_noun(s.extra, a.extra)
    if a.kind == S.YEAR:
        return s.kind == S.YEAR
    if a.kind == S.COUNTRY:
        return s.kind == S.COUNTRY and s.value not in _HOME
    # Places compare with places of the same granularity; a port with a city.
    if a.kind in (S.CITY, S.PORT):
        return s.kind in (S.CITY, S.PORT)
    return s.kind == a.kind


def _same_noun(a: str, b: str) -> bool:
    return bool(a and b) and (a[:6] == b[:6] or a.endswith(b[-6:]) or b.endswith(a[-6:]))


def _counts_thing(found: Sequence[S.Span], text: str, stems: list[str], initials: str = "") -> bool:
    """A count of the thing asked after: the counted noun (or a compound
    ending in it) after the number, or the sentence names the thing and holds
    a number whose noun is not read off (what it counts is said elsewhere in
    the sentence: "het aantal teams steeg naar 12")."""
    if not stems:
        return True
    tails = [st[i:] for st in stems for i in range(max(1, len(st) - 5))]
    nouns = [s.extra for s in found if s.extra]
    if any(any(t in n for t in tails) for n in nouns):
        return True
    if initials and any(re.sub(r"['’]?s$", "", n) == initials for n in nouns):
        return True
    if len(nouns) == len(found):
        return False  # every number counts another noun ("zes uitdagingen" for "hoeveel handreikingen")
    folded = fold(text)
    return any(t in folded for t in tails)


def spans_of(chunk_typed: Sequence[tuple[str, int, int, str, str]], a: int, b: int) -> list[S.Span]:
    """The typed spans of a chunk that lie within [a, b)."""
    return [S.Span(k, s, e, v, x) for k, s, e, v, x in chunk_typed if a <= s and e <= b]


__all__ = ["Request", "Anchor", "Fit", "read", "fit", "asked_type", "spans_of", "LABEL_NL", "LABEL_EN", "HOLDERS"]

