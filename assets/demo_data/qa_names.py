"""QA building blocks: the Context that tracks answer spans, and the fictional name banks."""
from __future__ import annotations

import re

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
