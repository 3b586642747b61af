"""Feedback surveys: invitations after answered contacts, CSAT, NPS and CES scores, comments.

Comments are written about what happened and in the words of
:data:`svcworkbook.analysis.stats.THEME_KEYWORDS`, so keyword coding finds each comment's theme;
their tone follows the score.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from svcworkbook.data.generators._draws import _ids, _rng, _seconds, _text_or_blank
from svcworkbook.data.generators.demand import CHANNELS
from svcworkbook.data.generators.scenarios import SECONDS_PER_DAY, Plan

#: Share of survey invitations answered, by method.
SURVEY_RESPONSE_RATE = {"ivr": 0.36, "sms": 0.33, "email": 0.24, "web": 0.27}

THEMES = (
    "waiting time",
    "staff attitude",
    "resolution",
    "billing and price",
    "communication",
    "website and app",
    "delivery",
    "product knowledge",
)

COMMENT_TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("waiting time", "negative"): (
        "I was on hold for ages before anyone picked up.",
        "Far too long a wait in the queue, over twenty minutes.",
        "The hold music went round and round. Very slow.",
        "Waited so long I nearly gave up.",
    ),
    ("waiting time", "neutral"): (
        "The wait was a bit long but acceptable.",
        "Not the quickest, but not the slowest either.",
    ),
    ("waiting time", "positive"): (
        "Quick to answer, hardly any wait at all.",
        "Got straight through, which was a nice surprise.",
        "Prompt reply, thank you.",
    ),
    ("staff attitude", "negative"): (
        "The person I spoke to was rude and dismissive.",
        "Very unhelpful, and the attitude was poor.",
        "The adviser was impatient with me.",
    ),
    ("staff attitude", "neutral"): (
        "Polite enough, nothing special.",
        "The adviser was friendly but seemed rushed.",
    ),
    ("staff attitude", "positive"): (
        "The adviser was so friendly and helpful.",
        "Lovely lady, very patient and kind.",
        "Really polite and caring, she listened to me.",
    ),
    ("resolution", "negative"): (
        "My problem is still not fixed.",
        "Nothing was resolved, I will have to contact you again.",
        "Still broken after all this.",
    ),
    ("resolution", "neutral"): (
        "It got sorted in the end, after two tries.",
        "Partly resolved, one thing left to do.",
    ),
    ("resolution", "positive"): (
        "Sorted first time, brilliant.",
        "Problem solved in one go.",
        "Everything resolved on the spot.",
    ),
    ("billing and price", "negative"): (
        "I have been overcharged on my bill again.",
        "Still no refund after you agreed one.",
        "The charges on my invoice make no sense.",
    ),
    ("billing and price", "neutral"): (
        "The bill is right now but it is expensive.",
        "My payment went through in the end.",
    ),
    ("billing and price", "positive"): (
        "The refund came through, thank you.",
        "My bill has been corrected.",
    ),
    ("communication", "negative"): (
        "Nobody kept me updated. I was promised a call back and nobody rang back.",
        "Nobody ever told me what was going on.",
        "The explanation was confusing and full of jargon.",
    ),
    ("communication", "neutral"): (
        "I got an update in the end.",
        "The letter was fine but could be clearer.",
    ),
    ("communication", "positive"): (
        "Explained everything clearly.",
        "They kept me informed at every step.",
        "Called back exactly when they said they would.",
    ),
    ("website and app", "negative"): (
        "The website would not let me log in.",
        "The app keeps crashing, so I had to contact you.",
        "Your chatbot was useless.",
    ),
    ("website and app", "neutral"): (
        "I managed online in the end.",
        "The app is okay once you find the right page.",
    ),
    ("website and app", "positive"): (
        "Easy to do online afterwards.",
        "The app now works perfectly.",
    ),
    ("delivery", "negative"): (
        "My parcel never arrived.",
        "The courier left it in the rain.",
        "Tracking said delivered but nothing came.",
    ),
    ("delivery", "neutral"): (
        "The delivery was a day late but it came.",
        "Parcel arrived eventually.",
    ),
    ("delivery", "positive"): (
        "New delivery date booked and it arrived on time.",
        "Replacement dispatched the same day.",
    ),
    ("product knowledge", "negative"): (
        "The adviser was clueless about my account.",
        "They did not understand the question.",
        "Seemed untrained on the new products.",
    ),
    ("product knowledge", "neutral"): (
        "They knew most of the answers.",
        "Had to check with an expert but got there.",
    ),
    ("product knowledge", "positive"): (
        "Really knowledgeable adviser.",
        "She knew exactly what to do.",
        "An expert who understood the problem straight away.",
    ),
}

#: Sentences that put personal data in a comment on purpose (privacy practice).
PERSONAL_DATA_SENTENCES = (
    " My name is {name}, my number is {phone}.",
    " Please email me at {email}.",
    " I am at {postcode}, {name}.",
    " {name} here, ring me on {phone} or email {email}.",
)


class _Surveys:
    """The feedback surveys of a generated operation (part of :class:`Operation`)."""

    plan: Plan

    @cached_property
    def surveys(self) -> pd.DataFrame:
        """Feedback invitations after answered contacts: ~30% respond with CSAT, NPS, CES and a
        comment about what happened."""
        c, plan = self._contacts, self.plan
        rng = _rng(plan, "surveys")
        invited, method, sent, responded, responded_at = self._invitations(rng)
        n = len(invited)
        touch = self._touchpoints(rng, invited)
        csat, nps, ces = self._scores(rng, invited)
        comment = self._comments(rng, invited, csat, responded)

        def score(values):
            """Scores as nullable whole numbers, blank when there was no response."""
            return pd.array(np.where(responded, values, np.nan), dtype="Int64")

        return pd.DataFrame(
            {
                "survey_id": _ids("S", n, 6),
                "contact_id": c["contact_id"][invited],
                "customer_id": self._customers["customer_id"][c["customer"][invited]],
                "method": method,
                "touchpoint": touch,
                "sent_at": _seconds(plan.start, sent),
                "responded": responded,
                "responded_at": _seconds(plan.start, responded_at),
                "csat": score(csat),
                "nps": score(nps),
                "ces": score(ces),
                "comment": comment,
            }
        )

    def _invitations(self, rng) -> tuple[np.ndarray, ...]:
        """Which answered contacts get a survey (35%), by which method (phone: IVR or SMS; chat:
        web; email: email; social: web or email), when it is sent (10 minutes to 6 hours after
        the contact closed), and whether and when it is answered (by method, ~30%); invitations
        or answers after the data's end are left out or left unanswered."""
        c, end = self._contacts, self.plan.days * SECONDS_PER_DAY
        eligible = np.flatnonzero(~c["abandoned"])
        invited = eligible[rng.random(len(eligible)) < 0.35]
        n = len(invited)
        channel = c["channel"][invited]
        u = rng.random(n)
        method = np.select(
            [channel == 0, channel == 1, channel == 2],
            [np.where(u < 0.55, "ivr", "sms"), np.where(u < 0.8, "web", "email"), "email"],
            np.where(u < 0.6, "web", "email"),
        ).astype(object)
        response_rate = pd.Series(SURVEY_RESPONSE_RATE)
        responded = rng.random(n) < response_rate[method].to_numpy()
        closed = c["resolved"][invited]
        base = np.where(np.isnan(closed), c["answered"][invited] + c["handle"][invited], closed)
        sent = np.round(base + rng.uniform(600, 6 * 3600, n))
        answered_after = np.round(rng.lognormal(np.log(3 * 3600), 1.0, n))
        responded_at = np.where(responded, sent + answered_after, np.nan)
        responded = responded & ~(responded_at >= end)
        keep = sent < end
        responded = responded[keep]
        return (
            invited[keep],
            method[keep],
            sent[keep],
            responded,
            np.where(responded, responded_at[keep], np.nan),
        )

    def _touchpoints(self, rng, invited: np.ndarray) -> np.ndarray:
        """What the survey asks about: the contact's channel, or sometimes the delivery (40% of
        delivery contacts), the store (30% of returns) or the website (30% of account changes)."""
        c = self._contacts
        categories = c["category"][invited]
        touch = np.array(CHANNELS, dtype=object)[c["channel"][invited]]
        v = rng.random(len(invited))
        touch = np.where((categories == "delivery") & (v < 0.4), "delivery", touch)
        touch = np.where((categories == "returns") & (v < 0.3), "store", touch)
        touch = np.where((categories == "account change") & (v < 0.3), "website", touch)
        return touch.astype(object)

    def _scores(self, rng, invited: np.ndarray) -> tuple[np.ndarray, ...]:
        """CSAT 1-5 by cutting the contact's hidden satisfaction at fixed points; NPS 0-10 =
        2.2 CSAT - 1.2 + noise; CES 1-7 = 7.6 - 1.25 CSAT + 0.9 if unresolved + noise."""
        c, n = self._contacts, len(invited)
        latent = c["satisfaction"][invited]
        csat = 1 + (latent > -1.3).astype(int) + (latent > -0.45) + (latent > 0.35) + (latent > 1.1)
        nps = np.clip(np.round(2.2 * csat - 1.2 + rng.normal(0, 1.3, n)), 0, 10)
        unresolved = ~c["resolved_first"][invited]
        ces = np.clip(np.round(7.6 - 1.25 * csat + 0.9 * unresolved + rng.normal(0, 0.8, n)), 1, 7)
        return csat, nps, ces

    def _comments(self, rng, invited, csat, responded) -> np.ndarray:
        """Free-text comments (about half of responses) whose theme follows what happened and
        whose tone follows the score; ~8% add the customer's personal details on purpose."""
        c = self._contacts
        n = len(invited)
        wait = c["wait"][invited]
        queued = c["channel"][invited] < 2
        long_wait = np.where(queued, wait > 120, wait > 86400)
        short_wait = np.where(queued, wait < 30, wait < 3600)
        resolved = c["resolved_first"][invited]
        categories = c["category"][invited]
        billing = np.isin(categories, ["billing query", "payment"])
        delivery = np.isin(categories, ["delivery", "returns", "order change"])
        technical = np.isin(categories, ["fault", "setup help"])
        negative = csat <= 2
        positive = csat >= 4
        weights = np.stack(
            [
                0.3 + 6.0 * long_wait * ~positive + 1.5 * short_wait * positive,  # waiting time
                np.full(n, 1.5),  # staff attitude
                0.5 + 2.5 * ~resolved * ~positive + 1.5 * resolved * positive,  # resolution
                0.2 + 2.0 * billing,  # billing and price
                0.6 + 1.0 * ~resolved,  # communication
                0.3 + 0.8 * (categories == "account change") + 0.5 * technical,  # website/app
                0.1 + 2.0 * delivery,  # delivery
                0.5 + 1.0 * technical,  # product knowledge
            ],
            axis=1,
        )
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)[:, :-1]
        theme = (rng.random(n)[:, None] > cumulative).sum(axis=1)
        tone = np.where(negative, 0, np.where(positive, 2, 1))
        texts, offsets, sizes = [], [], []
        for t in THEMES:
            for mood in ("negative", "neutral", "positive"):
                options = COMMENT_TEMPLATES[(t, mood)]
                offsets.append(len(texts))
                sizes.append(len(options))
                texts.extend(options)
        key = theme * 3 + tone
        pick = np.array(offsets)[key] + np.floor(rng.random(n) * np.array(sizes)[key]).astype(int)
        comment = np.array(texts, dtype=object)[pick]

        # who writes: more often after a very good or very bad experience
        writes = responded & (rng.random(n) < np.where(csat == 3, 0.35, 0.6))
        personal = writes & (rng.random(n) < 0.08)
        if personal.any():
            customers = self._customers
            who = c["customer"][invited][personal]
            form = rng.integers(0, len(PERSONAL_DATA_SENTENCES), personal.sum())
            extra = [
                PERSONAL_DATA_SENTENCES[f].format(
                    name=customers["customer_name"][w],
                    phone=customers["phone"][w],
                    email=customers["email"][w],
                    postcode=customers["postcode"][w],
                )
                for f, w in zip(form, who, strict=True)
            ]
            comment[personal] = comment[personal] + np.array(extra, dtype=object)
        return _text_or_blank(writes, comment)
