"""pairs/: paraphrase pairs for contrastive sentence embeddings."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ._common import cap, rng_for, write_jsonl
from .instructions import WEEKDAYS
from .stories import PRONOUNS, STORY_PEOPLE

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
