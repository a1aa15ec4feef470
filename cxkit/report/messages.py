"""Dutch for the fixed English messages that computed results carry (notes, steps, test names, headlines).

``data`` and ``stats`` must not import :mod:`cxkit.report`, so results keep their
notes in English (code and saved CSV files do not depend on the language); this
module holds the English templates next to their Dutch ones, and
:func:`cxkit.report.i18n.message` renders a note in the report language by
matching it against them. ``{name}`` fields match any text (which is itself
translated when it is one of these messages); a note that matches no template is
shown as it is (it quotes data, or is new: add it here).
"""

from __future__ import annotations

from ..stats.suppression import REASON_TEXT

# (English template, Dutch template); the most specific first where two could match.
MESSAGES: list[tuple[str, str]] = [
    # data-quality report (cxkit.data.validate, cxkit.data.dataset)
    ("Data-quality report", "Datakwaliteitsrapport"),
    ("{spec}: OK, {n} warning(s)", "{spec}: in orde, {n} waarschuwing(en)"),
    ("{spec}: {e} error(s), {n} warning(s)", "{spec}: {e} fout(en), {n} waarschuwing(en)"),
    ("error [{table}] {message}", "fout [{table}] {message}"),
    ("warning [{table}] {message}", "waarschuwing [{table}] {message}"),
    ("note [{table}] {message}", "opmerking [{table}] {message}"),
    ("{where}: keys {keys} appear more than once (rows {rows}), {n} surplus row(s); all kept "
     "(`duplicates.keep: all`).",
     "{where}: sleutels {keys} komen meer dan eens voor (rijen {rows}), {n} overtollige rij(en); alle behouden "
     "(`duplicates.keep: all`)."),
    ("{file}, columns {cols}", "{file}, kolommen {cols}"),
    ("{rows} (and {n} more)", "{rows} (en nog {n})"),
    ("churn flag: {a} of {b} customers churned ({pct}), {c} stayed.",
     "churnvlag: {a} van {b} klanten vertrokken ({pct}), {c} gebleven."),
    ("none", "geen"),
    # pairing answers with churn (cxkit.research.alignment, loyalty)
    ("customer not in the customers table (left out)", "klant niet in de klantentabel (weggelaten)"),
    ("answered after the cut-off (left out)", "beantwoord na de peildatum (weggelaten)"),
    ("answered on or after leaving (left out)", "beantwoord op of na het vertrek (weggelaten)"),
    ("an answer given after churn cannot predict it", "een antwoord van na het vertrek kan dat vertrek niet voorspellen"),
    ("horizon not over by the cut-off (left out)", "horizon op de peildatum nog niet voorbij (weggelaten)"),
    ("answered after {date}", "beantwoord na {date}"),
    ("after {date}", "na {date}"),
    ("later answers of the same customer (keep={keep}, left out)",
     "latere antwoorden van dezelfde klant (keep={keep}, weggelaten)"),
    ("earlier answers of the same customer (keep={keep}, left out)",
     "eerdere antwoorden van dezelfde klant (keep={keep}, weggelaten)"),
    ("one answer per customer keeps observations independent",
     "één antwoord per klant houdt de waarnemingen onafhankelijk"),
    ("later pairs of the same customer (left out)", "latere paren van dezelfde klant (weggelaten)"),
    ("one pair per customer keeps observations independent", "één paar per klant houdt de waarnemingen onafhankelijk"),
    ("answers without a date (left out)", "antwoorden zonder datum (weggelaten)"),
    ("cannot be placed in time", "niet in de tijd te plaatsen"),
    ("no {m} answer by the same customer {where} (left out)",
     "geen {m}-antwoord van dezelfde klant {where} (weggelaten)"),
    ("within {d} days", "binnen {d} dagen"),
    ("answers to {m}", "antwoorden op {m}"),
    ("analysed", "geanalyseerd"),
    ("{n} customers", "{n} klanten"),
    ("{what}: {n} answers of {c} customers, {e} churned within {h} days after answering (cut-off {d}; {k} answers "
     "left out because their {h2}-day horizon had not ended).",
     "{what}: {n} antwoorden van {c} klanten, {e} binnen {h} dagen na het antwoord vertrokken (peildatum {d}; {k} "
     "antwoorden weggelaten omdat hun horizon van {h2} dagen nog niet voorbij was)."),
    ("{what}: {n} answers followed up to {d}, {e} churned afterwards.",
     "{what}: {n} antwoorden gevolgd tot {d}, {e} daarna vertrokken."),
    ("{what}: {n} answers, {e} with the churn label set (no dates: time order not checked).",
     "{what}: {n} antwoorden, {e} met het churnlabel gezet (geen datums: volgorde in de tijd niet gecontroleerd)."),
    ("The data ends on {a}, before the cut-off {b}: churn after {c} is not recorded, so {d} is used as the cut-off.",
     "De data lopen tot {a}, vóór de peildatum {b}: vertrek na {c} is niet vastgelegd, dus {d} geldt als peildatum."),
    ("No cut-off given: the latest date in the data ({d}) is used.",
     "Geen peildatum opgegeven: de laatste datum in de data ({d}) wordt gebruikt."),
    ("Several answers per customer are kept: intervals are clustered by customer.",
     "Meerdere antwoorden per klant zijn behouden: de intervallen zijn geclusterd per klant."),
    # models (cxkit.stats.logit, survival; cxkit.research.hazard, churn)
    ("Logistic regression of {o} on {p} controlling for {c}: n = {n}, events = {e}; {m} ({s}); reference {r}.",
     "Logistische regressie van {o} op {p} met correctie voor {c}: n = {n}, gebeurtenissen = {e}; {m} ({s}); "
     "referentie {r}."),
    ("Logistic regression of {o} on {p} controlling for {c}: n = {n}, events = {e}; {m} ({s}).",
     "Logistische regressie van {o} op {p} met correctie voor {c}: n = {n}, gebeurtenissen = {e}; {m} ({s})."),
    ("Logistic regression of {o} on {p}: n = {n}, events = {e}; {m} ({s}); reference {r}.",
     "Logistische regressie van {o} op {p}: n = {n}, gebeurtenissen = {e}; {m} ({s}); referentie {r}."),
    ("Logistic regression of {o} on {p}: n = {n}, events = {e}; {m} ({s}).",
     "Logistische regressie van {o} op {p}: n = {n}, gebeurtenissen = {e}; {m} ({s})."),
    ("maximum likelihood", "maximale aannemelijkheid"),
    ("{t} has no variance (every value is {v}): left out of the model.",
     "{t} varieert niet (elke waarde is {v}): niet in het model opgenomen."),
    ("Controls left out of the fit: {c}.", "Controlevariabelen niet in het model: {c}."),
    ("Cox model: n = {n}, churned = {e} ({s}). Proportional hazards: no term violates it (score test as R cox.zph).",
     "Cox-model: n = {n}, vertrokken = {e} ({s}). Proportionele hazards: geen enkele term schendt de aanname "
     "(scoretoets zoals R cox.zph)."),
    ("Cox model: n = {n}, churned = {e} ({s}). Proportional hazards: violated for {t} (score test as R cox.zph).",
     "Cox-model: n = {n}, vertrokken = {e} ({s}). Proportionele hazards: geschonden voor {t} "
     "(scoretoets zoals R cox.zph)."),
    ("Cox model: n = {n}, churned = {e} ({s}).", "Cox-model: n = {n}, vertrokken = {e} ({s})."),
    ("Proportional hazards look violated for {t}: their hazard ratio is an average over time; the Kaplan-Meier "
     "curves show how it changes.",
     "De aanname van proportionele hazards lijkt geschonden voor {t}: hun hazard ratio is een gemiddelde over de "
     "tijd; de Kaplan-Meiercurven tonen hoe die verandert."),
    ("Monthly churn hazard from {a} to {b}: {c} customers, {m} customer-months, {e} churned ({s}). Coefficients "
     "are on the log-odds of churning in a month, given the latest answers known at its start.",
     "Maandelijkse vertrekkans (hazard) van {a} tot {b}: {c} klanten, {m} klantmaanden, {e} vertrokken ({s}). De "
     "coëfficiënten staan op de log-odds van vertrek binnen een maand, gegeven de laatste antwoorden die aan het "
     "begin van die maand bekend waren."),
    ("Churn probability from the model of the churn label on {m} ({f}), for the {n} customers not (yet) churned, "
     "times `{v}`. Without dates this is no forecast: it is how much value sits with customers who look like "
     "those who left.",
     "Vertrekkans uit het model van het churnlabel op {m} ({f}), voor de {n} klanten die (nog) niet vertrokken "
     "zijn, maal `{v}`. Zonder datums is dit geen voorspelling: het is de waarde bij klanten die lijken op wie "
     "vertrok."),
    ("No churn model could be fitted: revenue at risk is not computed.",
     "Er kon geen churnmodel worden geschat: de omzet in gevaar is niet berekend."),
    ("No current customers left to put at risk.", "Er zijn geen huidige klanten meer die in gevaar kunnen zijn."),
    # drivers (cxkit.research.drivers)
    ("Pairwise correlations: each one uses the customers who answered both, so different parts rest on different "
     "customers; read the ranking as indicative.",
     "Paarsgewijze correlaties: elke correlatie gebruikt de klanten die beide vragen beantwoordden, dus "
     "verschillende delen rusten op verschillende klanten; lees de rangorde als indicatief."),
    ("Driver answers are the customer's nearest within {d} days of their first {m} answer.",
     "De antwoorden op de drijfveren zijn die van de klant die het dichtst liggen bij zijn eerste {m}-antwoord, "
     "binnen {d} dagen."),
    ("{k} share fewer than {m} answers with another driver: left out.",
     "{k} delen minder dan {m} antwoorden met een andere drijfveer: weggelaten."),
    # rates, tests and suppression (cxkit.stats)
    ("period not fully observed: rate understated", "periode niet volledig waargenomen: percentage onderschat"),
    ("two-proportion score test, Newcombe interval", "scoretoets voor twee proporties, Newcombe-interval"),
    ("adjusted-Wald z (Rocks 2016)", "aangepaste-Wald-z (Rocks 2016)"),
    ("Mann-Whitney U (interval: Welch)", "Mann-Whitney-U (interval: Welch)"),
    ("Wald, clustered by customer", "Wald, geclusterd per klant"),
    ("z test (trinomial variance)", "z-toets (trinomiale variantie)"),
    ("{reason}: suppressed", "{reason}: weggelaten"),
    # The English side comes from the one suppression wording (stats.suppression.REASON_TEXT).
    (REASON_TEXT["small_group"].format(min_n="{m}", unit="answers"), "minder dan min_n={m} antwoorden"),
    (REASON_TEXT["small_group"].format(min_n="{m}", unit="customers"), "minder dan min_n={m} klanten"),
    ("weights sum to zero", "gewichten tellen op tot nul"),
    ("effective sample size (Kish n_eff, weighted) below min_n={m}",
     "effectieve steekproefomvang (Kish n_eff, gewogen) onder min_n={m}"),
    ("No table in this report can suppress groups.", "Geen tabel in dit rapport kan groepen weglaten."),
    ("No group was suppressed in the {t} tables ({g} groups) (every group had at least min_n={m} answers).",
     "Er is geen groep weggelaten in de {t} tabellen ({g} groepen) (elke groep had minstens min_n={m} antwoorden)."),
    ("No group was suppressed in the {t} tables ({g} groups).",
     "Er is geen groep weggelaten in de {t} tabellen ({g} groepen)."),
    ("{h} of {t} groups or comparisons in {k} tables were suppressed: their figures are left blank (the number of "
     "answers is still shown), because a figure from so few answers would be too uncertain to act on, and could "
     "point at individual customers.",
     "{h} van de {t} groepen of vergelijkingen in {k} tabellen zijn weggelaten: hun cijfers blijven leeg (het "
     "aantal antwoorden staat er wel), omdat een cijfer uit zo weinig antwoorden te onzeker is om op te handelen "
     "en naar individuele klanten kan wijzen."),
    ("- {c}: {reason} (in {where}).", "- {c}: {reason} (in {where})."),
    ("{a} and {n} more", "{a} en nog {n}"),
    # league tables (cxkit.stats.league, issue 16)
    ("League table", "Ranglijst"),
    ("{who} is most likely in the bottom {pct} % (P = {p}) of {u} units by {m}.",
     "{who} hoort het waarschijnlijkst bij de onderste {pct} % (P = {p}) van {u} eenheden naar {m}."),
    ("The {u} units do not differ by {m} beyond chance: every {unit} is shrunk to the overall level.",
     "De {u} eenheden verschillen in {m} niet meer dan toeval verklaart: elke {unit} is bijgesteld tot het "
     "algemene niveau."),
    ("The units do not vary in {m} beyond what sampling explains (between-unit variance 0): every unit is shrunk "
     "fully to the overall level and they cannot be ranked.",
     "De eenheden verschillen in {m} niet meer dan de steekproef verklaart (variantie tussen eenheden 0): elke "
     "eenheid is volledig bijgesteld tot het algemene niveau en ze zijn niet te rangschikken."),
    ("The fit of the overall distribution did not converge; treat the shrunken scores with care.",
     "De schatting van de algemene verdeling is niet geconvergeerd; gebruik de bijgestelde scores voorzichtig."),
]

# -- joins whose file covers only some rows (issue 17: the sample's comments.csv joined onto the answers) --
MESSAGES += [
    ("{file}: {n} of {total} rows have no match on {keys} (joined columns left empty)",
     "{file}: {n} van {total} rijen hebben geen overeenkomst op {keys} (gekoppelde kolommen leeg gelaten)"),
]

# What loyalty is worth and who answered (issue 18: stats.clv, research.value, research.response)
MESSAGES += [
    ("Value at risk: estimated lifetime value where the segment had enough customers; declared `{v}` for segments "
     "{s}.",
     "Waarde in gevaar: geschatte klantwaarde waar het segment genoeg klanten had; opgegeven `{v}` voor segmenten "
     "{s}."),
    ("Value at risk: no lifetime value could be estimated; declared `{v}` is used.",
     "Waarde in gevaar: er was geen klantwaarde te schatten; de opgegeven `{v}` is gebruikt."),
    ("weighting to the base needs cxkit.stats.raking (issue 16), which this build does not have yet.",
     "wegen naar het klantenbestand vraagt cxkit.stats.raking (issue 16), dat deze versie nog niet heeft."),
]
MESSAGES += [
    ("months {a}..{b} extrapolated at the hazard of the last 12 observed",
     "maanden {a}..{b} doorgetrokken met de vertrekkans van de laatste 12 waargenomen maanden"),
    ("segment ({s} share)", "segment (aandeel {s})"),
    ("tenure (years)", "klantduur (jaren)"),
    ("revenue", "omzet"),
    ("churned within {d} days", "vertrokken binnen {d} dagen"),
    ("estimated CLV", "geschatte klantwaarde"),
    ("declared {v}", "opgegeven {v}"),
    ("no customer-month observed", "geen klantmaand waargenomen"),
]

# Notebook 03's revenue at risk valued at the segment's estimated CLV (issue 18, rar: research.churn.clv_values)
MESSAGES += [
    ("mixed", "gemengd"),
]

# CLV on count tables and engines (issue 18, clvcount: stats.clv count= / clv_cells)
MESSAGES += [
    ("counted in {e}: {n} cells of customers by group, start day and end day",
     "geteld in {e}: {n} cellen van klanten per groep, startdag en einddag"),
    ("{n} customer(s) left out: no start date, started after the cut-off, or ended before they started",
     "{n} klant(en) weggelaten: geen startdatum, begonnen na de peildatum of gestopt voordat ze begonnen"),
    ("{n} customer(s) without {v} left out", "{n} klant(en) zonder {v} weggelaten"),
]

# Value at risk with an interval covering churn probability and lifetime value (issue 18 polish, valpolish:
# research.risk.value_at_risk, one note for notebooks 03 and 07)
MESSAGES += [
    ("Probability of leaving within {h} days for the {n} customers active on {d}, from the monthly hazard model "
     "with their latest answers held fixed.",
     "Kans op vertrek binnen {h} dagen voor de {n} klanten die op {d} actief waren, uit het maandelijkse "
     "hazardmodel met hun laatste antwoorden vastgehouden."),
    ("Probability of leaving within {h} days for the {n} customers active on {d}: 1 - r^months at their segment's "
     "monthly retention r.",
     "Kans op vertrek binnen {h} dagen voor de {n} klanten die op {d} actief waren: 1 - r^maanden bij het "
     "maandelijkse behoud r van hun segment."),
    ("Value: their segment's estimated lifetime value ({m} months, {r} a year, from `{v}` as revenue per month).",
     "Waarde: de geschatte klantwaarde van hun segment ({m} maanden, {r} per jaar, uit `{v}` als omzet per maand)."),
    ("Value: the declared `{v}` as recorded (if it is monthly revenue, this is one month's worth, not a lifetime "
     "value).",
     "Waarde: de opgegeven `{v}` zoals vastgelegd (is dat maandomzet, dan is dit de waarde van één maand, geen "
     "klantwaarde)."),
    ("Interval ({pct}) covers {a}. It leaves out chance itself: which customers actually leave.",
     "Het interval ({pct}) omvat {a}. Het toeval zelf valt erbuiten: welke klanten werkelijk vertrekken."),
    ("the churn model's coefficient uncertainty (simulated) and the uncertainty of each segment's lifetime value "
     "(bootstrap of customers), paired draw by draw",
     "de onzekerheid van de coëfficiënten van het churnmodel (gesimuleerd) en de onzekerheid van de klantwaarde "
     "van elk segment (bootstrap van klanten), trekking voor trekking gekoppeld"),
    ("the churn model's coefficient uncertainty (simulated) only; the values are taken as exact",
     "alleen de onzekerheid van de coëfficiënten van het churnmodel (gesimuleerd); de waarden gelden als exact"),
    ("the uncertainty of each segment's monthly retention and lifetime value together (the same bootstrap "
     "resamples of customers)",
     "de onzekerheid van het maandelijkse behoud en de klantwaarde van elk segment samen (dezelfde "
     "bootstrapsteekproeven van klanten)"),
    ("the uncertainty of each segment's monthly retention (bootstrap of customers) only; the values are taken as "
     "exact",
     "alleen de onzekerheid van het maandelijkse behoud van elk segment (bootstrap van klanten); de waarden gelden "
     "als exact"),
    ("the uncertainty of each segment's lifetime value (bootstrap of customers) only; the churn probabilities are "
     "taken as exact",
     "alleen de onzekerheid van de klantwaarde van elk segment (bootstrap van klanten); de vertrekkansen gelden "
     "als exact"),
    ("No interval: neither the churn probabilities nor the values were resampled (n_boot = 0).",
     "Geen interval: noch de vertrekkansen noch de waarden zijn opnieuw getrokken (n_boot = 0)."),
    ("Totals per value source: lifetime values and declared `{v}` are not added together.",
     "Totalen per waardebron: klantwaarden en opgegeven `{v}` worden niet bij elkaar opgeteld."),
]

# The notes of cx.clv (cxkit.stats.clv) in Dutch (polish2): what a CLV result shown in a report says about itself
MESSAGES += [
    ("cut-off: the latest date in the customers table ({d})", "peildatum: de laatste datum in de klantentabel ({d})"),
    ("months counted from {d} (the first churn in the table) for customers who joined earlier",
     "maanden geteld vanaf {d} (het eerste vertrek in de tabel) voor klanten die eerder begonnen"),
    ("CLV: revenue per customer-month x the Kaplan-Meier retention curve (tenure months, delayed entry), "
     "discounted at {d} a year, over {h} months, x margin {m}",
     "Klantwaarde: omzet per klantmaand x de Kaplan-Meier-curve van het behoud (maanden klantduur, met late "
     "instroom), verdisconteerd tegen {d} per jaar, over {h} maanden, x marge {m}"),
    ("CLV: revenue per customer-month x the Kaplan-Meier retention curve (tenure months, delayed entry), "
     "discounted at {d} a year, over {h} months",
     "Klantwaarde: omzet per klantmaand x de Kaplan-Meier-curve van het behoud (maanden klantduur, met late "
     "instroom), verdisconteerd tegen {d} per jaar, over {h} maanden"),
    ("clv_simple: m r / (1 + d - r), constant monthly retention r and no horizon (for comparison)",
     "eenvoudige formule: m r / (1 + d - r), elke maand hetzelfde behoud r en geen horizon (ter vergelijking)"),
    ("beyond the observed tenure the monthly hazard is held at its level over the last 12 observed months",
     "voorbij de waargenomen klantduur blijft de maandelijkse vertrekkans op het niveau van de laatste 12 "
     "waargenomen maanden"),
    ("{pct} percentile bootstrap intervals ({n} resamples of customers, seed {s})",
     "{pct} percentiel-bootstrapintervallen ({n} steekproeven van klanten, seed {s})"),
]
