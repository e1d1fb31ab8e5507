"""Word lists for the tiny synthetic datasets of the tests (importable by any test module)."""

import random

POS = ["great", "lovely", "excellent", "wonderful", "superb", "delightful", "brilliant", "fine"]
NEG = ["awful", "terrible", "boring", "dreadful", "poor", "bland", "horrible", "weak"]
NOUNS = ["film", "meal", "hotel", "book", "phone", "show", "service", "room", "song", "game"]


def _sentences(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = "positive" if i % 2 == 0 else "negative"
        word = rng.choice(POS if label == "positive" else NEG)
        rows.append((f"the {rng.choice(NOUNS)} was {word} and the {rng.choice(NOUNS)} felt {word} too", label))
    return rows


def _corpus() -> list[str]:
    return [t for t, _ in _sentences(200, 3)] + ["[general] the river runs to the sea near the old town"] * 5
