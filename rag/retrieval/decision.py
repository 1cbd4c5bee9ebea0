"""Whether the documents answer a question, decided in two steps on the evidence (evidence.py), both fitted
on the reference questions' dev split so that at most 5% of its answerable questions are refused. No reader
model (cross-encoder, extractive QA, NLI) ships its weights offline here, so the decision is built from what
the index itself measures.

1. Off the subject: no sentence is `floor` similar to the question, and some of its key words are in no
   passage shown. ("youth" is never very similar to a paragraph, but the paragraphs shown hold it.)
2. On the subject but not answered: a logistic regression over the evidence, p(answered) = 1 / (1 +
   exp(-(w · features + b))), abstains when p < cut: a specific question (a number, a date, a person, a
   place) whose own numbers are not in the passages, whose key words they hold little of.
"""

import math
from dataclasses import dataclass

import numpy as np

FEATURES = ("similarity", "shown", "specific", "numbers")  # Evidence.features(), in this order
COMPLETE = 0.999  # `shown` when the passages hold every key word of the question


@dataclass(frozen=True)
class Decision:
    floor: float  # step 1: off the subject under this similarity, unless the passages hold every key word
    weights: tuple[float, ...]  # step 2: the logistic regression over FEATURES
    bias: float
    cut: float  # abstain when the probability of an answer is under this

    @classmethod
    def threshold(cls, below: float) -> "Decision":
        """The rule before the evidence: abstain when no sentence is `below` similar to the question."""
        return cls(below, (0.0,) * len(FEATURES), 0.0, 0.0)

    def probability(self, features: list[float]) -> float:
        z = sum(w * x for w, x in zip(self.weights, features, strict=True)) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def answers(self, features: list[float]) -> bool:
        similarity, shown = features[0], features[1]
        off_subject = similarity < self.floor and shown < COMPLETE
        return not off_subject and self.probability(features) >= self.cut

    def record(self) -> dict:
        return {
            "features": list(FEATURES),
            "floor": self.floor,
            "weights": list(self.weights),
            "bias": self.bias,
            "cut": self.cut,
        }

    @classmethod
    def from_record(cls, record: dict) -> "Decision | None":
        """A saved decision, or None for one saved in another form (an older file's plain threshold)."""
        if not isinstance(record, dict) or record.get("features") != list(FEATURES) or "floor" not in record:
            return None
        weights = tuple(float(w) for w in record["weights"])
        return cls(float(record["floor"]), weights, float(record["bias"]), float(record["cut"]))


# Fitted on the seeds' dev split with the bundled all-MiniLM-L6-v2 (`rag eval --split dev --calibrate`): of
# the 101 dev questions it weighs, it abstains on 38% of the unanswered and refuses 4% of the answerable.
BUNDLED = Decision(0.4257, (0.0242, 0.8411, -2.825, -2.3073), 2.5952, 0.5133)


def abstains(ranking, evidence, decision: Decision, lacks: bool) -> bool:
    """Whether an answer abstains: never when the question names paragraphs that exist or quotes wording
    that is there; always when it asks for what is not there (a paragraph or a document's paragraph, wording,
    a language the search does not read: `lacks`); otherwise as the decision weighs the evidence."""
    if ranking.resolved or (ranking.phrases and not ranking.missing_phrases):
        return False
    if lacks or ranking.missing_phrases:
        return True
    if ranking.similarity is None:  # no dense signal (an ablation): nothing to weigh
        return False
    return not decision.answers(evidence.features())


def fit(rows: list[tuple[list[float], bool]], max_false: float = 0.05, floor_false: float = 0.025) -> Decision:
    """Both steps, on `rows` of (features, answerable). Step 1's floor is the highest that refuses at most
    `floor_false` of the answerable rows; step 2 is a logistic regression on the rows step 1 lets through,
    its cut the highest that keeps all refusals within `max_false` of the answerable rows."""
    answerable = sum(ok for _, ok in rows)
    partial = sorted(features[0] for features, ok in rows if ok and features[1] < COMPLETE)
    floor = _highest_cut(partial, floor_false * answerable)
    kept = [(features, ok) for features, ok in rows if features[0] >= floor or features[1] >= COMPLETE]
    refused = answerable - sum(ok for _, ok in kept)
    weights, bias = _logistic(kept)
    step2 = Decision(floor, weights, bias, 0.0)
    probabilities = sorted(step2.probability(features) for features, ok in kept if ok)
    return Decision(floor, weights, bias, _highest_cut(probabilities, max_false * answerable - refused))


def _highest_cut(values: list[float], may_refuse: float) -> float:
    """The highest cut under which at most `may_refuse` of the sorted `values` fall."""
    allowed = max(0, math.floor(may_refuse + 1e-9))
    return values[allowed] if allowed < len(values) else (values[-1] + 1e-6 if values else 0.0)


def _logistic(rows: list[tuple[list[float], bool]], l2: float = 0.1) -> tuple[tuple[float, ...], float]:
    """Logistic regression by Newton's method, a little L2 on the weights (not the bias)."""
    x = np.array([features for features, _ in rows], dtype=np.float64)
    y = np.array([answerable for _, answerable in rows], dtype=np.float64)
    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -60, 60)))
        gradient = design.T @ (p - y) + penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return tuple(float(w) for w in beta[:-1]), float(beta[-1])
