"""Tokenizers for from-scratch models, trained on the user's text with the `tokenizers` library:
byte-level BPE for decoders (GPT-2 style), WordPiece for encoders (BERT style), or a character vocabulary."""

from __future__ import annotations

from typing import Iterable

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from ..errors import DataError

GPT_SPECIALS = ["<|endoftext|>", "<pad>", "<unk>"]
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_tokenizer(texts: Iterable[str], family: str, kind: str = "bpe", vocab_size: int = 4096):
    """Train a tokenizer on `texts` and wrap it for transformers (save_pretrained / AutoTokenizer work on it)."""
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        raise DataError("there is no text to train the tokenizer of a from-scratch model on; give training data "
                        "with a non-empty text column")
    specials = BERT_SPECIALS if family == "encoder" else GPT_SPECIALS
    unk = specials[1] if family == "encoder" else "<unk>"
    if kind == "char":
        chars = sorted({c for t in texts for c in t})
        vocab = {tok: i for i, tok in enumerate(specials + [c for c in chars if c not in specials])}
        tok = Tokenizer(models.WordLevel(vocab, unk_token=unk))
        # every character is its own token, spaces and newlines included
        tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
        tok.decoder = decoders.Fuse()
    elif family == "encoder":
        tok = Tokenizer(models.WordPiece(unk_token=unk))
        tok.normalizer = normalizers.BertNormalizer(lowercase=False, handle_chinese_chars=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials))
    else:
        tok = Tokenizer(models.BPE(unk_token=None))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        tok.train_from_iterator(texts, trainers.BpeTrainer(
            vocab_size=vocab_size, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    if family == "encoder":
        cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
        return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                       cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                       model_max_length=100_000)
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|endoftext|>", eos_token="<|endoftext|>",
                                   pad_token="<pad>", unk_token="<unk>", model_max_length=100_000)
