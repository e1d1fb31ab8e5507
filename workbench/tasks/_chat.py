"""Instruction tuning (SFT) helpers for causal_lm: turning conversations into token ids whose labels cover only
the answers.

A conversation is a list of {"role": system|user|assistant, "content"} messages (formats.read_instructions
normalises Alpaca rows and chat rows to this). It is rendered with the tokenizer's chat template (or the
built-in one below) and split into pieces: everything the model is given (system text, user turns, the
"### Response:" header) and every assistant answer (with the end-of-sequence token that teaches it to stop).
Pieces are tokenized one by one and concatenated, so the boundary between prompt and answer is exact and a
prompt tokenized at prediction time gives the same ids as in training.
"""

from __future__ import annotations

from .. import formats
from ..errors import DataError, ModelError

# The built-in template (Alpaca style), used when the tokenizer has none. For a conversation
#   [system S, user U, assistant A, user U2, assistant A2]
# it renders
#   "S\n\n### Instruction:\nU\n\n### Response:\nA<eos>\n\n### Instruction:\nU2\n\n### Response:\nA2<eos>"
# and a prompt for generation ends with "### Response:\n". It is set on the tokenizer, so a saved model
# carries it (chat_template.jinja) and any chat tool renders prompts the same way.
BUILTIN_TEMPLATE = (
    r"{%- for m in messages -%}"
    r"{%- if m['role'] == 'system' -%}{{ m['content'] }}{{ '\n\n' }}"
    r"{%- elif m['role'] == 'user' -%}"
    r"{%- if not loop.first and loop.previtem['role'] == 'assistant' -%}{{ '\n\n' }}{%- endif -%}"
    r"### Instruction:{{ '\n' }}{{ m['content'] }}{{ '\n\n' }}"
    r"{%- else -%}### Response:{{ '\n' }}{{ m['content'] }}{{ eos_token }}"
    r"{%- endif -%}"
    r"{%- endfor -%}"
    r"{%- if add_generation_prompt -%}### Response:{{ '\n' }}{%- endif -%}"
)


def conversations(part, split: str, first: int = 1) -> list[list[dict]]:
    """The conversations of a raw split: a `messages` column (chat rows) or Alpaca columns (instruction, input,
    output, optional system / history: hub datasets and CSV files arrive this way). Every row is checked: an
    empty answer, a bad role or a conversation that does not end with an answer is a DataError naming the row."""
    cols = set(part.column_names)
    out = []
    for i, row in enumerate(part):
        where = f"row {i + first}"
        try:
            if "messages" in cols:
                msgs = row["messages"]
                if not isinstance(msgs, list) or not all(isinstance(m, dict) and {"role", "content"} <= m.keys()
                                                         for m in msgs):
                    raise ValueError(f"the {split} data: {where}: 'messages' must be a list of {{role, content}} "
                                     "objects")
                msgs = [{"role": m["role"], "content": m["content"]} for m in msgs]
            else:
                msgs = formats._alpaca_messages(row, f"the {split} data", where)
            formats._check_messages(msgs, f"the {split} data", where)
        except ValueError as e:   # split rows are numbered after the hold-out: quote the row too
            user = next((str(v) for k, v in dict(row).items() if k in ("instruction", "input") and v), "")
            user = user or next((m.get("content", "") for m in row.get("messages") or [] if isinstance(m, dict)
                                 and m.get("role") == "user"), "")
            raise DataError(f"{e} (the row with the instruction {user[:60]!r})" if user else str(e)) from None
        out.append(msgs)
    return out


def is_instruction_data(columns) -> bool:
    cols = set(columns)
    return "messages" in cols or {"instruction", "output"} <= cols


def render(tokenizer, messages: list[dict], generation_prompt: bool) -> str:
    try:
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
    except Exception as e:   # jinja errors: templates that refuse some role orders, missing variables...
        raise DataError(f"the chat template could not render a conversation ({type(e).__name__}: {e}); "
                        "set task.template: builtin to use the built-in template instead") from None


def pieces(tokenizer, messages: list[dict]) -> list[tuple[str, bool]]:
    """[(text, is_answer)]: the rendered conversation cut before and after every assistant answer. A
    conversation that ends with a user turn ends with its prompt piece (generation prompt included)."""
    out, done = [], ""
    ends = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    if messages and messages[-1]["role"] != "assistant":
        ends.append(len(messages))
    for i in ends:
        prompt = render(tokenizer, messages[:i], generation_prompt=True)
        if not prompt.startswith(done):
            raise ModelError("the tokenizer's chat template does not render conversations incrementally (a "
                             "prompt is not a continuation of the turns before it), so the answer tokens cannot "
                             "be told apart; set task.template: builtin")
        out.append((prompt[len(done):], False))
        if i == len(messages):
            break
        full = render(tokenizer, messages[:i + 1], generation_prompt=False)
        if not full.startswith(prompt):
            raise ModelError("the tokenizer's chat template renders an answer that does not continue its prompt; "
                             "set task.template: builtin")
        out.append((full[len(prompt):], True))
        done = full
    return [(text, answer) for text, answer in out if text]


def encode(tokenizer, convs: list[list[dict]]) -> list[tuple[list[int], list[bool]]]:
    """(input_ids, is_answer) per conversation: is_answer marks the tokens of the assistant answers. Pieces are
    tokenized separately, without added special tokens (the template writes the ones it wants, e.g. the
    end-of-sequence token after each answer)."""
    split = [pieces(tokenizer, msgs) for msgs in convs]
    flat = [text for ps in split for text, _ in ps]
    ids = tokenizer(flat, add_special_tokens=False)["input_ids"] if flat else []
    out, k = [], 0
    for ps in split:
        input_ids, is_answer = [], []
        for _, answer in ps:
            input_ids += ids[k]
            is_answer += [answer] * len(ids[k])
            k += 1
        out.append((input_ids, is_answer))
    return out


def labels_of(input_ids: list[int], is_answer: list[bool], train_on_prompt: bool = False) -> list[int]:
    """Loss only on answer tokens: -100 elsewhere (everywhere a label with train_on_prompt)."""
    return [t if (a or train_on_prompt) else -100 for t, a in zip(input_ids, is_answer)]


def prompt_ids(tokenizer, messages: list[dict]) -> list[int]:
    """Token ids of a conversation that ends with a user turn, ready for generation (same pieces as training)."""
    ids = tokenizer([text for text, _ in pieces(tokenizer, messages)], add_special_tokens=False)["input_ids"]
    return [t for piece in ids for t in piece]


def fit(input_ids: list[int], is_answer: list[bool], max_length: int, overflow: str) -> tuple[list, list, str]:
    """Make a conversation fit in max_length tokens (no packing: one conversation per row). Returns
    (ids, is_answer, what happened):
      "ok"          it fits;
      "prompt_cut"  tokens dropped from the left (the prompt, earlier turns), the last answer kept whole;
      "answer_cut"  the last answer is too long to keep whole with at least half the block of prompt before it,
                    so the prompt keeps half the block (or all of itself) and the answer is cut at its end;
      "dropped"     overflow="drop" and the last answer does not fit whole: the conversation is left out."""
    n = len(input_ids)
    if n <= max_length:
        return input_ids, is_answer, "ok"
    a0 = n                                    # start of the last answer (answers end conversations)
    while a0 > 0 and is_answer[a0 - 1]:
        a0 -= 1
    answer = n - a0
    keep_prompt = min(a0, max(max_length // 2, max_length - answer))
    if answer <= max_length - keep_prompt:
        return input_ids[n - max_length:], is_answer[n - max_length:], "prompt_cut"
    if overflow == "drop":
        return [], [], "dropped"
    start = a0 - keep_prompt
    return input_ids[start:start + max_length], is_answer[start:start + max_length], "answer_cut"
