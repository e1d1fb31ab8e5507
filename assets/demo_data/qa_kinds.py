"""QA article makers: one per kind of invented subject (town, person, invention, club, festival,
voyage, company), each returning a paragraph and its question templates."""
from __future__ import annotations

from ._common import a_an, cap, fmt_int
from .qa_names import QA_COLOURS, QA_MONTHS, QA_REGIONS, QA_RIVERS, QA_SURNAMES, Context


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
