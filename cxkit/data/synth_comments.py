"""Open comments for the synthetic sample (issue 17): English and Dutch, from topic templates.

An additive step after :func:`cxkit.data.synth.generate`: it reads the generated answers and
customers and writes ``comments.csv`` (``response_id, language, comment, topics``), so the
answers and the churn ground truth of the sample are unchanged.

Ground truth (documented in ``cxkit/data/sample/README.md``): each NPS and CSAT answer gets a
comment with probability ``COMMENT_RATE``; 40% of comments are Dutch. Each topic appears in a
comment independently with

    logit P(topic) = base + detractor * [detractor answer] + churn * [customer left within 180 days]

where a detractor answer is NPS 0-6 or CSAT 1-2. ``price`` and ``network`` raise detraction
*and* later churn; ``billing`` and ``support_wait`` raise detraction only; ``staff`` (friendly,
helpful staff) lowers detraction; ``app`` is unrelated to both. The comment's text joins one
template sentence per topic (a filler sentence when it has none); 10% of the topic sentences
carry a typo. The topics column is the truth the coding is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CommentParams", "COMMENT_TOPICS", "generate_comments", "write_comments"]

COMMENT_RATE = 0.35
DUTCH_SHARE = 0.4
HORIZON_DAYS = 180

# topic: (base logit, detractor effect, churn effect): the ground truth
COMMENT_TOPICS: dict[str, tuple[float, float, float]] = {
    "price": (-2.6, 1.1, 1.2),
    "network": (-2.8, 1.1, 1.0),
    "billing": (-3.0, 1.2, 0.0),
    "support_wait": (-2.8, 1.2, 0.0),
    "staff": (-1.6, -1.2, 0.0),
    "app": (-2.6, 0.0, 0.0),
}


@dataclass(frozen=True)
class CommentParams:
    """Parameters of the comment generator (defaults: the bundled sample)."""

    comment_rate: float = COMMENT_RATE
    dutch_share: float = DUTCH_SHARE
    horizon_days: int = HORIZON_DAYS
    typo_rate: float = 0.10
    topics: dict = field(default_factory=lambda: dict(COMMENT_TOPICS))
    seed: int = 20261117


# One sentence per topic mention; {typo} forms are used for 10% of mentions (fuzzy matching).
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "en": {
        "price": ["It is far too expensive for what you get.", "The price went up again this year.",
                  "Other providers are cheaper.", "Monthly costs keep rising.", "Honestly a rip off."],
        "network": ["The signal at home is terrible.", "Coverage drops out in the city centre.",
                    "Another outage last week.", "My connection keeps dropping.", "Internet speed is poor."],
        "billing": ["My bill was wrong twice.", "I was charged twice for the same month.",
                    "The invoice did not match my plan.", "Still no refund after a month.",
                    "They overcharged me."],
        "support_wait": ["I was on hold for forty minutes.", "Nobody called back as promised.",
                         "The queue on the phone line is endless.", "It took ages before someone answered."],
        "staff": ["The agent was friendly and helpful.", "Very polite staff in the store.",
                  "The employee I dealt with was knowledgeable.", "Helpful people, thanks."],
        "app": ["The app crashes when I open it.", "The website is confusing.",
                "I use the app to check my usage.", "Could not log in to my account online."],
    },
    "nl": {
        "price": ["Het is veel te duur voor wat je krijgt.", "De prijs is dit jaar weer omhoog gegaan.",
                  "Andere aanbieders zijn goedkoper.", "De kosten blijven stijgen.",
                  "Weer een prijsverhoging, jammer."],
        "network": ["Thuis heb ik bijna geen bereik.", "Het signaal in de stad is slecht.",
                    "Vorige week weer een storing.", "De verbinding valt steeds weg.",
                    "Het internet is erg langzaam op zolder."],
        "billing": ["Mijn rekening klopte twee keer niet.", "Er is dubbel afgeschreven deze maand.",
                    "De factuur klopte niet met mijn abonnement.", "De terugbetaling is nog steeds niet gedaan."],
        "support_wait": ["Ik moest veertig minuten wachten.", "Ik ben nooit teruggebeld.",
                         "De wachttijd aan de telefoon is belachelijk.", "Je hangt eindeloos in de wacht."],
        "staff": ["De medewerker was vriendelijk en behulpzaam.", "Heel vriendelijk personeel in de winkel.",
                  "Ik werd goed geholpen.", "Aardige medewerkers, bedankt."],
        "app": ["De app loopt vast bij het openen.", "De website is onduidelijk.",
                "Ik gebruik de app om mijn verbruik te zien.", "Inloggen op mijn account lukt niet."],
    },
}
TYPOS: dict[str, dict[str, list[str]]] = {
    "en": {"price": ["Way too expnsive."], "network": ["Bad coverge at work."], "billing": ["Wrong invoce again."],
           "support_wait": ["Endless waitting."], "staff": ["Very freindly agent."], "app": ["The webiste is confusing."]},
    "nl": {"price": ["Weer een prijsverhogin."], "network": ["Slechte verbindng."], "billing": ["Foute factur."],
           "support_wait": ["Lange wachtijd."], "staff": ["Heel vriendlijk."], "app": ["De websit werkt slecht."]},
}
FILLERS = {"en": ["Nothing else to add.", "All in all fine.", "No further remarks.", "Thanks."],
           "nl": ["Verder niets toe te voegen.", "Al met al prima.", "Geen verdere opmerkingen.", "Bedankt."]}


def generate_comments(customers: pd.DataFrame, responses: pd.DataFrame,
                      params: CommentParams | None = None) -> pd.DataFrame:
    """Comments for NPS and CSAT answers (``response_id, language, comment, topics``).

    ``topics`` holds the planted topics, ``;``-separated (empty: none).
    """
    p = params or CommentParams()
    rng = np.random.default_rng(p.seed)
    r = responses[responses["metric"].isin(["nps", "csat"])].sort_values("response_id", kind="stable")
    r = r[rng.random(len(r)) < p.comment_rate].reset_index(drop=True)
    end = pd.to_datetime(customers.set_index("customer_id")["end_date"])
    answered = pd.to_datetime(r["answered_at"])
    left = end.reindex(r["customer_id"]).to_numpy()
    gap = (pd.Series(left) - answered).dt.days
    churn = (gap.notna() & (gap >= 0) & (gap <= p.horizon_days)).to_numpy()
    score = r["score"].to_numpy(dtype=float)
    detractor = np.where(r["metric"].to_numpy() == "nps", score <= 6, score <= 2)
    lang = np.where(rng.random(len(r)) < p.dutch_share, "nl", "en")
    names = list(p.topics)
    has = np.column_stack([rng.random(len(r)) < 1 / (1 + np.exp(-(b + d * detractor + c * churn)))
                           for b, d, c in (p.topics[t] for t in names)])
    pick = rng.random((len(r), len(names) + 1))
    typo = rng.random((len(r), len(names))) < p.typo_rate
    comments, topics = [], []
    for i in range(len(r)):
        lg = lang[i]
        parts, found = [], []
        for j, t in enumerate(names):
            if has[i, j]:
                pool = TYPOS[lg][t] if typo[i, j] else TEMPLATES[lg][t]
                parts.append(pool[int(pick[i, j] * len(pool))])
                found.append(t)
        if not parts:
            pool = FILLERS[lg]
            parts.append(pool[int(pick[i, -1] * len(pool))])
        comments.append(" ".join(parts))
        topics.append(";".join(found))
    return pd.DataFrame({"response_id": r["response_id"].to_numpy(), "language": lang,
                         "comment": comments, "topics": topics})


def write_comments(folder: str | Path, customers: pd.DataFrame, responses: pd.DataFrame,
                   params: CommentParams | None = None) -> Path:
    """Write ``comments.csv`` into ``folder``."""
    path = Path(folder) / "comments.csv"
    generate_comments(customers, responses, params).to_csv(path, index=False)
    return path
