"""The bidirectional-transfer strategies do what they say: llrd's decayed learning rates, l2sp's pull toward θ_pre
(head excluded), EMA and mean-teacher averages equal the formula, gradient reversal flips the encoder's gradient
only, rehearsal's LM loss falls, and resuming restores every strategy's state exactly. Distillation:
tests/test_strategies_distill.py."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from workbench.run import checkpoint, loop as trainer
from workbench import store
from workbench.errors import ConfigError
from workbench.run.jobs import StopSignal
from workbench.strategies import STRATEGIES

from _strategy_helpers import checkpoint_tensors, cls_cfg, fake_ctx, step_terms


# ---------------------------------------------------------------------------------------------------------------
# llrd
def test_llrd_groups_carry_decayed_lrs(tiny_bert_dir):
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    s = STRATEGIES.get("llrd")(STRATEGIES.get("llrd").Options(decay=0.5))
    ctx = fake_ctx(model, None)
    tc = SimpleNamespace(lr=1e-3, weight_decay=0.01)
    opt = trainer.make_optimizer(model, [s], [], ctx, tc)
    lr_of = {id(p): g["lr"] for g in opt.param_groups for p in g["params"]}
    expect = {"bert.embeddings.word_embeddings.weight": 1e-3 * 0.5 ** 3,     # 2 blocks: embeddings at depth 3
              "bert.encoder.layer.0.attention.self.query.weight": 1e-3 * 0.5 ** 2,
              "bert.encoder.layer.1.output.dense.weight": 1e-3 * 0.5,
              "bert.pooler.dense.weight": 1e-3, "classifier.weight": 1e-3}
    params = dict(model.named_parameters())
    for name, lr in expect.items():
        assert lr_of[id(params[name])] == pytest.approx(lr), name
    assert len({g["lr"] for g in opt.param_groups}) == 4


def test_llrd_in_a_run_and_with_l2sp(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, [{"name": "l2sp", "weight": 0.1},
                                                            {"name": "llrd", "decay": 0.8}], max_steps=3)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    state = json.loads((checkpoint.latest(paths.checkpoints) / "state.json").read_text())
    factors = sorted({round(g["lr_factor"], 6) for g in state["optim_groups"]})
    assert factors == [round(0.8 ** 3, 6), round(0.8 ** 2, 6), 0.8, 1.0]
    assert all("l2sp" in t for t in step_terms(paths))


# ---------------------------------------------------------------------------------------------------------------
# l2sp
def test_l2sp_keeps_weights_near_pretrained(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    runs = {}
    for name, strategy in (("full", [{"name": "full"}]), ("l2sp", [{"name": "l2sp", "weight": 10.0}])):
        _, summary = train(cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, strategy, max_steps=12, warmup_ratio=0))
        assert summary["status"] == "completed", summary.get("error")
        runs[name] = summary["metrics"]["weight_distance"]
    assert runs["l2sp"] < 0.25 * runs["full"], runs


def test_l2sp_penalty_excludes_the_new_head(tiny_bert_dir):
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    new = {"classifier.weight", "classifier.bias"}
    pre = {n: p.detach().clone() for n, p in model.named_parameters() if n not in new}
    s = STRATEGIES.get("l2sp")(STRATEGIES.get("l2sp").Options(weight=2.0))
    ctx = fake_ctx(model, None, pre_state=pre, new_names=new)
    out = SimpleNamespace(loss=torch.tensor(0.0))
    assert s.loss_terms({}, out, ctx)["l2sp"].item() == 0.0
    with torch.no_grad():
        model.classifier.weight.add_(1.0)                 # the head moves: no penalty
    assert s.loss_terms({}, out, ctx)["l2sp"].item() == 0.0
    with torch.no_grad():
        model.bert.encoder.layer[0].output.dense.bias.add_(0.5)   # a pre-trained weight moves: 2·Σ 0.5²
    n = model.bert.encoder.layer[0].output.dense.bias.numel()
    assert s.loss_terms({}, out, ctx)["l2sp"].item() == pytest.approx(2.0 * n * 0.25)
    assert not any(p is model.classifier.weight for p, _ in s.pairs)


# ---------------------------------------------------------------------------------------------------------------
# ema and mean teacher
def test_ema_equals_the_formula_by_hand(tiny_bert_dir):
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    batch = dict(tok(["a great film", "an awful meal"], return_tensors="pt", padding=True), labels=torch.tensor([1, 0]))
    beta = 0.6
    s = STRATEGIES.get("ema")(STRATEGIES.get("ema").Options(beta=beta))
    ctx = fake_ctx(model, tok)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    expect = {n: p.detach().clone() for n, p in model.named_parameters()}       # θ_ema_0 = θ_0
    for _ in range(3):
        out = model(**batch)
        s.loss_terms(batch, out, ctx)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        s.after_step(model, ctx)
        expect = {n: beta * expect[n] + (1 - beta) * p.detach() for n, p in model.named_parameters()}
    moved = 0
    for n, p in model.named_parameters():
        assert torch.allclose(s.shadow[n], expect[n], atol=1e-6), n
        moved += not torch.allclose(s.shadow[n], p)
    assert moved > 0
    with s.eval_weights(model):
        assert torch.equal(model.classifier.weight, s.shadow["classifier.weight"])
    assert not torch.equal(model.classifier.weight, s.shadow["classifier.weight"])   # restored after evaluation


def test_ema_run_checkpoints_follow_formula_and_saves_ema(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    beta = 0.7
    cfg = cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir, [{"name": "full"}, {"name": "ema", "beta": beta}],
                  max_steps=3, checkpoint_every=1, keep_checkpoints=5)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    c2, c3 = checkpoint_tensors(paths, 2), checkpoint_tensors(paths, 3)
    names = [k[len("strategy.1."):] for k in c3 if k.startswith("strategy.1.")]
    assert "classifier.weight" in names and "bert.encoder.layer.0.output.dense.weight" in names
    for n in names:
        hand = beta * c2[f"strategy.1.{n}"] + (1 - beta) * c3[f"model.{n}"]
        assert torch.allclose(c3[f"strategy.1.{n}"], hand, atol=1e-6), n
    saved = load_file(str(paths.model / "model.safetensors"))
    for n in names:
        assert torch.allclose(saved[n], c3[f"strategy.1.{n}"]), n
    assert not torch.allclose(saved["classifier.weight"], c3["model.classifier.weight"])


def test_mean_teacher_follows_ema_and_distils(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    beta = 0.5
    cfg = cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir,
                  [{"name": "mean_teacher", "beta": beta, "alpha": 0.4, "evaluate_teacher": True}],
                  max_steps=3, checkpoint_every=1, keep_checkpoints=5)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert all("kd" in t for t in step_terms(paths))
    c2, c3 = checkpoint_tensors(paths, 2), checkpoint_tensors(paths, 3)
    names = [k[len("strategy.0."):] for k in c3 if k.startswith("strategy.0.")]
    assert "classifier.weight" in names
    for n in names:
        hand = beta * c2[f"strategy.0.{n}"] + (1 - beta) * c3[f"model.{n}"]
        assert torch.allclose(c3[f"strategy.0.{n}"], hand, atol=1e-6), n
    saved = load_file(str(paths.model / "model.safetensors"))
    assert torch.allclose(saved["classifier.weight"], c3["strategy.0.classifier.weight"])


# ---------------------------------------------------------------------------------------------------------------
# adversarial
def test_gradient_reversal_flips_only_the_encoder_gradient(tiny_bert_dir, tiny_text):
    from workbench.strategies.adversarial import domain_loss
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2).eval()
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    lam = 0.3
    cls = STRATEGIES.get("adversarial")
    s = cls(cls.Options(weight=lam, source=tiny_text, hidden=8))
    ctx = fake_ctx(model, tok)
    s.prepare(model, ctx)
    s.disc.eval()
    batch = dict(tok(["a great film", "the awful meal felt bland"], return_tensors="pt", padding=True))

    def grads(loss_of):
        model.zero_grad()
        s.disc.zero_grad()
        s.general._step = -1                  # the same general batch every time
        out = model(**batch, output_hidden_states=True)
        loss_of(out).backward()
        enc = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        return enc, {n: p.grad.clone() for n, p in s.disc.named_parameters()}

    def unreversed(out):   # the same loss with the reversal layer taken out, weight 1
        gen = s.general.batch(2, 0, ctx.device)
        general = s.features(model(**gen, output_hidden_states=True), gen["attention_mask"])
        return domain_loss(s.disc, general, s.features(out, batch["attention_mask"]), reverse=False)[0]

    enc_rev, d_rev = grads(lambda out: s.loss_terms(batch, out, ctx)["adv"])
    enc_plain, d_plain = grads(unreversed)
    assert enc_rev and set(enc_rev) == set(enc_plain)
    for n in enc_plain:
        assert torch.allclose(enc_rev[n], -lam * enc_plain[n], atol=1e-7, rtol=1e-4), n
    for n in d_plain:
        assert torch.allclose(d_rev[n], lam * d_plain[n], atol=1e-7, rtol=1e-4), n   # D: λ·∂L_D, not reversed
    assert any(g.abs().sum() > 0 for g in enc_rev.values())


def test_adversarial_run_logs_adv_and_discriminator_accuracy(make_cfg, train, tiny_cls_data, tiny_bert_dir,
                                                             tiny_text):
    cfg = cls_cfg(make_cfg, tiny_cls_data, tiny_bert_dir,
                  [{"name": "adversarial", "source": tiny_text, "weight": 0.5, "hidden": 16}], max_steps=6)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert all(t["adv"] > 0 for t in step_terms(paths))
    assert 0 <= summary["metrics"]["adv_discriminator_accuracy"] <= 1
    assert "extra.0.0.weight" in checkpoint_tensors(paths, 6)          # D is checkpointed


# ---------------------------------------------------------------------------------------------------------------
# rehearsal
@pytest.mark.parametrize("fixture,task", [("tiny_bert_dir", "classification"), ("tiny_gpt_dir", "classification"),
                                          ("tiny_gpt_dir", "causal_lm")])
def test_rehearsal_lm_term_falls(request, make_cfg, train, tiny_cls_data, tiny_text, fixture, task):
    model_dir = request.getfixturevalue(fixture)
    data = ({"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]} if task == "classification"
            else {"train": tiny_text, "max_length": 32})
    cfg = make_cfg(task=task, model={"name": model_dir}, data=data,
                   strategy=[{"name": "rehearsal", "source": tiny_text, "weight": 1.0, "batch_size": 8}],
                   train={"max_steps": 24, "lr": 3e-3, "warmup_ratio": 0})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    r = [t["rehearsal"] for t in step_terms(paths)]
    assert sum(r[-5:]) / 5 < 0.8 * sum(r[:5]) / 5, r


def test_rehearsal_builds_a_fresh_tied_head_when_the_checkpoint_has_none(make_cfg, train, tiny_cls_data, tiny_text,
                                                                       tiny_bert_dir, tmp_path):
    from transformers import AutoModel
    bare = tmp_path / "bare_bert"                  # like MiniLM's checkpoint: the encoder only, no MLM head
    AutoModel.from_pretrained(tiny_bert_dir).save_pretrained(bare)
    AutoTokenizer.from_pretrained(tiny_bert_dir).save_pretrained(bare)
    cfg = cls_cfg(make_cfg, tiny_cls_data, str(bare),
                  [{"name": "rehearsal", "source": tiny_text, "batch_size": 8}], max_steps=3)
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    log = paths.log.read_text()
    assert "no MLM head, so this is an auxiliary MLM task, not rehearsal" in log
    assert "a fresh head tied to the input embeddings" in log
    assert summary["metrics"]["rehearsal_head"] == "fresh" and summary["metrics"]["rehearsal_is_auxiliary"]
    tensors = checkpoint_tensors(paths, 3)
    head = [k for k in tensors if k.startswith("extra.0.")]
    assert head and not any(t.shape[0] == tensors["model.bert.embeddings.word_embeddings.weight"].shape[0]
                            and t.dim() == 2 for k, t in tensors.items() if k in head)   # tied: no own (V, H) matrix


def test_fresh_head_warms_up_alone(tiny_bert_dir, tmp_path):
    from transformers import AutoModel

    from workbench.config import ModelConfig
    from workbench.strategies._lm_heads import borrow_lm_head
    bare = tmp_path / "bare_bert"
    AutoModel.from_pretrained(tiny_bert_dir).save_pretrained(bare)
    model = AutoModelForSequenceClassification.from_pretrained(bare, num_labels=2)
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    ctx = SimpleNamespace(cfg=SimpleNamespace(model=ModelConfig(name=str(bare)),
                                              output=SimpleNamespace(runs_dir=str(tmp_path))))
    head = borrow_lm_head(model, ctx, "mlm")
    assert head.fresh and head.tied
    batch = tok(["the river runs to the sea"], return_tensors="pt")
    hidden = model(**batch, output_hidden_states=True).hidden_states[-1]          # (1, T, 32)
    head(hidden[0], head_only=True).logsumexp(-1).sum().backward()
    assert all(p.grad is None for p in model.parameters())                      # warm-up: the model is untouched
    assert all(p.grad is not None for p in head.parameters())
    hidden = model(**batch, output_hidden_states=True).hidden_states[-1]
    head(hidden[0]).logsumexp(-1).sum().backward()
    emb = model.get_input_embeddings().weight
    assert emb.grad is not None and emb.grad.abs().sum() > 0                    # tied: the embeddings learn too


# ---------------------------------------------------------------------------------------------------------------
# resume restores the strategies' state
@pytest.mark.parametrize("kind", ["ema+adversarial", "distill-projection", "mean_teacher"])
def test_resume_restores_strategy_state(kind, make_cfg, train, tiny_cls_data, tiny_bert_dir, narrow_bert_dir,
                                        tiny_text, teacher_run):
    strategy, model_dir = {
        "ema+adversarial": ([{"name": "adversarial", "source": tiny_text, "hidden": 16}, {"name": "ema", "beta": 0.8}],
                            tiny_bert_dir),
        "distill-projection": ([{"name": "distill", "teacher": teacher_run, "hidden_weight": 1.0}], narrow_bert_dir),
        "mean_teacher": ([{"name": "mean_teacher", "beta": 0.8}], tiny_bert_dir),
    }[kind]
    cfg = cls_cfg(make_cfg, tiny_cls_data, model_dir, strategy, max_steps=10, checkpoint_every=4, warmup_ratio=0.2)
    full_paths, full = train(cfg)
    assert full["status"] == "completed", full.get("error")
    stop = StopSignal()

    def cancel_after_6(ev):
        if ev.type == "step" and ev.step == 6:
            stop.request("cancel")
    cut_paths, _ = train(cfg, listener=cancel_after_6, stop=stop)
    resumed = trainer.run(cfg, cut_paths, resume=True)
    assert resumed["status"] == "completed", resumed.get("error")
    base = {e["step"]: e for e in store.read_metrics(full_paths, ("step",))}
    tail = store.read_metrics(cut_paths, ("step",))[-6:]
    assert [e["step"] for e in tail] == list(range(5, 11))
    for e in tail:
        for term, value in e["terms"].items():
            assert abs(value - base[e["step"]]["terms"][term]) < 1e-6, (e["step"], term)
    assert abs(resumed["metrics"]["eval_loss"] - full["metrics"]["eval_loss"]) < 1e-6


# ---------------------------------------------------------------------------------------------------------------
# combinations refused at config time, naming the conflict
@pytest.mark.parametrize("strategy,match", [
    ([{"name": "ema"}, {"name": "mean_teacher"}], "mean_teacher.evaluate_teacher"),
    ([{"name": "distill", "teacher": "x"}, {"name": "mean_teacher"}], "both are teacher strategies"),
    ([{"name": "head_only"}, {"name": "l2sp"}], "no pre-trained weight trains"),
    ([{"name": "head_only"}, {"name": "llrd"}], "llrd would change nothing"),
    ([{"name": "freeze", "k": 1}, {"name": "distill", "teacher": "x", "student_layers": "every:2"}],
     "list 'distill' first"),
    ([{"name": "distill", "student_layers": "every:0"}], "k >= 1"),
    ([{"name": "distill", "alpha": 0.0}], "nothing to distil"),
    ([{"name": "distill"}], "no trained classification head"),
    ([{"name": "distill", "teacher": "./no/such/run"}], "does not exist"),
    ([{"name": "distill", "teacher": "bert-tiny"}], "from-scratch preset"),
    ([{"name": "rehearsal", "source": "./missing.txt"}], "not found"),
])
def test_refused_combinations(strategy, match, make_cfg):
    with pytest.raises(ConfigError, match=match):
        make_cfg(model={"name": "minilm"}, strategy=strategy)


def test_ema_refuses_early_stopping(make_cfg):
    with pytest.raises(ConfigError, match="early_stopping_patience"):
        make_cfg(strategy=[{"name": "ema"}], train={"early_stopping_patience": 2})


def test_compositions_validate(make_cfg):
    for strategy in ([{"name": "l2sp"}, {"name": "llrd"}], [{"name": "distill", "teacher": "x"}, {"name": "ema"}],
                     [{"name": "freeze", "k": 1}, {"name": "l2sp"}], [{"name": "adversarial"}, {"name": "rehearsal"}]):
        assert [s["name"] for s in strategy] == make_cfg(strategy=strategy).strategy_names()


def test_every_transfer_strategy_explains_itself():
    for name in ("llrd", "l2sp", "distill", "mean_teacher", "ema", "adversarial", "rehearsal"):
        cls = STRATEGIES.get(name)
        assert cls.summary and len(cls.explain) > 150 and cls.formula
        # llrd only reshapes the one-directional update; the others keep pre-trained knowledge while learning
        assert cls.direction == ("one-directional" if name == "llrd" else "bidirectional"), name
