"""Linear-chain CRF for token classification, with tagging-scheme constraints.

Shapes used throughout: B = batch, T = sequence length, K = number of tags.

A path y_1..y_T has score
    s(y) = start[y_1] + sum_t emit[t, y_t] + sum_{t>1} trans[y_{t-1}, y_t] + end[y_T]
and the CRF models p(y | x) = exp(s(y)) / sum_y' exp(s(y')).

Sub-word models: the CRF should run over *words*, not sub-word pieces. The caller keeps one
position per word (usually the first sub-token, i.e. labels != -100) and calls `compact()` to
gather those positions into a left-aligned padded batch; `nll()` and `decode()` then work on
that compacted batch, and `uncompact()` puts decoded tags back at the original positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import torch
from torch import nn

# Added to the score of a forbidden transition during training. Finite on purpose: a gold path
# that breaks the scheme (noisy data) then gets a large but finite loss instead of inf/NaN.
# Decoding uses -inf instead, so a forbidden transition is never output.
FORBIDDEN = -1e4

# Roles: B = begin, I = inside, E = end, S = single, O = outside. Each scheme names its prefixes.
_ROLES = {
    "IOB2": {"B": "B", "I": "I"},
    "IOB1": {"B": "B", "I": "I"},
    "IO": {"I": "I"},
    "BIOES": {"B": "B", "I": "I", "E": "E", "S": "S"},
    "BMES": {"B": "B", "M": "I", "E": "E", "S": "S"},
    "BILOU": {"B": "B", "I": "I", "L": "E", "U": "S"},
}
_ALIASES = {"BIO": "IOB2", "IOB": "IOB2", "IOBES": "BIOES", "IOBES2": "BIOES"}
_TAG_RE = re.compile(r"^([A-Z])[-_](.+)$")


class CRF(nn.Module):
    """Linear-chain CRF with learnable transition, start and end scores.

    Args:
        num_tags: K, the number of tags.
        allowed: allowed (from_tag, to_tag) pairs; None allows every transition.
        start_allowed: tags a sequence may start with; None allows all.
        end_allowed: tags a sequence may end with; None allows all.
    Use `allowed_transitions(id2label, scheme)` to build the three constraint arguments.
    """

    def __init__(
        self,
        num_tags: int,
        allowed: list[tuple[int, int]] | None = None,
        start_allowed: Iterable[int] | None = None,
        end_allowed: Iterable[int] | None = None,
    ) -> None:
        super().__init__()
        if num_tags < 1:
            raise ValueError(f"CRF needs at least one tag, got num_tags={num_tags}")
        self.num_tags = num_tags
        # Small init: the emissions dominate at first, transitions are learned from there.
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags).uniform_(-0.1, 0.1))  # (K,K) [from, to]
        self.start = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))  # (K,)
        self.end = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))  # (K,)
        # Constraint masks are buffers (saved with the model, moved by .to(), never trained).
        self.register_buffer("trans_ok", _pair_mask(num_tags, allowed))  # (K,K) bool
        self.register_buffer("start_ok", _tag_mask(num_tags, start_allowed, "start_allowed"))  # (K,) bool
        self.register_buffer("end_ok", _tag_mask(num_tags, end_allowed, "end_allowed"))  # (K,) bool

    def _scores(self, forbidden: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Transition/start/end scores with forbidden entries pushed to `forbidden`."""
        f = torch.tensor(forbidden, device=self.transitions.device)
        trans = torch.where(self.trans_ok, self.transitions.float(), f)
        start = torch.where(self.start_ok, self.start.float(), f)
        end = torch.where(self.end_ok, self.end.float(), f)
        return trans, start, end

    def nll(
        self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor, reduction: str = "mean"
    ) -> torch.Tensor:
        """Negative log-likelihood of the gold tags.

        Args:
            emissions: (B,T,K) scores per position and tag.
            tags: (B,T) long gold tags; values at masked-out positions are ignored.
            mask: (B,T) bool, a left-aligned prefix per row (see `compact`). All-False rows
                (nothing to label) are allowed and contribute zero.
            reduction: "mean" (over non-empty rows), "sum", or "none" for a (B,) tensor.
        """
        self._check(emissions, mask, tags)
        em = emissions.float()  # the recursion sums many terms: keep it in fp32 under autocast
        mask = mask.bool()
        trans, start, end = self._scores(FORBIDDEN)
        B, T, K = em.shape
        rows = torch.arange(B, device=em.device)
        lengths = mask.sum(1)  # (B,)
        tags = torch.where(mask, tags, torch.zeros_like(tags)).long()  # padding may hold -100

        # Gold path score, (B,)
        gold = start[tags[:, 0]] + em[rows, 0, tags[:, 0]]
        if T > 1:
            step = trans[tags[:, :-1], tags[:, 1:]] + em[:, 1:].gather(2, tags[:, 1:, None]).squeeze(2)  # (B,T-1)
            gold = gold + (step * mask[:, 1:]).sum(1)
        last = tags[rows, (lengths - 1).clamp(min=0)]  # (B,)
        gold = gold + end[last]

        # Forward algorithm: alpha[b, j] = log-sum over paths ending in tag j at step t.
        alpha = start + em[:, 0]  # (B,K)
        for t in range(1, T):
            # (B,K_from,1) + (K_from,K_to) -> logsumexp over K_from -> (B,K_to)
            nxt = torch.logsumexp(alpha[:, :, None] + trans, dim=1) + em[:, t]
            alpha = torch.where(mask[:, t, None], nxt, alpha)  # finished rows keep their alpha
        log_z = torch.logsumexp(alpha + end, dim=1)  # (B,)

        nonempty = lengths > 0
        loss = (log_z - gold) * nonempty  # (B,); empty rows contribute exactly zero
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        if reduction == "mean":
            return loss.sum() / nonempty.sum().clamp(min=1)
        raise ValueError(f"unknown reduction {reduction!r}; use 'mean', 'sum' or 'none'")

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """Viterbi: the highest-scoring allowed tag path for each row, of length mask[b].sum()."""
        self._check(emissions, mask)
        em = emissions.float()
        mask = mask.bool()
        trans, start, end = self._scores(float("-inf"))  # forbidden can never win a max
        B, T, K = em.shape
        score = start + em[:, 0]  # (B,K) best score of a path ending in each tag
        backptr = []  # T-1 tensors of (B,K): best previous tag for each current tag
        for t in range(1, T):
            best, idx = (score[:, :, None] + trans).max(dim=1)  # (B,K_to)
            score = torch.where(mask[:, t, None], best + em[:, t], score)
            backptr.append(idx)
        score = score + end
        lengths = mask.sum(1).tolist()
        last = score.argmax(dim=1).tolist()  # (B,)
        bp = torch.stack(backptr).cpu().tolist() if backptr else []  # [T-1][B][K]
        paths = []
        for b in range(B):
            n = lengths[b]
            if n == 0:
                paths.append([])
                continue
            path = [last[b]]
            for t in range(n - 1, 0, -1):  # backptr[t-1] maps tag at t to best tag at t-1
                path.append(bp[t - 1][b][path[-1]])
            paths.append(path[::-1])
        return paths

    def _check(self, emissions: torch.Tensor, mask: torch.Tensor, tags: torch.Tensor | None = None) -> None:
        if emissions.dim() != 3 or emissions.shape[-1] != self.num_tags:
            raise ValueError(
                f"CRF emissions must have shape (batch, seq_len, {self.num_tags}), got {tuple(emissions.shape)}"
            )
        if emissions.shape[1] == 0:
            raise ValueError("CRF got an empty sequence dimension (seq_len=0); pad to at least 1 position")
        if mask.shape != emissions.shape[:2] or (tags is not None and tags.shape != mask.shape):
            shapes = f"emissions {tuple(emissions.shape)}, mask {tuple(mask.shape)}"
            if tags is not None:
                shapes += f", tags {tuple(tags.shape)}"
            raise ValueError(f"CRF shape mismatch: {shapes}; mask and tags must be (batch, seq_len)")
        m = mask.bool()
        if (m[:, 1:] & ~m[:, :-1]).any():
            raise ValueError(
                "CRF mask must be a left-aligned prefix per row (True...True False...False); "
                "gather kept positions first with crf.compact(emissions, tags, keep_mask)"
            )


def compact(
    emissions: torch.Tensor, tags: torch.Tensor | None, keep_mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gather kept positions (e.g. first sub-tokens, labels != -100) into a left-aligned batch.

    Args:
        emissions: (B,T,K).
        tags: (B,T) or None (for decoding; zeros are returned then).
        keep_mask: (B,T) bool, True at positions the CRF should see.
    Returns:
        (emissions (B,T',K), tags (B,T') long, mask (B,T') bool) with T' = max(1, max kept per row);
        padding holds zeros. Differentiable with respect to emissions.
    """
    if keep_mask.shape != emissions.shape[:2]:
        raise ValueError(f"keep_mask {tuple(keep_mask.shape)} must match emissions (B,T)={tuple(emissions.shape[:2])}")
    keep = keep_mask.bool()
    B, T, K = emissions.shape
    counts = keep.sum(1)  # (B,)
    t_out = max(1, int(counts.max()) if B else 1)
    b_idx, t_idx = keep.nonzero(as_tuple=True)  # row-major order, so positions stay in order
    dest = (keep.long().cumsum(1) - 1)[b_idx, t_idx]  # new left-aligned position of each kept token
    out_em = emissions.new_zeros(B, t_out, K)
    out_em[b_idx, dest] = emissions[b_idx, t_idx]
    out_tags = torch.zeros(B, t_out, dtype=torch.long, device=emissions.device)
    if tags is not None:
        out_tags[b_idx, dest] = tags[b_idx, t_idx].long()
    mask = torch.arange(t_out, device=emissions.device)[None, :] < counts[:, None]  # (B,T')
    return out_em, out_tags, mask


def uncompact(paths: list[list[int]], keep_mask: torch.Tensor, fill: int = -100) -> list[list[int]]:
    """Inverse of `compact` for decoded paths: put tags back at kept positions, `fill` elsewhere."""
    out = []
    for b, row in enumerate(keep_mask.bool().tolist()):
        it = iter(paths[b])
        out.append([next(it) if k else fill for k in row])
    return out


def canonical_scheme(scheme: str) -> str:
    """Normalise a scheme name ("bio" -> "IOB2", "iobes" -> "BIOES"); ValueError if unknown."""
    name = scheme.strip().upper()
    name = _ALIASES.get(name, name)
    if name not in _ROLES:
        raise ValueError(f"unknown tagging scheme {scheme!r}; supported: IOB2/BIO, IOB1, IO, BIOES, BMES, BILOU")
    return name


def split_tag(tag: str) -> tuple[str, str | None]:
    """'B-PER' -> ('B', 'PER'); 'O' -> ('O', None). ValueError for tags without a prefix."""
    if tag == "O":
        return "O", None
    m = _TAG_RE.match(tag)
    if not m:
        raise ValueError(
            f"tag {tag!r} has no scheme prefix; expected 'O' or PREFIX-TYPE such as 'B-PER', 'I-LOC', 'S-ORG'"
        )
    return m.group(1), m.group(2)


def _role(tag: str, scheme: str) -> tuple[str, str | None]:
    """Map a tag to its (role, type) under `scheme`, e.g. BMES 'M-LOC' -> ('I', 'LOC')."""
    prefix, typ = split_tag(tag)
    if prefix == "O":
        return "O", None
    roles = _ROLES[scheme]
    if prefix not in roles:
        raise ValueError(
            f"tag {tag!r} does not fit the {scheme} scheme (prefixes {sorted(roles)} and O); "
            f"check the scheme setting or the label list"
        )
    return roles[prefix], typ


def _transition_ok(a: tuple[str, str | None], b: tuple[str, str | None], scheme: str) -> bool:
    """Whether role/type `a` may be followed by `b`."""
    (ra, ta), (rb, tb) = a, b
    if scheme == "IO":
        return True
    if scheme == "IOB1":  # I starts entities; B only splits two adjacent entities of one type
        return rb != "B" or (ra in "BI" and ta == tb)
    if scheme == "IOB2":  # I only continues an entity of the same type
        return rb != "I" or (ra in "BI" and ta == tb)
    # BIOES-like: inside an entity (after B or I) only I/E of the same type may follow;
    # outside (after O, E, S) a new entity must begin with B or S.
    if ra in ("B", "I"):
        return rb in ("I", "E") and ta == tb
    return rb in ("O", "B", "S")


def allowed_transitions(
    id2label: dict[int, str], scheme: str
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Constraints for `CRF` from a label map and a tagging scheme.

    Returns (allowed (from, to) pairs, start_allowed tag ids, end_allowed tag ids).
    E.g. IOB2: O -> I-X forbidden, B-X -> I-Y only if X == Y, no start at I-X.
    BIOES/BMES/BILOU: B-X/I-X must be followed by I-X or E-X; sequences start with B/S/O
    and end with E/S/O.
    """
    scheme = canonical_scheme(scheme)
    roles = {i: _role(label, scheme) for i, label in id2label.items()}
    allowed = [(i, j) for i in roles for j in roles if _transition_ok(roles[i], roles[j], scheme)]
    if scheme in ("IO", "IOB2"):
        start = [i for i, (r, _) in roles.items() if scheme == "IO" or r != "I"]
        end = list(roles)
    elif scheme == "IOB1":
        start = [i for i, (r, _) in roles.items() if r != "B"]
        end = list(roles)
    else:
        start = [i for i, (r, _) in roles.items() if r in ("B", "S", "O")]
        end = [i for i, (r, _) in roles.items() if r in ("E", "S", "O")]
    return allowed, start, end


def detect_scheme(tags: Iterable[str]) -> str:
    """Guess the tagging scheme from the tags seen: "IOB2", "BIOES", "BMES", "BILOU" or "IO".

    IOB1 cannot be told apart from IOB2 by its tag set, so {B, I} gives "IOB2"; pass IOB1
    explicitly if the data uses it. Only-O data gives "IOB2" (there is nothing to constrain).
    """
    prefixes = set()
    for tag in set(tags):
        prefix, _ = split_tag(tag)
        if prefix != "O":
            prefixes.add(prefix)
    if prefixes <= {"I"} and prefixes:
        return "IO"
    if prefixes <= {"B", "I"}:
        return "IOB2"
    if prefixes <= {"B", "I", "E", "S"}:
        return "BIOES"
    if prefixes <= {"B", "M", "E", "S"}:
        return "BMES"
    if prefixes <= {"B", "I", "L", "U"}:
        return "BILOU"
    raise ValueError(
        f"unknown tagging scheme: saw prefixes {sorted(prefixes)}; supported: IOB2/BIO, BIOES, BMES "
        f"(also BILOU, IO); fix or rename the tags"
    )


def _pair_mask(k: int, allowed: list[tuple[int, int]] | None) -> torch.Tensor:
    if allowed is None:
        return torch.ones(k, k, dtype=torch.bool)
    m = torch.zeros(k, k, dtype=torch.bool)
    for i, j in allowed:
        if not (0 <= i < k and 0 <= j < k):
            raise ValueError(f"allowed transition ({i}, {j}) is outside 0..{k - 1}; check num_tags and the label map")
        m[i, j] = True
    return m


def _tag_mask(k: int, tags: Iterable[int] | None, what: str) -> torch.Tensor:
    if tags is None:
        return torch.ones(k, dtype=torch.bool)
    m = torch.zeros(k, dtype=torch.bool)
    for i in tags:
        if not 0 <= i < k:
            raise ValueError(f"{what} tag {i} is outside 0..{k - 1}; check num_tags and the label map")
        m[i] = True
    if not m.any():
        raise ValueError(f"{what} is empty: no tag may {what.split('_')[0]} a sequence")
    return m
