"""instructions/chat.jsonl: hand-written and templated chat conversations."""
from __future__ import annotations

from pathlib import Path

from ._common import cap, rng_for, tidy, write_jsonl
from .facts_geo import COUNTRIES
from .facts_nature import ELEMENTS
from .instructions import INSTR_ITEMS, PAST_TENSES
from .stories import PRONOUNS, STORY_PEOPLE

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
