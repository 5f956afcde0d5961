"""Campaign names and message bodies, and the segment count (docs/RULES.md, Segments)."""

from __future__ import annotations

import math
import random

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def units(text: str) -> int:
    """Length in encoding units: GSM extension chars and non-BMP chars count 2."""
    if is_gsm7(text):
        return sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def segments(text: str | None, is_mms: bool = False) -> int:
    """Segments of a message per docs/RULES.md, Segments."""
    if is_mms or not text:
        return 1
    n = units(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if n <= single else math.ceil(n / multi)


LANG_BY_ACCOUNT = {0: "en", 1: "de", 2: "fr", 3: "en"}

NAMES = {
    "en": ["Black Friday Early Access", "Cyber Monday", "Winter Warmers", "Flash Sale",
           "Back in Stock", "VIP Preview", "Loyalty Points Reminder", "New Arrivals",
           "Christmas Delivery Deadline", "Advent Day {n}", "Weekend Offer", "Gift Guide"],
    "de": ["Black Friday Vorverkauf", "Cyber Monday Deals", "Adventskalender Tag {n}",
           "Neuheiten", "Versandkostenfrei", "Winterschlussverkauf", "Treuepunkte",
           "Nur heute"],
    "fr": ["Vente privée", "Soldes d'hiver", "Calendrier de l'Avent J{n}", "Nouveautés",
           "Livraison offerte", "Black Friday", "Offre du week-end", "Idées cadeaux"],
}

OFFERS = {
    "en": ["{brand}: {pct}% off everything until midnight!",
           "{brand}: your VIP code XMAS{pct} is ready.",
           "{brand}: new season picks just landed.",
           "{brand}: last order date for Christmas delivery is Friday."],
    "de": ["{brand}: Nur heute {pct} % Rabatt auf alles!",
           "{brand}: Ihr Gutschein über {pct} € wartet.",
           "{brand}: Neue Wintermode ist da. Größen ab sofort verfügbar."],
    "fr": ["{brand} : -{pct} % sur toute la collection d'hiver !",
           "{brand} : votre code VIP{pct} est prêt.",
           "{brand} : nouveautés en boutique, découvrez-les vite."],
}

EXT_SNIPPETS = ["Save €{pct} today [code: WIN{pct}]", "{{Members only}} ~ ends Sunday",
                "Use code [GIFT{pct}] | €5 off", "Prices from €9.99 ^ limited stock"]
UCS2_SNIPPETS = {
    "en": ["🎄 Festive picks are here! 🎁", "It’s back – don’t miss out ✨",
           "“Best gift ever” – our customers 💬"],
    "de": ["🎅 Frohe Weihnachten!", "Jetzt zugreifen ✨", "„Top-Angebot“ nur heute 🔥"],
    "fr": ["Fêtes de fin d'année 🎄", "Ça commence maintenant ✨", "Dernière chance 🎁"],
}
FILLER = {
    "en": " Free delivery on orders over 50 pounds and easy returns within 30 days of purchase"
          " at any of our stores or online with no questions asked at all this season",
    "de": " Kostenloser Versand ab 50 Euro und einfache Rücksendung innerhalb von 30 Tagen"
          " in allen Filialen oder online ganz ohne Rückfragen in dieser Saison",
    "fr": " Livraison gratuite dès 50 euros et retours faciles sous 30 jours dans tous nos"
          " magasins ou en ligne sans aucune question pendant toute la saison",
}
OPT_OUT = {"en": " Reply STOP to opt out", "de": " Abmelden: STOPP an 80888",
           "fr": " STOP au 36180"}

# (label, encoding, target units or None = natural length); chosen per SMS campaign.
SMS_SHAPES = [
    ("gsm_short", "gsm", None), ("gsm_160", "gsm", 160), ("gsm_161", "gsm", 161),
    ("gsm_ext_159", "ext", 159), ("gsm_ext_161", "ext", 161), ("gsm_long", "gsm", 310),
    ("ucs2_short", "ucs2", None), ("ucs2_70", "ucs2", 70), ("ucs2_71", "ucs2", 71),
    ("ucs2_long", "ucs2", 140),
]


def campaign_name(rng: random.Random, lang: str) -> str:
    return rng.choice(NAMES[lang]).format(n=rng.randint(1, 24))


ASCII_FOLD = str.maketrans({"ê": "e", "â": "a", "î": "i", "ô": "o", "û": "u", "ç": "c",
                            "’": "'", "–": "-", "“": '"', "”": '"', "„": '"'})


def _fit(head: str, tail: str, filler: str, target: int | None) -> str:
    """head + a prefix of filler + tail, of exactly `target` units when given."""
    if target is None:
        return head + tail
    while len(head) > 1 and units(head + tail) > target:
        head = head[:-1]
    body, k = head + tail, 0
    while units(body) < target and k < len(filler):
        k += 1
        body = head + filler[:k] + tail
    return body


def sms_body(rng: random.Random, lang: str, brand: str, short_url: str) -> str:
    """An SMS body of a randomly chosen shape (GSM-7/extension/UCS-2, boundary lengths)."""
    _, enc, target = rng.choice(SMS_SHAPES)
    pct = rng.choice([10, 15, 20, 25, 30, 40, 50])
    head = rng.choice(OFFERS[lang]).format(brand=brand, pct=pct)
    if enc == "ucs2":
        head = rng.choice(UCS2_SNIPPETS[lang]) + " " + head
    else:
        head = head.translate(ASCII_FOLD)
        if enc == "ext":
            head += " " + rng.choice(EXT_SNIPPETS).format(pct=pct)
        else:
            head = head.replace("€", "EUR")
    tail = " " + short_url + ("" if target and target <= 71 else OPT_OUT[lang])
    return _fit(head, tail, FILLER[lang] * 3, target)


def mms_body(rng: random.Random, lang: str, brand: str, short_url: str) -> str:
    """A short MMS caption (often with emoji)."""
    head = rng.choice(OFFERS[lang]).format(brand=brand, pct=rng.choice([15, 20, 30]))
    if rng.random() < 0.6:
        head = rng.choice(UCS2_SNIPPETS[lang]) + " " + head
    return head + " " + short_url
