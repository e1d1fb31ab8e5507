"""instructions/train.json, instructions/test.json: Alpaca-style instructions whose outputs are
computed or looked up from the fact tables."""
from __future__ import annotations

from pathlib import Path

from ._common import cap, fmt_int, rng_for, tidy, write_json
from .facts_culture import PEOPLE, PLANETS
from .facts_geo import COUNTRIES
from .facts_nature import ELEMENTS
from .general import TOPIC_SENTENCES, number_words
from .qa_names import QA_MONTHS
from .sentiment import make_review
from .stories import PRONOUNS, STORY_PEOPLE

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
