"""assets/data/README.md, with the counts each builder returned."""
from __future__ import annotations

from pathlib import Path

from ._common import write_text


def _size(out: Path, rel: str) -> str:
    n = (out / rel).stat().st_size
    return f"{n / 1024:.1f} KiB"


def write_readme(out: Path, st: dict) -> None:
    s = st
    sen, gen, gzh, ner, nzh, qa, qzh, ins, chat, pairs = (s["sentiment"], s["general"], s["general_zh"], s["ner"],
                                                          s["ner_zh"], s["qa"], s["qa_zh"], s["instructions"],
                                                          s["chat"], s["pairs"])
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != "README.md")
    total = sum((out / f).stat().st_size for f in files)
    table = "\n".join(f"| `{f}` | {_size(out, f)} |" for f in files)
    kinds = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in ins["kinds"].items())

    def ents(d):
        return ", ".join(f"{k} {v}" for k, v in d["entities"].items())

    text = f"""# Built-in demo datasets

Small datasets that ship with Workbench so that the app, the CLI and the tests run offline, with no downloads.
Load them by name with `builtin:<name>` (see `workbench/data.py`).

**Provenance.** Every file here is written by this project's generator, `assets/build_demo_data.py`, from phrase
banks, sentence lists and fact tables typed into that script. No third-party text is used: nothing is copied from
any public dataset. People, towns, companies and events in the NER, QA and pairs sets are invented; the general
sentences state well-known facts in the project's own words.

**Reproducible.** `python assets/build_demo_data.py` (standard library only, seeded `random.Random(0)`) rewrites
every file byte-identically; `--out DIR` writes them elsewhere. `tests/test_demo_data.py` checks this.

**License.** MIT, the same as the project.

All counts below are computed by the generator when it writes the files.

| file | size |
|---|---|
{table}
| **total** | **{total / 1024:.1f} KiB** |

## sentiment — `sentiment/train.csv`, `sentiment/test.csv`

Short reviews of products, films, restaurants, hotels, apps and books, labelled `positive` or `negative`.

- Format: CSV (RFC 4180 quoting), header `text,label`, UTF-8.
- Counts: train {sen['train']} rows ({sen['train_pos']} positive, {sen['train'] - sen['train_pos']} negative);
  test {sen['test']} rows ({sen['test_pos']} positive, {sen['test'] - sen['test_pos']} negative). No text appears
  twice or in both splits.
- How it was made: reviews are composed from hand-written openings, aspects ("the service was slow"), verdicts
  and intensifiers. Negations ("not bad at all"), disappointed expectations and concessions ("the room was small,
  but the staff were wonderful") make sure a label cannot be read off a single keyword.

## general — `general/en.txt`, `general/zh.txt`

General-domain sentences, one per line, on many topics. They are *not* reviews: they serve as general text that a
fine-tuning task never saw (rehearsal of the pretraining objective, adversarial domain alignment, the retention
meter).

- `en.txt`: {gen['en_lines']} distinct English sentences; topics: {', '.join(gen['topics'])}.
- `zh.txt`: {gzh['lines']} distinct Simplified Chinese sentences (geography, history and culture, science, animals
  and plants, health, food, technology, economics, daily life, maths and language, sport and art).
- How it was made: fact tables (countries, rivers, mountains, elements, animals, inventions, people, planets,
  dishes, sports, instruments) rendered through several sentence templates, plus hand-written sentences per topic.

## text — `text/corpus.txt`

English prose for causal-LM / masked-LM demo pretraining: paragraphs separated by a blank line.

- Counts: {gen['corpus_paragraphs']} paragraphs, {gen['corpus_words']:,} words: {gen['corpus_fact_paragraphs']}
  encyclopedic paragraphs ({gen['corpus_fact_sentences']} sentences) and {gen['corpus_stories']} short everyday
  stories.
- How it was made: the same fact tables as `general/en.txt`, grouped by subject into paragraphs, plus comparisons
  computed from the tables ("the Nile is longer than the Danube") and stories composed from hand-written sentence
  slots. Where a fact also appears in `general/en.txt` the corpus words it differently: the two files share no
  line, so `en.txt` stays held-out text.

## ner — `ner/train.conll`, `ner/test.conll`, `ner/zh_train.bmes`, `ner/zh_test.bmes`

Named-entity recognition.

- English: CoNLL columns, one `token TAG` per line (single space), a blank line between sentences; IOB2 tags with
  types PER, ORG, LOC, MISC (multi-token entities such as `New York`, `Bank of Canada`, `Tour de France`).
  Train {ner['train']['sentences']} sentences / {ner['train']['tokens']} tokens ({ents(ner['train'])};
  {ner['train']['no_entity']} sentences without entities); test {ner['test']['sentences']} sentences /
  {ner['test']['tokens']} tokens ({ents(ner['test'])}; {ner['test']['no_entity']} without entities).
- Chinese: one character and its tag per line, blank line between sentences; BMES tags (`B-`, `M-`, `E-`, `S-`
  and `O`) with types PER, LOC, ORG. Train {nzh['train']['sentences']} sentences /
  {nzh['train']['characters']} characters ({ents(nzh['train'])}); test {nzh['test']['sentences']} sentences /
  {nzh['test']['characters']} characters ({ents(nzh['test'])}).
- How it was made: news-style templates filled from name lists. People and companies are invented; places,
  nationalities, languages, institutions and events are real names used in invented sentences.

## qa — `qa/train.json`, `qa/test.json`, `qa/zh_train.json`, `qa/zh_test.json`

Extractive question answering in the SQuAD v1.1 layout:
`{{"version": "1.1", "data": [{{"title", "paragraphs": [{{"context", "qas": [{{"id", "question", "answers":
[{{"text", "answer_start"}}]}}]}}]}}]}}`. `answer_start` is a character offset into `context` and is exact
(checked by the generator and the tests).

- English: train {qa['train']['paragraphs']} paragraphs / {qa['train']['questions']} questions; test
  {qa['test']['paragraphs']} paragraphs / {qa['test']['questions']} questions. Paragraphs describe invented towns,
  people, inventions, sports clubs, festivals, voyages and companies, so answers must be read, not remembered.
- Chinese: train {qzh['train']['paragraphs']} paragraphs / {qzh['train']['questions']} questions; test
  {qzh['test']['paragraphs']} paragraphs / {qzh['test']['questions']} questions (invented towns, people and
  companies).

## instructions — `instructions/train.json`, `instructions/test.json`, `instructions/chat.jsonl`

- `train.json` / `test.json`: Alpaca format, a JSON array of `{{"instruction", "input", "output"}}` (`input` may be
  `""`); train {ins['train']}, test {ins['test']} ({ins['with_input']} of the {ins['train'] + ins['test']} have an
  input). Kinds: {kinds}. Outputs are short and computed or looked up from the fact tables, so they are correct;
  each item (a country, a word, a sentence) is used once per kind, so train and test never share a question.
- `chat.jsonl`: {chat['conversations']} conversations, one per line as
  `{{"messages": [{{"role": "user"|"assistant"|"system", "content": ...}}]}}`; {chat['with_system']} start with a
  system message and {chat['multi_turn']} are multi-turn.

## pairs — `pairs/train.jsonl`, `pairs/test.jsonl`

Paraphrase pairs for contrastive sentence embeddings: one `{{"text": ..., "text_pair": ...}}` per line; the two
sides say the same thing in different words, and no two lines share a meaning.

- Counts: train {pairs['train']}, test {pairs['test']}, from {pairs['frames']} meaning frames.
- How it was made: each frame (a purchase, a delayed train, a match result...) has several hand-written surface
  forms; a pair is two different forms of the same filled-in frame, with slots drawn from word banks.
"""
    write_text(out / "README.md", text)
