"""Checks the figures of train.py with numpy and scipy (not part of the example: the example needs the standard
library only; this needs numpy and scipy, e.g. Debian's python3-numpy and python3-scipy).

    python3 examples/weather/src/train.py --data examples/weather/data --model-dir /tmp/weather-model
    /usr/bin/python3 examples/weather/reference/check_metrics.py examples/weather/data/train.csv /tmp/weather-model

1. Recomputes the test metrics of model.json from its weights with numpy (encoding vectorised, AUC from
   scipy.stats.mannwhitneyu): they must equal what train.py wrote.
2. Fits the same penalised logistic regression to convergence with scipy's L-BFGS and reports its test metrics:
   gradient descent for a fixed number of epochs should land close to it.
"""

import csv
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.stats import mannwhitneyu


def load(csv_path):
    with open(csv_path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def design(model, rows):
    numeric = []
    for feature in model["numeric_features"]:
        values = np.array([float(r[feature["source"]]) for r in rows])
        kind = feature["transform"]
        if kind == "sin_degrees":
            values = np.sin(np.radians(values))
        elif kind == "cos_degrees":
            values = np.cos(np.radians(values))
        elif kind == "log1p":
            values = np.log1p(np.maximum(values, 0.0))
        name = feature["name"]
        numeric.append((values - model["scaling"]["mean"][name]) / model["scaling"]["std"][name])
    conditions = np.array(["_".join(r[model["categorical_feature"]].strip().lower().split()) for r in rows])
    one_hot = [(conditions == c).astype(float) for c in model["categories"]]
    return np.column_stack(numeric + one_hot)


def scores(y, p, threshold):
    predicted = p >= threshold
    tp = int(np.sum(predicted & (y == 1)))
    fp = int(np.sum(predicted & (y == 0)))
    fn = int(np.sum(~predicted & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    auc = mannwhitneyu(p[y == 1], p[y == 0]).statistic / (np.sum(y == 1) * np.sum(y == 0))
    return {
        "accuracy": float(np.mean(predicted == (y == 1))),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "auc": float(auc),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = load(sys.argv[1])
    with open(os.path.join(sys.argv[2], "model.json"), encoding="utf-8") as stream:
        model = json.load(stream)
    n_test = model["training"]["test_rows"]
    x = design(model, rows)
    y = np.array([int(r[model["label"]]) for r in rows])
    x_train, y_train, x_test, y_test = x[:-n_test], y[:-n_test], x[-n_test:], y[-n_test:]

    weights, bias = np.array(model["weights"]), model["bias"]
    ours = scores(y_test, 1 / (1 + np.exp(-(x_test @ weights + bias))), model["threshold"])
    written = {k: model["metrics"][k] for k in ours}
    same = all(abs(ours[k] - written[k]) < 1e-9 for k in ours)

    l2 = model["training"]["l2"]

    def loss(wb):
        w, b = wb[:-1], wb[-1]
        z = x_train @ w + b
        p = 1 / (1 + np.exp(-z))
        value = np.mean(np.logaddexp(0, z) - y_train * z) + l2 / 2 * w @ w
        gradient = np.append(x_train.T @ (p - y_train) / len(y_train) + l2 * w, np.mean(p - y_train))
        return value, gradient

    fitted = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
    w, b = fitted.x[:-1], fitted.x[-1]
    p_train = 1 / (1 + np.exp(-(x_train @ w + b)))
    threshold = max(np.arange(5, 96) / 100, key=lambda t: (scores(y_train, p_train, t)["f1"], -t))
    exact = scores(y_test, 1 / (1 + np.exp(-(x_test @ w + b))), threshold)

    print(f"{'':<10} {'model.json':>10} {'numpy':>10} {'L-BFGS':>10}")
    for k in ours:
        print(f"{k:<10} {written[k]:>10.4f} {ours[k]:>10.4f} {exact[k]:>10.4f}")
    print(f"threshold  {model['threshold']:>10.2f} {model['threshold']:>10.2f} {threshold:>10.2f}")
    print(f"train loss (L-BFGS optimum): {fitted.fun:.4f}")
    print("model.json metrics match numpy:", "yes" if same else "NO")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
