"""Metrics against values computed by hand."""

import math

import numpy as np
import pytest
import torch

from workbench.metrics import (
    bits_per_char,
    classification_metrics,
    entity_metrics,
    normalize_answer,
    perplexity,
    segment_zh,
    squad_em_f1,
)

# ---------------------------------------------------------------- classification

LABELS = [0, 0, 0, 1, 1, 2]
PREDS = [0, 0, 1, 1, 2, 2]
# class 0: tp 2, predicted 2, true 3 -> F1 = 2*2/(2+3) = 0.8
# class 1: tp 1, predicted 2, true 2 -> F1 = 2*1/(2+2) = 0.5
# class 2: tp 1, predicted 2, true 1 -> F1 = 2*1/(2+1) = 2/3
MACRO = (0.8 + 0.5 + 2 / 3) / 3


def test_classification_by_hand():
    m = classification_metrics(PREDS, LABELS, num_labels=3)
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["macro_f1"] == pytest.approx(MACRO)


def test_classification_absent_class_is_left_out_and_logits_accepted():
    # class 3 is neither a label nor a prediction: same macro F1 as with 3 classes
    assert classification_metrics(PREDS, LABELS, num_labels=4)["macro_f1"] == pytest.approx(MACRO)
    # class 3 predicted but never true: F1 0 and it counts in the average
    m = classification_metrics([0, 0, 1, 1, 2, 3], LABELS, num_labels=4)
    assert m["macro_f1"] == pytest.approx((0.8 + 0.5 + 0.0 + 0.0) / 4)  # class 2: tp 0, pred 0, true 1
    logits = torch.nn.functional.one_hot(torch.tensor(PREDS), 3).float() * 5
    assert classification_metrics(logits, np.array(LABELS), 3)["macro_f1"] == pytest.approx(MACRO)


def test_classification_errors():
    with pytest.raises(ValueError, match="3 predictions for 2 labels"):
        classification_metrics([0, 1, 1], [0, 1], 2)
    with pytest.raises(ValueError, match=r"label ids must be in 0..1, found -100..1.*-100"):
        classification_metrics([0, 1], [-100, 1], 2)
    with pytest.raises(ValueError, match="empty"):
        classification_metrics([], [], 2)


# ---------------------------------------------------------------- entities


def test_entity_metrics_by_hand():
    true = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG", "I-ORG"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG", "O", "B-ORG", "I-ORG", "O"]]
    # gold PER[0,2) LOC[3,4) ORG[5,8); pred PER[0,2) correct, ORG[3,4) wrong type, ORG[5,7) partial
    m = entity_metrics(true, pred)
    assert (m["precision"], m["recall"], m["f1"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert m["token_accuracy"] == pytest.approx(6 / 8)
    assert m["per_type"] == {
        "LOC": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1},
        "ORG": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1},
        "PER": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1},
    }


def test_entity_metrics_strict_iob2_ignores_broken_spans():
    true = [["O", "B-PER", "I-PER"], ["B-LOC", "O"]]
    pred = [["O", "I-PER", "I-PER"], ["B-LOC", "O"]]  # "I-PER I-PER" has no B: no entity in strict IOB2
    m = entity_metrics(true, pred, scheme="IOB2")
    assert (m["precision"], m["recall"]) == pytest.approx((1.0, 0.5))
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["per_type"]["PER"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # IOB1/conlleval-style chunking reads it as PER[1,3): everything correct
    assert entity_metrics(true, pred, scheme="IOB1")["f1"] == pytest.approx(1.0)


def test_entity_metrics_bioes_and_bmes():
    true = [["B-LOC", "I-LOC", "E-LOC", "S-PER", "O"]]
    pred = [["B-LOC", "I-LOC", "E-LOC", "B-PER", "O"]]  # B-PER without E-PER: not an entity
    m = entity_metrics(true, pred, scheme="BIOES")
    assert (m["precision"], m["recall"], m["f1"]) == pytest.approx((1.0, 0.5, 2 / 3))
    assert m["token_accuracy"] == pytest.approx(4 / 5)
    bmes_true = [[t.replace("I-", "M-") for t in true[0]]]
    bmes_pred = [[t.replace("I-", "M-") for t in pred[0]]]
    assert entity_metrics(bmes_true, bmes_pred, scheme="BMES") == m


def test_entity_metrics_no_entities_and_errors():
    m = entity_metrics([["O", "O"]], [["O", "O"]])
    assert (m["precision"], m["recall"], m["f1"], m["token_accuracy"], m["per_type"]) == (0.0, 0.0, 0.0, 1.0, {})
    with pytest.raises(ValueError, match="sequence 1: 1 gold tags but 2 predicted"):
        entity_metrics([["O"], ["O"]], [["O"], ["O", "O"]])
    with pytest.raises(ValueError, match="1 predicted sequences for 2 gold"):
        entity_metrics([["O"], ["O"]], [["O"]])
    with pytest.raises(ValueError, match="tags do not fit the IOB2 scheme .*S-PER"):
        entity_metrics([["S-PER"]], [["O"]])
    with pytest.raises(ValueError, match="tags do not fit the BIOES scheme"):
        entity_metrics([["PER"]], [["O"]], scheme="BIOES")
    with pytest.raises(ValueError, match="unknown tagging scheme 'XYZ'"):
        entity_metrics([["O"]], [["O"]], scheme="xyz")


# ---------------------------------------------------------------- SQuAD / CMRC


def test_squad_normalisation():
    assert normalize_answer("The Cat!") == "cat"
    assert normalize_answer("  an  apple,   a pear ") == "apple pear"
    assert normalize_answer("Theatre") == "theatre"  # articles only as whole words


def test_squad_em_f1_by_hand():
    refs = {"q1": ["cat"], "q2": ["the cat sat down", "dog"], "q3": ["x"]}
    preds = {"q1": "The Cat!", "q2": "a cat sat", "extra": "ignored"}
    # q1: EM 1, F1 1. q2: "cat sat" vs "cat sat down": P 1, R 2/3 -> F1 0.8; vs "dog" 0.
    # q3: no prediction -> 0. Averages over 3 questions, x100.
    m = squad_em_f1(preds, refs)
    assert m["exact_match"] == pytest.approx(100 / 3)
    assert m["f1"] == pytest.approx(180 / 3)
    # repeated tokens count with multiplicity: "a a b" vs "a b b" -> common {a:1, b:1} = 2 of 3
    assert squad_em_f1({"q": "a1 a1 b1"}, {"q": ["a1 b1 b1"]})["f1"] == pytest.approx(100 * 2 / 3)
    assert squad_em_f1({"q": "the"}, {"q": ["a"]}) == {"exact_match": 100.0, "f1": 0.0}  # v1.1: empty F1 is 0


def test_chinese_segmentation_and_scores():
    assert segment_zh("2018年CMRC比赛，") == ["2018", "年", "cmrc", "比", "赛"]
    assert segment_zh("光荣和ω-force") == ["光", "荣", "和", "ωforce"]  # "-" dropped inside the word
    assert segment_zh("3.5亿") == ["3.5", "亿"]
    refs = {"a": ["北京大学。"], "b": ["北京大学"], "c": ["北京大学"]}
    preds = {"a": "北京大学", "b": "北京的大学", "c": "大学"}
    # a: punctuation removed -> EM 1, F1 1
    # b: longest common run of [北 京 的 大 学] and [北 京 大 学] is 2 -> P 2/5, R 2/4 -> F1 4/9
    # c: run 2 -> P 1, R 1/2 -> F1 2/3
    m = squad_em_f1(preds, refs, lang="zh")
    assert m["exact_match"] == pytest.approx(100 / 3)
    assert m["f1"] == pytest.approx(100 * (1 + 4 / 9 + 2 / 3) / 3)


def test_squad_errors():
    with pytest.raises(ValueError, match="lang must be 'en' or 'zh'"):
        squad_em_f1({}, {"q": ["a"]}, lang="fr")
    with pytest.raises(ValueError, match="no reference questions"):
        squad_em_f1({"q": "a"}, {})


# ---------------------------------------------------------------- language modelling


def test_perplexity_and_bits_per_char():
    assert perplexity(math.log(10)) == pytest.approx(10.0)
    assert perplexity(0.0) == 1.0
    assert perplexity(1e4) == math.inf
    assert bits_per_char(100 * math.log(2), 100) == pytest.approx(1.0)
    assert bits_per_char(300 * math.log(4), 100) == pytest.approx(6.0)  # 300 tokens of 2 bits over 100 chars
    with pytest.raises(ValueError, match="positive character count"):
        bits_per_char(1.0, 0)
