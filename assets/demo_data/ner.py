"""ner/train.conll, ner/test.conll: English named entities, CoNLL columns with IOB2 tags."""
from __future__ import annotations

import re
from pathlib import Path

from ._common import rng_for, write_tagged

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
