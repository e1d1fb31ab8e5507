"""CRF: brute force over all paths checks nll and Viterbi; constraints; compact/uncompact; schemes."""

import itertools

import pytest
import torch

from workbench.tasks._crf import CRF, allowed_transitions, compact, detect_scheme, uncompact


def path_score(crf: CRF, em: torch.Tensor, path: list[int], masked: bool = True) -> torch.Tensor:
    """Score of one path for one row em (L,K), straight from the definition."""
    trans, start, end = crf._scores(-1e4) if masked else (crf.transitions, crf.start, crf.end)
    s = start[path[0]] + em[0, path[0]]
    for t in range(1, len(path)):
        s = s + trans[path[t - 1], path[t]] + em[t, path[t]]
    return s + end[path[-1]]


def brute_best(crf: CRF, em: torch.Tensor) -> list[int]:
    paths = list(itertools.product(range(em.shape[1]), repeat=em.shape[0]))
    scores = [path_score(crf, em, list(p)).item() for p in paths]
    return list(paths[max(range(len(paths)), key=scores.__getitem__)])


def brute_nll(crf: CRF, em: torch.Tensor, tags: list[int]) -> torch.Tensor:
    paths = itertools.product(range(em.shape[1]), repeat=em.shape[0])
    log_z = torch.logsumexp(torch.stack([path_score(crf, em, list(p)) for p in paths]), 0)
    return log_z - path_score(crf, em, tags)


def test_viterbi_hand_checked():
    # 2 tags, 2 steps, zero start/end, trans[1,0] = -5. Path scores (emission + transition):
    # [0,0] = 1+0+0 = 1, [0,1] = 1+0+3 = 4, [1,0] = 0-5+0 = -5, [1,1] = 0+0+3 = 3 -> best [0,1].
    # Then trans[0,1] = -10 makes [0,1] = -6, so the best becomes [1,1] (3).
    crf = CRF(2)
    with torch.no_grad():
        crf.start.zero_(), crf.end.zero_()
        crf.transitions.copy_(torch.tensor([[0.0, 0.0], [-5.0, 0.0]]))
    em = torch.tensor([[[1.0, 0.0], [0.0, 3.0]]])
    mask = torch.ones(1, 2, dtype=torch.bool)
    assert crf.decode(em, mask) == [[0, 1]]
    with torch.no_grad():
        crf.transitions[0, 1] = -10.0
    assert crf.decode(em, mask) == [[1, 1]]


def test_viterbi_and_nll_match_brute_force_with_variable_lengths():
    torch.manual_seed(0)
    K, T = 3, 4
    crf = CRF(K)
    with torch.no_grad():  # make transitions matter as much as emissions
        crf.transitions.normal_(0, 1), crf.start.normal_(0, 1), crf.end.normal_(0, 1)
    for trial in range(5):
        lengths = [4, 3, 1, 2]
        em = torch.randn(len(lengths), T, K) * 1.5
        mask = torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]
        tags = torch.randint(0, K, (len(lengths), T))
        tags[~mask] = -100  # padding labels must be ignored
        paths = crf.decode(em, mask)
        per_row = crf.nll(em, tags, mask, reduction="none")
        for b, n in enumerate(lengths):
            assert paths[b] == brute_best(crf, em[b, :n])
            expected = brute_nll(crf, em[b, :n], tags[b, :n].tolist())
            assert per_row[b].item() == pytest.approx(expected.item(), abs=1e-4)
        assert crf.nll(em, tags, mask).item() == pytest.approx(per_row.mean().item(), abs=1e-5)
        assert crf.nll(em, tags, mask, reduction="sum").item() == pytest.approx(per_row.sum().item(), abs=1e-4)


def test_empty_rows_contribute_nothing():
    crf = CRF(3)
    em = torch.randn(2, 3, 3)
    mask = torch.tensor([[True, True, False], [False, False, False]])
    tags = torch.zeros(2, 3, dtype=torch.long)
    per_row = crf.nll(em, tags, mask, reduction="none")
    assert per_row[1].item() == 0.0
    assert crf.nll(em, tags, mask).item() == pytest.approx(per_row[0].item())
    assert crf.decode(em, mask)[1] == []


def test_gradients_flow_to_all_parameters_and_emissions():
    crf = CRF(4)
    em = torch.randn(2, 5, 4, requires_grad=True)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.bool)
    tags = torch.randint(0, 4, (2, 5))
    crf.nll(em, tags, mask).backward()
    for p in (em, crf.transitions, crf.start, crf.end):
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0
    assert em.grad[1, 3:].abs().sum() == 0  # padding gets no gradient


def test_nll_is_nonnegative_and_decreases_when_training():
    torch.manual_seed(1)
    crf = CRF(3)
    em = torch.randn(4, 6, 3, requires_grad=True)
    tags = torch.randint(0, 3, (4, 6))
    mask = torch.ones(4, 6, dtype=torch.bool)
    params = [em, *crf.parameters()]
    first = None
    for _ in range(30):  # plain SGD by hand (building a torch.optim optimizer costs ~1 s the first time)
        loss = crf.nll(em, tags, mask)
        assert loss.item() >= 0
        first = first if first is not None else loss.item()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= 0.5 * g
    assert loss.item() < first / 4
    assert crf.decode(em, mask) == tags.tolist()


LABELS_IOB2 = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC", 4: "I-LOC"}


def test_iob2_constraints():
    allowed, start, end = allowed_transitions(LABELS_IOB2, "BIO")
    allowed = set(allowed)
    assert (0, 2) not in allowed and (0, 1) in allowed  # O -> I-PER no, O -> B-PER yes
    assert (1, 2) in allowed and (2, 2) in allowed  # B-PER -> I-PER, I-PER -> I-PER
    assert (1, 4) not in allowed and (2, 4) not in allowed  # type change inside an entity
    assert (2, 3) in allowed and (4, 0) in allowed
    assert start == [0, 1, 3] and end == [0, 1, 2, 3, 4]


def test_bioes_and_bmes_constraints():
    labels = {0: "O", 1: "B-X", 2: "I-X", 3: "E-X", 4: "S-X", 5: "B-Y", 6: "E-Y"}
    allowed, start, end = allowed_transitions(labels, "BIOES")
    allowed = set(allowed)
    assert {(1, 2), (1, 3), (2, 2), (2, 3)} <= allowed
    for bad in [(1, 0), (1, 1), (1, 4), (1, 6), (2, 0), (0, 2), (0, 3), (3, 2), (4, 3), (5, 3)]:
        assert bad not in allowed, bad
    assert {(3, 0), (3, 1), (4, 4), (0, 5), (6, 1)} <= allowed
    assert start == [0, 1, 4, 5] and end == [0, 3, 4, 6]
    bmes = {0: "O", 1: "B-X", 2: "M-X", 3: "E-X", 4: "S-X"}
    b_allowed, b_start, b_end = allowed_transitions(bmes, "BMES")
    same = {0: "O", 1: "B-X", 2: "I-X", 3: "E-X", 4: "S-X"}
    assert (b_allowed, b_start, b_end) == allowed_transitions(same, "BIOES")


def test_iob1_and_io():
    labels = {0: "O", 1: "B-X", 2: "I-X", 3: "I-Y"}
    allowed, start, _ = allowed_transitions(labels, "IOB1")
    assert (0, 2) in allowed and (2, 1) in allowed and (0, 1) not in allowed and (3, 1) not in allowed
    assert start == [0, 2, 3]
    io_allowed, io_start, io_end = allowed_transitions({0: "O", 1: "I-X"}, "IO")
    assert len(io_allowed) == 4 and io_start == io_end == [0, 1]


def test_constrained_decoding_never_outputs_forbidden_transitions():
    torch.manual_seed(2)
    allowed, start, end = allowed_transitions(LABELS_IOB2, "IOB2")
    crf = CRF(5, allowed, start, end)
    em = torch.randn(8, 7, 5) * 3
    em[:, :, 2] += 6.0  # emissions scream I-PER everywhere, including at the start
    em[:, 3, 4] += 20.0  # and I-LOC in the middle of it
    mask = torch.ones(8, 7, dtype=torch.bool)
    ok = set(allowed)
    for path in crf.decode(em, mask):
        assert path[0] in start and path[-1] in end
        assert all((a, b) in ok for a, b in zip(path, path[1:])), path
    unconstrained = CRF(5).decode(em, mask)
    assert any(p[0] == 2 for p in unconstrained)  # the constraint really changed something


def test_constrained_viterbi_is_best_allowed_path():
    torch.manual_seed(3)
    labels = {0: "O", 1: "B-X", 2: "I-X", 3: "E-X", 4: "S-X"}
    crf = CRF(5, *allowed_transitions(labels, "BIOES"))
    em = torch.randn(1, 4, 5) * 2
    assert crf.decode(em, torch.ones(1, 4, dtype=torch.bool))[0] == brute_best(crf, em[0])


def test_nll_with_forbidden_gold_is_finite():
    crf = CRF(5, *allowed_transitions(LABELS_IOB2, "IOB2"))
    em = torch.zeros(1, 3, 5, requires_grad=True)
    loss = crf.nll(em, torch.tensor([[0, 2, 2]]), torch.ones(1, 3, dtype=torch.bool))  # O I-PER: noisy gold
    loss.backward()
    assert torch.isfinite(loss) and loss.item() > 1e3 and torch.isfinite(em.grad).all()


def test_compact_and_uncompact():
    em = torch.arange(2 * 5 * 2, dtype=torch.float).view(2, 5, 2).requires_grad_()
    labels = torch.tensor([[-100, 3, -100, 4, -100], [-100, -100, 1, -100, -100]])
    keep = labels != -100
    c_em, c_tags, c_mask = compact(em, labels, keep)
    assert c_em.shape == (2, 2, 2)
    assert torch.equal(c_em[0], em[0, [1, 3]]) and torch.equal(c_em[1, 0], em[1, 2])
    assert torch.equal(c_em[1, 1], torch.zeros(2))
    assert c_tags.tolist() == [[3, 4], [1, 0]]
    assert c_mask.tolist() == [[True, True], [True, False]]
    c_em.sum().backward()
    assert em.grad.sum(-1).tolist() == [[0, 2, 0, 2, 0], [0, 0, 2, 0, 0]]
    assert uncompact([[7, 8], [9]], keep) == [[-100, 7, -100, 8, -100], [-100, -100, 9, -100, -100]]
    # nothing kept anywhere: still a valid (B,1) batch with an all-False mask
    e2, t2, m2 = compact(em.detach(), None, torch.zeros(2, 5, dtype=torch.bool))
    assert e2.shape == (2, 1, 2) and not m2.any() and t2.tolist() == [[0], [0]]


def test_compact_then_crf_end_to_end():
    torch.manual_seed(4)
    crf = CRF(3)
    em = torch.randn(2, 6, 3)
    labels = torch.tensor([[-100, 0, 1, -100, 2, -100], [-100, 2, -100, -100, -100, -100]])
    keep = labels != -100
    c_em, c_tags, c_mask = compact(em, labels, keep)
    per_row = crf.nll(c_em, c_tags, c_mask, reduction="none")
    assert per_row[0].item() == pytest.approx(brute_nll(crf, em[0, [1, 2, 4]], [0, 1, 2]).item(), abs=1e-4)
    full = uncompact(crf.decode(c_em, c_mask), keep)
    assert [len(r) for r in full] == [6, 6] and full[1][0] == -100 and full[1][1] >= 0


def test_errors():
    crf = CRF(3)
    with pytest.raises(ValueError, match="left-aligned prefix"):
        crf.nll(torch.zeros(1, 3, 3), torch.zeros(1, 3, dtype=torch.long), torch.tensor([[True, False, True]]))
    with pytest.raises(ValueError, match=r"\(batch, seq_len, 3\)"):
        crf.decode(torch.zeros(1, 3, 4), torch.ones(1, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="outside 0..2"):
        CRF(3, allowed=[(0, 3)])
    with pytest.raises(ValueError, match="unknown reduction"):
        crf.nll(torch.zeros(1, 2, 3), torch.zeros(1, 2, dtype=torch.long), torch.ones(1, 2, dtype=torch.bool), "avg")
    with pytest.raises(ValueError, match="does not fit the IOB2 scheme"):
        allowed_transitions({0: "O", 1: "S-PER"}, "IOB2")
    with pytest.raises(ValueError, match="unknown tagging scheme 'xyz'"):
        allowed_transitions({0: "O"}, "xyz")


def test_detect_scheme():
    assert detect_scheme(["O", "B-PER", "I-PER"]) == "IOB2"
    assert detect_scheme(["O", "B-PER.NAM", "I-PER.NAM"]) == "IOB2"
    assert detect_scheme(["O", "B-X", "I-X", "E-X", "S-Y"]) == "BIOES"
    assert detect_scheme(["O", "B-NAME", "M-NAME", "E-NAME", "S-ORG"]) == "BMES"
    assert detect_scheme(["B-X", "I-X", "L-X", "U-X", "O"]) == "BILOU"
    assert detect_scheme(["O", "I-X"]) == "IO"
    assert detect_scheme(["O", "O"]) == "IOB2"
    with pytest.raises(ValueError, match=r"unknown tagging scheme: saw prefixes \['B', 'I', 'M'\]"):
        detect_scheme(["B-X", "I-X", "M-X"])
    with pytest.raises(ValueError, match="has no scheme prefix"):
        detect_scheme(["O", "PER"])


def test_state_dict_roundtrip_keeps_constraints():
    crf = CRF(5, *allowed_transitions(LABELS_IOB2, "IOB2"))
    other = CRF(5)
    other.load_state_dict(crf.state_dict())
    assert torch.equal(other.trans_ok, crf.trans_ok) and torch.equal(other.start_ok, crf.start_ok)
