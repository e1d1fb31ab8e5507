#!/usr/bin/env python3
"""Build Workbench's built-in demo datasets (assets/data/).

Every sentence, name, phrase bank and fact table in this file was written for this project; no text is taken
from any third-party dataset. Output is deterministic (seeded ``random.Random(0)``, standard library only), so
rerunning the script rewrites every file byte-identically:

    python assets/build_demo_data.py              # writes assets/data/
    python assets/build_demo_data.py --out DIR    # writes the same files under DIR

Datasets (see assets/data/README.md, which this script also writes):
    sentiment/   short reviews, positive/negative (CSV)
    general/     general-domain sentences, English and Chinese (one per line)
    text/        English prose corpus for causal-LM / MLM demo pretraining
    ner/         English CoNLL (IOB2) and Chinese character-level BMES named entities
    qa/          extractive QA in SQuAD v1.1 layout, English and Chinese
    instructions/ Alpaca-style instructions and chat conversations
    pairs/       paraphrase pairs for contrastive sentence embeddings
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
from pathlib import Path

SEED = 0
DEFAULT_OUT = Path(__file__).resolve().parent / "data"

# Each dataset draws from its own stream, derived in this fixed order from random.Random(SEED), so that editing
# one dataset's generator leaves every other file unchanged.
SECTIONS = ["sentiment", "general", "general_zh", "ner", "ner_zh", "qa", "qa_zh", "instructions", "chat", "pairs"]
_master = random.Random(SEED)
_SECTION_SEEDS = {name: _master.getrandbits(64) for name in SECTIONS}


def rng_for(section: str) -> random.Random:
    return random.Random(_SECTION_SEEDS[section])


# ------------------------------------------------------------------------------------------------ helpers

def cap(s: str) -> str:
    """Upper-case the first character only (keeps "iPhone"-style words and inner capitals)."""
    return s[:1].upper() + s[1:] if s else s


def tidy(s: str) -> str:
    """Fix punctuation left by filling templates: "Washington, D.C.." and "now called X-rays,." end in one stop."""
    return re.sub(r"(?:\.\.|,\.)$", ".", s)


def a_an(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def unique(items):
    """Order-preserving de-duplication (never iterate over a set: str hashing is randomised per process)."""
    seen, out = set(), []
    for x in items:
        key = json.dumps(x, ensure_ascii=False, sort_keys=True) if not isinstance(x, str) else x
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def fmt_int(n: int) -> str:
    return f"{n:,}"


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_lines(path: Path, lines) -> None:
    write_text(path, "".join(line + "\n" for line in lines))


def write_json(path: Path, obj) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


def write_jsonl(path: Path, rows) -> None:
    write_lines(path, [json.dumps(r, ensure_ascii=False) for r in rows])


def write_csv(path: Path, header, rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    write_text(path, buf.getvalue())


def write_tagged(path: Path, sentences) -> None:
    """CoNLL-style columns: one 'token TAG' per line, a blank line after each sentence."""
    out = []
    for tokens, tags in sentences:
        assert len(tokens) == len(tags)
        for tok, tag in zip(tokens, tags):
            assert tok and " " not in tok and "\t" not in tok, tok
            out.append(f"{tok} {tag}\n")
        out.append("\n")
    write_text(path, "".join(out))


# ================================================================================================ sentiment
# Six domains, each with subjects (all singular noun phrases), neutral openings, aspects with positive and
# negative predicates ("{i}" takes an optional intensifier) and overall verdicts. Reviews are composed from these
# plus domain-independent negations and concessions, so that a label is never given away by one keyword alone:
# positive reviews say "not bad at all" or concede a flaw, negative ones praise one thing before the verdict.

INTENSIFIERS = ["", "", "", "really ", "very ", "genuinely ", "incredibly ", "surprisingly ", "remarkably ",
                "pretty ", "truly "]

SENT_DOMAINS = {
    "product": dict(
        subjects=["this kettle", "the blender", "this hair dryer", "this pair of headphones", "this desk lamp",
                  "the vacuum cleaner", "this toaster", "the coffee grinder", "this electric fan",
                  "the electric toothbrush", "this rice cooker", "the air fryer", "this food processor",
                  "the bluetooth speaker", "this robot vacuum", "the cordless drill"],
        noun="product",
        openings=["I bought it as a gift for my dad.", "I've had it for about six weeks now.",
                  "I ordered it online after a lot of research.", "I picked it up in a sale last month.",
                  "I've used it almost every day since it arrived.", "It replaced an older model I'd had for years.",
                  "My sister recommended it to me."],
        aspects=[
            ("the build quality", ["is {i}solid", "feels {i}sturdy", "is better than the price suggests"],
             ["is {i}flimsy", "feels cheap and plasticky", "is poor for the money"]),
            ("delivery", ["was {i}quick", "arrived a day earlier than promised"],
             ["took almost three weeks", "was a mess and the box arrived crushed"]),
            ("the instructions", ["are clear and easy to follow", "are short and {i}helpful"],
             ["are {i}confusing", "are missing half the steps"]),
            ("customer support", ["answered my question within an hour", "was {i}helpful"],
             ["never replied to my emails", "was {i}unhelpful"]),
            ("the design", ["is {i}elegant", "looks even better than in the photos"],
             ["is {i}clunky", "looks much cheaper than in the photos"]),
            ("the price", ["is {i}reasonable", "is a bargain for what you get"],
             ["is far too high", "is hard to justify"]),
            ("it", ["works exactly as described", "does the job perfectly", "is {i}quiet"],
             ["stopped working after two weeks", "makes an awful rattling noise", "is {i}noisy"]),
        ],
        verdicts_pos=["It does exactly what it says.", "I'd buy {s} again without a second thought.",
                      "{S} was worth every penny.", "Best purchase I've made this year.",
                      "I've already ordered a second one for the office."],
        verdicts_neg=["It went straight back to the shop.", "I wouldn't buy {s} again.",
                      "{S} was a waste of money.", "Save yourself the trouble and buy something else.",
                      "I'm still waiting for my refund."],
    ),
    "film": dict(
        subjects=["this film", "the movie", "this thriller", "the new comedy", "the sequel",
                  "this animated feature", "the period drama", "this horror film", "the musical",
                  "this war film", "the science fiction epic", "this crime drama"],
        noun="film",
        openings=["I watched it with my family last weekend.", "I saw it at the cinema on opening night.",
                  "We streamed it on a rainy Sunday.", "I went in knowing nothing about it.",
                  "A friend dragged me along to see it.", "I watched it on a long flight."],
        aspects=[
            ("the acting", ["is {i}superb", "is subtle and convincing"],
             ["is {i}wooden", "feels forced in almost every scene"]),
            ("the plot", ["keeps you guessing until the very end", "is {i}clever"],
             ["makes very little sense", "is {i}predictable"]),
            ("the soundtrack", ["is {i}beautiful", "fits every scene perfectly"],
             ["is {i}intrusive", "drowns out half the dialogue"]),
            ("the pacing", ["is {i}tight", "never lets up"], ["is {i}sluggish", "drags badly in the middle"]),
            ("the ending", ["is {i}moving", "ties everything together"],
             ["is {i}rushed", "feels like a cheap trick"]),
            ("the dialogue", ["is sharp and {i}funny", "sounds like real people talking"],
             ["is clumsy and full of clichés", "is {i}stilted"]),
            ("the cinematography", ["is {i}stunning", "makes every frame look like a painting"],
             ["is murky and hard to follow", "is {i}flat"]),
            ("the lead actor", ["gives a {i}brilliant performance", "carries the whole story"],
             ["seems bored throughout", "is {i}miscast"]),
        ],
        verdicts_pos=["I'd happily watch it again.", "{S} is one of the best things I've seen this year.",
                      "I was hooked from the first scene.", "Go and see {s}, you won't regret it."],
        verdicts_neg=["I nearly walked out halfway through.", "{S} is two hours I'll never get back.",
                      "I checked my watch more than once.", "Wait until {s} is free to stream, if you must."],
    ),
    "restaurant": dict(
        subjects=["this restaurant", "this place", "the new bistro on the corner", "this little noodle bar",
                  "the pizzeria near the station", "this café", "the steakhouse", "this family-run taverna",
                  "the sushi bar", "this brunch spot", "the curry house on the high street"],
        noun="restaurant",
        openings=["We went for a friend's birthday.", "I came here for lunch on a Tuesday.",
                  "We booked a table for four on a Saturday night.", "I stopped by after work with a colleague.",
                  "We were walking past and decided to try it.", "We came here with the kids on a Sunday."],
        aspects=[
            ("the food", ["was {i}delicious", "was fresh and full of flavour"], ["was {i}bland", "arrived lukewarm"]),
            ("the service", ["was {i}friendly", "was quick and attentive"],
             ["was {i}slow", "was rude and careless"]),
            ("the portions", ["were {i}generous", "were just right"], ["were tiny for the price", "were {i}small"]),
            ("the dessert", ["was the highlight of the evening", "was {i}good"],
             ["was stale", "tasted like it came from a supermarket"]),
            ("the atmosphere", ["was {i}cosy", "was relaxed and welcoming"],
             ["was {i}noisy", "felt cold and unwelcoming"]),
            ("the bill", ["was {i}reasonable", "was lower than we expected"],
             ["was {i}steep", "included a service charge nobody mentioned"]),
            ("our waiter", ["knew the menu inside out", "was {i}charming"],
             ["forgot half our order", "was {i}dismissive"]),
            ("the coffee", ["was {i}strong and smooth", "was some of the best in town"],
             ["was bitter and lukewarm", "tasted burnt"]),
        ],
        verdicts_pos=["We'll definitely be back.", "{S} is now our favourite place in town.",
                      "I can't wait to go back to {s}.", "Book a table at {s}, you won't regret it."],
        verdicts_neg=["We won't be going back.", "I wouldn't send my worst enemy to {s}.",
                      "{S} is not worth the trip.", "We ended up getting chips on the way home."],
    ),
    "hotel": dict(
        subjects=["this hotel", "the guesthouse", "this resort", "the hostel", "this bed and breakfast",
                  "the airport hotel", "this boutique hotel", "the seaside inn", "this mountain lodge",
                  "the city centre apartment"],
        noun="hotel",
        openings=["We stayed three nights in March.", "I stayed here on a work trip.",
                  "We booked it for our anniversary.", "We only needed somewhere for one night.",
                  "I travelled here with two young children.", "We spent a week here in the summer."],
        aspects=[
            ("the room", ["was {i}clean", "was spotless and bright"], ["was {i}dirty", "smelled of damp"]),
            ("the bed", ["was {i}comfortable", "was like sleeping on a cloud"],
             ["was {i}lumpy", "creaked every time I moved"]),
            ("the staff", ["were {i}helpful", "went out of their way for us"],
             ["were {i}rude", "ignored us at the front desk"]),
            ("breakfast", ["was {i}good", "had plenty of fresh choices"],
             ["was {i}disappointing", "ran out before nine"]),
            ("the location", ["is {i}convenient", "is just a short walk from everything"],
             ["is {i}inconvenient", "is miles from anything worth seeing"]),
            ("the wifi", ["was fast and reliable", "worked perfectly in every room"],
             ["barely worked", "kept dropping out"]),
            ("the shower", ["had great water pressure", "was {i}hot and powerful"],
             ["was lukewarm at best", "leaked all over the floor"]),
            ("the view", ["was {i}spectacular", "from our window was lovely"],
             ["was of a car park", "was blocked by scaffolding"]),
            ("the walls", ["kept the street noise out well"], ["were paper thin"]),
        ],
        verdicts_pos=["I'd stay here again in a heartbeat.", "{S} made our trip.",
                      "We're already planning our next stay at {s}.", "Great value for money."],
        verdicts_neg=["I checked out a day early.", "{S} ruined what should have been a lovely break.",
                      "Never again.", "Look elsewhere."],
    ),
    "app": dict(
        subjects=["this app", "the new version", "this budgeting app", "the fitness tracker app",
                  "this note-taking app", "the language-learning app", "this photo editor", "the banking app",
                  "this weather app", "the meditation app", "this recipe app", "the podcast player"],
        noun="app",
        openings=["I've been using it for about a month.", "I downloaded it after seeing an advert.",
                  "I switched from a competitor last year.", "I use it on both my phone and my tablet.",
                  "A friend recommended it to me.", "I tried the free version first."],
        aspects=[
            ("the interface", ["is {i}intuitive", "is clean and easy to navigate"],
             ["is {i}cluttered", "is confusing and full of hidden menus"]),
            ("the latest update", ["fixed every bug I had", "made it even faster"],
             ["broke syncing completely", "made it {i}slow"]),
            ("the notifications", ["are useful without being annoying", "arrive exactly when I need them"],
             ["are {i}annoying", "never stop"]),
            ("syncing", ["works flawlessly across my devices", "is instant"],
             ["fails half the time", "keeps losing my data"]),
            ("the subscription", ["is {i}fair for what you get", "is cheaper than the alternatives"],
             ["is {i}expensive", "is almost impossible to cancel"]),
            ("it", ["barely touches the battery", "loads {i}quickly"],
             ["drains my battery in a few hours", "crashes every time I open it"]),
            ("the ads", ["are rare and unobtrusive"], ["pop up every few seconds"]),
            ("support", ["replied within a day and fixed my issue"],
             ["sent me a canned reply and closed the ticket"]),
        ],
        verdicts_pos=["It has become part of my daily routine.", "I can't imagine my phone without {s}.",
                      "Five stars, well deserved.", "I've already recommended {s} to my friends."],
        verdicts_neg=["I uninstalled it after a day.", "I deleted {s} and went back to my old one.",
                      "One star is generous.", "Do not pay for the premium version."],
    ),
    "book": dict(
        subjects=["this novel", "the book", "the fantasy novel", "this short story collection", "the crime novel",
                  "this debut novel", "the second book in the series", "this mystery", "the romance novel",
                  "this science fiction novel", "the graphic novel"],
        noun="read",
        openings=["I read this on holiday.", "I picked it up on a friend's recommendation.",
                  "Our book club chose it this month.", "I listened to the audiobook version.",
                  "I bought it at the airport.", "I finally got round to reading it."],
        aspects=[
            ("the writing", ["is {i}beautiful", "is clear and vivid"], ["is clumsy and overwritten", "is {i}dull"]),
            ("the characters", ["feel like real people", "are {i}memorable"], ["are {i}flat", "never come to life"]),
            ("the story", ["pulls you in from the first page", "is {i}gripping"],
             ["goes nowhere", "is {i}predictable"]),
            ("the ending", ["is {i}satisfying", "left me in tears, in the best way"],
             ["is {i}abrupt", "undoes everything that came before"]),
            ("the middle chapters", ["are the best part", "never sag"], ["drag on forever", "are {i}tedious"]),
            ("the humour", ["is {i}sharp", "had me laughing out loud"], ["falls flat", "feels forced"]),
            ("the world-building", ["is rich and detailed"], ["is thin and confusing"]),
        ],
        verdicts_pos=["I couldn't put it down.", "{S} is going straight onto my list of favourites.",
                      "I've already bought copies of {s} for friends.", "A wonderful read."],
        verdicts_neg=["I gave up after a hundred pages.", "{S} was a struggle to finish.",
                      "I'm donating {s} to the charity shop.", "A real chore to read."],
    ),
}

# Domain-independent sentences whose sentiment is carried by negation, expectation or contrast.
TRICKY_POS = ["Not bad at all.", "Honestly, not bad at all.", "I expected to hate {s}, but it won me over.",
              "I was sceptical at first, but {s} turned out to be great.", "No complaints whatsoever.",
              "I can't fault {s}.", "I have nothing bad to say about {s}.",
              "It's not perfect, but I'm very happy with it.", "I didn't think I'd enjoy {s} this much.",
              "I couldn't have asked for more.", "It's hard to find anything wrong with {s}.",
              "I was worried it would be a disappointment, but it wasn't at all.",
              "The reviews calling {s} boring are simply wrong.", "Nothing to complain about.",
              "I never once regretted choosing {s}.", "I don't usually write reviews, but {s} deserves one."]
TRICKY_NEG = ["Not worth it.", "Not good, sadly.", "I really wanted to like {s}, but it just didn't work for me.",
              "I can't say I enjoyed {s}.", "Nothing special, and certainly not worth the hype.",
              "I wouldn't go as far as calling it good.", "It's not terrible, but I can't recommend it.",
              "Everyone said {s} was great; I honestly can't see why.", "Great reviews, disappointing reality.",
              "I had high hopes for {s}, and none of them were met.", "Not what I was hoping for at all.",
              "I don't understand the good reviews.", "It could have been good, but it wasn't.",
              "I expected great things from {s} and got very little."]
# Concessions: {A_pos}/{A_neg} are aspect clauses ("the staff were helpful"); the overall label is the
# label of the main clause and the verdict, never of the conceded aspect.
MIXED_POS = ["{Neg}, but {pos}, and overall I'm happy.", "{Neg}. Still, {pos}, so I'd recommend {s}.",
             "Apart from the fact that {neg}, everything about {s} was great.",
             "The only downside is that {neg}; otherwise {pos}.",
             "Although {neg}, {pos}, and that more than made up for it.",
             "{Pos}, even if {neg}.", "Yes, {neg}, but honestly {pos} and I'd go back to {s}."]
MIXED_NEG = ["{Pos}, but {neg}, and that ruined it for me.", "Sure, {pos}, but {neg}, so it's a no from me.",
             "{Pos}. Unfortunately, {neg}, and I wouldn't choose {s} again.",
             "Even though {pos}, {neg} and I can't recommend {s}.",
             "The one good thing was that {pos}; everything else was a letdown.",
             "{Neg}, even if {pos}.", "I'll admit {pos}, but {neg} and that was the last straw."]
SHORT_POS_ADJ = ["wonderful", "excellent", "fantastic", "lovely", "brilliant", "superb", "delightful"]
SHORT_NEG_ADJ = ["disappointing", "dreadful", "mediocre", "awful", "frustrating", "forgettable", "poor"]
SHORT_INT_POS = ["truly", "really", "genuinely", "thoroughly"]
SHORT_INT_NEG = ["truly", "really", "genuinely", "thoroughly", "completely"]


def _aspect_clause(rng, dom, positive: bool, exclude=()):
    choices = [a for a in dom["aspects"] if a[0] not in exclude]
    name, pos, neg = rng.choice(choices)
    pred = rng.choice(pos if positive else neg).replace("{i}", rng.choice(INTENSIFIERS))
    return name, f"{name} {pred}"


def _fill(template: str, s: str, **kw) -> str:
    kw = {**kw, **{k.capitalize(): cap(v) for k, v in kw.items()}}
    return template.format(s=s, S=cap(s), **kw)


def make_review(rng: random.Random, positive: bool) -> str:
    dom = SENT_DOMAINS[rng.choice(list(SENT_DOMAINS))]
    s = rng.choice(dom["subjects"])
    verdicts = dom["verdicts_pos"] if positive else dom["verdicts_neg"]
    tricky = TRICKY_POS if positive else TRICKY_NEG
    opening = rng.choice(dom["openings"]) if rng.random() < 0.4 else None
    kind = rng.random()
    parts: list[str] = []
    if kind < 0.22:  # opening? + aspect + verdict
        parts = [cap(_aspect_clause(rng, dom, positive)[1]) + ".", _fill(rng.choice(verdicts), s)]
    elif kind < 0.38:  # verdict + two aspects
        n1, c1 = _aspect_clause(rng, dom, positive)
        _, c2 = _aspect_clause(rng, dom, positive, exclude=(n1,))
        joiner = rng.choice([" and ", ", and ", "; "])
        parts = [_fill(rng.choice(verdicts), s), cap(c1) + joiner + c2 + "."]
    elif kind < 0.58:  # negation / expectation sentence, maybe backed by an aspect
        parts = [_fill(rng.choice(tricky), s)]
        if rng.random() < 0.6:
            parts.append(cap(_aspect_clause(rng, dom, positive)[1]) + ".")
    elif kind < 0.82:  # concession: one aspect of the opposite polarity
        n1, good = _aspect_clause(rng, dom, True)
        _, bad = _aspect_clause(rng, dom, False, exclude=(n1,))
        mixed = rng.choice(MIXED_POS if positive else MIXED_NEG)
        parts = [_fill(mixed, s, pos=good, neg=bad)]
        if rng.random() < 0.35:  # a closing verdict, not naming the subject a second time
            pool = [v for v in verdicts if "{s}" not in v and "{S}" not in v] if "{s}" in mixed else verdicts
            parts.append(_fill(rng.choice(pool), s))
    elif kind < 0.92:  # short exclamation + aspect
        adj = rng.choice(SHORT_POS_ADJ if positive else SHORT_NEG_ADJ)
        intens = rng.choice(SHORT_INT_POS if positive else SHORT_INT_NEG)
        parts = [f"A {intens} {adj} {dom['noun']}.", cap(_aspect_clause(rng, dom, positive)[1]) + "."]
    else:  # aspect + negation
        parts = [cap(_aspect_clause(rng, dom, positive)[1]) + ".", _fill(rng.choice(tricky), s)]
    if opening and kind >= 0.22 and rng.random() < 0.5:
        parts.insert(0, opening)
    elif opening and kind < 0.22:
        parts.insert(0, opening)
    return " ".join(parts)


def build_sentiment(out: Path, n_train=900, n_test=240) -> dict:
    rng = rng_for("sentiment")
    per_label = (n_train + n_test) // 2
    texts = {True: [], False: []}
    seen: set[str] = set()
    while min(len(v) for v in texts.values()) < per_label:
        for label in (True, False):
            if len(texts[label]) >= per_label:
                continue
            t = make_review(rng, label)
            if t not in seen:
                seen.add(t)
                texts[label].append(t)
    name = {True: "positive", False: "negative"}
    test = [(t, name[l]) for l in (True, False) for t in texts[l][: n_test // 2]]
    train = [(t, name[l]) for l in (True, False) for t in texts[l][n_test // 2:]]
    rng.shuffle(train)
    rng.shuffle(test)
    write_csv(out / "sentiment/train.csv", ["text", "label"], train)
    write_csv(out / "sentiment/test.csv", ["text", "label"], test)
    return {"train": len(train), "test": len(test),
            "train_pos": sum(1 for _, l in train if l == "positive"),
            "test_pos": sum(1 for _, l in test if l == "positive")}


# ================================================================================================ general English
# A "fact" is a list of alternative phrasings of the same statement. general/en.txt (held-out general text) takes
# one phrasing of some facts; text/corpus.txt (pretraining prose) takes every other fact, and a *different*
# phrasing of the facts that went to en.txt where one exists, so the two files never share a line.

# (country, capital, continent, main language or None, currency, largest city: True = the capital / a name /
#  None = not stated, extra sentences)
COUNTRIES = [
    ("France", "Paris", "Europe", "French", "euro", True,
     ["The Eiffel Tower was completed in Paris in 1889.", "The river Seine flows through the heart of Paris."]),
    ("Germany", "Berlin", "Europe", "German", "euro", True,
     ["The Brandenburg Gate stands in the centre of Berlin.",
      "Germany has more inhabitants than any other country entirely within the European Union."]),
    ("Italy", "Rome", "Europe", "Italian", "euro", True,
     ["The Colosseum in Rome was completed almost two thousand years ago.",
      "On a map, Italy is shaped a little like a boot."]),
    ("Spain", "Madrid", "Europe", "Spanish", "euro", True,
     ["Spain shares the Iberian Peninsula with Portugal.", "Madrid lies almost exactly in the middle of Spain."]),
    ("Portugal", "Lisbon", "Europe", "Portuguese", "euro", True,
     ["Portugal is the westernmost country of mainland Europe."]),
    ("the Netherlands", "Amsterdam", "Europe", "Dutch", "euro", True,
     ["A large part of the Netherlands lies below sea level.",
      "Although Amsterdam is the capital of the Netherlands, the government sits in The Hague."]),
    ("Belgium", "Brussels", "Europe", None, "euro", None,
     ["Belgium has three official languages: Dutch, French and German.",
      "Brussels is home to many of the main institutions of the European Union."]),
    ("Switzerland", "Bern", "Europe", None, "Swiss franc", "Zurich",
     ["Switzerland has four national languages: German, French, Italian and Romansh.",
      "Switzerland is famous for its mountains, its watches and its chocolate."]),
    ("Austria", "Vienna", "Europe", "German", "euro", True,
     ["Vienna has a long tradition of classical music and grand coffee houses."]),
    ("Poland", "Warsaw", "Europe", "Polish", "złoty", True,
     ["Kraków served as the capital of Poland for several centuries."]),
    ("Sweden", "Stockholm", "Europe", "Swedish", "Swedish krona", True,
     ["Stockholm is built on a group of islands where a lake meets the Baltic Sea."]),
    ("Norway", "Oslo", "Europe", "Norwegian", "Norwegian krone", True,
     ["The coast of Norway is cut by long, narrow inlets of the sea called fjords."]),
    ("Denmark", "Copenhagen", "Europe", "Danish", "Danish krone", True,
     ["Denmark is linked to Sweden by the Øresund Bridge."]),
    ("Finland", "Helsinki", "Europe", None, "euro", True,
     ["Finland has two national languages, Finnish and Swedish.", "Finland has tens of thousands of lakes."]),
    ("Ireland", "Dublin", "Europe", None, "euro", True,
     ["Ireland's two official languages are Irish and English.", "The river Liffey runs through the centre of Dublin."]),
    ("Greece", "Athens", "Europe", "Greek", "euro", True,
     ["The Acropolis rises above the city of Athens.", "Greece has thousands of islands, most of them uninhabited."]),
    ("Hungary", "Budapest", "Europe", "Hungarian", "forint", True,
     ["The Danube divides Budapest into Buda on the west bank and Pest on the east."]),
    ("the Czech Republic", "Prague", "Europe", "Czech", "Czech koruna", True,
     ["Prague is known for its medieval old town and the Charles Bridge."]),
    ("Iceland", "Reykjavík", "Europe", "Icelandic", "Icelandic króna", True,
     ["Iceland has many active volcanoes, geysers and hot springs."]),
    ("the United Kingdom", "London", "Europe", "English", "pound sterling", True,
     ["The United Kingdom is made up of England, Scotland, Wales and Northern Ireland.",
      "The river Thames flows through London."]),
    ("Russia", "Moscow", "both Europe and Asia", "Russian", "rouble", True,
     ["Russia is the largest country in the world by area.",
      "Lake Baikal in Siberia is the deepest lake in the world."]),
    ("Turkey", "Ankara", "both Europe and Asia", "Turkish", "Turkish lira", "Istanbul",
     ["Istanbul is divided by the Bosphorus, a narrow strait between Europe and Asia."]),
    ("Egypt", "Cairo", "Africa", "Arabic", "Egyptian pound", True,
     ["The pyramids of Giza stand on the edge of greater Cairo."]),
    ("Kenya", "Nairobi", "Africa", None, "Kenyan shilling", True,
     ["Swahili and English are the official languages of Kenya.",
      "Kenya is known for its wildlife reserves and its long-distance runners."]),
    ("Nigeria", "Abuja", "Africa", None, "naira", "Lagos",
     ["English is the official language of Nigeria, where hundreds of other languages are also spoken.",
      "Nigeria has the largest population of any country in Africa."]),
    ("Ghana", "Accra", "Africa", None, "cedi", None,
     ["English is the official language of Ghana.", "Before independence in 1957, Ghana was known as the Gold Coast."]),
    ("Ethiopia", "Addis Ababa", "Africa", None, "birr", True,
     ["Coffee is believed to have been first discovered in the highlands of Ethiopia."]),
    ("Morocco", "Rabat", "Africa", None, "Moroccan dirham", "Casablanca",
     ["Arabic and Amazigh are the official languages of Morocco.", "The Atlas Mountains stretch across Morocco."]),
    ("Tanzania", "Dodoma", "Africa", None, "Tanzanian shilling", "Dar es Salaam",
     ["Mount Kilimanjaro, the highest mountain in Africa, is in northern Tanzania."]),
    ("Japan", "Tokyo", "Asia", "Japanese", "yen", True,
     ["Japan is made up of four main islands and thousands of smaller ones.",
      "Mount Fuji is the highest mountain in Japan."]),
    ("China", "Beijing", "Asia", "Mandarin Chinese", "renminbi", "Shanghai",
     ["The Great Wall of China stretches for thousands of kilometres across the north of the country."]),
    ("India", "New Delhi", "Asia", None, "Indian rupee", None,
     ["Hindi and English are both used by India's central government.",
      "The Taj Mahal stands on the bank of the Yamuna river in the city of Agra."]),
    ("South Korea", "Seoul", "Asia", "Korean", "South Korean won", True,
     ["About half of South Korea's people live in and around Seoul."]),
    ("Thailand", "Bangkok", "Asia", "Thai", "baht", True,
     ["Bangkok lies on the Chao Phraya river, not far from the sea."]),
    ("Vietnam", "Hanoi", "Asia", "Vietnamese", "dong", "Ho Chi Minh City",
     ["Vietnam is one of the world's largest exporters of rice and coffee."]),
    ("the Philippines", "Manila", "Asia", None, "Philippine peso", None,
     ["Filipino and English are the official languages of the Philippines.",
      "The Philippines is an archipelago of more than seven thousand islands."]),
    ("Nepal", "Kathmandu", "Asia", "Nepali", "Nepalese rupee", True,
     ["Eight of the ten highest mountains in the world are in Nepal or on its borders."]),
    ("Mongolia", "Ulaanbaatar", "Asia", "Mongolian", "tögrög", True,
     ["Mongolia is one of the most sparsely populated countries in the world."]),
    ("Saudi Arabia", "Riyadh", "Asia", "Arabic", "Saudi riyal", True,
     ["Much of Saudi Arabia is covered by desert."]),
    ("Iran", "Tehran", "Asia", "Persian", "Iranian rial", True,
     ["Iran was widely known in the West as Persia until 1935."]),
    ("Pakistan", "Islamabad", "Asia", None, "Pakistani rupee", "Karachi",
     ["Urdu and English are the official languages of Pakistan."]),
    ("Bangladesh", "Dhaka", "Asia", "Bengali", "taka", True,
     ["Much of Bangladesh lies on the delta of the Ganges and Brahmaputra rivers."]),
    ("Malaysia", "Kuala Lumpur", "Asia", "Malay", "ringgit", True,
     ["The Petronas Towers in Kuala Lumpur were the tallest buildings in the world from 1998 to 2004."]),
    ("Canada", "Ottawa", "North America", None, "Canadian dollar", "Toronto",
     ["Canada has two official languages, English and French.",
      "Canada has the longest coastline of any country in the world."]),
    ("the United States", "Washington, D.C.", "North America", "English", "US dollar", "New York City",
     ["The United States is made up of fifty states."]),
    ("Mexico", "Mexico City", "North America", "Spanish", "Mexican peso", True,
     ["Mexico City was built on the site of the Aztec city of Tenochtitlan."]),
    ("Cuba", "Havana", "the Caribbean", "Spanish", "Cuban peso", True,
     ["Cuba is the largest island in the Caribbean."]),
    ("Brazil", "Brasília", "South America", "Portuguese", "Brazilian real", "São Paulo",
     ["Brasília was built as a new capital and inaugurated in 1960.",
      "Most of the Amazon rainforest lies within Brazil."]),
    ("Argentina", "Buenos Aires", "South America", "Spanish", "Argentine peso", True,
     ["Argentina is the eighth-largest country in the world by area."]),
    ("Chile", "Santiago", "South America", "Spanish", "Chilean peso", True,
     ["Chile is a long, narrow country that stretches along the Pacific coast of South America.",
      "The Atacama Desert in northern Chile is one of the driest places on Earth."]),
    ("Peru", "Lima", "South America", "Spanish", "sol", True,
     ["The Inca citadel of Machu Picchu stands high in the Andes of Peru."]),
    ("Colombia", "Bogotá", "South America", "Spanish", "Colombian peso", True,
     ["Colombia is one of the world's best-known coffee producers."]),
    ("Australia", "Canberra", "Oceania", "English", "Australian dollar", None,
     ["Canberra was built as a planned capital, partly as a compromise between Sydney and Melbourne.",
      "The Great Barrier Reef lies off the coast of Queensland in north-eastern Australia."]),
    ("New Zealand", "Wellington", "Oceania", "English", "New Zealand dollar", "Auckland",
     ["New Zealand consists of two main islands, the North Island and the South Island, and many smaller ones."]),
]

COUNTRY_TEMPLATES = {
    "capital": ["The capital of {c} is {k}.", "{K} is the capital of {c}.", "{K} is the capital city of {c}."],
    "continent": ["{C} is a country in {cont}.", "{C} lies in {cont}.", "{C} is located in {cont}."],
    "language": ["Most people in {c} speak {l}.", "{L} is the main language of {c}.",
                 "The main language spoken in {c} is {l}."],
    "currency": ["The currency of {c} is the {m}.", "{C} uses the {m} as its currency.",
                 "The official currency of {c} is the {m}."],
    "largest_capital": ["{K} is also the largest city in {c}.", "{K} is both the capital and the largest city of {c}."],
    "largest_other": ["Although {k} is the capital, the largest city in {c} is {big}.",
                      "The largest city in {c} is {big}, not the capital, {k}."],
}

# (river, length in km, where it ends, extra sentences)
RIVERS = [
    ("the Nile", 6650, "the Mediterranean Sea",
     ["The Nile flows north through Egypt.",
      "The two main branches of the Nile, the White Nile and the Blue Nile, meet at Khartoum."]),
    ("the Amazon", 6400, "the Atlantic Ocean",
     ["The Amazon carries more water than any other river in the world.", "Most of the Amazon's course lies in Brazil."]),
    ("the Yangtze", 6300, "the East China Sea",
     ["The Yangtze is the longest river in Asia.", "Shanghai lies close to the mouth of the Yangtze."]),
    ("the Mississippi", 3730, "the Gulf of Mexico",
     ["The Mississippi flows south through the middle of the United States.",
      "The city of New Orleans stands on the lower Mississippi."]),
    ("the Danube", 2850, "the Black Sea",
     ["The Danube flows through more countries than any other river in the world.",
      "Vienna, Bratislava, Budapest and Belgrade all lie on the Danube."]),
    ("the Rhine", 1230, "the North Sea",
     ["The Rhine rises in the Swiss Alps.", "For part of its course, the Rhine forms the border between Germany and France."]),
    ("the Volga", 3530, "the Caspian Sea",
     ["The Volga is the longest river in Europe.", "The Volga flows entirely within Russia."]),
    ("the Ganges", 2500, "the Bay of Bengal",
     ["The Ganges is sacred to Hindus.", "The Ganges flows across northern India and into Bangladesh."]),
    ("the Mekong", 4900, "the South China Sea",
     ["The Mekong flows through six countries in Asia.",
      "The Mekong delta in southern Vietnam is one of the region's main rice-growing areas."]),
    ("the Thames", 346, "the North Sea", ["The Thames flows through Oxford and London."]),
    ("the Seine", 777, "the English Channel", ["The Seine flows through Paris on its way to the sea."]),
    ("the Congo", 4700, "the Atlantic Ocean",
     ["The Congo is the deepest river in the world.", "The Congo crosses the equator twice."]),
    ("the Niger", 4200, "the Gulf of Guinea", ["The Niger flows in a great arc through West Africa."]),
    ("the Yellow River", 5460, "the Bohai Sea",
     ["The Yellow River gets its name from the fine yellow silt that it carries."]),
    ("the Murray", 2500, "the Southern Ocean", ["The Murray is the longest river in Australia."]),
    ("the Zambezi", 2570, "the Indian Ocean", ["The Victoria Falls lie on the Zambezi."]),
    ("the Tagus", 1000, "the Atlantic Ocean",
     ["The Tagus is the longest river in the Iberian Peninsula.", "Lisbon stands on the estuary of the Tagus."]),
    ("the Elbe", 1100, "the North Sea",
     ["The Elbe rises in the Czech Republic and flows through Germany.", "The port of Hamburg lies on the Elbe."]),
    ("the Indus", 3180, "the Arabian Sea", ["Most of the Indus flows through Pakistan."]),
]
RIVER_TEMPLATES = {
    "length": ["{R} is about {n} kilometres long.", "{R} flows for roughly {n} kilometres.",
               "{R} has a length of about {n} kilometres."],
    "mouth": ["{R} flows into {m}.", "{R} empties into {m}.", "The waters of {r} eventually reach {m}."],
}

# (mountain, height in metres or None, "about" or "", range or None, where, extra sentences)
MOUNTAINS = [
    ("Mount Everest", 8849, "", "the Himalayas", "on the border between Nepal and China",
     ["Mount Everest is the highest mountain on Earth above sea level.",
      "Edmund Hillary and Tenzing Norgay were the first climbers known to reach the summit of Everest, in 1953."]),
    ("K2", 8611, "", "the Karakoram", "on the border between Pakistan and China",
     ["K2 is the second-highest mountain in the world."]),
    ("Kangchenjunga", 8586, "", "the Himalayas", "on the border between Nepal and India",
     ["Kangchenjunga is the third-highest mountain in the world."]),
    ("Aconcagua", 6961, "", "the Andes", "in western Argentina", ["Aconcagua is the highest mountain outside Asia."]),
    ("Denali", 6190, "", "the Alaska Range", "in Alaska", ["Denali is the highest mountain in North America."]),
    ("Mount Kilimanjaro", 5895, "", None, "in northern Tanzania",
     ["Kilimanjaro is the highest mountain in Africa.", "Kilimanjaro is a dormant volcano with three volcanic cones."]),
    ("Mount Elbrus", 5642, "", "the Caucasus", "in southern Russia",
     ["Elbrus is often listed as the highest mountain in Europe."]),
    ("Mont Blanc", 4806, "about ", "the Alps", "on the border between France and Italy",
     ["Mont Blanc is the highest mountain in the Alps."]),
    ("the Matterhorn", 4478, "", "the Alps", "on the border between Switzerland and Italy",
     ["The Matterhorn is famous for its steep, almost pyramid-shaped peak."]),
    ("Mount Fuji", 3776, "", None, "on the island of Honshu in Japan",
     ["Mount Fuji is an active volcano that last erupted in 1707."]),
    ("Mount Kosciuszko", 2228, "", "the Snowy Mountains", "in New South Wales",
     ["Mount Kosciuszko is the highest mountain on mainland Australia."]),
    ("Mount Olympus", 2917, "about ", None, "in northern Greece",
     ["In Greek mythology, Mount Olympus was the home of the gods.", "Mount Olympus is the highest mountain in Greece."]),
    ("Ben Nevis", 1345, "", "the Grampian Mountains", "in the Scottish Highlands",
     ["Ben Nevis is the highest mountain in the United Kingdom."]),
    ("Aoraki / Mount Cook", 3724, "", "the Southern Alps", "on the South Island of New Zealand",
     ["Aoraki / Mount Cook is the highest mountain in New Zealand."]),
    ("Table Mountain", 1085, "about ", None, "above the city of Cape Town in South Africa",
     ["Table Mountain is named after its long, flat top."]),
    ("Mount Vinson", 4892, "", "the Ellsworth Mountains", "in Antarctica",
     ["Mount Vinson is the highest mountain in Antarctica."]),
    ("Mount Kenya", 5199, "", None, "in central Kenya", ["Mount Kenya is the second-highest mountain in Africa."]),
    ("Mount Etna", None, "", None, "on the island of Sicily",
     ["Mount Etna is one of the most active volcanoes in the world."]),
]
MOUNTAIN_TEMPLATES = {
    "height": ["{M} is {h} metres high.", "{M} rises to {h} metres above sea level.",
               "The summit of {m} stands {h} metres above sea level."],
    "range": ["{M} is part of {g}.", "{M} is one of the peaks of {g}.", "{M} belongs to {g}."],
    "where": ["{M} lies {w}.", "{M} is located {w}.", "{M} stands {w}."],
}

# (element, symbol, atomic number, state at room temperature, extra sentences)
ELEMENTS = [
    ("hydrogen", "H", 1, "gas", ["Hydrogen is the lightest and most abundant element in the universe."]),
    ("helium", "He", 2, "gas", ["Helium is lighter than air, which is why it is used to fill balloons."]),
    ("lithium", "Li", 3, "solid", ["Lithium is used in the rechargeable batteries of phones and laptops."]),
    ("carbon", "C", 6, "solid", ["Carbon is found in every known living thing.",
                                 "Diamond and graphite are two different forms of pure carbon."]),
    ("nitrogen", "N", 7, "gas", ["Nitrogen makes up about seventy-eight percent of the air."]),
    ("oxygen", "O", 8, "gas", ["Oxygen makes up about twenty-one percent of the air.",
                               "Most living things need oxygen to release energy from their food."]),
    ("fluorine", "F", 9, "gas", ["Fluorine is the most reactive of all the elements."]),
    ("neon", "Ne", 10, "gas", ["Neon glows a bright reddish orange in advertising signs."]),
    ("sodium", "Na", 11, "solid", ["Sodium combines with chlorine to form ordinary table salt."]),
    ("magnesium", "Mg", 12, "solid", ["Magnesium burns with a brilliant white flame."]),
    ("aluminium", "Al", 13, "solid", ["Aluminium is a light metal used to make drinks cans and aircraft."]),
    ("silicon", "Si", 14, "solid", ["Silicon is used to make the chips inside computers."]),
    ("phosphorus", "P", 15, "solid", ["Phosphorus is an important part of DNA and of bones."]),
    ("sulfur", "S", 16, "solid", ["Sulfur compounds give rotten eggs their unpleasant smell."]),
    ("chlorine", "Cl", 17, "gas", ["Chlorine is widely used to disinfect drinking water and swimming pools."]),
    ("argon", "Ar", 18, "gas", ["Argon makes up almost one percent of the air."]),
    ("potassium", "K", 19, "solid", ["Bananas are a good source of potassium."]),
    ("calcium", "Ca", 20, "solid", ["Calcium helps to build strong bones and teeth."]),
    ("titanium", "Ti", 22, "solid", ["Titanium is strong and light, so it is used in aircraft and artificial joints."]),
    ("chromium", "Cr", 24, "solid", ["Chromium is added to steel to make it stainless."]),
    ("iron", "Fe", 26, "solid", ["Iron is the main ingredient of steel.",
                                 "The Earth's core is made mostly of iron and nickel."]),
    ("nickel", "Ni", 28, "solid", ["Nickel is often used in coins."]),
    ("copper", "Cu", 29, "solid", ["Copper conducts electricity well and is used in electrical wiring."]),
    ("zinc", "Zn", 30, "solid", ["Zinc is used to coat steel so that it does not rust."]),
    ("bromine", "Br", 35, "liquid", ["Bromine is one of only two elements that are liquid at room temperature."]),
    ("silver", "Ag", 47, "solid", ["Silver conducts electricity better than any other metal."]),
    ("tin", "Sn", 50, "solid", ["Tin mixed with copper makes bronze."]),
    ("iodine", "I", 53, "solid", ["Iodine is added to table salt in many countries to prevent illness."]),
    ("tungsten", "W", 74, "solid", ["Tungsten has the highest melting point of all metals."]),
    ("platinum", "Pt", 78, "solid", ["Platinum is used in the catalytic converters of cars."]),
    ("gold", "Au", 79, "solid", ["Gold does not rust or tarnish, which is one reason it has been prized for thousands of years."]),
    ("mercury", "Hg", 80, "liquid", ["Mercury is the only metal that is liquid at room temperature."]),
    ("lead", "Pb", 82, "solid", ["Lead is a heavy, soft metal that was once used in paint and petrol."]),
    ("radon", "Rn", 86, "gas", ["Radon is a radioactive gas that can build up in poorly ventilated basements."]),
    ("uranium", "U", 92, "solid", ["Uranium is used as fuel in nuclear power stations."]),
]
ELEMENT_TEMPLATES = {
    "number": ["The atomic number of {e} is {n}.", "{E} has the atomic number {n}.",
               "Every atom of {e} has {n} protons in its nucleus."],
    "symbol": ["The chemical symbol for {e} is {s}.", "{E} is represented by the symbol {s}.",
               "{E} has the chemical symbol {s}."],
    "state": ["At room temperature, {e} is a {st}.", "{E} is a {st} at room temperature."],
}

# (animal, plural, kind, kinds, habitat, diet, extra sentences)
ANIMALS = [
    ("the African elephant", "African elephants", "mammal", "mammals", "the savannas and forests of Africa",
     "grass, leaves, bark and fruit", ["The African elephant is the largest living land animal.",
                                       "Elephants use their trunks to drink, to smell and to pick things up."]),
    ("the blue whale", "blue whales", "marine mammal", "marine mammals", "oceans all over the world",
     "tiny shrimp-like animals called krill", ["The blue whale is the largest animal known to have ever lived."]),
    ("the giraffe", "giraffes", "mammal", "mammals", "the savannas of Africa", "the leaves of trees such as acacias",
     ["The giraffe is the tallest living animal.",
      "A giraffe's neck has seven vertebrae, the same number as a human neck."]),
    ("the cheetah", "cheetahs", "wild cat", "wild cats", "the grasslands of Africa", "gazelles and other small antelopes",
     ["The cheetah is the fastest land animal and can briefly run at around one hundred kilometres per hour."]),
    ("the lion", "lions", "wild cat", "wild cats", "the savannas of Africa, with a small population in India",
     "large animals such as zebras and wildebeest",
     ["Lions live in groups called prides.", "A lion's roar can be heard several kilometres away."]),
    ("the tiger", "tigers", "wild cat", "wild cats", "the forests and grasslands of Asia", "deer and wild pigs",
     ["The tiger is the largest species of cat.", "Every tiger has its own unique pattern of stripes."]),
    ("the snow leopard", "snow leopards", "wild cat", "wild cats", "the high mountains of Central Asia",
     "wild sheep and goats", ["The snow leopard uses its long, thick tail for balance and to keep warm."]),
    ("the polar bear", "polar bears", "mammal", "mammals", "the Arctic", "seals",
     ["Polar bears have black skin under their thick white fur.", "Polar bears are strong swimmers."]),
    ("the giant panda", "giant pandas", "bear", "bears", "the mountain forests of central China", "bamboo",
     ["A giant panda can spend more than half of every day eating."]),
    ("the red kangaroo", "red kangaroos", "marsupial", "marsupials", "the dry plains of Australia",
     "grasses and other low plants", ["Kangaroos carry their young in a pouch.",
                                       "The red kangaroo is the largest living marsupial."]),
    ("the koala", "koalas", "marsupial", "marsupials", "the eucalyptus forests of eastern Australia",
     "eucalyptus leaves", ["Koalas sleep for up to twenty hours a day."]),
    ("the emperor penguin", "emperor penguins", "flightless bird", "flightless birds",
     "the ice and seas around Antarctica", "fish, squid and krill",
     ["The emperor penguin is the largest of all penguins.",
      "Male emperor penguins keep their eggs warm on their feet through the Antarctic winter."]),
    ("the ostrich", "ostriches", "flightless bird", "flightless birds", "the open plains of Africa",
     "plants, seeds and small animals", ["The ostrich is the largest living bird.",
                                         "Ostriches lay the largest eggs of any living bird."]),
    ("the ruby-throated hummingbird", "ruby-throated hummingbirds", "tiny bird", "tiny birds",
     "the woods and gardens of eastern North America", "flower nectar and small insects",
     ["Hummingbirds can hover in mid-air and even fly backwards."]),
    ("the peregrine falcon", "peregrine falcons", "bird of prey", "birds of prey", "every continent except Antarctica",
     "other birds", ["When diving for prey, the peregrine falcon is the fastest animal on Earth."]),
    ("the bald eagle", "bald eagles", "bird of prey", "birds of prey", "North America", "fish",
     ["The bald eagle is the national bird of the United States."]),
    ("the snowy owl", "snowy owls", "owl", "owls", "the Arctic tundra", "lemmings and other small mammals",
     ["Unlike most owls, the snowy owl often hunts during the day."]),
    ("the Arctic tern", "Arctic terns", "seabird", "seabirds", "coasts of the far north", "small fish",
     ["The Arctic tern makes the longest migration of any animal, flying to the Antarctic and back every year."]),
    ("the honeybee", "honeybees", "insect", "insects", "large colonies in hives and hollow trees", "nectar and pollen",
     ["Honeybees tell each other where to find flowers by performing a waggle dance.",
      "A single honeybee colony can contain tens of thousands of workers."]),
    ("the monarch butterfly", "monarch butterflies", "butterfly", "butterflies", "North America", "flower nectar",
     ["Monarch butterflies migrate thousands of kilometres between Canada and Mexico.",
      "Monarch caterpillars feed only on milkweed plants."]),
    ("the octopus", "octopuses", "mollusc", "molluscs", "oceans all over the world", "crabs, shellfish and small fish",
     ["An octopus has three hearts and eight arms.",
      "Octopuses can change the colour of their skin in a fraction of a second."]),
    ("the great white shark", "great white sharks", "fish", "fish", "cool coastal waters around the world",
     "seals, fish and dolphins", ["Sharks have skeletons made of cartilage rather than bone."]),
    ("the Atlantic salmon", "Atlantic salmon", "fish", "fish", "the North Atlantic and the rivers that flow into it",
     "smaller fish and shrimp", ["Salmon return to the river where they hatched in order to spawn."]),
    ("the seahorse", "seahorses", "small fish", "small fish", "shallow tropical and temperate seas",
     "tiny crustaceans", ["In seahorses, it is the male that carries the eggs until they hatch."]),
    ("the common frog", "common frogs", "amphibian", "amphibians", "ponds, gardens and woodland across Europe",
     "insects, snails and worms", ["Frogs begin life as tadpoles that live in water."]),
    ("the axolotl", "axolotls", "amphibian", "amphibians", "lakes and canals near Mexico City",
     "worms, insects and small fish", ["The axolotl can regrow lost limbs.",
                                       "Axolotls keep their feathery gills throughout their lives."]),
    ("the green sea turtle", "green sea turtles", "reptile", "reptiles", "warm tropical and subtropical seas",
     "seagrass and algae", ["Female sea turtles come ashore to lay their eggs in the sand."]),
    ("the Komodo dragon", "Komodo dragons", "lizard", "lizards", "a few islands in Indonesia",
     "deer, pigs and carrion", ["The Komodo dragon is the largest living lizard."]),
    ("the panther chameleon", "panther chameleons", "reptile", "reptiles", "the forests of Madagascar", "insects",
     ["Chameleons can move their eyes independently of each other.",
      "Chameleons catch insects with a long, sticky tongue."]),
    ("the Nile crocodile", "Nile crocodiles", "reptile", "reptiles", "rivers, lakes and marshes in Africa",
     "fish, birds and mammals", ["Crocodiles swallow stones, which may help them to digest food or stay stable in water."]),
    ("the dromedary camel", "dromedary camels", "mammal", "mammals",
     "the deserts of North Africa and the Middle East", "tough desert plants",
     ["A camel's hump stores fat, not water.", "The dromedary camel has one hump, while the Bactrian camel has two."]),
    ("the bottlenose dolphin", "bottlenose dolphins", "marine mammal", "marine mammals",
     "warm and temperate seas worldwide", "fish and squid",
     ["Dolphins find food using echolocation.", "Dolphins breathe air through a blowhole on the top of the head."]),
    ("the three-toed sloth", "three-toed sloths", "mammal", "mammals",
     "the rainforests of Central and South America", "leaves",
     ["Sloths move so slowly that algae can grow in their fur."]),
    ("the grey wolf", "grey wolves", "mammal", "mammals", "the forests, tundra and mountains of the Northern Hemisphere",
     "deer, elk and other large animals", ["Wolves live and hunt in family groups called packs."]),
    ("the red fox", "red foxes", "mammal", "mammals", "much of the Northern Hemisphere, including many cities",
     "small animals, fruit and scraps", ["The red fox has a larger range than any other wild carnivore."]),
    ("the gorilla", "gorillas", "great ape", "great apes", "the forests of central Africa", "leaves, stems and fruit",
     ["The gorilla is the largest living primate."]),
    ("the orangutan", "orangutans", "great ape", "great apes", "the rainforests of Borneo and Sumatra", "fruit",
     ["Orangutans spend most of their lives in the trees."]),
    ("the hippopotamus", "hippopotamuses", "mammal", "mammals", "the rivers and lakes of Africa", "grass",
     ["Hippos spend the day in water and come out at night to graze."]),
    ("the platypus", "platypuses", "mammal", "mammals", "the rivers and streams of eastern Australia",
     "insect larvae, worms and shrimp", ["The platypus is one of the very few mammals that lay eggs."]),
    ("the walrus", "walruses", "marine mammal", "marine mammals", "the icy waters of the Arctic",
     "clams and other shellfish", ["Walruses use their long tusks to haul themselves out onto the ice."]),
    ("the beaver", "beavers", "rodent", "rodents", "rivers and lakes in North America and Europe",
     "bark, twigs and water plants", ["Beavers build dams from branches and mud."]),
    ("the raccoon", "raccoons", "mammal", "mammals", "the forests and towns of North America",
     "fruit, insects, eggs and scraps", ["Raccoons have clever, sensitive front paws."]),
    ("the earthworm", "earthworms", "invertebrate", "invertebrates", "damp soil", "decaying plant matter",
     ["Earthworms improve soil by mixing it and letting air into it."]),
    ("the horse", "horses", "domesticated mammal", "domesticated mammals", "farms and stables all over the world",
     "grass and hay", ["Horses can sleep standing up."]),
    ("the cow", "cows", "domesticated mammal", "domesticated mammals", "farms all over the world", "grass",
     ["Cows have a stomach with four compartments that helps them to digest grass."]),
]
ANIMAL_TEMPLATES = {
    "home": ["{A} is {k} that lives in {h}.", "{A} is {k} found in {h}.", "{P} are {ks} that live in {h}."],
    "diet": ["{A} feeds mainly on {d}.", "{P} eat mostly {d}.", "The diet of {a} consists mostly of {d}."],
}

# (who, what, (past, participle), when, extra or None)
INVENTIONS = [
    ("Alexander Graham Bell", "the telephone", ("patented", "patented"), "in 1876", None),
    ("Thomas Edison", "a practical incandescent light bulb", ("developed", "developed"), "in 1879",
     "Joseph Swan developed a similar light bulb in England at about the same time."),
    ("Johannes Gutenberg", "a printing press with movable metal type", ("built", "built"), "around 1440",
     "Gutenberg's press made books far cheaper and quicker to produce."),
    ("Tim Berners-Lee", "the World Wide Web", ("proposed", "proposed"), "in 1989",
     "Tim Berners-Lee was working at CERN, near Geneva, when he proposed the World Wide Web."),
    ("Alfred Nobel", "dynamite", ("patented", "patented"), "in 1867",
     "Alfred Nobel left most of his fortune to found the Nobel Prizes."),
    ("Alexander Fleming", "penicillin", ("discovered", "discovered"), "in 1928",
     "Fleming noticed that a mould had killed the bacteria growing in one of his dishes."),
    ("James Watt", "an improved steam engine with a separate condenser", ("patented", "patented"), "in 1769", None),
    ("the Wright brothers", "the first controlled, powered aeroplane flight", ("made", "made"), "in 1903",
     "The Wright brothers' first flight lasted just twelve seconds."),
    ("Dmitri Mendeleev", "his periodic table of the elements", ("published", "published"), "in 1869",
     "Mendeleev left gaps in his table for elements that had not yet been discovered."),
    ("Edward Jenner", "the first vaccine against smallpox", ("developed", "developed"), "in 1796",
     "Edward Jenner made his smallpox vaccine using material from cowpox sores."),
    ("Alessandro Volta", "the first electric battery", ("built", "built"), "in 1800",
     "The volt, the unit of electric potential, is named after Alessandro Volta."),
    ("Wilhelm Röntgen", "a new kind of radiation, now called X-rays,", ("discovered", "discovered"), "in 1895", None),
    ("René Laennec", "the stethoscope", ("invented", "invented"), "in 1816", None),
    ("Louis Braille", "a reading system of raised dots", ("developed", "developed"), "in the 1820s",
     "Louis Braille lost his sight in an accident when he was a small child."),
    ("László Bíró", "the ballpoint pen", ("patented", "patented"), "in 1938", None),
    ("Thomas Edison", "the phonograph", ("invented", "invented"), "in 1877",
     "The phonograph could record sound and play it back."),
    ("John Logie Baird", "the first public demonstration of television", ("gave", "given"), "in 1926", None),
    ("Eli Whitney", "the cotton gin", ("patented", "patented"), "in 1794", None),
    ("Elisha Otis", "the safety lift", ("demonstrated", "demonstrated"), "in 1854",
     "Otis's safety brake stopped a lift from falling if its cable broke."),
    ("Daniel Gabriel Fahrenheit", "his temperature scale", ("proposed", "proposed"), "in 1724", None),
    ("Anders Celsius", "his temperature scale", ("proposed", "proposed"), "in 1742", None),
    ("the Montgolfier brothers", "the first crewed hot-air balloon flight", ("launched", "launched"), "in 1783", None),
    ("Karl Benz", "a motor car powered by a petrol engine", ("patented", "patented"), "in 1886",
     "Karl Benz's three-wheeled Motorwagen is often called the first true car."),
    ("Rudolf Diesel", "the diesel engine", ("developed", "developed"), "in the 1890s", None),
    ("Louis Pasteur", "a way of heating drinks to kill harmful microbes", ("developed", "developed"), "in the 1860s",
     "The process of heating milk to make it safe is called pasteurisation after Louis Pasteur."),
    ("Frank Whittle", "a patent for a jet engine", ("filed", "filed"), "in 1930",
     "Hans von Ohain developed a jet engine independently in Germany."),
    ("Charles Babbage", "the Analytical Engine, a mechanical general-purpose computer", ("designed", "designed"),
     "in the 1830s", None),
    ("Cai Lun", "the process of making paper", ("improved", "improved"), "around 105 AD",
     "Paper was first made in China."),
    ("Jonas Salk", "the first widely used polio vaccine", ("developed", "developed"), "in the 1950s", None),
    ("Galileo Galilei", "a much improved telescope", ("built", "built"), "in 1609", None),
]
INVENTION_TEMPLATES = ["{Who} {past} {what} {when}.", "{What} was {pp} by {who} {when}.", "{When}, {who} {past} {what}."]

# (full name, short name, born, died, role, known for, [(work, kind, verb)])
PEOPLE = [
    ("Marie Curie", "Curie", 1867, 1934, "Polish-born physicist and chemist",
     "was the first person to win Nobel Prizes in two different sciences", []),
    ("Isaac Newton", "Newton", None, None, "English mathematician and physicist",
     "described the laws of motion and universal gravitation", []),
    ("Albert Einstein", "Einstein", 1879, 1955, "German-born theoretical physicist",
     "developed the theory of relativity", []),
    ("Charles Darwin", "Darwin", 1809, 1882, "English naturalist",
     "proposed the theory of evolution by natural selection", [("On the Origin of Species", "book", "wrote")]),
    ("Galileo Galilei", "Galileo", 1564, 1642, "Italian astronomer and physicist",
     "observed the four largest moons of Jupiter through a telescope", []),
    ("Ada Lovelace", "Lovelace", 1815, 1852, "English mathematician",
     "wrote what is often described as the first computer program", []),
    ("Nikola Tesla", "Tesla", 1856, 1943, "Serbian-American inventor and engineer",
     "helped to develop the alternating current electricity system", []),
    ("Rosalind Franklin", "Franklin", 1920, 1958, "English chemist",
     "made X-ray images that helped to reveal the structure of DNA", []),
    ("Gregor Mendel", "Mendel", 1822, 1884, "scientist and friar",
     "discovered the basic rules of inheritance by studying pea plants", []),
    ("Louis Pasteur", "Pasteur", 1822, 1895, "French chemist and microbiologist",
     "showed that many diseases are caused by germs", []),
    ("Dmitri Mendeleev", "Mendeleev", 1834, 1907, "Russian chemist",
     "arranged the known elements into the first widely used periodic table", []),
    ("Alan Turing", "Turing", 1912, 1954, "English mathematician", "laid the foundations of computer science", []),
    ("Johannes Kepler", "Kepler", 1571, 1630, "German astronomer",
     "showed that the planets move around the Sun in elliptical orbits", []),
    ("Nicolaus Copernicus", "Copernicus", 1473, 1543, "Polish astronomer",
     "argued that the Earth and the other planets move around the Sun", []),
    ("Michael Faraday", "Faraday", 1791, 1867, "English scientist", "discovered electromagnetic induction", []),
    ("Dorothy Hodgkin", "Hodgkin", 1910, 1994, "British chemist",
     "worked out the structures of penicillin and vitamin B12", []),
    ("William Shakespeare", "Shakespeare", 1564, 1616, "English playwright and poet",
     "wrote more than thirty plays", [("Hamlet", "play", "wrote"), ("Romeo and Juliet", "play", "wrote"),
                                      ("Macbeth", "play", "wrote")]),
    ("Jane Austen", "Austen", 1775, 1817, "English novelist",
     "wrote sharp, witty novels about family life and marriage",
     [("Pride and Prejudice", "novel", "wrote"), ("Emma", "novel", "wrote")]),
    ("Leo Tolstoy", "Tolstoy", 1828, 1910, "Russian novelist", "wrote long novels about Russian society",
     [("War and Peace", "novel", "wrote"), ("Anna Karenina", "novel", "wrote")]),
    ("Miguel de Cervantes", "Cervantes", 1547, 1616, "Spanish writer",
     "is regarded as one of the greatest writers in the Spanish language", [("Don Quixote", "novel", "wrote")]),
    ("Charles Dickens", "Dickens", 1812, 1870, "English novelist",
     "wrote about the lives of the poor in Victorian England",
     [("Oliver Twist", "novel", "wrote"), ("Great Expectations", "novel", "wrote"),
      ("A Christmas Carol", "novella", "wrote")]),
    ("Mark Twain", "Twain", 1835, 1910, "American writer",
     "grew up beside the Mississippi River, which appears in many of his stories",
     [("Adventures of Huckleberry Finn", "novel", "wrote"), ("The Adventures of Tom Sawyer", "novel", "wrote")]),
    ("Victor Hugo", "Hugo", 1802, 1885, "French writer", "was one of the leading figures of French Romanticism",
     [("Les Misérables", "novel", "wrote"), ("The Hunchback of Notre-Dame", "novel", "wrote")]),
    ("Dante Alighieri", "Dante", 1265, 1321, "Italian poet", "helped to establish Italian as a literary language",
     [("the Divine Comedy", "long poem", "wrote")]),
    ("Johann Wolfgang von Goethe", "Goethe", 1749, 1832, "German writer",
     "was also a scientist and a statesman", [("Faust", "play", "wrote")]),
    ("Chinua Achebe", "Achebe", 1930, 2013, "Nigerian novelist",
     "wrote about the effects of colonial rule on Igbo society", [("Things Fall Apart", "novel", "wrote")]),
    ("Gabriel García Márquez", "García Márquez", 1927, 2014, "Colombian novelist",
     "won the Nobel Prize in Literature in 1982", [("One Hundred Years of Solitude", "novel", "wrote")]),
    ("Rabindranath Tagore", "Tagore", 1861, 1941, "Bengali poet",
     "became the first non-European to win the Nobel Prize in Literature, in 1913", []),
    ("Agatha Christie", "Christie", 1890, 1976, "English crime writer",
     "created the detectives Hercule Poirot and Miss Marple", [("Murder on the Orient Express", "novel", "wrote")]),
    ("Johann Sebastian Bach", "Bach", 1685, 1750, "German composer",
     "wrote a vast amount of music for church, keyboard and orchestra", [("the Mass in B minor", "choral work",
                                                                            "composed")]),
    ("Wolfgang Amadeus Mozart", "Mozart", 1756, 1791, "Austrian composer",
     "began composing when he was about five years old",
     [("The Magic Flute", "opera", "composed"), ("The Marriage of Figaro", "opera", "composed")]),
    ("Ludwig van Beethoven", "Beethoven", 1770, 1827, "German composer",
     "kept composing after he had become almost completely deaf", [("the Moonlight Sonata", "piano sonata",
                                                                     "composed")]),
    ("Frédéric Chopin", "Chopin", 1810, 1849, "Polish composer and pianist", "wrote mostly for solo piano", []),
    ("Pyotr Ilyich Tchaikovsky", "Tchaikovsky", 1840, 1893, "Russian composer",
     "wrote some of the most popular ballet music ever composed",
     [("Swan Lake", "ballet", "composed"), ("The Nutcracker", "ballet", "composed")]),
    ("Antonio Vivaldi", "Vivaldi", 1678, 1741, "Italian composer and violinist", "wrote hundreds of concertos",
     [("The Four Seasons", "set of four violin concertos", "composed")]),
    ("Giuseppe Verdi", "Verdi", 1813, 1901, "Italian composer", "wrote many of the most often performed operas",
     [("Aida", "opera", "composed"), ("La traviata", "opera", "composed")]),
    ("Joseph Haydn", "Haydn", 1732, 1809, "Austrian composer", "wrote more than a hundred symphonies", []),
    ("Leonardo da Vinci", "Leonardo", 1452, 1519, "Italian painter, engineer and scientist",
     "filled his notebooks with drawings of machines, plants and the human body",
     [("the Mona Lisa", "painting", "painted"), ("The Last Supper", "mural", "painted")]),
    ("Vincent van Gogh", "Van Gogh", 1853, 1890, "Dutch painter",
     "produced hundreds of paintings in the last few years of his life", [("The Starry Night", "painting", "painted")]),
    ("Pablo Picasso", "Picasso", 1881, 1973, "Spanish painter and sculptor", "helped to invent Cubism",
     [("Guernica", "painting", "painted")]),
    ("Claude Monet", "Monet", 1840, 1926, "French painter", "was one of the founders of Impressionism",
     [("Impression, Sunrise", "painting", "painted")]),
    ("Frida Kahlo", "Kahlo", 1907, 1954, "Mexican painter", "is best known for her vivid self-portraits", []),
    ("Rembrandt van Rijn", "Rembrandt", 1606, 1669, "Dutch painter",
     "painted dozens of self-portraits over his lifetime", [("The Night Watch", "painting", "painted")]),
    ("Michelangelo", "Michelangelo", 1475, 1564, "Italian sculptor and painter",
     "painted the ceiling of the Sistine Chapel in Rome", [("David", "marble statue", "carved")]),
    ("Katsushika Hokusai", "Hokusai", 1760, 1849, "Japanese artist", "made thousands of woodblock prints and drawings",
     [("The Great Wave off Kanagawa", "woodblock print", "made")]),
    ("Johannes Vermeer", "Vermeer", 1632, 1675, "Dutch painter", "painted quiet scenes of everyday life in Delft",
     [("Girl with a Pearl Earring", "painting", "painted")]),
    ("Georgia O'Keeffe", "O'Keeffe", 1887, 1986, "American painter",
     "is known for her large paintings of flowers and New Mexico landscapes", []),
]
PERSON_TEMPLATES = {
    "life": ["{N} ({b}–{d}) was {role}.", "{N} was {role} who lived from {b} to {d}.",
             "{N}, {role}, was born in {b} and died in {d}."],
    "role": ["{N} was {role}.", "The {bare} {n} is still widely admired today."],
    "known": ["{N} {k}.", "{Short} {k}."],
    "work": ["{W} is {kind} by {n}.", "{N} {verb} {w}.", "One of {short}'s best-known works is {w}."],
}

PLANETS = [
    ("Mercury", 4879, ["Mercury is the smallest planet in the solar system.", "Mercury has no moons."]),
    ("Venus", 12104, ["Venus is the hottest planet in the solar system, because its thick atmosphere traps heat.",
                      "Venus spins in the opposite direction to most of the other planets."]),
    ("Earth", 12742, ["Earth is the only planet known to support life.",
                      "About seventy percent of the Earth's surface is covered by water."]),
    ("Mars", 6779, ["Mars looks red because its surface contains a lot of iron oxide.",
                    "Mars has two small moons, Phobos and Deimos.",
                    "Olympus Mons on Mars is the largest known volcano in the solar system."]),
    ("Jupiter", 139820, ["Jupiter is the largest planet in the solar system.",
                         "Jupiter's Great Red Spot is a storm wider than the Earth."]),
    ("Saturn", 116460, ["Saturn is famous for its bright rings of ice and rock.",
                        "Saturn is made mostly of hydrogen and helium."]),
    ("Uranus", 50724, ["Uranus rotates on its side.", "William Herschel discovered Uranus in 1781."]),
    ("Neptune", 49244, ["Neptune is the farthest planet from the Sun.",
                        "Neptune was discovered in 1846 after astronomers predicted its position mathematically."]),
]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
PLANET_TEMPLATES = ["{P} is the {o} planet from the Sun.", "Counting outwards from the Sun, {p} is the {o} planet."]

# (dish, where from, made with, extra or None)
DISHES = [
    ("paella", "Valencia, in eastern Spain", "rice, saffron, and chicken, rabbit or seafood",
     "Paella takes its name from the wide, shallow pan in which it is cooked."),
    ("risotto", "northern Italy", "short-grain rice, stock, butter and cheese",
     "Risotto is stirred often so that the rice releases its starch and becomes creamy."),
    ("sushi", "Japan", "vinegared rice and raw fish, seafood or vegetables", None),
    ("pho", "Vietnam", "rice noodles, a clear broth, fresh herbs and thinly sliced meat", None),
    ("goulash", "Hungary", "beef, onions and paprika", None),
    ("borscht", "Eastern Europe", "beetroot, cabbage and potatoes", "Borscht gets its deep red colour from beetroot."),
    ("hummus", "the Middle East", "chickpeas, tahini, lemon juice and garlic", None),
    ("moussaka", "Greece", "aubergine, minced meat and a creamy béchamel sauce", None),
    ("kimchi", "Korea", "fermented cabbage, chilli, garlic and ginger",
     "Kimchi is served as a side dish with almost every Korean meal."),
    ("pad thai", "Thailand", "stir-fried rice noodles, egg, tamarind and peanuts", None),
    ("jiaozi", "northern China", "thin wrappers of dough filled with minced meat and vegetables",
     "Jiaozi dumplings are traditionally eaten at Chinese New Year."),
    ("couscous", "North Africa", "small steamed grains of semolina", None),
    ("ceviche", "Peru", "raw fish cured in lime juice with onion and chilli", None),
    ("fondue", "Switzerland", "melted cheese and white wine",
     "Fondue is eaten by dipping pieces of bread into a shared pot of melted cheese."),
    ("feijoada", "Brazil", "black beans and pork", None),
    ("jollof rice", "West Africa", "rice, tomatoes, peppers and onions", None),
    ("biryani", "South Asia", "rice layered with spiced meat or vegetables", None),
    ("gazpacho", "southern Spain", "tomatoes, peppers, cucumber, olive oil and garlic",
     "Gazpacho is a soup that is served cold."),
    ("tagine", "Morocco", "meat or vegetables slow-cooked with spices and dried fruit",
     "A tagine is named after the clay pot with a cone-shaped lid in which it is cooked."),
    ("poutine", "Quebec, in Canada", "chips, cheese curds and gravy", None),
    ("shakshuka", "North Africa", "eggs poached in a sauce of tomatoes, peppers and spices", None),
    ("falafel", "the Middle East", "ground chickpeas or broad beans",
     "Falafel are deep-fried and often served in pitta bread."),
    ("ramen", "Japan", "wheat noodles in a rich broth", "Ramen was adapted in Japan from Chinese noodle dishes."),
    ("lasagne", "Italy", "layers of pasta, meat sauce and cheese", None),
    ("Peking duck", "Beijing", "roast duck served with thin pancakes, spring onions and sweet bean sauce", None),
    ("mapo tofu", "Sichuan, in China", "tofu, minced meat, chilli and Sichuan pepper", None),
]
DISH_TEMPLATES = {
    "from": ["{D} comes from {o}.", "{D} is a traditional dish from {o}.", "{D} originated in {o}."],
    "made": ["{D} is made with {i}.", "{D} is usually made with {i}.", "{D} is traditionally prepared with {i}."],
}

# (sport, players per side, where they play, extra sentences)
TEAM_SPORTS = [
    ("football", 11, "on the pitch", ["Football is the most widely played sport in the world.",
                                      "The men's football World Cup is held every four years."]),
    ("basketball", 5, "on the court", ["Basketball was invented by James Naismith in 1891."]),
    ("volleyball", 6, "on the court", ["Volleyball was invented in the United States in 1895."]),
    ("rugby union", 15, "on the pitch", ["Rugby takes its name from Rugby School in England."]),
    ("cricket", 11, "on the field", ["A Test match in cricket can last for up to five days."]),
    ("baseball", 9, "on the field", ["A standard game of baseball has nine innings."]),
    ("ice hockey", 6, "on the ice", ["Ice hockey is played with a hard rubber disc called a puck."]),
    ("handball", 7, "on the court", []),
    ("water polo", 7, "in the pool", []),
    ("netball", 7, "on the court", ["In netball, players may not run while holding the ball."]),
    ("field hockey", 11, "on the pitch", []),
]
SPORT_TEMPLATES = ["A {s} team has {n} players {w}.", "In {s}, each side has {n} players {w}.",
                   "{S} is played by two teams with {n} players each {w}."]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]

# (instrument, family, extra sentences)
INSTRUMENTS = [
    ("violin", "string", ["The violin is the smallest and highest-pitched member of the violin family.",
                          "A violin has four strings and is usually played with a bow."]),
    ("cello", "string", ["The cello is played sitting down, held between the knees."]),
    ("double bass", "string", ["The double bass is the largest and lowest-pitched string instrument in the orchestra."]),
    ("harp", "string", ["A concert harp has forty-seven strings."]),
    ("guitar", "string", ["Most guitars have six strings."]),
    ("sitar", "string", ["The sitar is a long-necked instrument widely used in Indian classical music."]),
    ("erhu", "string", ["The erhu is a Chinese instrument with two strings, played with a bow."]),
    ("ukulele", "string", ["The ukulele, which has four strings, became popular in Hawaii in the nineteenth century."]),
    ("piano", "keyboard", ["A standard piano has eighty-eight keys.",
                           "Inside a piano, felt-covered hammers strike the strings."]),
    ("pipe organ", "keyboard", ["A pipe organ makes its sound by sending air through pipes of different lengths."]),
    ("flute", "woodwind", ["The flute is played by blowing across a hole near one end."]),
    ("clarinet", "woodwind", ["The clarinet uses a single reed."]),
    ("oboe", "woodwind", ["The oboe uses a double reed.", "Orchestras usually tune to a note played by the oboe."]),
    ("bassoon", "woodwind", ["The bassoon is a long, low-pitched instrument with a double reed."]),
    ("saxophone", "woodwind", ["The saxophone was invented by Adolphe Sax in the 1840s.",
                               "Although it is made of brass, the saxophone counts as a woodwind instrument because "
                               "it uses a reed."]),
    ("trumpet", "brass", ["A modern trumpet has three valves."]),
    ("trombone", "brass", ["The trombone changes pitch with a sliding tube rather than with valves."]),
    ("French horn", "brass", ["The French horn is made of long, coiled tubing that ends in a wide bell."]),
    ("tuba", "brass", ["The tuba is the lowest-pitched brass instrument in the orchestra."]),
    ("xylophone", "percussion", ["A xylophone has wooden bars that are struck with mallets."]),
    ("snare drum", "percussion", ["A snare drum has wires stretched across its lower head, which give it a crisp, "
                                  "rattling sound."]),
]
INSTRUMENT_TEMPLATES = ["The {i} is a {f} instrument.", "The {i} belongs to the {f} family of instruments.",
                        "The {i} is one of the {f} instruments."]

# Hand-written sentences, grouped by topic (each is its own fact, with a single phrasing).
TOPIC_SENTENCES = {
    "science": [
        "Water freezes at zero degrees Celsius and boils at one hundred degrees Celsius at sea level.",
        "Sound travels about four times faster in water than in air.",
        "Light travels at almost three hundred thousand kilometres per second.",
        "Gravity pulls every object with mass towards every other object.",
        "Energy cannot be created or destroyed, only changed from one form into another.",
        "Most materials expand when they are heated and contract when they cool.",
        "An atom is made of protons, neutrons and electrons.",
        "DNA carries the genetic instructions that living things need to grow and reproduce.",
        "Cells are the basic building blocks of all living things.",
        "Every magnet has a north pole and a south pole.",
        "Opposite magnetic poles attract each other, while like poles repel.",
        "A glass prism splits white light into the colours of the rainbow.",
        "Friction is a force that slows down objects sliding against each other.",
        "Acids have a pH below seven, and alkalis have a pH above seven.",
        "Ice floats because it is less dense than liquid water.",
        "Evaporation turns liquid water into an invisible gas called water vapour.",
        "Sound is produced when an object vibrates.",
        "An electric current is a flow of electric charge through a conductor.",
        "Bacteria are tiny single-celled organisms, and most of them are harmless.",
        "Viruses can only reproduce inside the living cells of another organism.",
        "Rubber and plastic are good insulators, which means they do not conduct electricity well.",
        "Fossils are the preserved remains or traces of plants and animals that lived long ago.",
        "In dry air at twenty degrees Celsius, sound travels at about 343 metres per second.",
        "A lever makes it easier to lift a heavy load by using a pivot.",
        "Mammals are warm-blooded animals that feed their young on milk.",
        "Chemical reactions can either give out heat or take it in.",
        "Salt dissolves in water, but sand does not.",
        "Newton's first law says that an object keeps still or keeps moving in a straight line unless a force acts on it.",
        "The boiling point of water drops as you climb higher, because the air pressure is lower.",
        "Scientists test their ideas by making predictions and checking them with careful experiments.",
        "A thermometer measures temperature, and a barometer measures air pressure.",
        "Rust forms when iron reacts with oxygen and water.",
        "Plants release oxygen into the air as a by-product of photosynthesis.",
        "Metals are generally good conductors of both heat and electricity.",
        "White light is a mixture of all the colours of the visible spectrum.",
    ],
    "space": [
        "The Sun is a star at the centre of our solar system.",
        "Light from the Sun takes about eight minutes to reach the Earth.",
        "The Moon takes about twenty-seven days to travel once around the Earth.",
        "The Milky Way is the galaxy that contains our solar system.",
        "A solar eclipse happens when the Moon passes directly between the Sun and the Earth.",
        "A lunar eclipse happens when the Earth's shadow falls on the Moon.",
        "Stars shine because of nuclear fusion deep in their cores.",
        "A light year is the distance that light travels in one year.",
        "The same side of the Moon always faces the Earth.",
        "Astronauts on the International Space Station see about sixteen sunrises every day.",
        "Comets are made of ice, dust and rock, and grow bright tails as they approach the Sun.",
        "Meteors, often called shooting stars, are small pieces of rock burning up in the atmosphere.",
        "The Moon has almost no atmosphere, so there is no wind to blow away the footprints left by astronauts.",
        "The planets of the solar system all orbit the Sun in the same direction.",
    ],
    "nature": [
        "Rain forms when tiny water droplets in clouds join together and become heavy enough to fall.",
        "Lightning is a giant spark of electricity that jumps within a cloud or between a cloud and the ground.",
        "Thunder is the sound made when lightning heats the air very suddenly.",
        "A rainbow appears when sunlight is bent and reflected inside raindrops.",
        "Snowflakes usually have six sides.",
        "Hurricanes form over warm tropical oceans.",
        "The seasons are caused by the tilt of the Earth's axis.",
        "Ocean tides are caused mainly by the pull of the Moon's gravity.",
        "Deserts are places that receive very little rain, and they are not always hot.",
        "Tropical rainforests are home to a huge variety of plants and animals.",
        "Deciduous trees lose their leaves in autumn and grow new ones in spring.",
        "Plants use sunlight, water and carbon dioxide to make their own food through photosynthesis.",
        "Bees, butterflies and some birds pollinate flowering plants.",
        "Coral reefs are built over many years by tiny animals called polyps.",
        "Volcanoes form where molten rock from deep inside the Earth reaches the surface.",
        "Earthquakes happen when large sections of the Earth's crust suddenly shift.",
        "Glaciers are huge masses of ice that move slowly downhill.",
        "Fog is a cloud that forms close to the ground.",
        "Wetlands store water and provide homes for many kinds of birds.",
        "Mushrooms are the fruiting bodies of fungi, most of which live hidden underground.",
        "Soil is a mixture of minerals, water, air and decaying plants and animals.",
        "The Pacific is the largest and deepest ocean on Earth.",
        "Antarctica is the coldest, windiest and driest continent.",
        "The Sahara is the largest hot desert in the world.",
        "Trees take in carbon dioxide from the air as they grow.",
        "Some living trees are thousands of years old.",
        "Many birds migrate thousands of kilometres every year to find food and warmer weather.",
        "Some animals hibernate through the winter to save energy when food is scarce.",
        "Wind is air moving from areas of high pressure towards areas of low pressure.",
        "Dew forms when moist air cools overnight and water condenses on cold surfaces.",
        "The Amazon rainforest is the largest tropical rainforest in the world.",
        "Sea water is salty because rivers carry dissolved minerals into the oceans.",
        "Cacti store water in their thick, fleshy stems.",
        "Some kinds of bamboo can grow almost a metre in a single day.",
        "Leaves look green because they contain a pigment called chlorophyll.",
        "Moss grows best in damp, shady places.",
        "Hailstones grow as raindrops are carried up into freezing parts of a storm cloud again and again.",
        "Avalanches are most likely on steep slopes after heavy snowfall.",
        "Over thousands of years, rivers can carve deep valleys and canyons.",
        "Bats are the only mammals that can truly fly.",
        "Starfish can grow back an arm that they have lost.",
        "Jellyfish have no brain, no heart and no bones.",
        "Ants live in organised colonies in which different ants do different jobs.",
        "Penguins live almost entirely in the Southern Hemisphere.",
        "Owls can turn their heads much further round than humans can.",
        "A group of crows is sometimes called a murder.",
    ],
    "geography": [
        "There are seven continents on Earth.",
        "Asia is the largest continent by both area and population.",
        "The equator divides the Earth into the Northern and Southern Hemispheres.",
        "Lines of longitude run from the North Pole to the South Pole.",
        "The Dead Sea is one of the saltiest bodies of water in the world.",
        "Greenland is the largest island in the world that is not a continent.",
        "Lake Superior is the largest freshwater lake in the world by surface area.",
        "The Mariana Trench in the Pacific Ocean is the deepest known part of the oceans.",
        "The Andes are the longest continental mountain range in the world.",
        "Vatican City is the smallest country in the world.",
        "The Caspian Sea is the largest inland body of water on Earth.",
        "Time zones are roughly based on lines of longitude.",
        "Most of the world's people live in the Northern Hemisphere.",
        "A delta forms where a river drops its sediment as it slows down near the sea.",
        "An archipelago is a group of islands.",
        "A peninsula is a piece of land surrounded by water on three sides.",
        "Maps use a scale to show how distances on paper compare with real distances.",
        "The Prime Meridian, which marks zero degrees of longitude, passes through Greenwich in London.",
    ],
    "history": [
        "The Berlin Wall was built in 1961 and fell in November 1989.",
        "The First World War began in 1914 and ended in 1918.",
        "The Second World War ended in 1945.",
        "In July 1969, Neil Armstrong became the first person to walk on the Moon.",
        "Christopher Columbus first crossed the Atlantic in 1492.",
        "The French Revolution began in 1789.",
        "The United Nations was founded in 1945.",
        "The Magna Carta was sealed in England in 1215.",
        "The Great Fire of London broke out in 1666.",
        "The Titanic sank in April 1912 on its first voyage.",
        "Yuri Gagarin became the first human in space in 1961.",
        "The American Declaration of Independence was adopted in 1776.",
        "The Soviet Union broke apart in 1991.",
        "The Suez Canal opened in 1869, linking the Mediterranean Sea and the Red Sea.",
        "The Panama Canal opened in 1914.",
        "The Ming dynasty ruled China from 1368 to 1644.",
        "The Black Death swept across Europe in the middle of the fourteenth century.",
        "Nelson Mandela became president of South Africa in 1994.",
        "Euro notes and coins came into use in 2002.",
        "In 1893, New Zealand became the first self-governing country to give women the right to vote.",
        "The Battle of Hastings took place in 1066.",
        "The Industrial Revolution began in Britain in the eighteenth century.",
        "The Renaissance began in Italy in the fourteenth century.",
        "The Hubble Space Telescope was launched in 1990.",
        "The Treaty of Versailles was signed in 1919.",
        "India became independent in 1947.",
        "Qin Shi Huang became the first emperor of a unified China in 221 BC.",
        "Alexander the Great died in 323 BC.",
        "Constantinople fell to the Ottoman Empire in 1453.",
        "The first human heart transplant was carried out in Cape Town in 1967.",
        "The Channel Tunnel between England and France opened in 1994.",
        "People have lived on the International Space Station without a break since November 2000.",
        "The Rosetta Stone, found in 1799, helped scholars to read Egyptian hieroglyphs.",
        "The ancient Egyptians built the pyramids as tombs for their kings.",
        "The ancient Olympic Games were held at Olympia in Greece.",
        "The Silk Road was a network of trade routes linking China with the Mediterranean.",
        "The Vikings sailed from Scandinavia and reached North America around the year 1000.",
        "The Roman Empire at its height stretched from Britain to the Middle East.",
        "Writing was invented independently in several parts of the ancient world.",
        "The Inca Empire was the largest empire in the Americas before the arrival of Europeans.",
    ],
    "cooking": [
        "Onions are often softened slowly in oil before the other ingredients are added.",
        "Resting meat for a few minutes after cooking lets its juices settle.",
        "Bread dough rises because yeast produces bubbles of carbon dioxide.",
        "Rinsing rice before cooking removes some of the surface starch.",
        "Baking powder helps cakes to rise in the oven.",
        "Searing meat in a very hot pan creates a flavourful brown crust.",
        "A sharp knife is safer than a blunt one because it needs less force.",
        "Delicate herbs such as basil are best added at the end of cooking.",
        "A squeeze of lemon juice stops cut apples from turning brown.",
        "Eggs can be boiled, poached, fried, baked or scrambled.",
        "To simmer means to cook a liquid just below boiling point.",
        "Pasta is often cooked until it is al dente, which means firm to the bite.",
        "Tomatoes are botanically fruits, although they are usually cooked as vegetables.",
        "Chillies get their heat from a compound called capsaicin.",
        "Marinating meat in yoghurt helps to make it tender.",
        "A pressure cooker cooks food faster by raising the boiling point of water.",
        "Stock is made by simmering bones or vegetables in water for a long time.",
        "Bread goes stale as the starch inside it slowly changes and dries out.",
        "Ginger, garlic and spring onions are common ingredients in Chinese cooking.",
        "Olive oil is central to the cooking of the Mediterranean.",
        "Sourdough bread is leavened with a culture of wild yeast and bacteria.",
        "Chocolate is made from the fermented and roasted seeds of the cacao tree.",
        "Honey keeps for a very long time when it is stored in a sealed jar.",
        "Vegetables are often frozen within hours of being picked, so they keep much of their goodness.",
        "Cooking food thoroughly kills most harmful bacteria.",
        "Raw meat should be kept apart from food that will be eaten without cooking.",
        "Salt brings out the natural flavour of many foods.",
        "Whisking egg whites traps air and makes them light and fluffy.",
        "A roux, made from butter and flour, is used to thicken sauces.",
        "Rice is the staple food for more than half of the world's population.",
        "Pizza first became popular in Naples.",
        "Both Australia and New Zealand claim to have invented the pavlova, a meringue dessert.",
        "Croissants are made from a buttery dough that is folded many times into thin layers.",
        "Tea is the most widely drunk beverage in the world after water.",
    ],
    "sport": [
        "Wimbledon, first played in 1877, is the oldest tennis tournament in the world.",
        "Tennis has four Grand Slam tournaments: the Australian Open, the French Open, Wimbledon and the US Open.",
        "Golf developed in Scotland in the fifteenth century.",
        "A standard round of golf has eighteen holes.",
        "A marathon is 42.195 kilometres long.",
        "The marathon race is named after the Greek town of Marathon.",
        "The modern Olympic Games were first held in Athens in 1896.",
        "The Summer and Winter Olympic Games are each held every four years.",
        "A chessboard has sixty-four squares.",
        "Each chess player begins the game with sixteen pieces.",
        "The Tour de France is a cycling race held over three weeks every summer.",
        "An Olympic swimming pool is fifty metres long.",
        "Sumo is a traditional form of wrestling from Japan.",
        "Table tennis is played with a light, hollow plastic ball.",
        "Badminton is played with a feathered shuttlecock rather than a ball.",
        "Athletes need both regular training and enough rest to improve.",
        "Most team sports use a referee or umpire to enforce the rules.",
        "The five Olympic rings are blue, yellow, black, green and red.",
        "Warming up before exercise helps to prepare the muscles for harder work.",
        "In a relay race, team members take turns to run and pass on a baton.",
    ],
    "music": [
        "A symphony orchestra is usually divided into strings, woodwind, brass and percussion.",
        "An octave is the distance between one musical note and the next note with the same name.",
        "The tempo of a piece of music is the speed at which it is played.",
        "Most Western music is written using a system of twelve different notes.",
        "A choir usually has sopranos, altos, tenors and basses.",
        "Jazz developed in New Orleans in the early twentieth century.",
        "Reggae music comes from Jamaica.",
        "Opera tells a story through singing, music and often dance.",
        "Sheet music uses symbols on five lines, called a stave, to show which notes to play.",
        "A conductor leads an orchestra and sets the tempo with a baton.",
        "Drums are among the oldest musical instruments.",
        "A duet is a piece of music for two performers.",
        "Many folk songs were passed down by ear long before anyone wrote them down.",
        "Learning to play an instrument takes regular, patient practice.",
        "Hip hop began in New York City in the 1970s.",
        "The blues grew out of the work songs and spirituals of African Americans in the southern United States.",
        "The harmonica is a small instrument played by blowing and drawing air through it.",
        "The didgeridoo is a long wooden wind instrument first played by Aboriginal Australians.",
    ],
    "technology": [
        "A computer's processor carries out the instructions in a program.",
        "Random-access memory holds the data that a computer is working with right now.",
        "A solid-state drive stores data on memory chips and has no moving parts.",
        "Wi-Fi uses radio waves to connect devices to a network without cables.",
        "An operating system manages a computer's hardware and runs its applications.",
        "Encryption scrambles data so that only someone with the right key can read it.",
        "A web browser requests pages from servers and displays them on the screen.",
        "A satellite navigation receiver works out its position from the signals of several satellites.",
        "Lithium-ion batteries power most mobile phones and laptops.",
        "Optical fibres carry data as pulses of light.",
        "A compiler translates source code written by programmers into machine code.",
        "Binary numbers are written using only the digits zero and one.",
        "A byte is made up of eight bits.",
        "Cloud computing lets people use storage and processing power over the internet.",
        "Solar panels turn sunlight directly into electricity.",
        "Wind turbines convert the movement of air into electrical energy.",
        "Electric cars use a battery and an electric motor instead of a petrol engine.",
        "Most phone touchscreens work by sensing the small electrical charge of a fingertip.",
        "A router passes data between the devices on a home network and the internet.",
        "Regular backups protect files from being lost when a device fails.",
        "A strong password is long and hard to guess.",
        "Two-factor authentication asks for a second proof of identity, such as a code sent to a phone.",
        "Machine learning systems learn patterns from examples instead of following hand-written rules.",
        "A pixel is the smallest element of a digital image.",
        "Bluetooth connects devices over short distances.",
        "A 3D printer builds an object layer by layer.",
        "A QR code stores information in a square grid of black and white modules.",
        "Barcodes let shops identify products quickly at the checkout.",
        "An algorithm is a step-by-step procedure for solving a problem.",
        "Spreadsheets arrange data in rows and columns.",
        "A search engine builds an index of web pages so that it can answer queries quickly.",
        "LED bulbs use far less electricity than old incandescent bulbs.",
        "A microwave oven heats food by making the water molecules inside it move faster.",
        "Noise-cancelling headphones play sound waves that cancel out background noise.",
        "The first website went online in 1991.",
        "Open-source software can be read, changed and shared by anyone.",
        "Satellites in geostationary orbit appear to stay fixed above one point on the equator.",
        "Smartphones contain accelerometers that sense which way they are being held.",
        "Digital cameras record light with an image sensor instead of film.",
        "A database stores information in a structured way so that it can be searched quickly.",
        "Software updates often fix security problems.",
        "A thermostat switches the heating on and off to keep a room at a set temperature.",
        "Hydroelectric power stations generate electricity from flowing water.",
        "Nuclear power stations produce heat by splitting atoms of uranium.",
        "A keyboard shortcut can save time by replacing several mouse clicks.",
        "Email messages pass through several servers before they reach the recipient's inbox.",
        "The internet is a global network of networks that share common rules for sending data.",
        "Video calls compress pictures and sound so that they can travel quickly over the network.",
        "A programming language gives people a precise way to write instructions for a computer.",
        "Many modern cars contain dozens of small computers.",
    ],
    "health": [
        "Regular exercise strengthens the heart and lungs.",
        "Most adults need between seven and nine hours of sleep a night.",
        "Drinking enough water helps the body to control its temperature.",
        "Washing your hands with soap and water removes many germs.",
        "Vaccines train the immune system to recognise particular diseases.",
        "Vitamin C is found in citrus fruits, peppers and broccoli.",
        "The body makes vitamin D when the skin is exposed to sunlight.",
        "The fibre in whole grains, beans and vegetables helps digestion.",
        "Too much sugar can cause tooth decay.",
        "Brushing your teeth twice a day helps to prevent tooth decay.",
        "Sunscreen helps to protect the skin from ultraviolet radiation.",
        "Smoking is a major cause of lung cancer and heart disease.",
        "Antibiotics treat infections caused by bacteria, but they do not work against viruses.",
        "A normal resting heart rate for an adult is between sixty and one hundred beats per minute.",
        "Walking is one of the simplest ways to stay active.",
        "Iron is needed to make haemoglobin, which carries oxygen in the blood.",
        "Calcium helps to keep bones and teeth strong.",
        "Long periods of stress can affect sleep, appetite and concentration.",
        "Eating a variety of fruit and vegetables provides many different vitamins and minerals.",
        "Flu is caused by a virus.",
        "Blood pressure is measured in millimetres of mercury.",
        "Taking regular breaks from a screen can reduce eye strain.",
        "Broken bones usually take several weeks to heal.",
        "Long exposure to loud noise can permanently damage hearing.",
        "Babies are born with more bones than adults have, because some of them fuse together during childhood.",
        "The adult human body has 206 bones.",
        "The heart pumps blood around the body through arteries and veins.",
        "The lungs take in oxygen and get rid of carbon dioxide.",
        "The liver helps to clean the blood and stores energy for later.",
        "The skin is the largest organ of the human body.",
        "The kidneys filter waste from the blood and produce urine.",
        "Red blood cells carry oxygen from the lungs to the rest of the body.",
        "Most nutrients from food are absorbed in the small intestine.",
        "The brain uses about a fifth of the body's energy.",
        "The femur, in the thigh, is the longest bone in the human body.",
        "The smallest bones in the human body are in the middle ear.",
        "The human eye has rods that work in dim light and cones that detect colour.",
        "Nerves carry signals between the brain and the rest of the body.",
        "Tooth enamel is the hardest substance in the human body.",
        "Stretching regularly can help to keep joints flexible.",
    ],
    "economics": [
        "Inflation is a general rise in prices over time.",
        "Gross domestic product measures the total value of the goods and services a country produces.",
        "Central banks often raise interest rates to slow down inflation.",
        "When demand for a product rises and supply stays the same, its price tends to go up.",
        "A budget compares expected income with planned spending.",
        "Interest is the price paid for borrowing money.",
        "Taxes pay for public services such as schools, roads and hospitals.",
        "An exchange rate is the price of one currency in terms of another.",
        "A share is a small part of the ownership of a company.",
        "A recession is a period when economic activity falls for several months.",
        "Trade lets countries specialise in what they produce most efficiently.",
        "The unemployment rate measures the share of people who want a job but cannot find one.",
        "A monopoly exists when a single company controls the whole market for a product.",
        "Compound interest is interest earned both on the original sum and on interest already added.",
        "Spreading investments across different assets reduces risk.",
        "Imports are goods bought from other countries, and exports are goods sold to them.",
        "Banks lend out part of the money that customers deposit with them.",
        "Supply chains connect raw materials, factories, warehouses and shops.",
        "A tariff is a tax on imported goods.",
        "Economists use price indexes to track changes in the cost of living.",
        "Saving a small amount regularly can build up a useful emergency fund.",
        "A credit score estimates how likely a person is to repay a loan.",
        "Deflation, a general fall in prices, can lead people to put off spending.",
        "Productivity measures how much is produced for each hour of work.",
        "A stock exchange is a market where shares in companies are bought and sold.",
        "Opportunity cost is the value of the best alternative given up when making a choice.",
        "Scarcity means that resources are limited while people's wants are not.",
        "A minimum wage is the lowest hourly pay that employers are allowed to offer.",
        "A pension provides an income after retirement.",
        "Public debt is the total amount of money that a government owes.",
        "Insurance spreads the cost of rare losses across many people.",
        "Markets bring buyers and sellers together to agree on prices.",
        "Money serves as a medium of exchange, a unit of account and a store of value.",
        "Before money existed, people often traded goods directly in a system called barter.",
    ],
    "art": [
        "In traditional colour theory, the primary colours are red, yellow and blue.",
        "Watercolour paint is thinned with water and dries quickly.",
        "Oil paint dries slowly, so artists can blend colours on the canvas.",
        "A fresco is painted onto wet plaster.",
        "Perspective makes a flat picture appear to have depth.",
        "A sculpture can be carved, modelled or cast in metal.",
        "Impressionist painters tried to capture changing light and everyday scenes.",
        "The Louvre in Paris is one of the most visited art museums in the world.",
        "Calligraphy is the art of beautiful handwriting.",
        "Pottery is made by shaping clay and hardening it in a hot kiln.",
        "A mosaic is a picture made from small pieces of stone, glass or tile.",
        "A still life is a painting of objects such as fruit, flowers or bottles.",
        "Photography became widespread during the nineteenth century.",
        "Origami is the Japanese art of folding paper.",
        "Stained-glass windows fill churches and cathedrals with coloured light.",
        "Complementary colours, such as blue and orange, sit opposite each other on the colour wheel.",
        "Artists often use charcoal for quick sketches.",
        "Printmaking allows an artist to make many copies of the same image.",
        "Ballet developed at the royal courts of Italy and France.",
        "Architecture is often described as the art and science of designing buildings.",
        "A portrait is a picture of a particular person.",
        "Many galleries let visitors sketch the works on display.",
    ],
    "daily life": [
        "Many people start the day with a cup of tea or coffee.",
        "Commuters often read or listen to podcasts on the train.",
        "A shopping list helps to avoid buying things you do not need.",
        "Libraries lend books, films and music free of charge.",
        "Many households separate paper, glass and plastic for recycling.",
        "Cycling to work is cheap and a good form of exercise.",
        "In many countries, children start school at the age of five or six.",
        "Public parks give city residents space to relax and play.",
        "Farmers' markets sell produce directly from local growers.",
        "Weekends are often a time for visiting family and catching up on chores.",
        "Washing clothes at a lower temperature saves energy.",
        "Switching off lights in empty rooms reduces the electricity bill.",
        "A good night's sleep makes it easier to concentrate the next day.",
        "Many people keep a calendar to remember appointments and birthdays.",
        "Buses and trams are a common way to get around cities.",
        "Houseplants need light, water and occasional feeding.",
        "Dogs need regular walks to stay healthy.",
        "Cats often sleep for more than twelve hours a day.",
        "It is useful to keep a first-aid kit at home and in the car.",
        "Breakfast habits vary widely from one country to another.",
        "Learning a new language takes regular practice.",
        "Reading before bed is a popular way to relax.",
        "Many families eat their main meal together in the evening.",
        "A recipe is easier to follow when all the ingredients are measured out in advance.",
        "Repair cafés help people to fix broken things instead of throwing them away.",
        "Writing a to-do list helps to plan the day.",
        "Most smartphones can be used as an alarm clock.",
        "Picnics are popular in summer when the weather is warm.",
        "Board games are a popular way to spend an evening with friends.",
        "Birthdays are often celebrated with a cake and candles.",
        "Many people carry a reusable water bottle.",
        "Holidays are a chance to rest and to see new places.",
        "Gardening is a relaxing way to spend time outdoors.",
        "Keeping a spare key with a trusted neighbour can save a lot of trouble.",
        "Doing the washing-up straight after dinner keeps the kitchen tidy.",
        "Many offices let staff work from home for part of the week.",
        "Sending a short thank-you note is a simple way to show appreciation.",
        "Walking instead of driving for short trips saves fuel and money.",
    ],
    "language and numbers": [
        "A triangle has three sides, and its angles add up to 180 degrees.",
        "A square has four equal sides and four right angles.",
        "Pi is the ratio of a circle's circumference to its diameter.",
        "A prime number has exactly two factors, one and itself.",
        "Zero is neither positive nor negative.",
        "A century is a period of one hundred years.",
        "A common year has 365 days, and a leap year has 366.",
        "A kilometre is a thousand metres.",
        "The English alphabet has twenty-six letters.",
        "A haiku is a short poem of three lines.",
        "Nouns are words that name people, places and things.",
        "A palindrome is a word or phrase that reads the same backwards as forwards.",
        "A percentage expresses a number as a fraction of one hundred.",
        "An hour has sixty minutes, and a minute has sixty seconds.",
        "Mandarin Chinese has more native speakers than any other language.",
        "Spanish is spoken in most of the countries of Central and South America.",
        "Arabic is written from right to left.",
        "Braille lets blind people read by touch.",
        "Sign languages have their own grammar and vocabulary.",
        "Every whole number greater than one is either prime or a product of primes.",
        "A dictionary lists words in alphabetical order and explains what they mean.",
        "A synonym is a word with the same or nearly the same meaning as another word.",
        "The Roman numeral X stands for ten.",
        "An even number can be divided by two without a remainder.",
    ],
}

CENTURIES = {13: "thirteenth", 14: "fourteenth", 15: "fifteenth", 16: "sixteenth", 17: "seventeenth",
             18: "eighteenth", 19: "nineteenth", 20: "twentieth"}


def number_words(n: int) -> str:
    """English words for 0..999 (used where prose reads better than digits)."""
    ones = NUMBER_WORDS
    tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    if n <= 20:
        return ones[n]
    if n < 100:
        return tens[n // 10] + ("-" + ones[n % 10] if n % 10 else "")
    rest = n % 100
    return ones[n // 100] + " hundred" + (" and " + number_words(rest) if rest else "")


def _fmt_all(templates, **kw):
    kw = {**kw, **{k.upper() if len(k) == 1 else k.capitalize(): cap(v) for k, v in kw.items()
                   if isinstance(v, str)}}
    return unique([tidy(t.format(**kw)) for t in templates])


def general_groups():
    """[(table, [fact, ...]), ...] where a fact is a list of alternative phrasings."""
    groups = []
    T = COUNTRY_TEMPLATES
    for name, capital, cont, lang, cur, largest, extras in COUNTRIES:
        kw = dict(c=name, k=capital, cont=cont, m=cur)
        facts = [_fmt_all(T["continent"], **kw), _fmt_all(T["capital"], **kw)]
        if largest is True:
            facts.append(_fmt_all(T["largest_capital"], **kw))
        elif largest:
            facts.append(_fmt_all(T["largest_other"], big=largest, **kw))
        if lang:
            facts.append(_fmt_all(T["language"], l=lang, **kw))
        facts.append(_fmt_all(T["currency"], **kw))
        groups.append(("countries", facts + [[e] for e in extras]))
    for river, km, mouth, extras in RIVERS:
        kw = dict(r=river, n=fmt_int(km), m=mouth)
        facts = [_fmt_all(RIVER_TEMPLATES["length"], **kw), _fmt_all(RIVER_TEMPLATES["mouth"], **kw)]
        groups.append(("rivers", facts + [[e] for e in extras]))
    for mountain, height, about, rng_name, where, extras in MOUNTAINS:
        kw = dict(m=mountain, w=where)
        facts = [_fmt_all(MOUNTAIN_TEMPLATES["where"], **kw)]
        if height:
            facts.append(_fmt_all(MOUNTAIN_TEMPLATES["height"], h=about + fmt_int(height), **kw))
        if rng_name:
            facts.append(_fmt_all(MOUNTAIN_TEMPLATES["range"], g=rng_name, **kw))
        groups.append(("mountains", facts + [[e] for e in extras]))
    for element, symbol, number, state, extras in ELEMENTS:
        kw = dict(e=element, s=symbol, n=str(number), st=state)
        number_t = ELEMENT_TEMPLATES["number"]
        if number == 1:
            number_t = number_t[:2] + ["Every atom of {e} has a single proton in its nucleus."]
        facts = [_fmt_all(ELEMENT_TEMPLATES["symbol"], **kw), _fmt_all(number_t, **kw),
                 _fmt_all(ELEMENT_TEMPLATES["state"], **kw)]
        groups.append(("elements", facts + [[e] for e in extras]))
    for animal, plural, kind, kinds, home, diet, extras in ANIMALS:
        kw = dict(a=animal, p=plural, k=a_an(kind), ks=kinds, h=home, d=diet)
        facts = [_fmt_all(ANIMAL_TEMPLATES["home"], **kw), _fmt_all(ANIMAL_TEMPLATES["diet"], **kw)]
        groups.append(("animals", facts + [[e] for e in extras]))
    for who, what, (past, pp), when, extra in INVENTIONS:
        kw = dict(who=who, what=what, past=past, pp=pp, when=when)
        facts = [_fmt_all(INVENTION_TEMPLATES, **kw)] + ([[extra]] if extra else [])
        groups.append(("inventions", facts))
    for full, short, born, died, role, known, works in PEOPLE:
        kw = dict(n=full, short=short, role=a_an(role), bare=role, k=known)
        facts = []
        if born:
            facts.append(_fmt_all(PERSON_TEMPLATES["life"], b=str(born), d=str(died), **kw))
        else:
            facts.append(_fmt_all(PERSON_TEMPLATES["role"], **kw))
        facts.append(_fmt_all(PERSON_TEMPLATES["known"], **kw))
        for work, kind, verb in works:
            facts.append(_fmt_all(PERSON_TEMPLATES["work"], w=work, kind=a_an(kind), verb=verb, **kw))
        groups.append(("people", facts))
    for i, (planet, _, extras) in enumerate(PLANETS):
        facts = [_fmt_all(PLANET_TEMPLATES, p=planet, o=ORDINALS[i])]
        groups.append(("planets", facts + [[e] for e in extras]))
    for dish, origin, made, extra in DISHES:
        kw = dict(d=dish, o=origin, i=made)
        facts = [_fmt_all(DISH_TEMPLATES["from"], **kw), _fmt_all(DISH_TEMPLATES["made"], **kw)]
        groups.append(("dishes", facts + ([[extra]] if extra else [])))
    for sport, n, where, extras in TEAM_SPORTS:
        facts = [_fmt_all(SPORT_TEMPLATES, s=sport, n=NUMBER_WORDS[n], w=where)]
        groups.append(("team sports", facts + [[e] for e in extras]))
    for inst, family, extras in INSTRUMENTS:
        facts = [_fmt_all(INSTRUMENT_TEMPLATES, i=inst, f=family)]
        groups.append(("instruments", facts + [[e] for e in extras]))
    for topic, sentences in TOPIC_SENTENCES.items():
        groups.append((topic, [[s] for s in sentences]))
    return groups


def derived_sentences(rng: random.Random):
    """Comparisons and cross-references computed from the fact tables; used only in the corpus."""
    out = {}
    # rivers and mountains: only pairs that differ clearly, so rounding and disputed measurements never matter
    pairs = [(a, b) for a in RIVERS for b in RIVERS if a[1] > b[1] * 1.25]
    out["rivers"] = [rng.choice(["{A} is longer than {b}.", "{B} is shorter than {a}."]).format(
        a=a[0], A=cap(a[0]), b=b[0], B=cap(b[0])) for a, b in rng.sample(pairs, 45)]
    ms = [m for m in MOUNTAINS if m[1]]
    pairs = [(a, b) for a in ms for b in ms if a[1] > b[1] + 400]
    out["mountains"] = [rng.choice(["{A} is higher than {b}.", "{B} is lower than {a}."]).format(
        a=a[0], A=cap(a[0]), b=b[0], B=cap(b[0])) for a, b in rng.sample(pairs, 45)]
    pl = PLANETS
    sents = []
    for i in range(len(pl)):
        for j in range(i + 1, len(pl)):
            a, b = pl[i], pl[j]
            sents.append(f"{a[0]} is closer to the Sun than {b[0]}.")
            big, small = (a, b) if a[1] > b[1] else (b, a)
            if big[1] > small[1] * 1.1:
                sents.append(f"{big[0]} is larger than {small[0]}.")
    out["planets"] = rng.sample(sents, 30)
    # people: who was born first (years are exact, so the differences are too)
    dated = [p for p in PEOPLE if p[2]]
    pairs = [(a, b) for a in dated for b in dated if 1 <= b[2] - a[2] <= 40]
    sents = []
    for a, b in rng.sample(pairs, 50):
        gap = b[2] - a[2]
        years = "one year" if gap == 1 else f"{number_words(gap)} years"
        sents.append(rng.choice([f"{a[0]} was born {years} before {b[0]}.",
                                 f"{b[0]} was born {years} after {a[0]}."]))
    for p in rng.sample(dated, 30):
        c = (p[2] - 1) // 100 + 1
        sents.append(f"{p[0]} was born in the {CENTURIES[c]} century.")
    out["people"] = sents
    # countries sharing a currency or a continent
    sents = []
    by_cur, by_cont = {}, {}
    for name, _, cont, _, cur, _, _ in COUNTRIES:
        by_cur.setdefault(cur, []).append(name)
        by_cont.setdefault(cont, []).append(name)
    for cur, names in by_cur.items():
        if len(names) >= 2:
            for _ in range(6):
                a, b = rng.sample(names, 2)
                sents.append(f"Both {a} and {b} use the {cur}.")
    for cont, names in by_cont.items():
        if len(names) >= 3:
            for _ in range(5):
                a, b, c = rng.sample(names, 3)
                sents.append(f"{cap(a)}, {b} and {c} are all in {cont}.")
    out["countries"] = unique(sents)
    # elements: more protons
    pairs = [(a, b) for a in ELEMENTS for b in ELEMENTS if a[2] > b[2]]
    out["elements"] = [f"An atom of {a[0]} has more protons than an atom of {b[0]}."
                       for a, b in rng.sample(pairs, 30)]
    return out


def build_general_en(out: Path, n_en=900, n_stories=260) -> dict:
    rng = rng_for("general")
    groups = general_groups()
    facts = [(gi, fi) for gi, (_, fs) in enumerate(groups) for fi in range(len(fs))]
    chosen = set(rng.sample(range(len(facts)), n_en))
    en_lines, corpus_by_group = [], [[] for _ in groups]
    for idx, (gi, fi) in enumerate(facts):
        phrasings = list(groups[gi][1][fi])
        rng.shuffle(phrasings)
        if groups[gi][0] == "people":  # a line read on its own names the person in full
            phrasings.sort(key=lambda p: groups[gi][1][fi].index(p) != 0)
        if idx in chosen:
            en_lines.append(phrasings[0])
            if len(phrasings) > 1:
                corpus_by_group[gi].append(phrasings[1])
        else:
            corpus_by_group[gi].append(phrasings[0])
    # paragraphs: entity groups of the same table are joined until a paragraph has at least four sentences;
    # topic groups are shuffled and cut into paragraphs of four to six sentences
    paragraphs, by_table = [], {}
    for (table, _), sents in zip(groups, corpus_by_group):
        if table not in TOPIC_SENTENCES:
            by_table.setdefault(table, []).append(sents)
    for table, table_groups in by_table.items():
        chunks = [[]]
        for sents in table_groups:
            if len(chunks[-1]) >= 4:
                chunks.append([])
            chunks[-1] += sents
        if len(chunks) > 1 and len(chunks[-1]) < 3:  # no one-line paragraphs
            last = chunks.pop()
            chunks[-1] += last
        paragraphs += chunks
    extra = derived_sentences(rng)
    topic_pool = [(t, s) for (t, _), sents in zip(groups, corpus_by_group) if t in TOPIC_SENTENCES for s in sents]
    topic_pool += [(t, s) for t, sents in extra.items() for s in sents]
    by_topic = {}
    for t, s in topic_pool:
        by_topic.setdefault(t, []).append(s)
    for t, sents in by_topic.items():
        rng.shuffle(sents)
        chunks, i = [], 0
        while i < len(sents):
            k = rng.randint(4, 6)
            chunks.append(sents[i:i + k])
            i += k
        if len(chunks) > 1 and len(chunks[-1]) < 3:  # no one-line paragraphs
            last = chunks.pop()
            chunks[-1] += last
        paragraphs += chunks
    paragraphs = [p for p in paragraphs if p]
    rng.shuffle(en_lines)
    assert len(set(en_lines)) == len(en_lines)
    corpus_lines = [s for p in paragraphs for s in p]
    assert len(set(corpus_lines)) == len(corpus_lines), "duplicate sentence in the corpus"
    assert not set(en_lines) & set(corpus_lines), "general/en.txt and text/corpus.txt share a line"
    n_fact_paragraphs = len(paragraphs)
    stories: list[str] = []
    while len(stories) < n_stories:
        story = make_story(rng)
        if story not in stories:
            stories.append(story)
    story_text = "\n".join(stories)
    assert not any(line in story_text for line in en_lines)
    paragraphs = [" ".join(p) for p in paragraphs] + stories
    rng.shuffle(paragraphs)
    write_lines(out / "general/en.txt", en_lines)
    write_text(out / "text/corpus.txt", "\n\n".join(paragraphs) + "\n")
    return {"en_lines": len(en_lines), "corpus_paragraphs": len(paragraphs), "corpus_fact_paragraphs": n_fact_paragraphs,
            "corpus_stories": len(stories), "corpus_fact_sentences": len(corpus_lines),
            "corpus_words": sum(len(p.split()) for p in paragraphs), "topics": sorted({t for t, _ in groups})}


# ------------------------------------------------------------------------------------------------ everyday stories
# Short everyday narratives that give the pretraining corpus past-tense storytelling, pronouns and varied syntax.
# A story is a list of slots; each slot lists alternatives (an alternative may hold several sentences that belong
# together). {name}/{Name}, {he}/{He}, {him}, {his}/{His}, {himself}, {rel} and the story's own banks are filled in.

STORY_PEOPLE = [("Anna", "f"), ("Ben", "m"), ("Chloe", "f"), ("Daniel", "m"), ("Ella", "f"), ("Farid", "m"),
                ("Grace", "f"), ("Hassan", "m"), ("Isla", "f"), ("Jack", "m"), ("Keiko", "f"), ("Leo", "m"),
                ("Maya", "f"), ("Noah", "m"), ("Olivia", "f"), ("Pablo", "m"), ("Priya", "f"), ("Samuel", "m"),
                ("Tomás", "m"), ("Zoe", "f"), ("Amira", "f"), ("Lucas", "m"), ("Mei", "f"), ("Oscar", "m"),
                ("Nadia", "f"), ("Ravi", "m"), ("Sofia", "f"), ("Yusuf", "m"), ("Hannah", "f"), ("Kwame", "m")]
STORY_RELATIVES = ["grandmother", "older brother", "younger sister", "best friend", "cousin", "aunt", "uncle",
                   "flatmate", "father", "mother"]
PRONOUNS = {"f": dict(he="she", him="her", his="her", himself="herself"),
            "m": dict(he="he", him="him", his="his", himself="himself")}

STORIES = [
    dict(banks=dict(smell=["fresh bread", "coffee and ripe strawberries", "oranges and fresh herbs"],
                    produce=["apples and pears", "tomatoes and peppers", "bright summer berries"],
                    buy1=["a bunch of carrots", "a dozen eggs", "some ripe tomatoes", "a small pumpkin"],
                    buy2=["apples", "potatoes", "green beans", "plums"]),
         slots=[["On Saturday morning, {name} walked to the market with {his} {rel}.",
                 "Early on Saturday, {name} and {his} {rel} set off for the market.",
                 "{Name} likes to visit the market on Saturday mornings, and this week {his} {rel} came too."],
                ["The stalls were already busy, and the air smelled of {smell}.",
                 "It was still cool, but the stalls were already piled high with {produce}.",
                 "A light rain had just stopped, and the stallholders were pulling back their covers."],
                ["{He} bought {buy1} and a bag of {buy2}.",
                 "They filled a basket with {buy1}, a bag of {buy2} and a loaf of fresh bread.",
                 "{He} chose {buy1} for lunch and a bag of {buy2} for the week ahead."],
                ["At the cheese stall, the owner let them try three different kinds before they chose one.",
                 "A man selling honey told them that his bees lived in the orchards just outside town.",
                 "{His} {rel} stopped to chat with an old friend who was selling flowers."],
                ["On the way home, they shared a warm pastry from the bakery on the corner.",
                 "They carried everything home and made a big salad for lunch.",
                 "Back at home, they unpacked everything and put the kettle on."]]),
    dict(banks=dict(cake=["chocolate cake", "lemon cake", "carrot cake", "sponge cake", "coffee and walnut cake"]),
         slots=[["{Name} wanted to bake a {cake} for {his} {rel}'s birthday.",
                 "It was {his} {rel}'s birthday, so {name} decided to bake a {cake}."],
                ["{He} found an old recipe in a notebook that had belonged to {his} grandmother.",
                 "{He} looked up a simple recipe and wrote a list of everything {he} needed.",
                 "{He} had never baked anything before, so {he} read the recipe twice."],
                ["{He} weighed the flour, sugar and butter carefully and cracked the eggs into a bowl.",
                 "Soon the whole kitchen was covered in a fine layer of flour.",
                 "{He} mixed the batter until it was smooth and poured it into a tin."],
                ["Halfway through, {he} realised that there was no baking powder in the cupboard, so {he} ran "
                 "next door to borrow some. In the end, the {cake} came out golden and smelled wonderful.",
                 "{He} set a timer but forgot to switch the oven on, and had to wait another forty minutes. "
                 "It was worth the wait.",
                 "The first attempt sank in the middle, so {he} tried again with a slightly cooler oven. "
                 "The second {cake} rose beautifully."],
                ["{His} {rel} was delighted, and there was not a crumb left by the evening.",
                 "They ate it in the garden with cups of tea, and {his} {rel} asked for the recipe.",
                 "{He} decorated it with a few candles and some fresh fruit."]]),
    dict(banks=dict(),
         slots=[["{Name} was already late for work when {he} realised that {his} keys were missing.",
                 "One Monday morning, {name} could not find {his} keys anywhere."],
                ["{He} checked {his} coat pockets, the kitchen drawer and the table by the door.",
                 "{He} emptied {his} bag onto the sofa and searched through everything twice.",
                 "{He} looked under the cushions, behind the bread bin and even in the fridge."],
                ["Then {he} remembered that {he} had been reading in the garden the evening before. "
                 "The keys were lying on the bench, next to an empty cup of tea.",
                 "Then {he} remembered coming home in the rain and hanging {his} jacket up to dry. "
                 "The keys were still in one of its pockets.",
                 "Then {he} remembered that {he} had unlocked the shed to fetch a bicycle pump. "
                 "The keys were still hanging in the shed door."],
                ["{He} caught the next bus and arrived only ten minutes late.",
                 "{He} laughed with relief and hurried out of the door.",
                 "{He} made it to work just in time, a little out of breath."],
                ["That evening, {he} put a small hook by the front door so that it would never happen again.",
                 "Since then, {he} has always kept {his} keys in the same bowl by the door."]]),
    dict(banks=dict(veg1=["courgettes", "tomatoes", "runner beans", "strawberries", "peas"],
                    veg2=["potatoes", "carrots", "onions", "lettuces"]),
         slots=[["Every spring, {name} plants vegetables in the small garden behind {his} house.",
                 "{Name} has a small allotment on the edge of town, where {he} grows vegetables."],
                ["This year {he} planted {veg1} and {veg2}, with a row of sunflowers along the fence.",
                 "This year {he} tried growing {veg1} for the first time, alongside the usual {veg2}."],
                ["{He} watered everything in the evenings whenever the weather was dry.",
                 "One night, a family of snails ate half of the young leaves.",
                 "The spring was cold, so everything grew slowly at first."],
                ["By August, there were more {veg1} than {he} could possibly eat.",
                 "By the end of the summer, the {veg1} were ready to pick, and the {veg2} soon followed."],
                ["{He} gave bags of vegetables to the neighbours and made soup with the rest.",
                 "{He} has already started planning what to grow next year.",
                 "{His} {rel} came to help with the harvest and went home with a full basket."]]),
    dict(banks=dict(inst=["piano", "guitar", "violin", "cello", "flute", "trumpet", "ukulele"],
                    months=["three", "four", "six", "eight", "ten"]),
         slots=[["{Name} has been learning to play the {inst} for {months} months.",
                 "{Name} started {inst} lessons at the beginning of the year."],
                ["At first, {his} fingers felt clumsy and every note seemed to come out wrong.",
                 "The first few weeks were frustrating, because progress seemed very slow."],
                ["{His} teacher told {him} to practise for twenty minutes every day rather than for hours once "
                 "a week.", "{He} began recording {himself} so that {he} could hear where {he} was going wrong."],
                ["Slowly, the exercises became easier, and {he} began to learn {his} first proper piece.",
                 "After a while, {he} could play a simple tune all the way through without stopping."],
                ["Last week, {he} played for {his} family, who clapped loudly at the end.",
                 "{He} hopes to join a small local group next year.",
                 "Now {he} looks forward to practising every evening."]]),
    dict(banks=dict(),
         slots=[["Last summer, {name} and {his} {rel} took the train to the coast.",
                 "One warm weekend in June, {name} travelled to the seaside with {his} {rel}.",
                 "For {his} birthday, {name} went on a day trip to the coast with {his} {rel}."],
                ["The journey took three hours, and {he} spent most of it watching fields and villages go by.",
                 "{He} had brought a book, but {he} spent most of the journey looking out of the window.",
                 "The train was crowded at first, but it emptied after the first few stops."],
                ["They walked along the beach, collecting smooth stones and shells.",
                 "They swam in the cold sea and then warmed up with a hot drink in a café.",
                 "They hired bicycles and rode along the path at the top of the cliffs."],
                ["At lunchtime, they ate fish and chips on a bench by the harbour while the gulls watched hopefully.",
                 "For lunch, they had sandwiches on the sand, sheltering from the wind behind a rock."],
                ["They caught the last train home, sunburnt and sleepy.",
                 "On the way back, {name} fell asleep before the train had even left the station.",
                 "It was one of the best days of the whole summer."]]),
    dict(banks=dict(),
         slots=[["It rained all day on Sunday, so {name} stayed indoors.",
                 "A storm kept {name} at home for the whole weekend."],
                ["{He} made a big pot of soup with whatever vegetables were left in the fridge.",
                 "{He} finally cleared out the cupboard under the stairs.",
                 "{He} spent the morning writing letters to old friends."],
                ["In the afternoon, {he} started a jigsaw puzzle of a mountain lake.",
                 "In the afternoon, {he} read half of a long novel that {he} had been saving.",
                 "In the afternoon, {he} phoned {his} {rel}, and they talked for almost an hour."],
                ["By the evening, the rain had stopped and the streets were shining under the lamps.",
                 "Outside, the wind kept rattling the windows, but the flat felt warm and quiet."],
                ["{He} went to bed early, feeling rested and ready for the week.",
                 "It had been a slow day, but a good one."]]),
    dict(banks=dict(),
         slots=[["{Name} noticed that {his} elderly neighbour had not been out for several days.",
                 "When {name} heard that the old man next door had hurt his ankle, {he} went round to see him."],
                ["{He} knocked on the door and offered to do some shopping.",
                 "{He} brought round a bowl of soup and asked whether anything else was needed."],
                ["Every few days after that, {he} dropped off bread, milk and the newspaper.",
                 "{He} also walked the neighbour's old dog around the park each morning."],
                ["When the neighbour was back on his feet, he invited {name} round for tea and cake.",
                 "A few weeks later, the neighbour knocked on {his} door with a jar of homemade jam to say thank "
                 "you."],
                ["They have been good friends ever since.",
                 "Now they often chat over the garden fence in the evenings."]]),
    dict(banks=dict(work=["a small bookshop", "the town library", "a busy café", "an architecture firm",
                          "a bicycle repair shop", "a local radio station", "a garden centre"]),
         slots=[["{Name} started a new job at {work} on Monday.",
                 "On Monday, {name} began working at {work}."],
                ["{He} was nervous and arrived half an hour early.", "{He} had barely slept the night before."],
                ["{His} new colleagues showed {him} around and explained how everything worked.",
                 "The manager gave {him} a notebook and told {him} not to worry about making mistakes."],
                ["By lunchtime, {he} had already learned the names of most of the team.",
                 "In the afternoon, {he} was given {his} first real task and was pleased with how it went."],
                ["When {he} got home, {he} told {his} {rel} all about it.",
                 "By Friday, it felt as if {he} had been there for months."]]),
    dict(banks=dict(view=["the whole valley spread out below them", "a lake shining in the distance",
                          "the roofs of the town and the sea beyond"]),
         slots=[["{Name} and {his} {rel} set out early to climb a hill outside the town.",
                 "On a clear autumn morning, {name} went walking in the hills with {his} {rel}."],
                ["The path climbed steeply through a pine forest.",
                 "They followed a stream that tumbled over rocks beside the path.",
                 "The first hour was easy, along a flat track between fields of sheep."],
                ["Near the top, the wind grew stronger and the air felt colder.",
                 "Halfway up, they stopped to eat apples and share a flask of tea."],
                ["From the summit, they could see {view}.", "At the top, they sat on a rock and looked at {view}."],
                ["They came down by a different path and reached the car just as it was getting dark.",
                 "Their legs ached the next day, but they were already planning the next walk."]]),
    dict(banks=dict(dish=["a vegetable curry", "a big pot of chilli", "homemade pizza", "a mushroom risotto",
                          "a roast chicken with potatoes"]),
         slots=[["{Name} invited a few friends round for dinner on Friday evening.",
                 "To celebrate the end of a long week, {name} cooked dinner for some friends."],
                ["{He} decided to make {dish}, because it was easy to cook for a crowd.",
                 "{He} spent the afternoon making {dish} from a recipe {his} {rel} had sent."],
                ["One friend brought a salad, and another brought a cake from the bakery.",
                 "Everyone arrived at once, and the small kitchen was suddenly full of laughter."],
                ["They ate around the little table and talked until late.",
                 "After dinner, they played cards, and nobody noticed how late it had become."],
                ["The next morning, there was a mountain of washing-up, but {name} did not mind at all.",
                 "Everyone agreed that they should do it again next month."]]),
    dict(banks=dict(),
         slots=[["{Name} decided to cycle to work instead of taking the bus.",
                 "When the bus fares went up, {name} bought a second-hand bicycle."],
                ["The first week was hard, especially the long hill near the station.",
                 "At first, {he} felt nervous riding in the busy morning traffic."],
                ["After a few weeks, {he} found a quieter route along the river.",
                 "Gradually, {he} grew stronger, and the hill no longer seemed so steep."],
                ["Now {he} arrives at work awake and in a good mood.",
                 "{He} saves money every month and feels fitter than {he} has in years."],
                ["On rainy days, {he} still takes the bus, but only when {he} really has to.",
                 "{His} {rel} has started cycling too."]]),
    dict(banks=dict(pet=["a kitten", "a puppy", "an old rescue dog", "a pair of guinea pigs"]),
         slots=[["Last month, {name} brought home {pet} from the animal shelter.",
                 "After months of thinking about it, {name} adopted {pet}."],
                ["For the first few days, the new arrival hid under the bed and would not come out.",
                 "The first night was noisy, and nobody in the house got much sleep."],
                ["{Name} was patient and sat quietly nearby, talking softly.",
                 "{He} read a book about caring for animals and set up a quiet corner with a soft blanket."],
                ["By the end of the second week, the house felt like home for everyone.",
                 "Slowly, the shy newcomer began to trust {him}."],
                ["Now it is hard to remember what life was like before.",
                 "{His} {rel} says that the house has never been so lively."]]),
]


def make_story(rng: random.Random) -> str:
    story = rng.choice(STORIES)
    name, g = rng.choice(STORY_PEOPLE)
    kw = dict(PRONOUNS[g], name=name, rel=rng.choice(STORY_RELATIVES))
    kw.update({k: rng.choice(v) for k, v in story["banks"].items()})
    kw.update({k.capitalize(): cap(v) for k, v in list(kw.items())})
    return " ".join(rng.choice(slot).format(**kw) for slot in story["slots"])


# ================================================================================================ general Chinese
ZH_COUNTRIES = [  # (国家, 首都, 所在大洲, 主要语言 or None)
    ("法国", "巴黎", "欧洲", "法语"), ("德国", "柏林", "欧洲", "德语"), ("意大利", "罗马", "欧洲", "意大利语"),
    ("西班牙", "马德里", "欧洲", "西班牙语"), ("葡萄牙", "里斯本", "欧洲", "葡萄牙语"), ("英国", "伦敦", "欧洲", "英语"),
    ("荷兰", "阿姆斯特丹", "欧洲", "荷兰语"), ("瑞典", "斯德哥尔摩", "欧洲", "瑞典语"), ("挪威", "奥斯陆", "欧洲", "挪威语"),
    ("芬兰", "赫尔辛基", "欧洲", None), ("波兰", "华沙", "欧洲", "波兰语"), ("希腊", "雅典", "欧洲", "希腊语"),
    ("奥地利", "维也纳", "欧洲", "德语"), ("瑞士", "伯尔尼", "欧洲", None), ("俄罗斯", "莫斯科", "欧洲和亚洲", "俄语"),
    ("日本", "东京", "亚洲", "日语"), ("韩国", "首尔", "亚洲", "韩语"), ("泰国", "曼谷", "亚洲", "泰语"),
    ("越南", "河内", "亚洲", "越南语"), ("印度", "新德里", "亚洲", None), ("蒙古", "乌兰巴托", "亚洲", "蒙古语"),
    ("伊朗", "德黑兰", "亚洲", "波斯语"), ("尼泊尔", "加德满都", "亚洲", "尼泊尔语"), ("埃及", "开罗", "非洲", "阿拉伯语"),
    ("肯尼亚", "内罗毕", "非洲", None), ("埃塞俄比亚", "亚的斯亚贝巴", "非洲", None), ("加拿大", "渥太华", "北美洲", None),
    ("美国", "华盛顿", "北美洲", "英语"), ("墨西哥", "墨西哥城", "北美洲", "西班牙语"),
    ("巴西", "巴西利亚", "南美洲", "葡萄牙语"), ("阿根廷", "布宜诺斯艾利斯", "南美洲", "西班牙语"),
    ("智利", "圣地亚哥", "南美洲", "西班牙语"), ("秘鲁", "利马", "南美洲", "西班牙语"),
    ("澳大利亚", "堪培拉", "大洋洲", "英语"), ("新西兰", "惠灵顿", "大洋洲", "英语"),
]
ZH_PROVINCES = [  # (省级行政区, 省会或首府, 简称, 类型)
    ("广东", "广州", "粤", "省"), ("浙江", "杭州", "浙", "省"), ("江苏", "南京", "苏", "省"), ("四川", "成都", "川”或“蜀", "省"),
    ("湖北", "武汉", "鄂", "省"), ("湖南", "长沙", "湘", "省"), ("山东", "济南", "鲁", "省"), ("河南", "郑州", "豫", "省"),
    ("河北", "石家庄", "冀", "省"), ("陕西", "西安", "陕”或“秦", "省"), ("福建", "福州", "闽", "省"), ("云南", "昆明", "云”或“滇", "省"),
    ("贵州", "贵阳", "贵”或“黔", "省"), ("辽宁", "沈阳", "辽", "省"), ("吉林", "长春", "吉", "省"), ("黑龙江", "哈尔滨", "黑", "省"),
    ("江西", "南昌", "赣", "省"), ("安徽", "合肥", "皖", "省"), ("山西", "太原", "晋", "省"), ("甘肃", "兰州", "甘”或“陇", "省"),
    ("海南", "海口", "琼", "省"), ("青海", "西宁", "青", "省"),
    ("广西", "南宁", "桂", "自治区"), ("内蒙古", "呼和浩特", "内蒙古", "自治区"), ("西藏", "拉萨", "藏", "自治区"),
    ("新疆", "乌鲁木齐", "新", "自治区"), ("宁夏", "银川", "宁", "自治区"),
]
ZH_ELEMENTS = [("氢", "H", 1), ("氦", "He", 2), ("碳", "C", 6), ("氮", "N", 7), ("氧", "O", 8), ("钠", "Na", 11),
               ("镁", "Mg", 12), ("铝", "Al", 13), ("硅", "Si", 14), ("氯", "Cl", 17), ("钾", "K", 19),
               ("钙", "Ca", 20), ("铁", "Fe", 26), ("铜", "Cu", 29), ("锌", "Zn", 30), ("银", "Ag", 47),
               ("锡", "Sn", 50), ("金", "Au", 79), ("汞", "Hg", 80), ("铅", "Pb", 82)]
ZH_SENTENCES = [
    # 地理
    "长江是中国最长的河流，全长约六千三百公里。", "黄河被称为中华民族的母亲河。", "珠穆朗玛峰是世界最高峰。",
    "泰山位于山东省，被称为五岳之首。", "桂林山水以奇峰和清澈的漓江闻名。", "苏州以精巧的古典园林闻名。",
    "洛阳是中国著名的古都之一，以牡丹闻名。", "布达拉宫位于拉萨，海拔约三千七百米。", "青海湖是中国最大的咸水湖。",
    "鄱阳湖是中国最大的淡水湖。", "武汉被长江和汉江分为武昌、汉口和汉阳三镇。", "昆明气候温和，被称为春城。",
    "哈尔滨的冰雪节每年冬天吸引大量游客。", "杭州的西湖是著名的风景名胜。", "西安古称长安，曾是多个朝代的都城。",
    "成都的大熊猫繁育研究基地吸引了许多游客。", "重庆是中国的直辖市之一，以火锅闻名。", "上海是中国重要的经济和金融中心。",
    "北京是中国的首都，也是全国的政治和文化中心。", "台湾海峡位于福建和台湾之间。", "海南岛是中国第二大岛。",
    "塔克拉玛干沙漠是中国最大的沙漠。", "青藏高原被称为世界屋脊。", "中国的陆地面积约为九百六十万平方公里。",
    "太平洋是世界上面积最大的海洋。", "亚洲是世界上面积最大、人口最多的大洲。", "南极洲是地球上最寒冷的大陆。",
    "撒哈拉沙漠是世界上最大的热带沙漠。", "亚马孙雨林是世界上最大的热带雨林。", "尼罗河流经埃及，最后注入地中海。",
    # 历史与文化
    "造纸术、指南针、火药和印刷术被称为中国古代的四大发明。", "东汉的蔡伦改进了造纸术。", "北宋的毕昇发明了活字印刷术。",
    "东汉的张衡制作了候风地动仪。", "秦始皇于公元前二二一年统一了中国。", "长城最早修建于春秋战国时期。",
    "丝绸之路把古代中国和地中海地区连接了起来。", "郑和在明朝初年曾多次率领船队远航。", "孔子是春秋时期的思想家和教育家。",
    "司马迁撰写了中国第一部纪传体通史《史记》。", "李白是唐代著名诗人，被称为诗仙。", "杜甫是唐代著名诗人，被称为诗圣。",
    "苏轼是北宋著名的文学家和书法家。", "《红楼梦》的作者是曹雪芹。", "《西游记》的作者是吴承恩。", "《三国演义》的作者是罗贯中。",
    "鲁迅是中国现代文学的奠基人之一，代表作有《狂人日记》和《阿Q正传》。", "京剧是中国的国粹之一，已有两百多年的历史。",
    "书法是用毛笔书写汉字的艺术。", "春节是中国最重要的传统节日。", "中秋节有吃月饼、赏月的习俗。", "端午节有赛龙舟、吃粽子的习俗。",
    "元宵节的传统活动包括赏花灯和猜灯谜。", "清明节是祭祖和踏青的日子。", "二十四节气是古人根据太阳运行总结出来的历法知识。",
    "中国是世界上最早种植水稻的国家之一。", "茶起源于中国，后来传到了世界各地。", "英语里表示瓷器的单词china和国名China拼写相同。",
    "第一届现代奥林匹克运动会于一八九六年在雅典举行。", "二零零八年夏季奥运会在北京举行。",
    # 科学
    "水在标准大气压下的沸点是一百摄氏度。", "水在零摄氏度时会结冰。", "光在真空中的传播速度约为每秒三十万公里。",
    "声音在水中的传播速度比在空气中快。", "地球绕太阳公转一周大约需要三百六十五天。", "月球绕地球一周大约需要二十七天。",
    "太阳是离地球最近的恒星。", "木星是太阳系中最大的行星。", "水星是离太阳最近的行星。", "火星因表面含有大量氧化铁而呈红色。",
    "土星有一个由冰块和岩石组成的美丽光环。", "植物通过光合作用把二氧化碳和水转化为养分，并释放出氧气。", "空气中约有百分之七十八是氮气。",
    "空气中约有百分之二十一是氧气。", "磁铁的同极相斥，异极相吸。", "三棱镜可以把白光分解成七种颜色的光。", "冰的密度比水小，所以能浮在水面上。",
    "细胞是生物体结构和功能的基本单位。", "遗传信息储存在脱氧核糖核酸中。", "细菌是单细胞生物，大多数细菌对人体无害。",
    "病毒只能在活细胞中繁殖。", "金属一般是热和电的良导体。", "铁在潮湿的空气中容易生锈。", "地震是地壳快速运动引起的。",
    "彩虹是阳光经过雨滴折射和反射后形成的。", "雷声是闪电使空气急剧受热膨胀而产生的。", "潮汐主要是由月球的引力引起的。",
    "季节的变化是由地轴倾斜引起的。", "一光年是光在一年中传播的距离。", "化石是古代生物的遗体或遗迹保存在岩石中形成的。",
    # 动物与植物
    "大熊猫主要以竹子为食，生活在中国西南的山区。", "长颈鹿是世界上最高的陆地动物。", "蓝鲸是地球上已知体形最大的动物。",
    "猎豹是陆地上奔跑速度最快的动物。", "企鹅主要生活在南半球。", "骆驼的驼峰里储存的是脂肪，而不是水。", "蝙蝠是唯一真正会飞的哺乳动物。",
    "章鱼有三颗心脏和八条腕足。", "蜜蜂通过跳舞告诉同伴花蜜的位置。", "袋鼠用腹部的育儿袋养育幼崽。", "丹顶鹤在中国文化中象征长寿。",
    "扬子鳄是中国特有的一种鳄鱼。", "金丝猴生活在中国的高山森林中。", "东北虎是世界上体形最大的猫科动物之一。", "海豚用回声定位来寻找食物。",
    "青蛙小时候是生活在水里的蝌蚪。", "竹子是生长速度最快的植物之一。", "银杏是一种非常古老的树种，被称为活化石。",
    "仙人掌用肥厚的茎储存水分。", "许多候鸟每年都要迁徙数千公里。", "树叶呈绿色是因为含有叶绿素。", "蘑菇属于真菌，而不是植物。",
    "荷花生长在池塘里，夏天开花。", "梅花在寒冷的冬末初春开放。", "松树一年四季都是绿色的。",
    # 健康
    "经常运动可以增强心肺功能。", "成年人每天一般需要七到九个小时的睡眠。", "饭前便后要用肥皂洗手。", "多吃蔬菜和水果有益健康。",
    "早晚刷牙可以预防蛀牙。", "吸烟有害健康，是导致肺癌的主要原因之一。", "抗生素可以治疗细菌感染，但对病毒无效。",
    "人体内最大的器官是皮肤。", "成年人的身体共有二百零六块骨头。", "心脏通过血管把血液输送到全身。", "肺负责吸入氧气、排出二氧化碳。",
    "肝脏能帮助人体清除血液中的有害物质。", "钙对骨骼和牙齿的健康很重要。", "长时间看屏幕后，应该让眼睛适当休息。",
    "维生素C广泛存在于新鲜的水果和蔬菜中。", "适量饮水有助于身体调节体温。", "晒太阳可以帮助人体合成维生素D。", "接种疫苗可以预防多种传染病。",
    "长期处在嘈杂的环境中可能损伤听力。", "保持良好的坐姿有助于保护颈椎和腰椎。",
    # 饮食
    "饺子是中国北方的传统食物，春节时家家户户都要包饺子。", "北京烤鸭是北京的传统名菜。", "麻婆豆腐是四川的传统名菜。",
    "火锅在重庆和四川特别受欢迎。", "广东人喜欢喝早茶，吃点心。", "兰州牛肉面以汤清、肉烂、面细而闻名。", "粽子是用竹叶包糯米做成的。",
    "月饼是中秋节的传统食品。", "豆腐是用黄豆制作的。", "米饭是中国南方人的主食，北方人则常吃面食。", "醋和酱油是中国菜常用的调味品。",
    "做菜前先把蔬菜洗干净。", "煮饭前先把米淘洗一下。", "切过生肉的砧板要洗干净后再切熟食。", "炒菜时油温太高容易冒烟。",
    "面包能发起来，是因为酵母产生了二氧化碳。", "盐能让很多食物的味道更鲜美。", "绿茶、红茶和乌龙茶的主要区别在于发酵程度不同。",
    # 科技
    "计算机的中央处理器负责执行程序中的指令。", "内存用来存放计算机正在使用的数据。", "固态硬盘用闪存芯片储存数据，没有机械部件。",
    "无线网络利用无线电波在设备之间传输数据。", "操作系统负责管理计算机的硬件和软件。", "加密技术可以防止他人读取我们的信息。",
    "二进制数只用零和一两个数字。", "一个字节由八个比特组成。", "太阳能电池板可以把阳光直接转化为电能。", "风力发电机把风能转化为电能。",
    "电动汽车用电池和电动机代替了汽油发动机。", "光纤利用光脉冲传输数据。", "卫星导航系统通过接收多颗卫星的信号来确定位置。",
    "二维码用黑白相间的小方块储存信息。", "算法是解决问题的一系列明确步骤。", "定期备份可以防止重要文件丢失。", "密码越长、越复杂，就越安全。",
    "双重验证要求用户提供第二种身份证明，例如手机验证码。", "机器学习让计算机从大量例子中学习规律。", "搜索引擎会先为网页建立索引，再回答查询。",
    "三维打印机一层一层地制造物体。", "高铁让城市之间的往来更加方便快捷。", "智能手机里装有能感知方向的传感器。", "发光二极管灯比白炽灯省电得多。",
    "中国的第一颗人造地球卫星于一九七零年发射成功。",
    # 经济
    "通货膨胀是指物价在一段时间内普遍上涨。", "国内生产总值衡量一个国家生产的全部商品和服务的价值。", "需求增加而供给不变时，价格往往会上涨。",
    "利息是借钱所付出的代价。", "税收用于支付学校、道路和医院等公共服务的费用。", "汇率是一种货币用另一种货币表示的价格。",
    "股票代表对公司的一部分所有权。", "把投资分散到不同的资产上可以降低风险。", "关税是对进口商品征收的税。", "预算是对收入和支出的计划。",
    "复利是指利息也会产生新的利息。", "保险把少数人的损失分摊给许多人。", "储蓄是为将来的需要做准备。", "市场让买家和卖家聚在一起商定价格。",
    "人民币的单位有元、角和分。",
    # 日常生活
    "很多人早上喜欢喝一杯茶或咖啡。", "周末，很多家庭会去公园散步。", "图书馆可以免费借阅图书。", "垃圾分类有助于保护环境。",
    "骑自行车上班既省钱又能锻炼身体。", "出门前要记得关好门窗。", "随手关灯可以节约用电。", "做好计划能让一天的工作更有条理。",
    "学习一门外语需要每天坚持练习。", "睡前阅读是一种很好的放松方式。", "很多家庭晚上会一起吃晚饭。", "节假日里，火车站和机场通常很拥挤。",
    "下雨天出门别忘了带伞。", "养宠物需要耐心和责任心。", "每天散步半小时对身体有好处。", "搬家前最好列一张物品清单。",
    "和朋友聊天能让人心情愉快。", "整洁的书桌能让人更专心地学习。", "超市里通常把新鲜的蔬菜水果放在入口附近。", "公交车和地铁是城市里常见的交通工具。",
    # 数学与语言
    "三角形的三个内角之和是一百八十度。", "正方形有四条相等的边和四个直角。", "圆周率是圆的周长与直径的比值。", "质数只有一和它本身两个因数。",
    "一个世纪是一百年。", "平年有三百六十五天，闰年有三百六十六天。", "一公里等于一千米。", "一小时有六十分钟，一分钟有六十秒。",
    "汉字是世界上使用人数最多的文字之一。", "普通话以北京语音为标准音。", "成语大多由四个字组成。", "唐诗和宋词是中国古典文学的瑰宝。",
    "标点符号能帮助读者理解句子的意思。", "英语字母表共有二十六个字母。", "阿拉伯语是从右向左书写的。",
    # 体育与艺术
    "乒乓球在中国有着广泛的群众基础。", "足球比赛中，每队有十一名球员上场。", "篮球比赛中，每队有五名球员上场。", "排球比赛中，每队有六名球员上场。",
    "马拉松的全程距离是四十二点一九五公里。", "国际象棋的棋盘有六十四个格子。", "围棋起源于中国，已有几千年的历史。", "太极拳是一种动作缓慢柔和的传统武术。",
    "奥运五环的颜色是蓝、黄、黑、绿、红。", "二胡是一种有两根弦的中国传统乐器。", "古筝是中国传统的弹拨乐器。", "钢琴有八十八个琴键。",
    "交响乐团通常由弦乐、木管、铜管和打击乐四个部分组成。", "水墨画是中国传统绘画的一种形式。", "剪纸是中国民间的传统艺术。",
    "国画讲究笔墨和意境。", "京剧的脸谱用不同颜色表示人物的性格。",
]


def build_general_zh(out: Path) -> dict:
    rng = rng_for("general_zh")
    lines = list(ZH_SENTENCES)
    for c, capital, cont, lang in ZH_COUNTRIES:
        lines.append(rng.choice([f"{c}的首都是{capital}。", f"{capital}是{c}的首都。"]))
        where = "地跨欧洲和亚洲" if cont == "欧洲和亚洲" else rng.choice([f"位于{cont}", f"是{cont}的一个国家"])
        lines.append(f"{c}{where}。")
        if lang:
            lines.append(rng.choice([f"{c}人主要说{lang}。", f"{c}的主要语言是{lang}。"]))
    for prov, capital, abbr, kind in ZH_PROVINCES:
        full = prov + ("省" if kind == "省" else "")
        seat = "省会" if kind == "省" else "首府"
        lines.append(rng.choice([f"{full}的{seat}是{capital}。", f"{capital}是{full}的{seat}。"]))
        if kind == "省":
            lines.append(f"{full}的简称是“{abbr}”。")
    for name, sym, n in ZH_ELEMENTS:
        lines.append(rng.choice([f"{name}的元素符号是{sym}。", f"{name}元素的化学符号是{sym}。"]))
        lines.append(rng.choice([f"{name}的原子序数是{n}。", f"{name}原子的原子核中有{n}个质子。"]))
    lines = unique(lines)
    rng.shuffle(lines)
    write_lines(out / "general/zh.txt", lines)
    return {"lines": len(lines)}


# ================================================================================================ NER (English, CoNLL IOB2)
# People and companies are invented; places, nationalities, languages, institutions and events are real names
# used in invented news-style sentences. Templates are pre-tokenised (space-separated); {SLOT}s expand to tokens.

NER_FIRST = ["James", "Maria", "Wei", "Aisha", "Carlos", "Olga", "Kenji", "Fatima", "Peter", "Laura", "Ahmed",
             "Sofia", "Daniel", "Priya", "Lukas", "Elena", "Samuel", "Yuki", "Omar", "Grace", "Mateo", "Ingrid",
             "David", "Chloe", "Ivan", "Nadia", "Thomas", "Amara", "Hugo", "Mei"]
NER_LAST = ["Smith", "Garcia", "Chen", "Okafor", "Müller", "Kowalski", "Tanaka", "Haddad", "Johansson", "Rossi",
            "Novak", "Dubois", "Patel", "Silva", "O'Brien", "Nguyen", "Fischer", "Costa", "Petrov", "Mensah",
            "Larsen", "Kim", "Morales", "Schmidt", "Ahmed", "Moreau", "Hughes", "Yilmaz", "Santos", "Kovacs"]
NER_SPECIAL_PER = ["Anna van der Berg", "Carlos de la Cruz", "Jean-Luc Moreau", "Mary-Kate O'Neill",
                   "Juan Pablo Herrera", "Kwame Asante", "Ana Lucía Reyes", "Pieter de Vries", "John F. Baker",
                   "Sarah J. Collins"]
NER_BANKS = {
    "ORG_CO": ("ORG", ["Northwind Traders", "Bluefin Software", "Harbor Logistics", "Greenfield Energy",
                       "Silverline Airways", "Apex Motors", "Redwood Pharmaceuticals", "Orion Telecom",
                       "Summit Foods", "Kestrel Mining", "Lakeside Bank", "Brightpath Media", "Nordvik Steel",
                       "Crescent Insurance", "Atlas Shipping Group", "Pioneer Semiconductors", "Zephyr Robotics",
                       "Cobalt Systems", "Evergreen Textiles", "Helios Solar"]),
    "ORG_INST": ("ORG", ["United Nations", "World Health Organization", "International Monetary Fund", "Red Cross",
                         "World Bank", "European Commission", "African Union", "Bank of Canada",
                         "European Central Bank", "Bank of England", "World Trade Organization"]),
    "UNI": ("ORG", ["Oxford University", "University of Toronto", "Harvard University", "Stanford University",
                    "University of Cape Town", "Kyoto University", "University of Melbourne", "Sorbonne University",
                    "University of Nairobi", "Seoul National University"]),
    "CLUB": ("ORG", ["Riverside Rovers", "Northgate United", "FC Lindholm", "Atlético Serrano", "Sporting Vale",
                     "Harbour City", "Dynamo Karsk", "Real Costa Azul", "Eastfield Athletic", "Union Montclair"]),
    "MEDIA": ("ORG", ["Reuters", "BBC", "Associated Press", "Al Jazeera", "Bloomberg", "Xinhua", "Le Monde",
                      "Deutsche Welle"]),
    "CITY": ("LOC", ["New York", "Buenos Aires", "Cape Town", "Paris", "Tokyo", "Berlin", "Nairobi", "Lagos",
                     "São Paulo", "Hong Kong", "Rio de Janeiro", "Mexico City", "Singapore", "Sydney", "Madrid",
                     "Cairo", "Seoul", "Amsterdam", "Chicago", "Los Angeles", "Mumbai", "Istanbul", "Toronto",
                     "Lisbon", "Warsaw", "Dublin", "Vienna", "Lima", "Jakarta", "Manila", "Kuala Lumpur",
                     "Addis Ababa"]),
    "COUNTRY": ("LOC", ["United States", "Canada", "Germany", "Brazil", "India", "South Africa", "Japan", "France",
                        "Kenya", "New Zealand", "Argentina", "Egypt", "South Korea", "Italy", "Mexico", "Australia",
                        "Norway", "Vietnam", "Chile", "Poland", "Nigeria", "Sweden", "Morocco", "Indonesia"]),
    "RANGE": ("LOC", ["Alps", "Andes", "Himalayas", "Rocky Mountains", "Pyrenees", "Atlas Mountains", "Carpathians"]),
    "NAT": ("MISC", ["German", "French", "Brazilian", "Japanese", "Kenyan", "Canadian", "Dutch", "Indian", "Mexican",
                     "Italian", "Australian", "Nigerian", "Swedish", "Korean", "Spanish", "Egyptian", "Polish",
                     "Argentine", "Chinese", "Turkish"]),
    "LANG": ("MISC", ["English", "Spanish", "Mandarin", "Arabic", "Portuguese", "Swahili", "French", "German",
                      "Japanese", "Hindi", "Russian", "Korean"]),
    "MULTI": ("MISC", ["Olympic Games", "Commonwealth Games", "Paralympic Games", "Asian Games",
                       "World Athletics Championships"]),
    "CUP": ("MISC", ["World Cup", "Champions League", "Copa América", "Africa Cup of Nations", "European Championship"]),
    "WORLDCUP": ("MISC", ["World Cup", "Rugby World Cup", "Cricket World Cup", "Hockey World Cup", "Davis Cup"]),
    "HOT_CITY": ("LOC", ["Cairo", "Mumbai", "Lagos", "Madrid", "Sydney", "Los Angeles", "Jakarta", "Manila", "Seville",
                         "Phoenix", "Dubai", "Athens"]),
    "TENNIS": ("MISC", ["Australian Open", "French Open", "US Open", "Wimbledon Championships"]),
    "CYCLE": ("MISC", ["Tour de France", "Giro d'Italia", "Vuelta a España"]),
    "AWARD": ("MISC", ["Nobel Prize", "Pulitzer Prize", "Booker Prize", "Fields Medal", "Turing Award"]),
}
# film prizes must match their festival
NER_FESTIVALS = [("Golden Lion", "Venice Film Festival"), ("Palme d'Or", "Cannes Film Festival"),
                 ("Golden Bear", "Berlin International Film Festival")]
# rivers with cities that really stand on them
NER_RIVERS = {"Rhine": ["Cologne", "Basel", "Düsseldorf"], "Danube": ["Vienna", "Budapest", "Belgrade"],
              "Thames": ["London", "Oxford", "Reading"], "Seine": ["Paris", "Rouen"], "Nile": ["Cairo", "Khartoum"],
              "Mississippi": ["New Orleans", "St. Louis", "Memphis"], "Yangtze": ["Wuhan", "Nanjing", "Chongqing"],
              "Mekong": ["Phnom Penh", "Vientiane"], "Volga": ["Kazan", "Volgograd"], "Amazon": ["Manaus", "Iquitos"]}
NER_FILLERS = {
    "DAY": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "MONTH": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"],
    "YEAR": [str(y) for y in range(1988, 2024)],
    "N": [str(n) for n in range(2, 41)],
    "SMALLN": [str(n) for n in range(3, 13)],
    "SCORE": ["1-0", "2-0", "2-1", "3-1", "3-2", "4-0", "4-2"],
    "TEMP": [str(n) for n in range(31, 45)],
    "DECADE": ["1920s", "1950s", "1960s", "1970s", "1980s"],
}
NER_TEMPLATES = [
    "{PER} joined {ORG_CO} as chief financial officer in {YEAR} .",
    "{ORG_CO} said on {DAY} that its profits rose {N} percent in the third quarter .",
    "{PER} , a spokesperson for {ORG_CO} , said the talks in {CITY} had been productive .",
    "The {NAT} team reached the semi-finals of the {WORLDCUP} .",
    "{PER} scored twice as {CLUB} beat {CLUB} {SCORE} on {DAY} .",
    "Flights between {CITY} and {CITY} were cancelled because of bad weather .",
    "{PER} was born in {CITY} and moved to {COUNTRY} at the age of {SMALLN} .",
    "The {NAT} government said it would open a new consulate in {CITY} .",
    "Shares in {ORG_CO} fell {N} percent in early trading on {DAY} .",
    "{PER} will represent {COUNTRY} at the {MULTI} next year .",
    "Officials from the {ORG_INST} met {NAT} ministers in {CITY} on {DAY} .",
    "According to {MEDIA} , unemployment in {COUNTRY} fell to {SMALLN} percent in {MONTH} .",
    "{PER} 's new novel is set in {CITY} in the {DECADE} .",
    "The museum in {CITY} will host an exhibition of {NAT} photography in {MONTH} .",
    "{ORG_CO} opened a new office in {CITY} last month .",
    "{PER} , who speaks fluent {LANG} , works as a translator for the {ORG_INST} .",
    "Heavy rain caused flooding along the {RIVER_NEAR} .",
    "{PER} received the {AWARD} in {YEAR} .",
    "{PER} and {PER} founded {ORG_CO} in {CITY} in {YEAR} .",
    "Thousands of fans travelled to {CITY} for the {CUP} .",
    "{ORG_CO} has appointed {PER} as its new chief executive .",
    "Tourists from {COUNTRY} and {COUNTRY} crowded the old town on {DAY} .",
    "{PER} told {MEDIA} that the project would be finished by {MONTH} .",
    "Negotiators from the {ORG_INST} arrived in {CITY} late on {DAY} .",
    "The {NAT} writer {PER} will give a talk at {UNI} next week .",
    "Temperatures in {HOT_CITY} reached {TEMP} degrees on {DAY} .",
    "{ORG_CO} is recalling thousands of products sold in {COUNTRY} .",
    "{PER} played the piano at the opening of the new concert hall in {CITY} .",
    "{PER} , a professor at {UNI} , has studied glaciers in the {RANGE} for twenty years .",
    "{PER} spent three weeks hiking in the {RANGE} last summer .",
    "The {ORG_INST} sent medical supplies to {COUNTRY} after the earthquake .",
    "{SUR} said the decision was a victory for common sense .",
    "{PER} beat {PER} in straight sets to reach the final of the {TENNIS} .",
    "{PER} , the {NAT} ambassador to {COUNTRY} , gave a speech on trade on {DAY} .",
    "Engineers at {ORG_CO} in {CITY} are developing a cheaper battery .",
    "The {NAT} cyclist {PER} won the first stage of the {CYCLE} .",
    "{MEDIA} reported that {ORG_CO} plans to cut {N} jobs in {COUNTRY} .",
    "A new direct rail link between {CITY} and {CITY} opened on {DAY} .",
    "{PER} 's family moved from {COUNTRY} to {CITY} many years ago .",
    "{PER} studied {LANG} at {UNI} before joining {ORG_CO} .",
    "Fans of {CLUB} celebrated in the streets until late at night .",
    "{PER} won a silver medal for {COUNTRY} at the {MULTI} .",
    "{PER} has been named head coach of {CLUB} .",
    "Delegates from {N} countries gathered in {CITY} for talks hosted by the {ORG_INST} .",
    "The {NAT} director {PER} won the {FILM_PRIZE} .",
    "Mr {SUR} declined to comment on the report .",
    "Dr {PER} leads a research group at {UNI} .",
    "{PER} grew up in {CITY} and now lives in {COUNTRY} .",
    "The {ORG_INST} warned that growth in {COUNTRY} would slow this year .",
    "Ms {SUR} thanked {ORG_CO} for its support .",
    "{CLUB} signed the {NAT} striker {PER} on a three-year contract .",
    "Police in {CITY} closed several roads ahead of the marathon on {DAY} .",
    "{PER} , from {CITY} , finished third in the {NAT} championship .",
]
NER_EMPTY_TEMPLATES = [
    "Prices rose {N} percent in {MONTH} .", "The meeting was postponed until next {DAY} .",
    "Heavy snow closed several roads on {DAY} morning .", "The company expects sales to grow next year .",
    "Most of the shops were closed for the holiday .", "The committee will publish its report in {MONTH} .",
    "Rain is expected to continue for the rest of the week .", "The new bridge will take about {SMALLN} years to build .",
    "Attendance at the match was lower than expected .", "The central bank left interest rates unchanged on {DAY} .",
    "She said the results were encouraging .", "Ticket prices will rise by {N} percent from {MONTH} .",
    "The train was delayed by {N} minutes .", "Workers voted to accept the new pay offer .",
    "The final score was {SCORE} .", "He said the talks would continue on {DAY} .",
    "The museum will stay open late every {DAY} in {MONTH} .", "Officials said nobody was hurt in the fire .",
]


def _ner_person(rng):
    r = rng.random()
    if r < 0.15:
        return rng.choice(NER_SPECIAL_PER)
    return f"{rng.choice(NER_FIRST)} {rng.choice(NER_LAST)}"


def _ner_entity(tokens, etype):
    return [(t, ("B-" if i == 0 else "I-") + etype) for i, t in enumerate(tokens)]


# a nationality and the places that would make "the Kenyan ambassador to Kenya" or "an embassy in its own capital"
NER_NAT_HOME = {"German": ["Germany", "Berlin"], "French": ["France", "Paris"],
                "Brazilian": ["Brazil", "São Paulo", "Rio de Janeiro"], "Japanese": ["Japan", "Tokyo"],
                "Kenyan": ["Kenya", "Nairobi"], "Canadian": ["Canada", "Toronto"], "Dutch": ["Amsterdam"],
                "Indian": ["India", "Mumbai"], "Mexican": ["Mexico", "Mexico City"], "Italian": ["Italy"],
                "Australian": ["Australia", "Sydney"], "Nigerian": ["Nigeria", "Lagos"], "Swedish": ["Sweden"],
                "Korean": ["South Korea", "Seoul"], "Spanish": ["Madrid"], "Egyptian": ["Egypt", "Cairo"],
                "Polish": ["Poland", "Warsaw"], "Argentine": ["Argentina", "Buenos Aires"], "Chinese": ["Hong Kong"],
                "Turkish": ["Istanbul"]}


def _ner_abroad_ok(tokens) -> bool:
    text = " ".join(tokens)
    for nat, homes in NER_NAT_HOME.items():
        if nat in tokens and any(h in text for h in homes):
            return False
    return True


def make_ner_sentence(rng, template):
    while True:
        tokens, tags = _make_ner_sentence(rng, template)
        if ("consulate" not in template and "ambassador" not in template) or _ner_abroad_ok(tokens):
            return tokens, tags


def _make_ner_sentence(rng, template):
    out = []
    used = {}
    for tok in template.split():
        m = re.fullmatch(r"\{([A-Z_]+)\}", tok)
        if not m:
            out.append((tok, "O"))
            continue
        slot = m.group(1)
        if slot == "PER":
            name = _ner_person(rng)
            while name in used.get(slot, []):
                name = _ner_person(rng)
            used.setdefault(slot, []).append(name)
            out += _ner_entity(name.split(), "PER")
        elif slot == "SUR":
            out += _ner_entity([rng.choice(NER_LAST)], "PER")
        elif slot == "RIVER_NEAR":
            river = rng.choice(list(NER_RIVERS))
            out += _ner_entity([river], "LOC") + [("near", "O")]
            out += _ner_entity(rng.choice(NER_RIVERS[river]).split(), "LOC")
        elif slot == "FILM_PRIZE":
            prize, festival = rng.choice(NER_FESTIVALS)
            out += _ner_entity(prize.split(), "MISC") + [("at", "O"), ("the", "O")]
            out += _ner_entity(festival.split(), "MISC")
        elif slot in NER_BANKS:
            etype, bank = NER_BANKS[slot]
            choice = rng.choice(bank)
            while choice in used.get(slot, []):  # "flights between Paris and Paris" never happens
                choice = rng.choice(bank)
            used.setdefault(slot, []).append(choice)
            if choice.startswith("University of"):
                out.append(("the", "O"))
            out += _ner_entity(choice.split(), etype)
        else:
            out.append((rng.choice(NER_FILLERS[slot]), "O"))
    return [t for t, _ in out], [g for _, g in out]


def build_ner_en(out: Path, n_train=400, n_test=100) -> dict:
    rng = rng_for("ner")
    total = n_train + n_test
    n_empty = total // 10
    sents, seen = [], set()
    while len(sents) < total:
        empty = len([s for s in sents if set(s[1]) == {"O"}]) < n_empty and rng.random() < 0.15
        tpl = rng.choice(NER_EMPTY_TEMPLATES if empty else NER_TEMPLATES)
        tokens, tags = make_ner_sentence(rng, tpl)
        key = " ".join(tokens)
        if key not in seen:
            seen.add(key)
            sents.append((tokens, tags))
    rng.shuffle(sents)
    train, test = sents[:n_train], sents[n_train:]
    write_tagged(out / "ner/train.conll", train)
    write_tagged(out / "ner/test.conll", test)

    def count(split):
        ents = {}
        for _, tags in split:
            for t in tags:
                if t.startswith("B-"):
                    ents[t[2:]] = ents.get(t[2:], 0) + 1
        return {"sentences": len(split), "tokens": sum(len(t) for t, _ in split),
                "no_entity": sum(1 for _, g in split if set(g) == {"O"}), "entities": dict(sorted(ents.items()))}
    return {"train": count(train), "test": count(test)}


# ================================================================================================ NER (Chinese, BMES)
# Character-level tags: B-/M-/E- for the first/middle/last character of a multi-character entity, S- for a
# one-character entity (e.g. 中 and 美 in 中美两国), O outside. People and companies are invented.
ZH_SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "林", "何",
               "高", "罗", "郑", "梁", "谢", "宋", "唐", "欧阳", "司马", "诸葛", "上官"]
ZH_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华",
            "晓东", "丽华", "文博", "思远", "雨桐", "子涵", "浩然", "欣怡", "嘉怡", "志强", "海燕", "立新", "一鸣", "若彤"]
ZH_NER_BANKS = {
    "CITY": ("LOC", ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "重庆", "天津", "苏州", "长沙",
                     "青岛", "厦门", "昆明", "哈尔滨", "大连", "拉萨", "乌鲁木齐"]),
    "PROV": ("LOC", ["广东省", "浙江省", "四川省", "云南省", "山东省", "福建省", "湖南省", "江西省", "黑龙江省", "新疆"]),
    "FOREIGN": ("LOC", ["法国", "日本", "美国", "德国", "英国", "意大利", "澳大利亚", "加拿大", "巴西", "新加坡", "巴黎",
                        "伦敦", "东京", "纽约", "柏林", "悉尼"]),
    "COUNTRY": ("LOC", ["尼泊尔", "土耳其", "墨西哥", "印度尼西亚", "智利", "埃塞俄比亚", "菲律宾", "秘鲁"]),
    "WATER": ("LOC", ["长江", "黄河", "西湖", "太湖", "珠江", "洞庭湖", "漓江", "黄浦江"]),
    "MOUNT": ("LOC", ["泰山", "黄山", "华山", "峨眉山", "庐山", "武当山"]),
    "UNI": ("ORG", ["北京大学", "清华大学", "复旦大学", "浙江大学", "南京大学", "武汉大学", "中山大学", "四川大学"]),
    "RES": ("ORG", ["中国科学院", "中国气象局", "国家统计局", "中国社会科学院"]),
    "MEDIA": ("ORG", ["新华社", "人民日报", "中央电视台", "南方日报", "光明日报"]),
    "CO": ("ORG", ["星河科技公司", "东方电子集团", "华美食品有限公司", "远航物流公司", "青山制药公司", "蓝海软件公司",
                   "金叶茶业公司", "长风汽车公司", "白云纺织厂", "晨光出版社"]),
    "MUSEUM": ("ORG", ["故宫博物院", "上海博物馆", "陕西历史博物馆", "南京博物院", "湖南博物院"]),
    "INTL": ("ORG", ["联合国", "世界卫生组织", "红十字会", "联合国儿童基金会"]),
    "HOSPITAL": ("ORG", ["市第一人民医院", "省中医院", "儿童医院"]),
    "ONE": ("LOC", ["中", "美", "俄", "法", "德", "英", "日", "韩"]),
}
ZH_NER_TEMPLATES = [
    "{PER}在{CO}工作。", "{PER}昨天从{CITY}来到{CITY}。", "{CO}的代表{PER}出席了今天的会议。",
    "{PER}毕业于{UNI}，现在住在{CITY}。", "{CO}在{CITY}开设了一家新的分公司。", "据{MEDIA}报道，{CITY}今年夏天的降雨量比往年多。",
    "{MUSEUM}将于下个月举办一场书画展览。", "{PER}和{PER}一起去{FOREIGN}旅游。", "{ONE}{ONE}两国代表在{CITY}举行了会谈。",
    "{PER}说，{CITY}的交通比以前方便多了。", "{RES}发布了最新的研究报告。", "{PER}是{UNI}的教授。", "{PER}打算明年去{FOREIGN}留学。",
    "来自{PROV}的{PER}获得了比赛冠军。", "{PER}的家乡在{PROV}。", "{CO}和{CO}签订了合作协议。", "{PER}每天傍晚沿着{WATER}散步。",
    "{PER}上个周末去爬了{MOUNT}。", "{INTL}向{COUNTRY}提供了紧急援助。", "{PER}在{CITY}的{HOSPITAL}当医生。",
    "记者{PER}从{CITY}发回报道。", "{UNI}的学生在{CITY}参加了志愿活动。", "{PER}向{PER}借了一本书。",
    "{CITY}和{CITY}之间开通了新的高铁线路。", "{PER}告诉{MEDIA}的记者，这个项目明年就能完工。", "{PER}参观了{MUSEUM}。",
    "{ONE}方代表{PER}在会上发言。", "{PER}在{UNI}学习历史。", "{CO}今年的销售额增长了一成。", "{PER}的女儿在{CITY}上小学。",
]
ZH_NER_EMPTY = ["今天天气很好，我们去公园散步了。", "这家餐厅的菜很好吃，价格也不贵。", "会议推迟到下周三举行。", "孩子们在操场上踢足球。",
                "最近天气变冷了，大家要注意保暖。", "图书馆周末也对外开放。", "他每天晚上都会读半个小时的书。", "这次考试比上次简单多了。",
                "超市里的水果很新鲜。", "她把房间打扫得干干净净。", "火车晚点了二十分钟。", "我们明天早上八点出发。", "妈妈做了一桌子好菜。",
                "雨停了，天空出现了一道彩虹。", "这本书的故事非常感人。", "公司计划明年招聘更多员工。", "周末的电影院里坐满了观众。",
                "他们在河边种了很多柳树。", "新的图书馆下个月正式开放。", "老师让大家把作业交上来。", "窗外下起了大雪。",
                "这座桥已经有一百多年的历史了。", "爷爷每天早上都去公园打太极拳。", "我们班的同学都很喜欢体育课。", "厨房里飘出了饭菜的香味。"]


def _bmes(text: str, etype: str):
    if len(text) == 1:
        return [(text, "S-" + etype)]
    return [(c, ("B-" if i == 0 else "E-" if i == len(text) - 1 else "M-") + etype) for i, c in enumerate(text)]


def make_zh_ner_sentence(rng, template):
    out, used = [], []
    for part in re.split(r"(\{[A-Z]+\})", template):
        if not part:
            continue
        m = re.fullmatch(r"\{([A-Z]+)\}", part)
        if not m:
            out += [(c, "O") for c in part]
            continue
        slot = m.group(1)
        while True:
            if slot == "PER":
                etype, value = "PER", rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN)
            else:
                etype, bank = ZH_NER_BANKS[slot]
                value = rng.choice(bank)
            if value not in used:
                break
        used.append(value)
        out += _bmes(value, etype)
    return [c for c, _ in out], [t for _, t in out]


def build_ner_zh(out: Path, n_train=200, n_test=50) -> dict:
    rng = rng_for("ner_zh")
    sents, seen = [], set()
    for text in ZH_NER_EMPTY:
        sents.append((list(text), ["O"] * len(text)))
        seen.add(text)
    while len(sents) < n_train + n_test:
        chars, tags = make_zh_ner_sentence(rng, rng.choice(ZH_NER_TEMPLATES))
        if "".join(chars) not in seen:
            seen.add("".join(chars))
            sents.append((chars, tags))
    rng.shuffle(sents)
    train, test = sents[:n_train], sents[n_train:]
    write_tagged(out / "ner/zh_train.bmes", train)
    write_tagged(out / "ner/zh_test.bmes", test)

    def count(split):
        ents = {}
        for _, tags in split:
            for t in tags:
                if t[:2] in ("B-", "S-"):
                    ents[t[2:]] = ents.get(t[2:], 0) + 1
        return {"sentences": len(split), "characters": sum(len(c) for c, _ in split),
                "no_entity": sum(1 for _, g in split if set(g) == {"O"}), "entities": dict(sorted(ents.items()))}
    return {"train": count(train), "test": count(test)}


# ================================================================================================ QA (SQuAD v1.1)
# Paragraphs about invented towns, people, inventions, clubs, festivals, voyages and companies, so every answer
# must be read from the context, never recalled. Each sentence is rendered from a template whose {slots} are
# tracked, so answer_start is known by construction (and asserted).

class Context:
    def __init__(self, sep=" "):
        self.text, self.spans, self.sep = "", {}, sep

    def add(self, template: str, **values):
        if self.text:
            self.text += self.sep
        for piece in re.split(r"(\{\w+\})", template):
            m = re.fullmatch(r"\{(\w+)\}", piece)
            if m:
                value = values[m.group(1)]
                self.spans.setdefault(m.group(1), (len(self.text), value))
                self.text += value
            else:
                self.text += piece


QA_PLACE_A = ["Ash", "Bram", "Cal", "Dun", "Elm", "Fern", "Glen", "Hart", "Kel", "Lang", "Mar", "North", "Oak",
              "Pen", "Red", "Stan", "Thorn", "Wen", "Alder", "Brook", "Clare", "Hollow", "Wil", "Sel", "Cor", "Tarn"]
QA_PLACE_B = ["ford", "bury", "wick", "ton", "mere", "dale", "field", "haven", "stead", "by", "moor", "well",
              "bridge", "port", "holm", "combe"]
QA_RIVERS = ["Lorne", "Avel", "Sarn", "Tave", "Corrin", "Ember", "Wend", "Fallow", "Rill", "Ossel", "Brae", "Kennet"]
QA_REGIONS = ["Caldria", "Norvane", "Estmark", "Valmora", "Brennland", "Tarsia", "Merovia", "Ostrelia", "Karvia",
              "Lunmark"]
QA_FIRST_F = ["Elena", "Margit", "Ines", "Clara", "Helena", "Agnes", "Freya", "Lucia", "Ada", "Miriam", "Sabine",
              "Vera", "Rosa", "Ilse", "Nora"]
QA_FIRST_M = ["Tomas", "Anton", "Henrik", "Julian", "Oskar", "Felix", "Matthias", "Emil", "Bruno", "Victor",
              "Leopold", "Arvid", "Casimir", "Edwin", "Rafael"]
QA_SURNAMES = ["Varga", "Holloway", "Brandt", "Okoro", "Lindqvist", "Marsh", "Castellan", "Ferro", "Halden", "Reed",
               "Vance", "Pellham", "Corwin", "Aldous", "Strand", "Moravec", "Kessler", "Thorne", "Quillan", "Dray",
               "Ashby", "Wren", "Falk", "Ortega", "Penrose", "Lachlan", "Vidal", "Maddox", "Sorensen", "Blackwood",
               "Esterly", "Navarro", "Hale", "Winslow", "Tamsin", "Greaves"]
QA_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
QA_COLOURS = ["green and white", "red and black", "blue and gold", "yellow and navy", "orange and black",
              "claret and blue", "black and white", "purple and silver"]


class QANames:
    """Hands out fictional names that are unique within a run."""

    def __init__(self, rng):
        self.rng, self.used = rng, set()

    def _fresh(self, make):
        for _ in range(1000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of fictional names")

    def place(self):
        return self._fresh(lambda: self.rng.choice(QA_PLACE_A) + self.rng.choice(QA_PLACE_B))

    def person(self):
        female = self.rng.random() < 0.5
        first = self.rng.choice(QA_FIRST_F if female else QA_FIRST_M)
        return self._fresh(lambda: f"{first} {self.rng.choice(QA_SURNAMES)}"), female

    def surname(self):
        return self._fresh(lambda: self.rng.choice(QA_SURNAMES))


def qa_town(rng, names):
    name, other = names.place(), names.place()
    river = f"River {rng.choice(QA_RIVERS)}"
    festival = rng.choice(["lantern festival", "cheese market", "rowing regatta", "apple fair", "folk music festival",
                           "kite festival", "bread and honey fair", "summer boat race"])
    employer_kind, product = rng.choice([("Glassworks", "glass bottles and jars"), ("Textiles", "woollen blankets"),
                                         ("Boatyard", "small fishing boats"), ("Instruments", "barometers and compasses"),
                                         ("Foods", "jams and preserves"), ("Paper Mill", "recycled paper"),
                                         ("Cycles", "bicycle frames"), ("Ceramics", "tiles and teapots")])
    employer = f"{rng.choice(QA_SURNAMES)} {employer_kind}"
    landmark = rng.choice([f"the church of St {rng.choice(['Agnes', 'Brendan', 'Hilda', 'Piran', 'Oswin', 'Mary'])}",
                           "the old stone bridge", "the guildhall", "the windmill on Mill Lane",
                           "the clock tower in the market square", "the customs house by the harbour"])
    v = dict(name=name, size=rng.choice(["small", "quiet", "busy market", "historic"]),
             bank=rng.choice(["northern", "southern", "eastern", "western"]), river=river,
             region=rng.choice(QA_REGIONS), founded=str(rng.randint(1150, 1820)),
             founders=rng.choice(["fishermen from the coast", "monks from a nearby abbey", "wool merchants",
                                  "farmers from the surrounding hills", "miners searching for copper",
                                  "settlers from the south"]),
             pop=fmt_int(rng.randint(20, 480) * 100), festival=festival, month=rng.choice(QA_MONTHS),
             employer=employer, product=product, landmark=landmark, lyear="",
             city=other, dist=f"{rng.randint(12, 140)} kilometres")
    v["lyear"] = str(min(int(v["founded"]) + rng.randint(5, 160), 1900))
    c = Context()
    c.add("{name} is a {size} town on the {bank} bank of the {river}, in the province of {region}.", **v)
    c.add(rng.choice(["It was founded in {founded} by {founders}.", "The town was founded by {founders} in {founded}."]),
          **v)
    c.add(rng.choice(["Today, about {pop} people live there.", "It has a population of about {pop}."]), **v)
    c.add("The town is best known for its {festival}, which is held every {month}.", **v)
    c.add("Its largest employer is {employer}, a company that makes {product}.", **v)
    c.add("The oldest building in {name} is {landmark}, which was built in {lyear}.", **v)
    c.add("The nearest city, {city}, is {dist} away.", **v)
    lm = landmark
    qs = [("river", ["Which river is {name} on?", "On which river does {name} stand?"]),
          ("region", ["In which province is {name}?", "Which province is {name} in?"]),
          ("founded", ["When was {name} founded?", "In what year was {name} founded?"]),
          ("founders", ["Who founded {name}?", "By whom was {name} founded?"]),
          ("pop", ["How many people live in {name}?", "What is the population of {name}?"]),
          ("festival", ["What is {name} best known for?", "What is {name} famous for?"]),
          ("month", ["When is the {festival} in {name} held?", "In which month is the {festival} in {name} held?"]),
          ("employer", ["What is the largest employer in {name}?", "Which company employs the most people in {name}?"]),
          ("product", ["What does {employer} make?", "What does {employer} produce?"]),
          ("landmark", ["What is the oldest building in {name}?"]),
          ("lyear", [f"When was {lm} in {{name}} built?"]),
          ("dist", ["How far is {name} from {city}?"]),
          ("city", ["What is the nearest city to {name}?"])]
    return name, c, v, qs


QA_ROLES = {
    "chemist": ("chemistry", "developed a cheap way to purify drinking water", "opened {poss} own laboratory"),
    "botanist": ("botany", "catalogued hundreds of mountain plants", "led an expedition to the northern highlands"),
    "architect": ("architecture", "designed more than forty public libraries",
                  "won a competition to design the new railway station"),
    "composer": ("music", "wrote music for choirs and small orchestras", "became conductor of the city orchestra"),
    "engineer": ("engineering", "built some of the first suspension bridges in the region",
                 "completed a bridge across the harbour"),
    "astronomer": ("physics", "discovered two comets", "built an observatory on a hill above the town"),
    "geologist": ("geology", "mapped the rocks of the northern coast", "discovered a large deposit of copper"),
    "doctor": ("medicine", "founded the first children's hospital in the province",
               "began a campaign to vaccinate every child in the province"),
}
QA_BOOKS = ["The Quiet Harbour", "Notes on Salt", "A Year in the Hills", "Stone and Water", "The Long Winter",
            "Letters from the Coast", "Under a Northern Sky", "The Glass Orchard", "Measuring the Tide",
            "Small Lights", "The Copper Road", "Maps of Silence"]
QA_NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def qa_person(rng, names):
    pname, female = names.person()
    pron, poss = ("she", "her") if female else ("he", "his")
    role = rng.choice(list(QA_ROLES))
    subject, achievement, event = QA_ROLES[role]
    born = rng.randint(1820, 1950)
    v = dict(pname=pname, born=str(born), died=str(born + rng.randint(48, 92)), role=role, achievement=achievement,
             birthplace=names.place(), subject=subject, univ=f"the University of {names.place()}",
             ev_year=str(born + rng.randint(28, 45)), event=event.format(poss=poss),
             org=f"the {rng.choice(QA_SURNAMES)} Institute", years=f"{rng.choice(QA_NUMBER_WORDS)} years",
             prize=rng.choice(["Halden Medal", "Corwin Prize", "Ostrel Award", "Marsh Medal", "Vance Prize"]),
             pyear=str(born + rng.randint(40, 47)), nbooks=rng.choice(QA_NUMBER_WORDS[:6]),
             book=rng.choice(QA_BOOKS), Pron=cap(pron), pron=pron)
    c = Context()
    c.add("{pname} ({born}–{died}) was {a_role} who {achievement}.", a_role=a_an(role), **v)
    c.add("{Pron} was born in {birthplace} and studied {subject} at {univ}.", **v)
    c.add("In {ev_year}, {pron} {event}.", **v)
    c.add("{Pron} later worked at {org} for {years}.", **v)
    c.add("{Pron} received the {prize} in {pyear}.", **v)
    c.add("{Pron} wrote {nbooks} books, the best known of which is {book}.", **v)
    qs = [("born", ["When was {pname} born?", "In what year was {pname} born?"]),
          ("died", ["When did {pname} die?", "In what year did {pname} die?"]),
          ("achievement", ["What is {pname} remembered for?"]),
          ("birthplace", ["Where was {pname} born?"]),
          ("subject", ["What did {pname} study?", "Which subject did {pname} study?"]),
          ("univ", ["Where did {pname} study {subject}?", "At which university did {pname} study?"]),
          ("event", [f"What did {{pname}} do in {v['ev_year']}?"]),
          ("org", ["Where did {pname} work later in life?"]),
          ("years", ["For how long did {pname} work at {org}?", "How long did {pname} work at {org}?"]),
          ("prize", ["Which prize did {pname} receive?", "What award was {pname} given?"]),
          ("pyear", ["When did {pname} receive the {prize}?", "In what year was {pname} given the {prize}?"]),
          ("book", ["What is {pname}'s best-known book?", "Which of {pname}'s books is the best known?"]),
          ("nbooks", ["How many books did {pname} write?"])]
    return pname, c, v, qs


QA_WEIGHTS = {"lamp": ["1.2 kilograms", "900 grams"], "pump": ["9 kilograms", "12 kilograms"],
              "stove": ["1.5 kilograms", "2 kilograms"], "loom": ["4 kilograms", "6.5 kilograms"],
              "barometer": ["300 grams", "250 grams"], "brake": ["400 grams", "350 grams"],
              "filter": ["6 kilograms", "8 kilograms"], "scale": ["2 kilograms", "1.8 kilograms"],
              "lock": ["250 grams", "300 grams"], "plough": ["18 kilograms", "22 kilograms"]}
QA_OBJECTS = [("lamp", "paraffin lamp that could not be blown out by the wind", "on boats and in mountain huts",
               "lighthouse keeper"),
              ("pump", "hand-operated water pump", "on small farms", "blacksmith"),
              ("stove", "folding camping stove", "by hikers and mountaineers", "cook on a cargo ship"),
              ("loom", "small wooden loom for weaving narrow strips of cloth", "in schools and craft workshops",
               "weaver"),
              ("barometer", "pocket barometer", "by sailors and hill walkers", "ship's navigator"),
              ("brake", "bicycle brake that worked in wet weather", "on children's bicycles", "bicycle mechanic"),
              ("filter", "water filter made of sand and charcoal", "in remote villages", "schoolteacher"),
              ("scale", "spring kitchen scale", "in bakeries", "baker"),
              ("lock", "combination lock", "on school lockers", "clockmaker"),
              ("plough", "lightweight plough", "in vineyards", "farmer")]


def qa_invention(rng, names):
    obj, desc, usage, job = rng.choice(QA_OBJECTS)
    while True:  # the invention carries its inventor's surname
        inventor, female = names.person()
        thing = f"{inventor.split()[1]} {obj}"
        if thing not in names.used:
            names.used.add(thing)
            break
    pron = "she" if female else "he"
    year = rng.randint(1780, 1930)
    v = dict(thing=thing, desc=desc, inventor=inventor, year=str(year), job=job, town=names.place(), pron=pron,
             weight=rng.choice(QA_WEIGHTS[obj]),
             price=f"{rng.choice(QA_NUMBER_WORDS)} shillings", year2=str(year + rng.randint(8, 30)),
             sold=fmt_int(rng.randint(3, 90) * 1000), usage=usage)
    c = Context()
    c.add("The {thing} is a {desc}, invented by {inventor} in {year}.", **v)
    c.add("{inventor} was working as a {job} in {town} when " + pron + " came up with the idea.", **v)
    c.add("The first model weighed {weight} and sold for {price}.", **v)
    c.add("By {year2}, more than {sold} had been sold.", **v)
    c.add("Today, the {thing} is used mainly {usage}.", **v)
    qs = [("inventor", ["Who invented the {thing}?", "Who came up with the {thing}?"]),
          ("year", ["When was the {thing} invented?", "In what year was the {thing} invented?"]),
          ("job", ["What was {inventor}'s job when the idea for the {thing} came?",
                   "What did {inventor} do for a living when inventing the {thing}?"]),
          ("town", ["Where was {inventor} working when the idea came?"]),
          ("weight", ["How much did the first {thing} weigh?"]),
          ("price", ["How much did the first {thing} cost?", "What did the first model of the {thing} sell for?"]),
          ("sold", [f"How many had been sold by {v['year2']}?"]),
          ("usage", ["Where is the {thing} mainly used today?", "Where is the {thing} used today?"])]
    return thing, c, v, qs


def qa_club(rng, names):
    town = names.place()
    sport, suffixes, venue_kind = rng.choice([("football", ["Rovers", "United", "Athletic", "Wanderers", "Albion"],
                                               "Park"),
                                              ("rugby", ["RFC", "Harlequins", "Rangers"], "Park"),
                                              ("basketball", ["Comets", "Hawks", "Giants"], "Arena"),
                                              ("ice hockey", ["Wolves", "Falcons", "Stars"], "Arena")])
    club = f"{town} {rng.choice(suffixes)}"
    founded = rng.randint(1870, 1975)
    titles = rng.randint(2, 9)
    last = rng.randint(max(founded + 20, 1960), 2023)
    y1 = rng.randint(founded + 5, 2005)
    player, female = names.person()
    v = dict(club=club, sport=sport, town=town, founded=str(founded), ground=f"{rng.choice(QA_SURNAMES)} {venue_kind}",
             capacity=fmt_int(rng.randint(30, 350) * 100), colours=rng.choice(QA_COLOURS),
             titles=QA_NUMBER_WORDS[titles - 2], last=str(last), player=player,
             points=fmt_int(rng.randint(60, 2400)), y1=str(y1), y2=str(y1 + rng.randint(6, 16)))
    unit = {"football": "goals", "rugby": "tries", "basketball": "points", "ice hockey": "goals"}[sport]
    if unit in ("goals", "tries"):
        v["points"] = str(rng.randint(40, 260))
    c = Context()
    c.add("{club} is a professional {sport} club based in {town}.", **v)
    c.add("It was founded in {founded} and plays its home games at {ground}, which holds {capacity} spectators.", **v)
    c.add("The club's colours are {colours}.", **v)
    c.add("The club has won the national league {titles} times, most recently in {last}.", **v)
    c.add("Its most famous player was {player}, who scored {points} " + unit + " for the club between {y1} and {y2}.",
          **v)
    qs = [("founded", ["When was {club} founded?", "In what year was {club} founded?"]),
          ("town", ["Where is {club} based?", "In which town is {club} based?"]),
          ("ground", ["Where does {club} play its home games?", "What is the name of the home ground of {club}?"]),
          ("capacity", ["How many spectators does {ground} hold?"]),
          ("colours", ["What are the colours of {club}?", "What colours does {club} play in?"]),
          ("titles", ["How many times has {club} won the national league?"]),
          ("last", ["When did {club} last win the national league?"]),
          ("player", ["Who was the most famous player of {club}?"]),
          ("points", [f"How many {unit} did {{player}} score for {{club}}?"]),
          ("sport", ["What sport does {club} play?"])]
    return club, c, v, qs


QA_FESTIVALS = {
    "Kite": "a night flight of kites fitted with small lights",
    "Lantern": "a procession of paper lanterns along the river",
    "Book": "a reading by the winner of the festival's short story prize",
    "Jazz": "an open-air concert on the last evening",
    "Puppet": "a giant puppet parade through the old town",
    "Food": "a long table in the main street where hundreds of people eat together",
    "Film": "a screening of silent films with a live orchestra",
    "Folk": "a dance that lasts from sunset until midnight",
}


def qa_festival(rng, names):
    town = names.place()
    kind = rng.choice(list(QA_FESTIVALS))
    year = rng.randint(1950, 2012)
    v = dict(fest=f"{town} {kind} Festival", month=rng.choice(QA_MONTHS),
             venue=rng.choice(["the town park", "the old harbour", "the grounds of the castle", "the market square",
                               "a field beside the river"]),
             year=str(year), organiser=rng.choice(["a group of local teachers", "the town's fishing cooperative",
                                                   "two students from the art college", "the owner of a small bookshop",
                                                   "a retired postman", "the parish council"]),
             visitors=fmt_int(rng.randint(20, 600) * 100), highlight=QA_FESTIVALS[kind],
             price=f"{rng.randint(5, 40)} euros", age=QA_NUMBER_WORDS[rng.randint(3, 10)])
    c = Context()
    c.add("The {fest} is held every {month} in {venue}.", **v)
    c.add("It was first organised in {year} by {organiser}.", **v)
    c.add("Around {visitors} people attend each year.", **v)
    c.add("The highlight of the festival is {highlight}.", **v)
    c.add("Tickets cost {price} for adults, and children under {age} get in free.", **v)
    qs = [("month", ["When is the {fest} held?", "In which month does the {fest} take place?"]),
          ("venue", ["Where is the {fest} held?", "Where does the {fest} take place?"]),
          ("year", ["When was the {fest} first organised?", "In what year was the first {fest}?"]),
          ("organiser", ["Who first organised the {fest}?", "Who started the {fest}?"]),
          ("visitors", ["How many people attend the {fest} each year?"]),
          ("highlight", ["What is the highlight of the {fest}?"]),
          ("price", ["How much does an adult ticket to the {fest} cost?"]),
          ("age", ["Up to what age do children get into the {fest} free?"])]
    return v["fest"], c, v, qs


def qa_voyage(rng, names):
    ship = names._fresh(lambda: rng.choice(["Albatross", "Morning Star", "Endeavour", "Swift", "Northern Light",
                                            "Kittiwake", "Resolute", "Sea Lark", "Pelican", "Meridian", "Curlew",
                                            "Wayfarer", "Osprey", "Halcyon", "Tern", "Fortitude", "Guillemot",
                                            "Perseverance", "Silver Wave", "Cormorant", "Valiant", "Dawn Treader",
                                            "Heron", "Skylark", "Constance", "Brightwater", "Fulmar", "Larkspur"]))
    captain, _ = names.person()
    year = rng.randint(1760, 1905)
    goal, cargo = rng.choice([("map the coast of the northern islands", "detailed charts of the coastline"),
                              ("study the migration of whales", "notebooks filled with sightings and sketches"),
                              ("find a shorter trade route to the east", "samples of spices and tea"),
                              ("collect plants from the southern islands", "more than three hundred plant specimens"),
                              ("measure the depth of the open ocean", "samples of mud from the sea floor")])
    v = dict(year=str(year), ship=ship, port=names.place(), crew=str(rng.randint(18, 140)),
             captain=captain.split()[1], full_captain=captain, goal=goal,
             days=str(rng.randint(40, 400)), dest=f"the {rng.choice(['Skerran', 'Velloran', 'Mistral', 'Tollan', 'Corvan', 'Ardent'])} Islands",
             cargo=cargo, museum=f"the maritime museum in {names.place()}")
    c = Context()
    c.add("In {year}, the ship {ship} left {port} with a crew of {crew} under Captain {full_captain}.", **v)
    c.add("Its aim was to {goal}.", **v)
    c.add("After {days} days at sea, it reached {dest}.", **v)
    c.add("The expedition brought back {cargo}.", **v)
    c.add("A replica of the {ship} can be seen today at {museum}.", **v)
    qs = [("year", ["When did the {ship} set sail?", "In what year did the {ship} leave {port}?"]),
          ("port", ["From which port did the {ship} sail?", "Where did the {ship} set out from?"]),
          ("crew", ["How many people were in the crew of the {ship}?", "How large was the crew of the {ship}?"]),
          ("full_captain", ["Who was the captain of the {ship}?", "Who commanded the {ship}?"]),
          ("goal", ["What was the aim of the {ship}'s voyage?"]),
          ("days", ["How many days did the {ship} spend at sea before reaching land?"]),
          ("dest", ["Where did the {ship} arrive?", "What did the {ship} reach after its time at sea?"]),
          ("cargo", ["What did the expedition bring back?"]),
          ("museum", ["Where can a replica of the {ship} be seen?"])]
    return f"{ship} ({year})", c, v, qs


QA_INDUSTRIES = [("toy", "a wooden train set"), ("furniture", "a folding desk"), ("food", "oat biscuits"),
                 ("software", "an accounting program for small shops"), ("outdoor clothing", "a waterproof jacket"),
                 ("bicycle", "a folding bicycle"), ("kitchenware", "a cast-iron frying pan"),
                 ("stationery", "a refillable fountain pen")]


def qa_company(rng, names):
    surname = names.surname()
    industry, product = rng.choice(QA_INDUSTRIES)
    company = f"{surname} {rng.choice(['& Sons', 'Works', 'Company', 'Brothers', 'Ltd'])}"
    founder, _ = names.person()
    founder = founder.split()[0] + " " + surname
    year = rng.randint(1850, 1995)
    v = dict(company=company, industry=industry, year=str(year), founder=founder, town=names.place(),
             origin=rng.choice(["a small workshop in a garage", "a stall at the weekly market",
                                "a single room above a bakery", "a repair shop for farm machinery"]),
             staff=fmt_int(rng.randint(8, 600) * 10), hq=names.place(), product=product,
             year2=str(year + rng.randint(15, 28)), abroad=rng.choice(QA_REGIONS))
    c = Context()
    c.add("{company} is a {industry} company founded in {year} by {founder} in {town}.", **v)
    c.add("It began as {origin}.", **v)
    c.add("Today it employs about {staff} people, and its headquarters are in {hq}.", **v)
    c.add("Its best-selling product is {product}.", **v)
    c.add("In {year2}, the company opened its first factory abroad, in {abroad}.", **v)
    qs = [("year", ["When was {company} founded?", "In what year was {company} founded?"]),
          ("founder", ["Who founded {company}?", "Who started {company}?"]),
          ("town", ["Where was {company} founded?", "In which town was {company} founded?"]),
          ("origin", ["How did {company} begin?", "What did {company} start out as?"]),
          ("staff", ["How many people does {company} employ?"]),
          ("hq", ["Where are the headquarters of {company}?", "Where is {company} based today?"]),
          ("product", ["What is {company}'s best-selling product?"]),
          ("year2", ["When did {company} open its first factory abroad?"]),
          ("abroad", ["Where did {company} open its first factory abroad?"]),
          ("industry", ["What kind of company is {company}?"])]
    return company, c, v, qs


QA_KINDS = [qa_town, qa_person, qa_invention, qa_club, qa_festival, qa_voyage, qa_company]


def _qa_article(rng, maker, names, n_questions, id_prefix, counter):
    title, ctx, values, qs = maker(rng, names)
    chosen = rng.sample(qs, n_questions)
    fill = {k: v for k, v in values.items()}
    qas = []
    for slot, templates in chosen:
        start, text = ctx.spans[slot]
        assert ctx.text[start:start + len(text)] == text
        question = rng.choice(templates).format(**fill)
        counter[0] += 1
        qas.append({"id": f"{id_prefix}-{counter[0]:05d}", "question": question,
                    "answers": [{"text": text, "answer_start": start}]})
    return {"title": title, "paragraphs": [{"context": ctx.text, "qas": qas}]}


def _question_plan(rng, n_paragraphs, n_questions):
    """How many questions each paragraph gets (3 or 4), summing to n_questions."""
    plan = [3] * n_paragraphs
    extra = n_questions - 3 * n_paragraphs
    for i in rng.sample(range(n_paragraphs), extra):
        plan[i] += 1
    return plan


def build_qa_en(out: Path, n_train=(120, 400), n_test=(30, 100)) -> dict:
    rng = rng_for("qa")
    names = QANames(rng)
    result = {}
    for split, (n_par, n_q) in (("train", n_train), ("test", n_test)):
        counter = [0]
        data = []
        for i, k in enumerate(_question_plan(rng, n_par, n_q)):
            maker = QA_KINDS[i % len(QA_KINDS)]
            data.append(_qa_article(rng, maker, names, k, f"wb-{split}", counter))
        rng.shuffle(data)
        check_squad(data)
        write_json(out / f"qa/{split}.json", {"version": "1.1", "data": data})
        result[split] = {"articles": len(data), "paragraphs": sum(len(a["paragraphs"]) for a in data),
                         "questions": counter[0]}
    return result


def check_squad(data):
    for art in data:
        for par in art["paragraphs"]:
            for qa in par["qas"]:
                for ans in qa["answers"]:
                    s = ans["answer_start"]
                    assert par["context"][s:s + len(ans["text"])] == ans["text"], (qa["id"], ans)


ZH_QA_TOWNS = ["青石镇", "柳河镇", "云溪镇", "白沙镇", "桃源镇", "枫林镇", "石桥镇", "清泉镇", "月湖镇", "松山镇", "梅岭镇",
               "竹溪镇", "金沙镇", "凤鸣镇", "龙潭镇", "杏花镇", "望海镇", "双河镇", "鹿鸣镇", "芦花镇"]
ZH_QA_REGIONS = ["江州", "临州", "安州", "宁州", "云州", "泽州"]
ZH_QA_RIVERS = ["清水河", "白龙江", "碧溪河", "黄沙河", "玉带河", "青衣江"]
ZH_QA_SURNAMES = ["林", "周", "沈", "顾", "陆", "苏", "叶", "程", "韩", "秦", "方", "蒋", "许", "邓"]
ZH_QA_GIVEN = ["文远", "慧兰", "启明", "素云", "少华", "静怡", "景行", "若愚", "春生", "明月", "宗瀚", "雅琴", "振宇", "书航"]
ZH_QA_BOOKS = ["山中一年", "海边来信", "盐的笔记", "石与水", "北方的星空", "漫长的冬天", "铜路", "小小的灯"]
ZH_QA_ROLES = {  # 职业: (专业, 成就, 事件)
    "化学家": ("化学", "发明了一种廉价的净水方法", "创办了自己的实验室"),
    "植物学家": ("植物学", "记录了数百种高山植物", "带领考察队前往西部高原"),
    "建筑师": ("建筑学", "设计了四十多座公共图书馆", "赢得了新火车站的设计竞赛"),
    "作曲家": ("音乐", "为合唱团和小型乐队创作了大量作品", "成为市交响乐团的指挥"),
    "医生": ("医学", "创办了全省第一家儿童医院", "发起了为全省儿童接种疫苗的行动"),
    "天文学家": ("物理学", "发现了两颗彗星", "在城外的山上建了一座天文台"),
}


def zh_qa_town(rng, used):
    name = rng.choice([t for t in ZH_QA_TOWNS if t not in used])
    used.add(name)
    festival, month = rng.choice([("灯会", "正月"), ("茶叶节", "四月"), ("龙舟赛", "五月"), ("桃花节", "三月"),
                                  ("风筝节", "九月"), ("庙会", "十月")])
    employer, product = rng.choice([("江南纺织厂", "丝绸"), ("山泉茶业公司", "绿茶"), ("海丰造船厂", "小型渔船"),
                                    ("青瓷陶瓷厂", "青瓷餐具"), ("翠竹家具厂", "竹制家具")])
    v = dict(name=name, region=rng.choice(ZH_QA_REGIONS), river=rng.choice(ZH_QA_RIVERS),
             bank=rng.choice(["北岸", "南岸", "东岸", "西岸"]), founded=str(rng.randint(1300, 1850)),
             founders=rng.choice(["一群渔民", "几户农民", "一位盐商", "一群躲避战乱的移民"]),
             pop=str(rng.randint(30, 300) * 100), month=month, festival=festival, employer=employer,
             product=product)
    c = Context(sep="")
    c.add("{name}是{region}的一个小镇，位于{river}{bank}。", **v)
    c.add("小镇始建于{founded}年，最早由{founders}建立。", **v)
    c.add("目前镇上大约有{pop}人。", **v)
    c.add("{name}以每年{month}举行的{festival}而闻名。", **v)
    c.add("镇上最大的企业是{employer}，主要生产{product}。", **v)
    qs = [("river", ["{name}位于哪条河边？"]), ("founded", ["{name}始建于哪一年？"]), ("founders", ["{name}最早是由谁建立的？"]),
          ("pop", ["{name}大约有多少人？"]), ("festival", ["{name}以什么而闻名？"]), ("month", ["{name}的{festival}在什么时候举行？"]),
          ("employer", ["{name}最大的企业是哪家？"]), ("product", ["{employer}主要生产什么？"]), ("region", ["{name}属于哪个州？"])]
    return name, c, v, qs


def zh_qa_person(rng, used):
    while True:
        pname = rng.choice(ZH_QA_SURNAMES) + rng.choice(ZH_QA_GIVEN)
        if pname not in used:
            used.add(pname)
            break
    role = rng.choice(list(ZH_QA_ROLES))
    subject, achievement, event = ZH_QA_ROLES[role]
    born = rng.randint(1880, 1950)
    v = dict(pname=pname, born=str(born), died=str(born + rng.randint(50, 90)), role=role, achievement=achievement,
             birthplace=rng.choice(ZH_QA_TOWNS), univ=rng.choice(["江州大学", "临州大学", "安州大学", "宁州大学"]),
             subject=subject, ev_year=str(born + rng.randint(28, 45)), event=event,
             nbooks=rng.choice(["两", "三", "四", "五", "六"]), book=rng.choice(ZH_QA_BOOKS))
    c = Context(sep="")
    c.add("{pname}（{born}—{died}）是一位{role}，{achievement}。", **v)
    c.add("他出生于{birthplace}，曾在{univ}学习{subject}。".replace("他", rng.choice(["他", "她"])), **v)
    c.add("{ev_year}年，{pname}{event}。", **v)
    c.add("{pname}一生写了{nbooks}本书，其中最著名的是《{book}》。", **v)
    qs = [("born", ["{pname}出生于哪一年？"]), ("died", ["{pname}是哪一年去世的？"]), ("role", ["{pname}的职业是什么？"]),
          ("achievement", ["{pname}有什么成就？"]), ("birthplace", ["{pname}出生在哪里？"]), ("univ", ["{pname}曾在哪所学校学习？"]),
          ("subject", ["{pname}学的是什么专业？"]), ("ev_year", ["{pname}在哪一年{event}？"]), ("book", ["{pname}最著名的书是哪一本？"])]
    return pname, c, v, qs


def zh_qa_company(rng, used):
    while True:
        company = rng.choice(["远山", "晨星", "大河", "青禾", "明德", "恒信", "云帆", "长乐"]) + \
            rng.choice(["食品公司", "玩具厂", "家具公司", "自行车厂", "文具公司", "软件公司"])
        if company not in used:
            used.add(company)
            break
    product = {"食品公司": "燕麦饼干", "玩具厂": "木制小火车", "家具公司": "折叠书桌", "自行车厂": "折叠自行车",
               "文具公司": "钢笔", "软件公司": "一款记账软件"}[next(k for k in ["食品公司", "玩具厂", "家具公司", "自行车厂",
                                                                           "文具公司", "软件公司"] if company.endswith(k))]
    year = rng.randint(1950, 2005)
    v = dict(company=company, year=str(year),
             founder=rng.choice(ZH_QA_SURNAMES) + rng.choice(ZH_QA_GIVEN),
             origin=rng.choice(["一间小作坊", "集市上的一个摊位", "面包店楼上的一个房间", "一家农机修理铺"]),
             staff=str(rng.randint(5, 300) * 10), hq=rng.choice(ZH_QA_REGIONS) + "市", product=product,
             year2=str(year + rng.randint(10, 18)))
    c = Context(sep="")
    c.add("{company}成立于{year}年，创始人是{founder}。", **v)
    c.add("公司最初只是{origin}，现在已经发展成为一家拥有约{staff}名员工的企业，总部设在{hq}。", **v)
    c.add("公司最畅销的产品是{product}。", **v)
    c.add("{year2}年，公司开设了第二家工厂。", **v)
    qs = [("year", ["{company}是哪一年成立的？"]), ("founder", ["{company}的创始人是谁？"]), ("origin", ["{company}最初是什么样子？"]),
          ("staff", ["{company}现在大约有多少名员工？"]), ("hq", ["{company}的总部设在哪里？"]),
          ("product", ["{company}最畅销的产品是什么？"]), ("year2", ["{company}是哪一年开设第二家工厂的？"])]
    return company, c, v, qs


def build_qa_zh(out: Path, n_train=(20, 60), n_test=(7, 20)) -> dict:
    rng = rng_for("qa_zh")
    used: set[str] = set()
    makers = [zh_qa_town, zh_qa_person, zh_qa_company]
    result = {}
    for split, (n_par, n_q) in (("train", n_train), ("test", n_test)):
        counter, data = [0], []
        plan = [3] * n_par
        for i in range(3 * n_par - n_q):  # a few paragraphs get two questions so the total is exact
            plan[i] -= 1
        for i, k in enumerate(plan):
            data.append(_qa_article(rng, makers[i % 3], used, k, f"wb-zh-{split}", counter))
        rng.shuffle(data)
        check_squad(data)
        write_json(out / f"qa/zh_{split}.json", {"version": "1.1", "data": data})
        result[split] = {"articles": len(data), "paragraphs": len(data), "questions": counter[0]}
    return result


# ================================================================================================ instructions (Alpaca)
ANTONYMS = [("hot", "cold"), ("big", "small"), ("fast", "slow"), ("happy", "sad"), ("early", "late"),
            ("open", "closed"), ("full", "empty"), ("strong", "weak"), ("rich", "poor"), ("young", "old"),
            ("high", "low"), ("wet", "dry"), ("hard", "soft"), ("loud", "quiet"), ("long", "short"),
            ("thick", "thin"), ("cheap", "expensive"), ("clean", "dirty"), ("easy", "difficult"), ("buy", "sell"),
            ("push", "pull"), ("win", "lose"), ("remember", "forget"), ("arrive", "leave"), ("accept", "refuse"),
            ("increase", "decrease"), ("ancient", "modern"), ("narrow", "wide"), ("deep", "shallow"),
            ("sharp", "blunt"), ("smooth", "rough"), ("true", "false"), ("above", "below"), ("inside", "outside"),
            ("always", "never"), ("before", "after"), ("north", "south"), ("east", "west"), ("day", "night"),
            ("friend", "enemy"), ("question", "answer"), ("success", "failure"), ("arrival", "departure"),
            ("asleep", "awake"), ("victory", "defeat"), ("visible", "invisible"), ("possible", "impossible"),
            ("polite", "rude"), ("tidy", "messy"), ("heavy", "light")]
PLURALS = [("cat", "cats"), ("box", "boxes"), ("city", "cities"), ("child", "children"), ("mouse", "mice"),
           ("knife", "knives"), ("leaf", "leaves"), ("tooth", "teeth"), ("foot", "feet"), ("man", "men"),
           ("woman", "women"), ("person", "people"), ("sheep", "sheep"), ("deer", "deer"), ("goose", "geese"),
           ("baby", "babies"), ("bus", "buses"), ("church", "churches"), ("wish", "wishes"), ("potato", "potatoes"),
           ("tomato", "tomatoes"), ("hero", "heroes"), ("photo", "photos"), ("piano", "pianos"), ("wolf", "wolves"),
           ("half", "halves"), ("life", "lives"), ("wife", "wives"), ("shelf", "shelves"), ("roof", "roofs"),
           ("chief", "chiefs"), ("day", "days"), ("key", "keys"), ("toy", "toys"), ("lady", "ladies"),
           ("party", "parties"), ("story", "stories"), ("glass", "glasses"), ("dress", "dresses"), ("fox", "foxes"),
           ("watch", "watches"), ("crisis", "crises"), ("analysis", "analyses"), ("phenomenon", "phenomena"),
           ("criterion", "criteria"), ("ox", "oxen"), ("brush", "brushes"), ("class", "classes"),
           ("country", "countries"), ("valley", "valleys"), ("monkey", "monkeys"), ("echo", "echoes"),
           ("zoo", "zoos"), ("radio", "radios"), ("loaf", "loaves"), ("thief", "thieves"), ("calf", "calves"),
           ("series", "series"), ("species", "species")]
PAST_TENSES = [("go", "went"), ("eat", "ate"), ("see", "saw"), ("take", "took"), ("write", "wrote"), ("run", "ran"),
               ("swim", "swam"), ("sing", "sang"), ("drink", "drank"), ("begin", "began"), ("buy", "bought"),
               ("bring", "brought"), ("think", "thought"), ("teach", "taught"), ("catch", "caught"), ("fly", "flew"),
               ("know", "knew"), ("grow", "grew"), ("throw", "threw"), ("draw", "drew"), ("speak", "spoke"),
               ("break", "broke"), ("choose", "chose"), ("freeze", "froze"), ("drive", "drove"), ("ride", "rode"),
               ("give", "gave"), ("forget", "forgot"), ("sit", "sat"), ("stand", "stood"),
               ("understand", "understood"), ("tell", "told"), ("sell", "sold"), ("feel", "felt"), ("keep", "kept"),
               ("sleep", "slept"), ("leave", "left"), ("meet", "met"), ("lose", "lost"), ("make", "made"),
               ("pay", "paid"), ("say", "said"), ("find", "found"), ("hold", "held"), ("build", "built"),
               ("send", "sent"), ("spend", "spent"), ("cut", "cut"), ("put", "put"), ("walk", "walked"),
               ("play", "played"), ("cry", "cried"), ("stop", "stopped"), ("plan", "planned"), ("try", "tried"),
               ("carry", "carried"), ("dance", "danced"), ("jump", "jumped"), ("open", "opened"),
               ("wait", "waited")]
SUMMARIES = [
    ("Despite the heavy rain that fell throughout the afternoon, the local football team managed to win the final "
     "match of the season.", "The local team won the season's final match despite heavy rain."),
    ("After many months of careful planning and several delays, the new public library finally opened its doors to "
     "visitors last Saturday.", "The new library finally opened last Saturday."),
    ("Because the train was delayed by more than an hour, many passengers missed their connections and had to wait "
     "for the next service.", "A long train delay made many passengers miss their connections."),
    ("The scientists, who had been studying the behaviour of honeybees for more than ten years, published their "
     "results in a well-known journal.", "Scientists published their ten-year study of honeybees."),
    ("In spite of the fact that the tickets were quite expensive, the concert was completely sold out within a few "
     "hours.", "The concert sold out within hours despite expensive tickets."),
    ("The small bakery on the corner of the street, which has been run by the same family for three generations, is "
     "closing at the end of the month.", "The family-run corner bakery closes at the end of the month."),
    ("Due to the unusually warm weather this winter, many of the ski resorts in the region have had to close earlier "
     "than usual.", "A warm winter forced many ski resorts to close early."),
    ("My grandmother, who is eighty-five years old, has just learned how to send messages and photos on her new "
     "smartphone.", "My 85-year-old grandmother has learned to use her smartphone."),
    ("The city council has decided that, starting next year, all of the buses in the city centre will run on "
     "electricity instead of diesel.", "City-centre buses will switch to electricity next year."),
    ("Although she had never cooked for so many people before, Maria prepared a delicious dinner for all twenty of "
     "her guests.", "Maria cooked a delicious dinner for twenty guests."),
    ("The old bridge over the river, which had been closed for repairs since the spring, was reopened to traffic on "
     "Monday morning.", "The repaired bridge reopened on Monday."),
    ("After walking for nearly six hours through the forest, the hikers finally reached the small hut at the top of "
     "the mountain.", "After six hours, the hikers reached the mountain hut."),
    ("The company announced on Tuesday that it would be hiring around two hundred new workers at its factory over "
     "the next year.", "The company will hire about 200 factory workers next year."),
    ("It is a well-known fact that drinking plenty of water throughout the day is good for both your body and your "
     "mind.", "Drinking plenty of water is good for you."),
    ("Many people in the town were surprised when the old cinema, which had been empty for years, was turned into a "
     "popular restaurant.", "The long-empty cinema became a popular restaurant."),
    ("Because of the strong winds that were expected overnight, the organisers decided to cancel the outdoor "
     "festival at the last minute.", "Expected strong winds led to the festival being cancelled."),
    ("The students spent the whole afternoon in the library, reading books and taking notes for their history "
     "project.", "The students researched their history project in the library."),
    ("Our neighbours, who moved here from Portugal last year, invited us over for a traditional dinner on Sunday "
     "evening.", "Our Portuguese neighbours invited us to dinner on Sunday."),
    ("Even though he was very tired after the long journey, Tom stayed up late to watch the final of the tennis "
     "tournament.", "Though tired, Tom stayed up to watch the tennis final."),
    ("The museum, which attracts thousands of visitors every year, will be closed for three months while the roof "
     "is repaired.", "The museum will close for three months for roof repairs."),
    ("With the help of dozens of volunteers, the villagers cleaned up the beach and collected more than fifty bags "
     "of rubbish.", "Villagers and volunteers cleared fifty bags of rubbish from the beach."),
    ("The doctor told him that if he wanted to feel better, he should get more sleep and take a short walk every "
     "day.", "The doctor advised more sleep and a daily walk."),
    ("It took the team of engineers almost four years to design and build the new bridge across the bay.",
     "Engineers spent four years building the new bay bridge."),
    ("The price of fresh vegetables has gone up quite a lot over the last few months because of the poor harvest.",
     "A poor harvest has pushed up vegetable prices."),
    ("At the end of the meeting, everyone agreed that the project should be finished before the summer holidays "
     "begin.", "Everyone agreed to finish the project before summer."),
    ("The little girl was so excited about her birthday party that she could not fall asleep the night before.",
     "The girl was too excited about her party to sleep."),
    ("Thanks to a new recycling scheme, the amount of waste sent to landfill by the town has fallen by almost half.",
     "A recycling scheme has nearly halved the town's landfill waste."),
    ("Several flights were cancelled this morning because thick fog covered the airport and pilots could not see the "
     "runway.", "Thick fog cancelled several flights this morning."),
    ("The author, whose first novel became a bestseller, is now working on a second book set in the same small "
     "village.", "The bestselling author is writing a second novel set in the same village."),
    ("Although the restaurant is small and a little hard to find, the food is excellent and the prices are very "
     "reasonable.", "The small restaurant is hard to find but excellent and affordable."),
    ("The teacher asked all of the pupils to bring a packed lunch and a waterproof coat for the school trip on "
     "Friday.", "Pupils need a packed lunch and a raincoat for Friday's trip."),
    ("When the power went out during the storm, the whole family sat around the kitchen table and played cards by "
     "candlelight.", "During the power cut, the family played cards by candlelight."),
    ("Researchers have found that people who spend more time outdoors tend to sleep better and feel less stressed.",
     "Time outdoors is linked to better sleep and less stress."),
    ("The shop will be offering a discount of twenty percent on all winter clothing from next Monday until the end "
     "of the month.", "Winter clothing is 20% off from next Monday to the month's end."),
    ("After years of saving money, the couple were finally able to buy a small house with a garden on the edge of "
     "town.", "After years of saving, the couple bought a small house."),
    ("The orchestra rehearsed every evening for three weeks in order to be ready for the opening night of the "
     "festival.", "The orchestra rehearsed nightly for three weeks before opening night."),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
INSTR_ITEMS = ["apples", "pencils", "stickers", "marbles", "books", "biscuits", "stamps", "shells", "cards", "eggs"]
INSTR_NAMES = [n for n, _ in STORY_PEOPLE]


def _instr_capital(rng):
    c = rng.choice(COUNTRIES)
    k = rng.choice([0, 1, 2, 3])
    if k == 3:
        return ("Give the capital city of the country below.", cap(c[0]), c[1], c[0])
    q = ["What is the capital of {c}?", "Name the capital city of {c}.", "Which city is the capital of {c}?"][k]
    return (q.format(c=c[0]), "", f"The capital of {c[0]} is {c[1]}.", c[0])


def _instr_continent(rng):
    c = rng.choice([c for c in COUNTRIES if c[2] not in ("the Caribbean",)])
    ans = f"{cap(c[0])} is in {c[2]}." if not c[2].startswith("both") else f"{cap(c[0])} lies in {c[2]}."
    return (rng.choice(["On which continent is {c}?", "Which continent is {c} in?"]).format(c=c[0]), "", ans, c[0])


def _instr_opposite(rng):
    a, b = rng.choice(ANTONYMS)
    if rng.random() < 0.5:
        a, b = b, a
    k = rng.randint(0, 2)
    if k == 0:
        return ("Give the opposite of the word below.", a, b, a)
    if k == 1:
        return (f'What is the opposite of "{a}"?', "", f'The opposite of "{a}" is "{b}".', a)
    return ("Write an antonym for the given word.", a, b, a)


def _instr_plural(rng):
    s, p = rng.choice(PLURALS)
    if rng.random() < 0.5:
        return ("Give the plural of the noun below.", s, p, s)
    return (f'What is the plural form of "{s}"?', "", f'The plural of "{s}" is "{p}".', s)


def _instr_past(rng):
    v, p = rng.choice(PAST_TENSES)
    if rng.random() < 0.5:
        return ("Write the simple past tense of this verb.", v, p, v)
    return (f'What is the past tense of "{v}"?', "", f'The past tense of "{v}" is "{p}".', v)


def _instr_symbol(rng):
    e = rng.choice(ELEMENTS)
    if rng.random() < 0.5:
        return (f"What is the chemical symbol for {e[0]}?", "", f"The chemical symbol for {e[0]} is {e[1]}.", e[0])
    return ("Which chemical element has this symbol?", e[1], cap(e[0]), e[0])


def _instr_author(rng):
    person = rng.choice([p for p in PEOPLE if p[6]])
    work, kind, verb = rng.choice(person[6])
    q = {"wrote": "Who wrote {w}?", "painted": "Who painted {w}?", "composed": "Who composed {w}?",
         "carved": "Who carved the statue {w}?", "made": "Who made {w}?"}[verb]
    pp = {"wrote": "written", "painted": "painted", "composed": "composed", "carved": "carved", "made": "made"}[verb]
    return (q.format(w=work), "", f"{cap(work)} was {pp} by {person[0]}.", work)


def _instr_arith(rng):
    name, g = rng.choice(STORY_PEOPLE)
    he = PRONOUNS[g]["he"]
    items = rng.choice(INSTR_ITEMS)
    k = rng.randint(0, 5)
    if k == 0:
        a, b = rng.randint(3, 40), rng.randint(2, 30)
        return (f"{name} has {a} {items} and buys {b} more. How many {items} does {he} have now?", "",
                f"{a} + {b} = {a + b}, so {name} has {a + b} {items}.")
    if k == 1:
        a = rng.randint(10, 60)
        b = rng.randint(2, a - 1)
        return (f"{name} had {a} {items} and gave {b} of them to a friend. How many {items} are left?", "",
                f"{a} - {b} = {a - b}, so {a - b} {items} are left.")
    if k == 2:
        a, b = rng.randint(3, 12), rng.randint(2, 9)
        return (f"A box holds {a} {items}. How many {items} are there in {b} boxes?", "",
                f"{a} × {b} = {a * b}, so there are {a * b} {items}.")
    if k == 3:
        b, each = rng.randint(2, 8), rng.randint(2, 9)
        a = b * each
        return (f"{a} {items} are shared equally among {b} children. How many does each child get?", "",
                f"{a} ÷ {b} = {each}, so each child gets {each}.")
    if k == 4:
        h, m, d = rng.randint(7, 20), rng.choice([0, 10, 15, 20, 30, 40, 45]), rng.choice([25, 35, 45, 50, 70, 95])
        end = h * 60 + m + d
        return (f"A train leaves at {h:02d}:{m:02d} and the journey takes {d} minutes. What time does it arrive?", "",
                f"It arrives at {end // 60:02d}:{end % 60:02d}.")
    price, n = rng.randint(2, 15), rng.randint(2, 9)
    thing, things = rng.choice([("notebook", "notebooks"), ("sandwich", "sandwiches"), ("ticket", "tickets"),
                                ("plant", "plants"), ("candle", "candles"), ("mug", "mugs")])
    return (f"One {thing} costs {price} euros. How much do {n} {things} cost?", "",
            f"{n} × {price} = {n * price}, so they cost {n * price} euros.")


def _instr_convert(rng):
    k = rng.randint(0, 3)
    n = rng.randint(2, 12)
    if k == 0:
        return (f"Convert {n} kilometres to metres.", "", f"{n} kilometres is {fmt_int(n * 1000)} metres.")
    if k == 1:
        return (f"How many minutes are there in {n} hours?", "", f"There are {n * 60} minutes in {n} hours.")
    if k == 2:
        return (f"Convert {n} kilograms to grams.", "", f"{n} kilograms is {fmt_int(n * 1000)} grams.")
    return (f"How many days are there in {n} weeks?", "", f"There are {n * 7} days in {n} weeks.")


def _instr_sequence(rng):
    k = rng.randint(0, 3)
    if k == 0:
        start, step = rng.randint(1, 20), rng.randint(2, 9)
        seq = [start + i * step for i in range(7)]
        return ("Continue the sequence with the next three numbers.", ", ".join(map(str, seq[:4])),
                ", ".join(map(str, seq[4:])))
    if k == 1:
        i = rng.randrange(7)
        shown = [WEEKDAYS[(i + j) % 7] for j in range(3)]
        nxt = [WEEKDAYS[(i + j) % 7] for j in range(3, 5)]
        return ("Continue the list with the next two items.", ", ".join(shown), ", ".join(nxt))
    if k == 2:
        i = rng.randrange(12)
        shown = [QA_MONTHS[(i + j) % 12] for j in range(3)]
        nxt = [QA_MONTHS[(i + j) % 12] for j in range(3, 5)]
        return ("Continue the list with the next two months.", ", ".join(shown), ", ".join(nxt))
    i = rng.randrange(0, 4)
    planets = [p[0] for p in PLANETS]
    return ("These planets are listed in order from the Sun. Name the next two.", ", ".join(planets[i:i + 3]),
            ", ".join(planets[i + 3:i + 5]))


def _instr_sort(rng):
    nums = rng.sample(range(1, 100), rng.randint(4, 6))
    if rng.random() < 0.5:
        return ("Sort these numbers from smallest to largest.", ", ".join(map(str, nums)),
                ", ".join(map(str, sorted(nums))))
    return ("Which is the largest number in this list?", ", ".join(map(str, nums)), str(max(nums)))


def _instr_count_words(rng):
    sentence = rng.choice([s for sents in TOPIC_SENTENCES.values() for s in sents if len(s.split()) <= 12])
    n = len(sentence.split())
    return ("How many words are in the following sentence?", sentence, f"The sentence has {number_words(n)} words.",
            sentence)


def _instr_summary(rng):
    long, short = SUMMARIES[_instr_summary.next % len(SUMMARIES)]
    _instr_summary.next += 1
    q = rng.choice(["Summarise the following sentence in fewer words.", "Shorten this sentence but keep its meaning.",
                    "Rewrite the sentence below more concisely."])
    return (q, long, short, long)


def _instr_sentiment(rng):
    positive = rng.random() < 0.5
    review = make_review(rng, positive)
    q = rng.choice(["Classify the sentiment of this review as positive or negative.",
                    "Is the following review positive or negative?",
                    "Does this customer sound satisfied? Answer positive or negative."])
    return (q, review, "Positive" if positive else "Negative", review)


_instr_summary.next = 0
INSTRUCTION_KINDS = [(_instr_capital, 45), (_instr_continent, 15), (_instr_opposite, 35), (_instr_plural, 35),
                     (_instr_past, 30), (_instr_symbol, 20), (_instr_author, 18), (_instr_arith, 55),
                     (_instr_convert, 20), (_instr_sequence, 30), (_instr_sort, 15), (_instr_count_words, 15),
                     (_instr_summary, 36), (_instr_sentiment, 31)]


def build_instructions(out: Path, n_train=300, n_test=60) -> dict:
    """Each content item (a country, a word, a sentence...) is used once, so train and test never share one."""
    rng = rng_for("instructions")
    _instr_summary.next = 0
    rows, seen = [], set()
    for make, n in INSTRUCTION_KINDS:
        got, tries = 0, 0
        while got < n and tries < 5000:
            tries += 1
            item = make(rng)
            instr, inp, outp = item[:3]
            key = (make.__name__, item[3] if len(item) > 3 else instr + "|" + inp)
            if key in seen:
                continue
            seen.add(key)
            rows.append((make.__name__[7:], {"instruction": instr, "input": inp, "output": tidy(outp)}))
            got += 1
    rng.shuffle(rows)
    rows = rows[: n_train + n_test]
    kinds = {}
    for kind, _ in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
    rows = [r for _, r in rows]
    train, test = rows[:n_train], rows[n_train:]
    write_json(out / "instructions/train.json", train)
    write_json(out / "instructions/test.json", test)
    return {"train": len(train), "test": len(test), "kinds": dict(sorted(kinds.items())),
            "with_input": sum(1 for r in rows if r["input"])}


CHATS = [
    [("user", "Hi! Can you help me plan a simple dinner for two?"),
     ("assistant", "Of course! How about pasta with tomato sauce, a green salad and some fruit for dessert? It takes "
                   "about thirty minutes and needs only a few ingredients."),
     ("user", "Sounds good. What do I need for the sauce?"),
     ("assistant", "A tin of chopped tomatoes, an onion, two cloves of garlic, olive oil, salt and a few basil leaves. "
                   "Soften the onion and garlic in the oil, add the tomatoes and simmer for fifteen minutes.")],
    [("system", "You are a patient maths tutor for children."), ("user", "What is 7 times 8?"),
     ("assistant", "7 times 8 is 56. Here's a trick to remember it: 5, 6, 7, 8, so 56 = 7 × 8."),
     ("user", "And 56 divided by 7?"), ("assistant", "56 divided by 7 is 8, because 7 × 8 = 56. Well done!")],
    [("user", "How do I boil an egg so the yolk is still runny?"),
     ("assistant", "Lower the egg gently into boiling water and cook it for about six minutes, then put it in cold "
                   "water for a minute before peeling. A very large egg may need an extra thirty seconds.")],
    [("user", "What's the difference between weather and climate?"),
     ("assistant", "Weather is what the atmosphere is doing on a particular day, such as rain or sunshine. Climate is "
                   "the typical pattern of weather in a place over many years.")],
    [("user", "Give me three tips for sleeping better."),
     ("assistant", "1. Go to bed and get up at the same time every day.\n2. Keep your bedroom dark, quiet and cool.\n"
                   "3. Avoid screens and caffeine in the hour before bed.")],
    [("system", "You answer in one sentence."), ("user", "Why is the sky blue?"),
     ("assistant", "Air molecules scatter blue sunlight much more than red light, so blue light reaches our eyes from "
                   "every part of the sky.")],
    [("user", "How do you say 'thank you' in Spanish, French and German?"),
     ("assistant", "Spanish: gracias. French: merci. German: danke.")],
    [("user", "Write a haiku about autumn."),
     ("assistant", "Red leaves drift and fall\nthe cold wind hums through bare trees\ngeese call as they go")],
    [("user", "I have a job interview tomorrow and I'm really nervous."),
     ("assistant", "That's completely normal. Prepare two or three examples of things you're proud of, read a little "
                   "about the company, and plan your journey so you arrive early. Take a slow breath before you go "
                   "in. You've got this!")],
    [("user", "What is a prime number?"),
     ("assistant", "A prime number is a whole number greater than 1 whose only factors are 1 and itself, such as 2, "
                   "3, 5, 7 and 11."),
     ("user", "Is 21 prime?"), ("assistant", "No. 21 = 3 × 7, so it has factors other than 1 and itself.")],
    [("system", "You are a friendly cooking assistant."),
     ("user", "I have rice, eggs, frozen peas and soy sauce. What can I make?"),
     ("assistant", "Egg fried rice! Fry cold, cooked rice in a hot pan with a little oil, push it to one side, "
                   "scramble two eggs, then stir everything together with the peas and a splash of soy sauce.")],
    [("user", "What's a good habit for learning a language?"),
     ("assistant", "Practise a little every day. Ten minutes of reading, listening or speaking each day adds up faster "
                   "than one long session a week.")],
    [("user", "How many minutes are there in a day?"),
     ("assistant", "There are 1,440 minutes in a day: 24 hours × 60 minutes.")],
    [("user", "Summarise the water cycle in two sentences."),
     ("assistant", "Water evaporates from oceans, lakes and plants, rises, cools and condenses into clouds. It then "
                   "falls as rain or snow and flows back to the sea through rivers and the ground.")],
    [("user", "Is a tomato a fruit or a vegetable?"),
     ("assistant", "Botanically, a tomato is a fruit, because it grows from a flower and contains seeds. In the "
                   "kitchen, it is usually treated as a vegetable.")],
    [("system", "You are a helpful assistant. Keep your answers short."), ("user", "Convert 5 kilometres to miles."),
     ("assistant", "5 kilometres is about 3.1 miles.")],
    [("user", "The leaves of my houseplant are turning yellow. What could be wrong?"),
     ("assistant", "The most common causes are too much water, too little light or a lack of nutrients. Let the soil "
                   "dry out a little between waterings, make sure the pot drains, and move the plant somewhere "
                   "brighter.")],
    [("user", "Can you explain what a budget is?"),
     ("assistant", "A budget is a plan for your money: it lists what you expect to earn and what you plan to spend, so "
                   "you can see how much is left to save."),
     ("user", "How do I start one?"),
     ("assistant", "Write down your monthly income, then your fixed costs such as rent and bills, then your everyday "
                   "spending. Subtract the total from your income and decide how much of what remains to save.")],
    [("user", "Tell me a fun fact about octopuses."),
     ("assistant", "An octopus has three hearts and blue blood, and it can change the colour of its skin in a fraction "
                   "of a second.")],
    [("user", "What should I pack for a day of hiking?"),
     ("assistant", "Water, snacks, a waterproof jacket, a warm layer, sun cream, a map or a charged phone, a small "
                   "first-aid kit and comfortable shoes.")],
    [("user", "Write a short, polite email declining a meeting invitation."),
     ("assistant", "Dear Sam,\n\nThank you for the invitation. Unfortunately I can't attend the meeting on Thursday "
                   "because of an earlier commitment. Could you please share the notes afterwards?\n\nBest wishes,\n"
                   "Alex")],
    [("user", "What's 15% of 80?"), ("assistant", "15% of 80 is 12, because 0.15 × 80 = 12.")],
    [("user", "Which is the largest planet?"), ("assistant", "Jupiter is the largest planet in the solar system."),
     ("user", "And the smallest?"), ("assistant", "Mercury is the smallest."),
     ("user", "Which one is closest to the Sun?"), ("assistant", "Mercury is also the closest planet to the Sun.")],
    [("user", "Give me a word that rhymes with 'light'."),
     ("assistant", "Bright. Night, kite and sight rhyme with it too.")],
    [("system", "You are a helpful librarian."), ("user", "Can you suggest a classic novel for a teenager?"),
     ("assistant", "Try Pride and Prejudice by Jane Austen for witty romance, or The Adventures of Tom Sawyer by Mark "
                   "Twain for adventure. Both are classics that many young readers enjoy.")],
    [("user", "Why do we have leap years?"),
     ("assistant", "A year on Earth lasts about 365 and a quarter days. Adding an extra day, 29 February, roughly "
                   "every four years keeps the calendar in step with the seasons.")],
    [("user", "How can I save energy at home?"),
     ("assistant", "Switch off lights and devices you aren't using, wash clothes at lower temperatures, turn the "
                   "heating down by a degree and use LED bulbs.")],
]


def build_chat(out: Path, n_total=50) -> dict:
    rng = rng_for("chat")
    convs = [[{"role": r, "content": c} for r, c in conv] for conv in CHATS]
    seen = set()
    while len(convs) < n_total:
        k = rng.randint(0, 3)
        system = [{"role": "system", "content": "You are a helpful assistant. Keep your answers short."}] \
            if rng.random() < 0.3 else []
        if k == 0:
            c = rng.choice([c for c in COUNTRIES if c[1] and c[4]])
            key = ("capital", c[0])
            turns = [("user", f"What is the capital of {c[0]}?"), ("assistant", f"The capital of {c[0]} is {c[1]}."),
                     ("user", "And what currency do they use there?"),
                     ("assistant", f"{cap(c[0])} uses the {c[4]}.")]
        elif k == 1:
            e = rng.choice(ELEMENTS)
            key = ("element", e[0])
            turns = [("user", f"What is the chemical symbol for {e[0]}?"),
                     ("assistant", f"The chemical symbol for {e[0]} is {e[1]}."),
                     ("user", "What is its atomic number?"), ("assistant", f"{cap(e[0])} has the atomic number {e[2]}.")]
        elif k == 2:
            name, g = rng.choice(STORY_PEOPLE)
            he = PRONOUNS[g]["he"]
            items = rng.choice(INSTR_ITEMS)
            a, b, c2 = rng.randint(3, 30), rng.randint(2, 20), rng.randint(2, 10)
            key = ("sum", name, items, a, b, c2)
            turns = [("user", f"{name} has {a} {items} and gets {b} more. How many does {he} have?"),
                     ("assistant", f"{a} + {b} = {a + b}, so {name} has {a + b} {items}."),
                     ("user", f"Then {he} gives away {c2}. How many are left?"),
                     ("assistant", f"{a + b} - {c2} = {a + b - c2}, so {a + b - c2} {items} are left.")]
        else:
            v, p = rng.choice(PAST_TENSES)
            key = ("past", v)
            turns = [("user", f'What is the past tense of "{v}"?'), ("assistant", f'The past tense of "{v}" is "{p}".')]
        if key in seen:
            continue
        seen.add(key)
        convs.append(system + [{"role": r, "content": tidy(c)} for r, c in turns])
    rng.shuffle(convs)
    write_jsonl(out / "instructions/chat.jsonl", [{"messages": m} for m in convs])
    return {"conversations": len(convs), "with_system": sum(1 for m in convs if m[0]["role"] == "system"),
            "multi_turn": sum(1 for m in convs if sum(1 for t in m if t["role"] == "user") > 1)}


# ================================================================================================ paraphrase pairs
# A frame is one meaning with several surface forms; a pair is two different forms of the same filled frame.
# Every (frame, filling) is used once, so two lines never mean the same thing.
PAIR_BANKS = {
    "P": [n for n, _ in STORY_PEOPLE],
    "item": ["laptop", "bicycle", "winter coat", "kettle", "desk lamp", "camera", "guitar", "sofa", "watch", "rug",
             "tent", "printer"],
    "shop": ["market", "shop on the corner", "department store", "second-hand shop", "garden centre", "music shop"],
    "day": WEEKDAYS,
    "event": ["match", "concert", "parade", "school trip", "open-air film night", "village fair", "sailing race",
              "garden party"],
    "cause": ["heavy rain", "strong winds", "a snowstorm", "thick fog", "the heatwave", "a thunderstorm"],
    "time": ["9 am", "10:30", "noon", "2 pm", "4:15", "6 pm", "8:30 am", "3:45"],
    "city": ["Leeds", "Lyon", "Porto", "Hamburg", "Bologna", "Krakow", "Utrecht", "Gothenburg", "Seville", "Glasgow",
             "Antwerp", "Salzburg"],
    "n_min": [str(n) for n in range(5, 60, 5)],
    "lang": ["Spanish", "Japanese", "German", "Arabic", "Italian", "Mandarin", "Portuguese", "Korean", "Greek"],
    "n_years": ["two", "three", "four", "five", "six", "seven", "eight"],
    "good": ["bread", "coffee", "petrol", "rice", "olive oil", "butter", "electricity", "cheese"],
    "pct": [str(n) for n in range(3, 21)],
    "period": ["month", "year", "week"],
    "place": ["bakery", "post office", "library", "pharmacy", "bus stop", "town hall", "bookshop", "swimming pool",
              "bank", "cinema", "petrol station", "playground"],
    "dish": ["fish soup", "mushroom risotto", "lemon tart", "lamb curry", "vegetable dumplings", "chocolate cake",
             "seafood paella"],
    "rest": ["Luigi's", "the Blue Door", "Café Rosa", "the Golden Dragon", "the harbour café", "Maison Claire"],
    "thing": ["wallet", "umbrella", "phone", "scarf", "notebook", "bus pass", "sunglasses case"],
    "dest": ["work", "school", "the station", "the gym", "the airport", "the dentist", "the library"],
    "oshop": ["library", "bakery", "pharmacy", "post office", "museum", "swimming pool", "hardware shop"],
    "otime": ["5 pm", "6 pm", "7:30 pm", "noon", "8 pm", "4 pm"],
    "device": ["washing machine", "printer", "boiler", "laptop", "fridge", "dishwasher", "coffee machine"],
    "n_fix": [str(n) for n in (10, 15, 20, 25, 30, 40, 45)],
    "age": [str(n) for n in range(18, 71)],
    "advice": ["drink more water", "get more sleep", "walk every day", "eat less salt", "take a week off work",
               "stretch every morning", "cut down on coffee"],
    "team": ["the Falcons", "the Rovers", "the Lions", "Harbour United", "the Wolves", "Northside", "the Comets"],
    "goals": ["0", "1", "2", "3", "4"],
    "n_months": ["three", "five", "six", "eight", "ten", "eleven", "eighteen"],
    "n_students": [str(n) for n in range(14, 33)],
    "pref": [("tea", "coffee"), ("cycling", "running"), ("summer", "winter"), ("the mountains", "the seaside"),
             ("board games", "video games"), ("cats", "dogs"), ("reading", "watching television"), ("rice", "pasta"),
             ("trains", "planes"), ("swimming", "tennis")],
    "year": [str(y) for y in range(1995, 2024)],
    "show": ["concert", "lecture", "film", "match", "ceremony", "workshop", "play", "comedy night"],
    "lockable": ["back door", "car", "shed", "front door", "garage", "office", "bike"],
    "mode": ["bike", "foot", "bus", "train"],
    "freq": ["every day", "most days", "twice a week", "on Mondays and Fridays"],
}
PAIR_FRAMES = {
    "purchase": ["{P} bought a {item} at the {shop} on {day}.", "On {day}, {P} purchased a {item} from the {shop}.",
                 "{P} picked up a {item} at the {shop} on {day}."],
    "cancel": ["The {event} was cancelled because of {cause}.", "Because of {cause}, the {event} did not go ahead.",
               "{Cause} forced the organisers to call off the {event}."],
    "meeting": ["The meeting with {P} has been moved to {time} on {day}.",
                "{P}'s meeting will now take place on {day} at {time}.",
                "We have rescheduled the meeting with {P} for {day} at {time}."],
    "train": ["The train from {city} arrived {n_min} minutes late.", "The {city} train was {n_min} minutes behind schedule.",
              "The train coming from {city} was delayed by {n_min} minutes."],
    "language": ["{P} has been learning {lang} for {n_years} years.", "{P} started studying {lang} {n_years} years ago.",
                 "For the past {n_years} years, {P} has been taking {lang} lessons."],
    "prices": ["The price of {good} rose by {pct} percent last {period}.",
               "Last {period}, {good} became {pct} percent more expensive.",
               "{Good} got {pct}% dearer over the last {period}."],
    "location": ["The {place} is next to the {place2}.", "You will find the {place} right beside the {place2}.",
                 "The {place} is just by the {place2}."],
    "recommend": ["{P} recommended the {dish} at {rest}.", "According to {P}, the {dish} at {rest} is worth ordering.",
                  "{P} says you should try the {dish} at {rest}."],
    "lost": ["{P} lost {his} {thing} on the way to {dest}.", "On the way to {dest}, {P} misplaced {his} {thing}.",
             "Somewhere between home and {dest}, {P} lost {his} {thing}."],
    "hours": ["The {oshop} closes at {otime} on {day}s.", "On {day}s, the {oshop} shuts at {otime}.",
              "The {oshop} stays open until {otime} every {day}."],
    "repair": ["The technician repaired the {device} in {n_fix} minutes.",
               "It took the technician {n_fix} minutes to fix the {device}.",
               "The {device} was fixed by the technician in just {n_fix} minutes."],
    "walk": ["The {place} is a {n_fix}-minute walk from the {place2}.",
             "It takes {n_fix} minutes to walk from the {place2} to the {place}.",
             "Walking from the {place2}, you reach the {place} in {n_fix} minutes."],
    "birthday": ["{P} turns {age} next {day}.", "Next {day} is {P}'s {age_th} birthday.",
                 "{P} will be {age} years old next {day}."],
    "advice": ["The doctor advised {P} to {advice}.", "{P} was told by the doctor to {advice}.",
               "{P}'s doctor said that {he} should {advice}."],
    "match": ["{Team} beat {team2} {g1}-{g2} on {day}.", "On {day}, {team2} lost {g2}-{g1} to {team}.",
              "{Team} won {g1}-{g2} against {team2} on {day}."],
    "book": ["{P} wrote the book in {n_months} months.", "It took {P} {n_months} months to write the book.",
             "{P} spent {n_months} months writing the book."],
    "forecast": ["Rain is expected in {city} on {day}.", "The forecast says it will rain in {city} on {day}.",
                 "{city} should get some rain on {day}, according to the forecast."],
    "class": ["There are {n_students} students in {P}'s class.", "{P}'s class has {n_students} students.",
              "{P} is in a class of {n_students} students."],
    "prefer": ["{P} prefers {x} to {y}.", "{P} likes {x} more than {y}.", "Given the choice, {P} would pick {x} over {y}."],
    "moved": ["{P} moved to {city} in {year}.", "In {year}, {P} relocated to {city}.",
              "{P} has lived in {city} since moving there in {year}."],
    "starts": ["The {show} on {day} starts at {time}.", "On {day}, the {show} begins at {time}.",
               "The {show} will get under way at {time} on {day}."],
    "forgot": ["{P} forgot to lock the {lockable} before leaving.", "{P} left without locking the {lockable}.",
               "{P} went out and did not remember to lock the {lockable}."],
    "sold_out": ["Tickets for the {show} on {day} sold out in {n_min} minutes.",
                 "It took only {n_min} minutes for the {show} on {day} to sell out.",
                 "All the tickets for {day}'s {show} were gone within {n_min} minutes."],
    "commute": ["{P} goes to work by {mode} {freq}.", "{P} travels to work by {mode} {freq}.",
                "{Freq}, {P} makes the journey to work by {mode}."],
}
COMMUTE_FORMS = {"foot": ["{P} walks to work {freq}.", "{P} goes to work on foot {freq}.",
                          "{Freq}, {P} makes the journey to work on foot."]}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def make_pair(rng):
    frame = rng.choice(list(PAIR_FRAMES))
    forms = PAIR_FRAMES[frame]
    slots = sorted(set(re.findall(r"\{(\w+)\}", " ".join(forms))))
    v = {}
    for slot in slots:
        base = slot if slot in PAIR_BANKS else slot.lower()
        if base in PAIR_BANKS:
            v[base] = rng.choice(PAIR_BANKS[base])
    if "P" in v:
        v.update(PRONOUNS[dict(STORY_PEOPLE)[v["P"]]])
    if "place2" in " ".join(forms):
        v["place"], v["place2"] = rng.sample(PAIR_BANKS["place"], 2)
    if frame == "match":
        v["team"], v["team2"] = rng.sample(PAIR_BANKS["team"], 2)
        g1 = rng.randint(1, 4)
        v["g1"], v["g2"] = str(g1), str(rng.randint(0, g1 - 1))
    if frame == "birthday":
        v["age_th"] = _ordinal(int(v["age"]))
    if frame == "prefer":
        x, y = rng.choice(PAIR_BANKS["pref"])
        v["x"], v["y"] = (x, y) if rng.random() < 0.5 else (y, x)
    if frame == "commute" and v["mode"] == "foot":
        forms = COMMUTE_FORMS["foot"]
    key = json.dumps([frame, sorted(v.items())], ensure_ascii=False)
    a, b = rng.sample(forms, 2)
    fill = {**v, **{k.capitalize(): cap(val) for k, val in v.items() if k != "P"}}
    return key, a.format(**fill), b.format(**fill)


def build_pairs(out: Path, n_train=400, n_test=100) -> dict:
    rng = rng_for("pairs")
    rows, keys, texts = [], set(), set()
    while len(rows) < n_train + n_test:
        key, a, b = make_pair(rng)
        if key in keys or a in texts or b in texts:
            continue
        keys.add(key)
        texts.update([a, b])
        rows.append({"text": a, "text_pair": b})
    train, test = rows[:n_train], rows[n_train:]
    write_jsonl(out / "pairs/train.jsonl", train)
    write_jsonl(out / "pairs/test.jsonl", test)
    return {"train": len(train), "test": len(test), "frames": len(PAIR_FRAMES)}


# ================================================================================================ README and main
def _size(out: Path, rel: str) -> str:
    n = (out / rel).stat().st_size
    return f"{n / 1024:.1f} KiB"


def write_readme(out: Path, st: dict) -> None:
    s = st
    sen, gen, gzh, ner, nzh, qa, qzh, ins, chat, pairs = (s["sentiment"], s["general"], s["general_zh"], s["ner"],
                                                          s["ner_zh"], s["qa"], s["qa_zh"], s["instructions"],
                                                          s["chat"], s["pairs"])
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != "README.md")
    total = sum((out / f).stat().st_size for f in files)
    table = "\n".join(f"| `{f}` | {_size(out, f)} |" for f in files)
    kinds = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in ins["kinds"].items())

    def ents(d):
        return ", ".join(f"{k} {v}" for k, v in d["entities"].items())

    text = f"""# Built-in demo datasets

Small datasets that ship with Workbench so that the app, the CLI and the tests run offline, with no downloads.
Load them by name with `builtin:<name>` (see `workbench/data.py`).

**Provenance.** Every file here is written by this project's generator, `assets/build_demo_data.py`, from phrase
banks, sentence lists and fact tables typed into that script. No third-party text is used: nothing is copied from
any public dataset. People, towns, companies and events in the NER, QA and pairs sets are invented; the general
sentences state well-known facts in the project's own words.

**Reproducible.** `python assets/build_demo_data.py` (standard library only, seeded `random.Random(0)`) rewrites
every file byte-identically; `--out DIR` writes them elsewhere. `tests/test_demo_data.py` checks this.

**License.** MIT, the same as the project.

All counts below are computed by the generator when it writes the files.

| file | size |
|---|---|
{table}
| **total** | **{total / 1024:.1f} KiB** |

## sentiment — `sentiment/train.csv`, `sentiment/test.csv`

Short reviews of products, films, restaurants, hotels, apps and books, labelled `positive` or `negative`.

- Format: CSV (RFC 4180 quoting), header `text,label`, UTF-8.
- Counts: train {sen['train']} rows ({sen['train_pos']} positive, {sen['train'] - sen['train_pos']} negative);
  test {sen['test']} rows ({sen['test_pos']} positive, {sen['test'] - sen['test_pos']} negative). No text appears
  twice or in both splits.
- How it was made: reviews are composed from hand-written openings, aspects ("the service was slow"), verdicts
  and intensifiers. Negations ("not bad at all"), disappointed expectations and concessions ("the room was small,
  but the staff were wonderful") make sure a label cannot be read off a single keyword.

## general — `general/en.txt`, `general/zh.txt`

General-domain sentences, one per line, on many topics. They are *not* reviews: they serve as general text that a
fine-tuning task never saw (rehearsal of the pretraining objective, adversarial domain alignment, the retention
meter).

- `en.txt`: {gen['en_lines']} distinct English sentences; topics: {', '.join(gen['topics'])}.
- `zh.txt`: {gzh['lines']} distinct Simplified Chinese sentences (geography, history and culture, science, animals
  and plants, health, food, technology, economics, daily life, maths and language, sport and art).
- How it was made: fact tables (countries, rivers, mountains, elements, animals, inventions, people, planets,
  dishes, sports, instruments) rendered through several sentence templates, plus hand-written sentences per topic.

## text — `text/corpus.txt`

English prose for causal-LM / masked-LM demo pretraining: paragraphs separated by a blank line.

- Counts: {gen['corpus_paragraphs']} paragraphs, {gen['corpus_words']:,} words: {gen['corpus_fact_paragraphs']}
  encyclopedic paragraphs ({gen['corpus_fact_sentences']} sentences) and {gen['corpus_stories']} short everyday
  stories.
- How it was made: the same fact tables as `general/en.txt`, grouped by subject into paragraphs, plus comparisons
  computed from the tables ("the Nile is longer than the Danube") and stories composed from hand-written sentence
  slots. Where a fact also appears in `general/en.txt` the corpus words it differently: the two files share no
  line, so `en.txt` stays held-out text.

## ner — `ner/train.conll`, `ner/test.conll`, `ner/zh_train.bmes`, `ner/zh_test.bmes`

Named-entity recognition.

- English: CoNLL columns, one `token TAG` per line (single space), a blank line between sentences; IOB2 tags with
  types PER, ORG, LOC, MISC (multi-token entities such as `New York`, `Bank of Canada`, `Tour de France`).
  Train {ner['train']['sentences']} sentences / {ner['train']['tokens']} tokens ({ents(ner['train'])};
  {ner['train']['no_entity']} sentences without entities); test {ner['test']['sentences']} sentences /
  {ner['test']['tokens']} tokens ({ents(ner['test'])}; {ner['test']['no_entity']} without entities).
- Chinese: one character and its tag per line, blank line between sentences; BMES tags (`B-`, `M-`, `E-`, `S-`
  and `O`) with types PER, LOC, ORG. Train {nzh['train']['sentences']} sentences /
  {nzh['train']['characters']} characters ({ents(nzh['train'])}); test {nzh['test']['sentences']} sentences /
  {nzh['test']['characters']} characters ({ents(nzh['test'])}).
- How it was made: news-style templates filled from name lists. People and companies are invented; places,
  nationalities, languages, institutions and events are real names used in invented sentences.

## qa — `qa/train.json`, `qa/test.json`, `qa/zh_train.json`, `qa/zh_test.json`

Extractive question answering in the SQuAD v1.1 layout:
`{{"version": "1.1", "data": [{{"title", "paragraphs": [{{"context", "qas": [{{"id", "question", "answers":
[{{"text", "answer_start"}}]}}]}}]}}]}}`. `answer_start` is a character offset into `context` and is exact
(checked by the generator and the tests).

- English: train {qa['train']['paragraphs']} paragraphs / {qa['train']['questions']} questions; test
  {qa['test']['paragraphs']} paragraphs / {qa['test']['questions']} questions. Paragraphs describe invented towns,
  people, inventions, sports clubs, festivals, voyages and companies, so answers must be read, not remembered.
- Chinese: train {qzh['train']['paragraphs']} paragraphs / {qzh['train']['questions']} questions; test
  {qzh['test']['paragraphs']} paragraphs / {qzh['test']['questions']} questions (invented towns, people and
  companies).

## instructions — `instructions/train.json`, `instructions/test.json`, `instructions/chat.jsonl`

- `train.json` / `test.json`: Alpaca format, a JSON array of `{{"instruction", "input", "output"}}` (`input` may be
  `""`); train {ins['train']}, test {ins['test']} ({ins['with_input']} of the {ins['train'] + ins['test']} have an
  input). Kinds: {kinds}. Outputs are short and computed or looked up from the fact tables, so they are correct;
  each item (a country, a word, a sentence) is used once per kind, so train and test never share a question.
- `chat.jsonl`: {chat['conversations']} conversations, one per line as
  `{{"messages": [{{"role": "user"|"assistant"|"system", "content": ...}}]}}`; {chat['with_system']} start with a
  system message and {chat['multi_turn']} are multi-turn.

## pairs — `pairs/train.jsonl`, `pairs/test.jsonl`

Paraphrase pairs for contrastive sentence embeddings: one `{{"text": ..., "text_pair": ...}}` per line; the two
sides say the same thing in different words, and no two lines share a meaning.

- Counts: train {pairs['train']}, test {pairs['test']}, from {pairs['frames']} meaning frames.
- How it was made: each frame (a purchase, a delayed train, a match result...) has several hand-written surface
  forms; a pair is two different forms of the same filled-in frame, with slots drawn from word banks.
"""
    write_text(out / "README.md", text)


def build_all(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    stats = {
        "sentiment": build_sentiment(out),
        "general": build_general_en(out),
        "general_zh": build_general_zh(out),
        "ner": build_ner_en(out),
        "ner_zh": build_ner_zh(out),
        "qa": build_qa_en(out),
        "qa_zh": build_qa_zh(out),
        "instructions": build_instructions(out),
        "chat": build_chat(out),
        "pairs": build_pairs(out),
    }
    write_readme(out, stats)
    return stats


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: assets/data)")
    args = ap.parse_args(argv)
    stats = build_all(args.out)
    files = sorted(p for p in args.out.rglob("*") if p.is_file())
    for p in files:
        print(f"{p.stat().st_size:>9,}  {p.relative_to(args.out)}")
    print(f"{sum(p.stat().st_size for p in files):>9,}  total in {args.out}")
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "topics"} for k, v in stats.items()},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
