"""general/en.txt and text/corpus.txt: facts rendered from the fact tables, derived comparisons and
everyday stories."""
from __future__ import annotations

import random
from pathlib import Path

from ._common import a_an, cap, fmt_int, rng_for, tidy, unique, write_lines, write_text
from .facts_culture import (DISHES, DISH_TEMPLATES, INSTRUMENTS, INSTRUMENT_TEMPLATES, INVENTIONS, INVENTION_TEMPLATES,
    NUMBER_WORDS, ORDINALS, PEOPLE, PERSON_TEMPLATES, PLANETS, PLANET_TEMPLATES, SPORT_TEMPLATES, TEAM_SPORTS)
from .facts_geo import COUNTRIES, COUNTRY_TEMPLATES, MOUNTAINS, MOUNTAIN_TEMPLATES, RIVERS, RIVER_TEMPLATES
from .facts_nature import ANIMALS, ANIMAL_TEMPLATES, ELEMENTS, ELEMENT_TEMPLATES
from .stories import make_story
from .topics_life import LIFE_TOPICS
from .topics_world import WORLD_TOPICS

# A "fact" is a list of alternative phrasings of the same statement. general/en.txt (held-out general text) takes
# one phrasing of some facts; text/corpus.txt (pretraining prose) takes every other fact, and a *different*
# phrasing of the facts that went to en.txt where one exists, so the two files never share a line.


# Hand-written sentences, grouped by topic (each is its own fact, with a single phrasing).
TOPIC_SENTENCES = {**WORLD_TOPICS, **LIFE_TOPICS}


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
