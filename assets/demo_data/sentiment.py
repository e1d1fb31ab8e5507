"""sentiment/: short positive and negative reviews (CSV)."""
from __future__ import annotations

import random
from pathlib import Path

from ._common import cap, rng_for, write_csv

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
