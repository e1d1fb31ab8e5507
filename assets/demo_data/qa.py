"""qa/train.json, qa/test.json: English extractive QA in the SQuAD v1.1 layout."""
from __future__ import annotations

from pathlib import Path

from ._common import rng_for, write_json
from .qa_kinds import QA_KINDS
from .qa_names import QANames


def _qa_article(rng, maker, names, n_questions, id_prefix, counter):
    title, ctx, values, qs = maker(rng, names)
    chosen = rng.sample(qs, n_questions)
    fill = {k: v for k, v in values.items()}
    qas = []
    for slot, templates in chosen:
        start, text = ctx.spans[slot]
        assert ctx.text[start:start + len(text)] == text
        question = rng.choice(templates).format(**fill)
        counter[0] += 1
        qas.append({"id": f"{id_prefix}-{counter[0]:05d}", "question": question,
                    "answers": [{"text": text, "answer_start": start}]})
    return {"title": title, "paragraphs": [{"context": ctx.text, "qas": qas}]}


def _question_plan(rng, n_paragraphs, n_questions):
    """How many questions each paragraph gets (3 or 4), summing to n_questions."""
    plan = [3] * n_paragraphs
    extra = n_questions - 3 * n_paragraphs
    for i in rng.sample(range(n_paragraphs), extra):
        plan[i] += 1
    return plan


def build_qa_en(out: Path, n_train=(120, 400), n_test=(30, 100)) -> dict:
    rng = rng_for("qa")
    names = QANames(rng)
    result = {}
    for split, (n_par, n_q) in (("train", n_train), ("test", n_test)):
        counter = [0]
        data = []
        for i, k in enumerate(_question_plan(rng, n_par, n_q)):
            maker = QA_KINDS[i % len(QA_KINDS)]
            data.append(_qa_article(rng, maker, names, k, f"wb-{split}", counter))
        rng.shuffle(data)
        check_squad(data)
        write_json(out / f"qa/{split}.json", {"version": "1.1", "data": data})
        result[split] = {"articles": len(data), "paragraphs": sum(len(a["paragraphs"]) for a in data),
                         "questions": counter[0]}
    return result


def check_squad(data):
    for art in data:
        for par in art["paragraphs"]:
            for qa in par["qas"]:
                for ans in qa["answers"]:
                    s = ans["answer_start"]
                    assert par["context"][s:s + len(ans["text"])] == ans["text"], (qa["id"], ans)
