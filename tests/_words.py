"""Word lists for the tiny synthetic datasets of the tests (importable by any test module)."""

POS = ["great", "lovely", "excellent", "wonderful", "superb", "delightful", "brilliant", "fine"]
NEG = ["awful", "terrible", "boring", "dreadful", "poor", "bland", "horrible", "weak"]
NOUNS = ["film", "meal", "hotel", "book", "phone", "show", "service", "room", "song", "game"]
