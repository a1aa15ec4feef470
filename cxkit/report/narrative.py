"""Narrative of the report notebooks (their markdown cells) in English and Dutch.

Each markdown cell of ``cxkit/notebooks/0*.ipynb`` names its key in its metadata
(``{"cxkit": {"text": key}}``); the English text is the cell itself (a test keeps both equal),
so analysts read plain markdown in JupyterLab, and the rendered page of a Dutch run
(:func:`cxkit.run.notebook.render_html`) shows the Dutch text. :func:`cxkit.report.i18n.text` knows
these keys too.
"""

from __future__ import annotations

__all__ = ["NARRATIVE"]

# key -> (English, Dutch)
NARRATIVE: dict[str, tuple[str, str]] = {
    'nb01_intro': (
        '# Customer experience overview\n\nHow satisfied are customers (CSAT, CES), how loyal are they (NPS, churn), per segment and channel, and what changed since the previous period?\nEvery figure is computed by `cxkit` from the data named in the parameters, with its number of answers (`n`) and a confidence interval.\nGroups with fewer than `min_n` answers are suppressed rather than shown as if they meant something; the section *Suppressed groups* says how many and why.\nPersonal data (customer identifiers, names, e-mail addresses, free-text answers) is never shown unless `allow_personal_data` is set.',
        '# Overzicht klantbeleving\n\nHoe tevreden zijn klanten (CSAT, CES), hoe loyaal zijn ze (NPS, opzeggingen), per segment en kanaal, en wat is er veranderd sinds de vorige periode?\nElk cijfer berekent `cxkit` uit de data die in de parameters staat, met het aantal antwoorden (`n`) en een betrouwbaarheidsinterval.\nGroepen met minder dan `min_n` antwoorden worden weggelaten in plaats van getoond alsof ze iets betekenen; de paragraaf *Weggelaten groepen* zegt hoeveel en waarom.\nPersoonsgegevens (klantnummers, namen, e-mailadressen, vrije tekst) verschijnen nooit, tenzij `allow_personal_data` aan staat.'),
    'nb01_quality': (
        '## Data quality\n\nThe dataset is validated first: rows read and kept per table, columns mapped, missing values, answers out of range, unknown labels, duplicates and the date range. Any error stops the report here, listing every problem with its file, column and rows.',
        '## Datakwaliteit\n\nEerst wordt de dataset gecontroleerd: gelezen en behouden rijen per tabel, gekoppelde kolommen, ontbrekende waarden, antwoorden buiten het bereik, onbekende labels, dubbele rijen en de datumreeks. Bij een fout stopt het rapport hier, met elk probleem en het bijbehorende bestand, de kolom en de rijen.'),
    'nb01_headline': (
        '## Headline figures\n\nNPS in points (-100..100); CSAT as the % of answers in the top box; CES as the % of answers counted as easy on its declared scale. Intervals: adjusted Wald (NPS), Wilson (shares), t (means).',
        '## Kerncijfers\n\nNPS in punten (-100..100); CSAT als het % antwoorden in de topbox; CES als het % antwoorden dat op de opgegeven schaal als makkelijk telt. Intervallen: aangepaste Wald (NPS), Wilson (aandelen), t (gemiddelden).'),
    'nb01_groups': (
        '## By group\n\nOne table per metric and drill-down column; the NPS composition chart shows detractors, passives and promoters per group.',
        '## Per groep\n\nEén tabel per maatstaf en uitsplitsing; de NPS-opbouw toont criticasters, passieven en promotors per groep.'),
    'nb01_trends': (
        '## Trends\n\nEach metric per period with its interval band. Periods without answers are absent (NPS is asked in waves).',
        '## Ontwikkeling\n\nElke maatstaf per periode met de band van het interval. Perioden zonder antwoorden ontbreken (de NPS wordt in golven gevraagd).'),
    'nb01_churn': (
        '## Churn\n\nThe *churn rate* is the share of customers active at the start of a period who left during it. The *simple rate* is the figure many articles use, (customers at start - customers at end) / customers at start: it nets new customers against leavers, so in a growing base it understates churn and can even be negative. Periods not fully observed are flagged.',
        '## Opzeggingen\n\nHet *churnpercentage* is het aandeel klanten dat aan het begin van een periode actief was en in die periode opzegde. Het *eenvoudige percentage* is het cijfer dat veel artikelen gebruiken, (klanten aan het begin - klanten aan het eind) / klanten aan het begin: het verrekent nieuwe klanten met vertrekkers, dus bij een groeiend klantenbestand onderschat het de opzeggingen en kan het zelfs negatief worden. Perioden die niet volledig zijn waargenomen, zijn gemarkeerd.'),
    'nb01_changes': (
        '## Significant changes since the previous period\n\nThe last period with answers against the one before, per metric, with Holm correction across all comparisons shown.',
        '## Significante veranderingen sinds de vorige periode\n\nDe laatste periode met antwoorden tegenover de periode ervoor, per maatstaf, met Holm-correctie over alle getoonde vergelijkingen.'),
    'nb01_suppressed': (
        '## Suppressed groups\n\nA group with fewer than `min_n` answers (customers at the period start, for churn) gets no figure in any table or chart above: its values are blank and its bar or point is marked *suppressed*. So few answers give intervals too wide to act on, and could point at individual customers.',
        '## Weggelaten groepen\n\nEen groep met minder dan `min_n` antwoorden (bij opzeggingen: klanten aan het begin van de periode) krijgt in geen enkele tabel of grafiek hierboven een cijfer: de waarden blijven leeg en de staaf of het punt is als *weggelaten* gemarkeerd. Zo weinig antwoorden geven intervallen die te breed zijn om op te handelen, en zouden naar individuele klanten kunnen wijzen.'),
    'h_verdict': (
        '## What the data says',
        '## Wat de data zegt'),
    'nb01_recorded': (
        "## Figures recorded for the scheduled report\n\nThe headline NPS, CSAT and CES and the churn rate of the last complete period, as written to this run's `kpis.json` by `cxkit run` (value, interval and n; a suppressed figure is kept with its n but no value).",
        '## Vastgelegde cijfers voor het geplande rapport\n\nDe kerncijfers NPS, CSAT en CES en het opzegpercentage van de laatste volledige periode, zoals `cxkit run` ze in `kpis.json` van deze run schrijft (waarde, interval en n; een weggelaten cijfer houdt zijn n maar krijgt geen waarde).'),
    'nb02_intro': (
        "# Satisfaction vs loyalty\n\nAre satisfied customers loyal? This notebook pairs each customer's satisfaction (CSAT) answer with their\nlikelihood to recommend (NPS) and, where the data has it, with whether they actually stayed.\nEvery figure comes with its number of customers (`n`) and a confidence interval; groups smaller than\n`min_n` are suppressed.",
        '# Tevredenheid en loyaliteit\n\nZijn tevreden klanten loyaal? Dit rapport koppelt het tevredenheidsantwoord (CSAT) van elke klant aan de\nbereidheid om aan te bevelen (NPS) en, waar de data dat heeft, aan de vraag of de klant werkelijk bleef.\nElk cijfer komt met het aantal klanten (`n`) en een betrouwbaarheidsinterval; groepen kleiner dan\n`min_n` worden weggelaten.'),
    'h_data_quality': (
        '## Data quality',
        '## Datakwaliteit'),
    'nb02_pairing': (
        "## Pairing the answers\n\nOne CSAT and one NPS answer per customer: the customer's earliest NPS answer that has a CSAT answer of theirs\nwithin `window_days`, paired with the nearest such CSAT answer. Later pairs of the same customer are left out so\nthat every customer counts once. Without answer dates the answers are paired per customer as given.",
        '## Het koppelen van de antwoorden\n\nEén CSAT- en één NPS-antwoord per klant: het vroegste NPS-antwoord van de klant waarbij binnen `window_days`\neen CSAT-antwoord van dezelfde klant ligt, gekoppeld aan het dichtstbijzijnde CSAT-antwoord. Latere paren van\ndezelfde klant vallen weg, zodat elke klant één keer telt. Zonder antwoorddatums worden de antwoorden per\nklant gekoppeld zoals ze er staan.'),
    'nb02_crosstab': (
        '## CSAT level x NPS category\n\nEach row is a CSAT answer; the cells show how those customers split into detractors, passives and promoters\n(row %, Wilson intervals in the table). If satisfaction and loyalty were the same thing, every top-box row\nwould be all promoters.',
        '## CSAT-niveau x NPS-categorie\n\nElke rij is een CSAT-antwoord; de cellen tonen hoe die klanten zich verdelen over criticasters, passieven en\npromotors (rijpercentages, Wilson-intervallen in de tabel). Als tevredenheid en loyaliteit hetzelfde waren,\nbestond elke topboxrij volledig uit promotors.'),
    'nb02_corr': (
        "## How strongly do satisfaction and likelihood to recommend go together?\n\nRank correlations suit ordinal answers: Spearman's rho and Kendall's tau-b (which handles the many ties of\nshort scales). Intervals use Fisher's z transform.",
        '## Hoe sterk hangen tevredenheid en aanbevelingsbereidheid samen?\n\nRangcorrelaties passen bij ordinale antwoorden: Spearmans rho en Kendalls tau-b (die de vele gelijke waarden\nvan korte schalen aankan). De intervallen gebruiken de z-transformatie van Fisher.'),
    'nb02_satisfied': (
        "## Satisfied but not promoting\n\nThe share of satisfied customers (CSAT top box) who are *not* promoters, and of those who are even detractors,\nwith Wilson intervals. Where the data records churn, the churn of satisfied non-promoters is compared with\nthat of satisfied promoters (difference with Newcombe's interval, score test).",
        '## Tevreden maar geen promotor\n\nHet aandeel tevreden klanten (CSAT-topbox) dat *geen* promotor is, en het deel daarvan dat zelfs criticaster\nis, met Wilson-intervallen. Waar de data opzeggingen bevat, worden de opzeggingen van tevreden niet-promotors\nvergeleken met die van tevreden promotors (verschil met het interval van Newcombe, scoretoets).'),
    'nb02_segments': (
        '## Segment map\n\nMean CSAT against NPS per segment; the bubble area is the number of customers, the bars are the intervals.',
        '## Segmentkaart\n\nGemiddelde CSAT tegenover NPS per segment; de oppervlakte van de bel is het aantal klanten, de lijnen zijn de intervallen.'),
    'nb02_said_did': (
        '## Said vs did: attitudinal vs behavioural loyalty\n\nNPS is what customers *say*; retention is what they *do*. Share of customers still with the company\n`horizon_days` after their NPS answer, per NPS category (answers whose horizon had not ended by the\ncut-off are left out, see the counts).',
        '## Zeggen en doen: loyaliteit in houding en in gedrag\n\nDe NPS is wat klanten *zeggen*; behoud is wat ze *doen*. Aandeel klanten dat `horizon_days` na hun\nNPS-antwoord nog klant is, per NPS-categorie (antwoorden waarvan de horizon op de peildatum nog niet voorbij\nwas, vallen weg; zie de aantallen).'),
    'h_recorded': (
        '## Figures recorded for the scheduled report',
        '## Vastgelegde cijfers voor het geplande rapport'),
    'nb03_intro': (
        "# Effort (CES), NPS and satisfaction vs churn\n\nWhich score tells us who is going to leave? Each customer's answer is paired with what happened *after* it:\nchurn within `horizon_days` of the answer. Answers whose horizon had not ended by the cut-off (`run_date`) are\nleft out and counted, because keeping them would count only the churn that already happened.\nEvery figure has its `n` and a confidence interval. Degenerate data (a score that perfectly predicts churn,\nno churn at all, a predictor that is a copy of the outcome) is reported in plain words, never as a huge\ncoefficient.",
        '# Inspanning (CES), NPS en tevredenheid tegenover opzeggingen\n\nWelke score vertelt ons wie gaat vertrekken? Het antwoord van elke klant wordt gekoppeld aan wat er *daarna*\ngebeurde: opzeggen binnen `horizon_days` na het antwoord. Antwoorden waarvan de horizon op de peildatum\n(`run_date`) nog niet voorbij was, vallen weg en worden geteld, want wie ze meetelt, telt alleen de opzeggingen\ndie al gebeurd zijn. Elk cijfer heeft zijn `n` en een betrouwbaarheidsinterval. Ontaarde data (een score die\nopzeggen perfect voorspelt, helemaal geen opzeggingen, een voorspeller die een kopie van de uitkomst is) wordt\nin gewone woorden gemeld, nooit als een enorme coëfficiënt.'),
    'nb03_by_score': (
        '## Churn rate by score\n\nShare of customers who left within the horizon, per answer value, with Wilson intervals; the\nCochran-Armitage test asks whether churn moves steadily with the score (Holm-adjusted across metrics).',
        '## Opzeggingen per score\n\nAandeel klanten dat binnen de horizon vertrok, per antwoordwaarde, met Wilson-intervallen; de\nCochran-Armitage-toets vraagt of het opzeggen gelijkmatig met de score meebeweegt (Holm-gecorrigeerd over de maatstaven).'),
    'nb03_logit': (
        "## Logistic regression: odds ratio per point\n\nChurn within the horizon on each metric alone, and with the controls the data has. An odds ratio below 1 means\nfewer leavers per point higher. When the data separates (some scores: everyone left, or nobody did), maximum\nlikelihood has no finite answer; the table then says so and shows Firth's penalised estimate.",
        '## Logistische regressie: odds ratio per punt\n\nOpzeggen binnen de horizon op elke maatstaf alleen, en met de controlevariabelen die de data heeft. Een odds\nratio onder 1 betekent minder vertrekkers per punt hoger. Als de data scheidt (bij sommige scores vertrok\niedereen, of niemand), heeft de meest aannemelijke schatting geen eindig antwoord; de tabel zegt dat dan en\ntoont de bestrafte schatting van Firth.'),
    'nb03_auc': (
        "## Which score predicts churn best?\n\nAUC per metric on its own answers (bootstrap intervals), then paired comparisons on the customers who answered\nboth metrics within `window_days` (DeLong's test; with a paired bootstrap interval), and\nlikelihood-ratio tests of nested models: does one metric add anything once the other is known?",
        '## Welke score voorspelt opzeggingen het best?\n\nAUC per maatstaf op de eigen antwoorden (bootstrap-intervallen), daarna gepaarde vergelijkingen bij de klanten\ndie beide maatstaven binnen `window_days` beantwoordden (toets van DeLong; met een gepaard\nbootstrap-interval), en likelihood-ratiotoetsen van geneste modellen: voegt een maatstaf iets toe als de\nandere al bekend is?'),
    'nb03_validation': (
        "## Do the models hold on later answers?\n\nA model can rank customers well on the answers it was fitted to and still fail on the next ones. Each model is\nrefitted on the answers given before a cut-off date (`split_at`, by default the date before which 70% of the\nanswers were given) and checked on the answers given from then on: out-of-sample AUC (DeLong interval), Brier\nscore (against predicting the training churn rate for everyone), calibration slope (1 = predicted risks spread\nright; below 1 = too extreme), observed vs predicted churn per decile with Wilson intervals, and the\ntime-dependent AUC at `horizon_days` on every later answer, censoring allowed for (Uno's weights).",
        "## Houden de modellen stand bij latere antwoorden?\n\nEen model kan klanten goed ordenen op de antwoorden waarop het is geschat en toch falen op de volgende. Elk model wordt\nopnieuw geschat op de antwoorden van vóór een peildatum (`split_at`, standaard de datum waarvoor 70% van de\nantwoorden is gegeven) en getoetst op de antwoorden vanaf die datum: AUC buiten de steekproef (DeLong-interval), Brier-score\n(tegenover voor iedereen het opzegpercentage van de schattingsperiode voorspellen), kalibratiehelling (1 = voorspelde risico's goed\ngespreid; onder 1 = te extreem), waargenomen tegenover voorspelde opzeggingen per deciel met Wilson-intervallen, en de\ntijdsafhankelijke AUC op `horizon_days` bij elk later antwoord, rekening houdend met censurering (gewichten van Uno)."),
    'nb03_time': (
        '## Time to churn\n\nKaplan-Meier curves from the answer onwards by score band (NPS category; CES hard / neutral / easy; CSAT\nlow / middle / top box), log-rank tests, and a Cox model of the bands with the controls, including a check of\nthe proportional-hazards assumption (scaled Schoenfeld residuals against the rank of time).',
        "## Tijd tot opzeggen\n\nKaplan-Meier-curven vanaf het antwoord per scoreband (NPS-categorie; CES moeilijk / neutraal / makkelijk; CSAT\nlaag / midden / topbox), log-ranktoetsen en een Cox-model van de banden met de controlevariabelen, met een\ncontrole van de aanname van proportionele risico's (geschaalde Schoenfeld-residuen tegen de rang van de tijd)."),
    'nb03_hazard': (
        '## Monthly churn hazard\n\nThe most direct model of churn: one row per customer-month, the chance of leaving that month given the latest\nanswers known when the month started (answers not given yet count as such). Odds ratios are per month.',
        "## Maandelijks opzegrisico\n\nHet meest directe model van opzeggen: één rij per klantmaand, de kans om die maand te vertrekken gegeven de\nlaatste antwoorden die bekend waren toen de maand begon (nog niet gegeven antwoorden tellen als zodanig).\nOdds ratio's gelden per maand."),
    'nb03_pairing': (
        '## Pairing the answers with churn',
        '## Het koppelen van antwoorden aan opzeggingen'),
    'nb04_intro': (
        "# What drives NPS?\n\nWhich touchpoints or attributes go together with a higher likelihood to recommend? Correlated ratings make\nregression coefficients unstable, so the model's explained variance (R²) is split between the drivers:\nthe Shapley decomposition (up to 12 drivers) or Johnson's relative weights (more drivers), with bootstrap\nintervals. Importance is association, not proof of cause.",
        '# Wat drijft de NPS?\n\nWelke contactmomenten of kenmerken gaan samen met een hogere bereidheid om aan te bevelen? Samenhangende\nbeoordelingen maken regressiecoëfficiënten instabiel, dus wordt de verklaarde variantie van het model (R²)\nverdeeld over de drijfveren: de Shapley-decompositie (tot 12 drijfveren) of de relatieve gewichten van Johnson\n(meer drijfveren), met bootstrap-intervallen. Belang is samenhang, geen bewijs van oorzaak.'),
    'nb04_answers': (
        '## Drivers and their answers\n\nOne row per customer: their first answer to the outcome and their nearest answer to each driver within\n`window_days`. The counts show how many customers answered each driver.',
        '## Drijfveren en hun antwoorden\n\nEén rij per klant: het eerste antwoord op de uitkomst en het dichtstbijzijnde antwoord op elke drijfveer binnen\n`window_days`. De aantallen tonen hoeveel klanten elke drijfveer beantwoordden.'),
    'nb04_importance': (
        "## Relative importance\n\n*% of R²* is each driver's share of the explained variance, with its bootstrap interval; *chance at the top*\nis how often it ranked first across bootstrap samples; *correlation* gives the direction.",
        '## Relatief belang\n\n*% van R²* is het aandeel van elke drijfveer in de verklaarde variantie, met het bootstrap-interval; *kans\nbovenaan* is hoe vaak de drijfveer in de bootstrap-steekproeven als eerste eindigde; *correlatie* geeft de richting.'),
    'nb03_coefficients': (
        '## Coefficient tables\n\nThe Cox and monthly hazard models behind the forest plots above, with standard errors and p-values.',
        '## Coëfficiënttabellen\n\nDe Cox- en maandelijkse hazardmodellen achter de forestplots hierboven, met standaardfouten en p-waarden.'),
    'h_recorded_one': (
        '## Figure recorded for the scheduled report',
        '## Vastgelegd cijfer voor het geplande rapport'),
}

# Notebook 05, segment tables (issue 16: banner tables)
NARRATIVE.update({
    'nb05_intro': (
        '# Segment tables\n\nThe metrics (NPS, CSAT top box, CES % easy) per segment, channel and touchpoint in one banner table: metrics down, groups across, a Total column first. Each column has a letter; a cell lists the letters of the columns of the same grouping it is significantly higher than, and ▲ / ▼ marks a column significantly above or below the rest of the answers. All tests of the table are corrected together. Where nothing is significant, the table says how large a difference the data could have detected, so "no difference" is not read as "the same".',
        '# Segmenttabellen\n\nDe maatstaven (NPS, CSAT-topbox, CES % makkelijk) per segment, kanaal en contactmoment in één kruistabel: maatstaven onder elkaar, groepen naast elkaar, met eerst een kolom Totaal. Elke kolom heeft een letter; een cel noemt de letters van de kolommen van dezelfde indeling waar hij significant hoger ligt, en ▲ / ▼ markeert een kolom die significant boven of onder de rest van de antwoorden ligt. Alle toetsen van de tabel worden samen gecorrigeerd. Waar niets significant is, zegt de tabel hoe groot een verschil de data hadden kunnen aantonen, zodat "geen verschil" niet als "hetzelfde" wordt gelezen.'),
    'nb05_banner': (
        '## Banner table\n\nNPS in points; CSAT as the % of answers in the top box; CES as the % counted as easy. Under each metric: the base (answers; the effective base with weights) and, beside cells without a significant difference, the smallest difference the data could detect.',
        '## Kruistabel\n\nNPS in punten; CSAT als het % antwoorden in de topbox; CES als het % dat als makkelijk telt. Onder elke maatstaf: de basis (antwoorden; met weging de effectieve basis) en, naast cellen zonder significant verschil, het kleinste verschil dat de data konden aantonen.'),
    'nb05_charts': (
        '## Per grouping\n\nEach metric per column of the first banner variable, with its interval and number of answers.',
        '## Per indeling\n\nElke maatstaf per kolom van de eerste bannervariabele, met het interval en het aantal antwoorden.'),
    'nb05_power': (
        '## How many answers a difference needs\n\nA difference that is not significant is not proof that the groups are the same: small columns can only show large differences. For each metric, the answers per column needed to detect a given difference with the chosen power.',
        '## Hoeveel antwoorden een verschil nodig heeft\n\nEen verschil dat niet significant is, bewijst niet dat de groepen gelijk zijn: kleine kolommen kunnen alleen grote verschillen tonen. Per maatstaf het aantal antwoorden per kolom dat nodig is om een gegeven verschil aan te tonen met het gekozen onderscheidend vermogen.'),
    'nb05_league': (
        "## League table\n\nUnits (by default segment x preferred channel x contract) ranked per metric. A unit's own score rests on its own answers only; its shrunken score is pulled towards the overall level as far as its few answers warrant (empirical Bayes), so small units are not at the top or bottom by chance. Per unit: both scores with their intervals, the rank interval, and the chances of being among the worst or best 10 % of units.",
        '## Ranglijst\n\nEenheden (standaard segment x voorkeurskanaal x contract) per maatstaf gerangschikt. De eigen score van een eenheid steunt alleen op haar eigen antwoorden; de bijgestelde score wordt zover naar het algemene niveau getrokken als haar weinige antwoorden vragen (empirische Bayes), zodat kleine eenheden niet door toeval bovenaan of onderaan staan. Per eenheid: beide scores met hun intervallen, het rangbereik en de kansen om bij de slechtste of beste 10 % van de eenheden te horen.'),
    'nb05_weighting': (
        '## Weighting\n\nWhether the figures are weighted to known population shares (`weights:` in the dataset spec), and what it costs: convergence of the raking, weighting efficiency, design effect, effective base n_eff, the largest weights, and each headline figure unweighted and weighted.',
        '## Weging\n\nOf de cijfers gewogen zijn naar bekende aandelen in de populatie (`weights:` in de dataspecificatie), en wat dat kost: convergentie van de weging, wegingsefficiëntie, designeffect, effectieve basis n_eff, de grootste gewichten, en elk kerncijfer ongewogen en gewogen.'),
    'nb05_tests': (
        '## Tests behind the letters\n\nEvery comparison made: the pairs within each banner variable and each column against the rest, with the unadjusted and adjusted p-values.',
        '## Toetsen achter de letters\n\nElke gemaakte vergelijking: de paren binnen elke bannervariabele en elke kolom tegenover de rest, met de ruwe en de gecorrigeerde p-waarden.'),
})

# -- notebook 06, open comments (issue 17) ---------------------------------------------------------
NARRATIVE.update({
    'nb06_intro': (
        "# What are customers saying?\n\nOpen comments coded by topic with a codebook (keywords, phrases and typo-tolerant words per language, matched on word stems), offline and reproducibly: the same comments and codebook give the same result. English and Dutch comments are coded; others are counted and left out. Where comments come with a score, each topic's share is shown per NPS category or CSAT level with its interval, and topics are related to low scores and to churn after the answer. Comments themselves are never shown unless the dataset spec allows it, and then with names, e-mail addresses, phone numbers and ids removed.",
        '# Wat zeggen klanten?\n\nOpen opmerkingen per onderwerp gecodeerd met een codeboek (trefwoorden, zinsdelen en woorden met een tikfout per taal, vergeleken op woordstam), offline en reproduceerbaar: dezelfde opmerkingen en hetzelfde codeboek geven hetzelfde resultaat. Engelse en Nederlandse opmerkingen worden gecodeerd; andere worden geteld en weggelaten. Waar opmerkingen bij een score horen, staat het aandeel van elk onderwerp per NPS-categorie of CSAT-niveau met zijn interval, en worden onderwerpen gekoppeld aan lage scores en aan opzeggen na het antwoord. De opmerkingen zelf verschijnen nooit, tenzij de dataset-spec het toestaat, en dan zonder namen, e-mailadressen, telefoonnummers en nummers.'),
    'nb06_topics': (
        '## Topics mentioned\n\nThe share of analysed comments mentioning each topic, with its Wilson interval, and the mean sentiment of those comments (-1 negative .. +1 positive; word lists, so compare topics, never single comments).',
        '## Genoemde onderwerpen\n\nHet aandeel geanalyseerde opmerkingen dat elk onderwerp noemt, met het Wilson-interval, en het gemiddelde sentiment van die opmerkingen (-1 negatief .. +1 positief; woordenlijsten, dus vergelijk onderwerpen, nooit losse opmerkingen).'),
    'nb06_scores': (
        "## Topics by score\n\nEach topic's share per NPS category (or CSAT level), with intervals; groups with fewer than `min_n` comments are suppressed. The models relate topics to detractor status (or the outcome chosen for the report): odds ratios above 1 mean the topic goes with it more often, and each topic's share of the explained variance.",
        "## Onderwerpen per score\n\nHet aandeel van elk onderwerp per NPS-categorie (of CSAT-niveau), met intervallen; groepen met minder dan `min_n` opmerkingen worden weggelaten. De modellen koppelen onderwerpen aan criticasters (of de uitkomst die voor het rapport is gekozen): odds ratio's boven 1 betekenen dat het onderwerp er vaker mee samengaat, plus het aandeel van elk onderwerp in de verklaarde variantie."),
    'nb06_churn': (
        "## Topics and later churn\n\nEach commenting customer's first commented answer, paired with whether they left within `horizon_days` after it; odds ratios of churn per topic, adjusted for detractor status. Association, not proof of cause.",
        "## Onderwerpen en latere opzeggingen\n\nHet eerste antwoord met opmerking van elke klant, gekoppeld aan of de klant binnen `horizon_days` daarna opzegde; odds ratio's van opzeggen per onderwerp, gecorrigeerd voor criticasters. Samenhang, geen bewijs van oorzaak."),
    'nb06_proposals': (
        '## Proposed codes\n\nComments no topic matched, grouped by the words they share (TF-IDF and non-negative matrix factorisation, seeded): candidates for the codebook, for an analyst to accept or reject. Also the languages found.',
        '## Voorgestelde codes\n\nOpmerkingen die bij geen enkel onderwerp passen, gegroepeerd op de woorden die ze delen (TF-IDF en niet-negatieve matrixfactorisatie, met vaste seed): kandidaten voor het codeboek, die een analist aanneemt of verwerpt. Ook de gevonden talen.'),
})

# "Why it moved" (issue 17): the first body section of notebook 01.
NARRATIVE.update({
    'nb01_why': (
        '## Why it moved\n\nThe change of each metric between its last two periods, split into the part from change *within* segments and the part from a shift in *who answered* (the mix of segments), largest move first, each with its interval. Then the alerts of the control charts: only moves for the worse, with limits that allow for the usual spread between periods.',
        '## Waarom het bewoog\n\nDe verandering van elke maatstaf tussen de laatste twee perioden, gesplitst in het deel door verandering *binnen* segmenten en het deel door een verschuiving in *wie antwoordde* (de mix van segmenten), de grootste beweging eerst, elk met zijn interval. Daarna de signalen van de controlekaarten: alleen bewegingen ten kwade, met grenzen die rekening houden met de gewone spreiding tussen perioden.'),
})

# -- notebook 07: what loyalty is worth and who answered (issue 18) --
NARRATIVE.update({
    'nb07_intro': (
        '# What loyalty is worth and who answered\n\nHow much is a customer worth over the relationship (customer lifetime value, CLV) per segment, how much more is a promoter worth than a detractor, how much value is at risk, and do the customers who answer the survey resemble the customer base? Lifetime value is revenue per month times the chance to still be a customer each month (Kaplan-Meier), discounted and capped at `horizon` months, with bootstrap intervals.',
        '# Wat loyaliteit waard is en wie antwoordde\n\nHoeveel is een klant waard over de hele relatie (klantwaarde, CLV) per segment, hoeveel meer is een promotor waard dan een criticaster, hoeveel waarde loopt risico, en lijken de klanten die de enquête beantwoorden op het klantenbestand? Klantwaarde is de omzet per maand maal de kans om elke maand nog klant te zijn (Kaplan-Meier), verdisconteerd en begrensd op `horizon` maanden, met bootstrapintervallen.'),
    'nb07_segments': (
        '## Lifetime value per segment\n\n*Lifetime value* is the expected discounted revenue of a new customer over `horizon` months; the *simple formula* is the textbook margin x r / (1 + d - r), which assumes the same churn chance every month and no horizon. Customers who joined before the data starts count from then on, so the customers who left earlier do not bias the curve.',
        '## Klantwaarde per segment\n\n*Klantwaarde* is de verwachte verdisconteerde omzet van een nieuwe klant over `horizon` maanden; de *eenvoudige formule* is de schoolboekformule marge x r / (1 + d - r), die elke maand dezelfde kans op opzeggen aanneemt en geen horizon kent. Klanten die al klant waren voordat de data begint, tellen vanaf dat moment mee, zodat eerder vertrokken klanten de curve niet vertekenen.'),
    'nb07_answers': (
        "## Value by answer\n\nLifetime value after each customer's first answer, per NPS category and per CSAT and CES band: the clock starts at the answer, so churn and revenue from before it never count. The differences are in money, with intervals.",
        '## Waarde per antwoord\n\nKlantwaarde na het eerste antwoord van elke klant, per NPS-categorie en per CSAT- en CES-band: de klok start bij het antwoord, dus opzeggingen en omzet van daarvoor tellen nooit mee. De verschillen staan in geld, met intervallen.'),
    'nb07_response': (
        "## Who answered\n\nThe share of active customers who answered in each period with a survey, per segment, preferred channel, tenure band and period, and a comparison of respondents with non-respondents on what is known of both. Where respondents differ, the survey's figures describe respondents, not the base; weighting to the base's margins corrects only for the differences it can see.",
        '## Wie antwoordde\n\nHet aandeel actieve klanten dat antwoordde in elke periode met een enquête, per segment, voorkeurskanaal, klantduur en periode, en een vergelijking van respondenten met niet-respondenten op wat van beide bekend is. Waar respondenten verschillen, beschrijven de enquêtecijfers de respondenten, niet het klantenbestand; wegen naar de verdeling van het klantenbestand corrigeert alleen voor de verschillen die het kan zien.'),
})

# Trends per segment in notebook 01 (issue 12, i12).
NARRATIVE.update({
    'nb01_segment_trends': (
        '## Trends per group\n\nEach metric per period for every group of the first drill-down column (segment by default), in panels on one y-axis so the groups compare at a glance. A triangle marks a period that moved significantly on the one before (Holm correction across the comparisons of one chart).',
        '## Ontwikkeling per groep\n\nElke maatstaf per periode voor elke groep van de eerste uitsplitsing (standaard het segment), in panelen met één gedeelde y-as zodat de groepen direct te vergelijken zijn. Een driehoek markeert een periode die significant verschilt van de periode ervoor (Holm-correctie over de vergelijkingen van één grafiek).'),
})

# Value at risk (issue 18 polish, valpolish): one narrative for notebooks 03 and 07; the method itself is in the
# table's note, written once by cxkit.research.risk.value_at_risk.
NARRATIVE.update({
    'nb_value_at_risk': (
        "## Value at risk\n\nWhat the current customers who may leave within `horizon_days` would take with them, "
        "per segment, with an interval. The note above the table says how the chance of leaving is estimated, which "
        "value each segment is given (its estimated lifetime value, or the declared value) and which uncertainty the "
        "interval covers.",
        "## Waarde in gevaar\n\nWat de huidige klanten die binnen `horizon_days` kunnen vertrekken zouden meenemen, "
        "per segment, met een interval. De toelichting boven de tabel zegt hoe de kans op vertrek is geschat, welke "
        "waarde elk segment krijgt (zijn geschatte klantwaarde, of de opgegeven waarde) en welke onzekerheid het "
        "interval omvat."),
})
