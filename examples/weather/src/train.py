"""Trains the weather model: will it rain at the port four hours from now? Standard library only.

    python train.py --data ../data/train.csv --model-dir ./outputs/model [--learning-rate 0.1] [--epochs 30] [--l2 0.001]

--data is a CSV file or a folder. In a folder, every *.csv below it is read, except files without the label
column (production inputs such as recent.csv, which carry no label, are skipped and named in the log). A folder
holding both train.csv and test.csv (what prep.py writes) is taken as already split. Otherwise the rows are taken
in time order (by their Timestamp column when every file has one, else in file order: files by name, rows as
written, which is time order for the files of generate.py) and the last 20 % is the test part: the model is
judged on hours that come after every hour it learnt from, as it will be in production.

The model: a logistic regression on
- Temperature_C, Humidity, Wind_speed_kmph, Pressure_millibars as they are;
- Wind_bearing_degrees as its sine and cosine (a bearing is an angle: 359 and 1 are neighbours);
- Visibility_km as log(1 + km) (it spans 0.05 to 40 km; the difference between 0.5 and 2 km is the one that
  matters);
- Current_weather_condition one-hot encoded (categories of the training part; an unknown one scores as none).
The numeric features are standardised with the mean and standard deviation of the training part only. The
weights are fitted by mini-batch gradient descent on the log loss with an L2 penalty, for a fixed number of
epochs, with a seeded shuffle: the same data and arguments give the same model. The decision threshold is the one
that maximises F1 on the training part. Accuracy, precision, recall, F1 and ROC AUC are measured on the test part,
logged through metrics.py, and written with the model to <model-dir>/model.json, which score.py reads.
"""

import argparse
import csv
import glob
import json
import math
import os
import random
import sys
import time
from operator import mul

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics import destination, log_metric, log_metrics  # noqa: E402

LABEL = "Rain_in_4h"
TIMESTAMP = "Timestamp"
CATEGORICAL = "Current_weather_condition"
# (feature, source column, transform): score.py applies the same transforms, read from model.json.
NUMERIC_FEATURES = [
    ("Temperature_C", "Temperature_C", "identity"),
    ("Humidity", "Humidity", "identity"),
    ("Wind_speed_kmph", "Wind_speed_kmph", "identity"),
    ("Wind_bearing_sin", "Wind_bearing_degrees", "sin_degrees"),
    ("Wind_bearing_cos", "Wind_bearing_degrees", "cos_degrees"),
    ("Visibility_log_km", "Visibility_km", "log1p"),
    ("Pressure_millibars", "Pressure_millibars", "identity"),
]
SOURCE_COLUMNS = list(dict.fromkeys(source for _, source, _ in NUMERIC_FEATURES))
PRECIPITATION = {"drizzle", "rain", "thunderstorm", "snow"}


def transform(kind, value):
    if kind == "identity":
        return value
    if kind == "sin_degrees":
        return math.sin(math.radians(value))
    if kind == "cos_degrees":
        return math.cos(math.radians(value))
    if kind == "log1p":
        return math.log1p(max(value, 0.0))
    raise ValueError(f"unknown transform {kind!r}")


def category_of(value):
    """'Partly cloudy' and 'partly_cloudy' are the same condition."""
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def say(message):
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------------- reading


def data_files(path):
    """(files, pre-split): the CSV files to read, and whether they are a train.csv/test.csv pair."""
    if os.path.isfile(path):
        return [path], False
    if not os.path.isdir(path):
        raise SystemExit(f"error: --data {path!r} is neither a file nor a folder")
    train, test = os.path.join(path, "train.csv"), os.path.join(path, "test.csv")
    if os.path.isfile(train) and os.path.isfile(test):
        return [train, test], True
    files = sorted(glob.glob(os.path.join(path, "**", "*.csv"), recursive=True))
    if not files:
        raise SystemExit(f"error: no *.csv file in the folder {path!r}")
    return files, False


def read_examples(file):
    """The examples of one CSV file, or None when it has no label column. Rows with bad values are skipped."""
    with open(file, newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        header = reader.fieldnames or []
        if LABEL not in header:
            say(f"  {file}: no {LABEL} column (unlabelled production inputs?), skipped")
            return None
        missing = [c for c in SOURCE_COLUMNS + [CATEGORICAL] if c not in header]
        if missing:
            raise SystemExit(f"error: {file}: missing column(s) {', '.join(missing)}")
        examples, skipped = [], 0
        for row in reader:
            try:
                values = {c: float(row[c]) for c in SOURCE_COLUMNS}
                if not all(math.isfinite(v) for v in values.values()):
                    raise ValueError("not finite")
                label = int(float(row[LABEL]))
                if label not in (0, 1):
                    raise ValueError("label not 0/1")
                category = category_of(row[CATEGORICAL])
                if not category:
                    raise ValueError("no condition")
            except (TypeError, ValueError):
                skipped += 1
                continue
            examples.append(
                {
                    "time": row.get(TIMESTAMP) or "",
                    "values": values,
                    "category": category,
                    "label": label,
                }
            )
    say(f"  {file}: {len(examples)} rows" + (f", {skipped} skipped (missing or bad values)" if skipped else ""))
    return examples


def load(path, test_fraction):
    files, presplit = data_files(path)
    say(f"reading {path}")
    parts = []
    for file in files:
        examples = read_examples(file)
        if examples is not None:
            parts.append((file, examples))
    if not parts:
        raise SystemExit(f"error: no labelled CSV ({LABEL} column) in {path!r}")
    if presplit:
        train, test = parts[0][1], parts[1][1] if len(parts) > 1 else []
        say("split: train.csv and test.csv as given")
    else:
        examples = [e for _, part in parts for e in part]
        if all(e["time"] for e in examples):
            examples.sort(key=lambda e: e["time"])  # ISO 8601 sorts as text; stable for equal times
            order = "by Timestamp"
        else:
            order = "in file order (no Timestamp column)"
        n_test = int(round(len(examples) * test_fraction))
        train, test = examples[: len(examples) - n_test], examples[len(examples) - n_test :]
        say(f"split: rows {order}, the last {test_fraction:.0%} for testing")
    if len(train) < 20 or not test:
        raise SystemExit(f"error: too few rows to train and test ({len(train)} and {len(test)})")
    if len({e["label"] for e in train}) < 2:
        raise SystemExit("error: the training part has a single class: nothing to learn")
    return train, test, [os.path.relpath(f, path) if os.path.isdir(path) else os.path.basename(f) for f, _ in parts]


# ---------------------------------------------------------------------------------------------------- model


def fit_encoding(train):
    raw = [[transform(kind, e["values"][source]) for _, source, kind in NUMERIC_FEATURES] for e in train]
    means, stds = [], []
    for j in range(len(NUMERIC_FEATURES)):
        column = [r[j] for r in raw]
        mean = sum(column) / len(column)
        std = math.sqrt(sum((v - mean) ** 2 for v in column) / len(column))
        means.append(mean)
        stds.append(std if std > 1e-12 else 1.0)
    categories = sorted({e["category"] for e in train})
    return means, stds, categories


def encode(examples, means, stds, categories):
    index = {c: i for i, c in enumerate(categories)}
    rows = []
    for e in examples:
        x = [
            (transform(kind, e["values"][source]) - means[j]) / stds[j]
            for j, (_, source, kind) in enumerate(NUMERIC_FEATURES)
        ]
        one_hot = [0.0] * len(categories)
        if e["category"] in index:
            one_hot[index[e["category"]]] = 1.0
        rows.append(x + one_hot)
    return rows


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


def log_loss(weights, bias, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        p = min(max(sigmoid(bias + sum(map(mul, weights, x))), 1e-12), 1.0 - 1e-12)
        total -= math.log(p) if y else math.log(1.0 - p)
    return total / len(xs)


def fit(xs, ys, learning_rate, epochs, l2, batch_size, seed):
    """Mini-batch gradient descent on the mean log loss + l2/2 * |w|^2 (the bias is not penalised)."""
    d = len(xs[0])
    weights = [0.0] * d
    rate = sum(ys) / len(ys)
    bias = math.log(rate / (1.0 - rate))  # start from the base rate
    rng = random.Random(seed)
    order = list(range(len(xs)))
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            grad = [0.0] * d
            grad_bias = 0.0
            for i in batch:
                x = xs[i]
                error = sigmoid(bias + sum(map(mul, weights, x))) - ys[i]
                grad_bias += error
                for j, v in enumerate(x):
                    if v:
                        grad[j] += error * v
            scale = learning_rate / len(batch)
            weights = [w - scale * g - learning_rate * l2 * w for w, g in zip(weights, grad)]
            bias -= scale * grad_bias
        loss = log_loss(weights, bias, xs, ys)
        say(f"epoch {epoch:3d}/{epochs}  train log loss {loss:.4f}  ({time.perf_counter() - started:.2f} s)")
        log_metric("train_loss", loss, step=epoch)
    return weights, bias


def probabilities(weights, bias, xs):
    return [sigmoid(bias + sum(map(mul, weights, x))) for x in xs]


# ---------------------------------------------------------------------------------------------------- metrics


def classification_metrics(ys, predictions):
    tp = sum(1 for y, p in zip(ys, predictions) if y and p)
    fp = sum(1 for y, p in zip(ys, predictions) if not y and p)
    fn = sum(1 for y, p in zip(ys, predictions) if y and not p)
    tn = len(ys) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": (tp + tn) / len(ys),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
    }


def roc_auc(ys, scores):
    """The probability that a random positive scores above a random negative (ties count half)."""
    ranked = sorted(zip(scores, ys))
    positives = sum(ys)
    negatives = len(ys) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2.0  # ranks i+1..j share their mean
        rank_sum += mid_rank * sum(y for _, y in ranked[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def best_threshold(ys, scores):
    """The threshold (0.05 to 0.95, step 0.01) with the highest F1; the lowest of equals."""
    best = (-1.0, 0.5)
    for k in range(5, 96):
        threshold = k / 100.0
        f1 = classification_metrics(ys, [s >= threshold for s in scores])["f1"]
        if f1 > best[0] + 1e-12:
            best = (f1, threshold)
    return best[1]


# ---------------------------------------------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description="Trains the rain-in-four-hours model (logistic regression).")
    parser.add_argument("--data", required=True, help="CSV file, or folder of CSV files")
    parser.add_argument("--model-dir", default="outputs/model", help="where to write model.json")
    parser.add_argument("--learning-rate", type=float, default=0.1, help="gradient descent step (default 0.1)")
    parser.add_argument("--epochs", type=int, default=30, help="passes over the training part (default 30)")
    parser.add_argument("--l2", type=float, default=0.001, help="L2 penalty on the weights (default 0.001)")
    parser.add_argument("--batch-size", type=int, default=64, help="rows per gradient step (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the shuffling (default 0)")
    parser.add_argument("--test-fraction", type=float, default=0.2, help="last share kept for testing (default 0.2)")
    args = parser.parse_args(argv)
    if args.learning_rate <= 0 or args.epochs < 1 or args.l2 < 0 or args.batch_size < 1:
        parser.error("--learning-rate must be > 0, --epochs and --batch-size >= 1, --l2 >= 0")
    if not 0 < args.test_fraction < 1:
        parser.error("--test-fraction must be between 0 and 1")

    began = time.perf_counter()
    train, test, files = load(args.data, args.test_fraction)
    ys_train = [e["label"] for e in train]
    ys_test = [e["label"] for e in test]
    span = lambda part: f" ({part[0]['time']} .. {part[-1]['time']})" if part[0]["time"] else ""  # noqa: E731
    say(f"rows: {len(train)} to train{span(train)}, {len(test)} to test{span(test)}")
    say(f"rain in 4 h: {sum(ys_train) / len(ys_train):.1%} of training hours, {sum(ys_test) / len(ys_test):.1%} of test hours")

    means, stds, categories = fit_encoding(train)
    say(f"conditions: {', '.join(categories)}")
    xs_train = encode(train, means, stds, categories)
    xs_test = encode(test, means, stds, categories)
    say(
        f"fitting: {len(xs_train[0])} features, learning rate {args.learning_rate:g}, {args.epochs} epochs, "
        f"L2 {args.l2:g}, batches of {args.batch_size}; metrics go to {destination()}"
    )
    weights, bias = fit(xs_train, ys_train, args.learning_rate, args.epochs, args.l2, args.batch_size, args.seed)

    threshold = best_threshold(ys_train, probabilities(weights, bias, xs_train))
    scores = probabilities(weights, bias, xs_test)
    result = classification_metrics(ys_test, [s >= threshold for s in scores])
    auc = roc_auc(ys_test, scores)
    persistence = classification_metrics(ys_test, [e["category"] in PRECIPITATION for e in test])
    metrics = {name: result[name] for name in ("accuracy", "precision", "recall", "f1")}
    if math.isfinite(auc):
        metrics["auc"] = auc

    say(f"threshold: {threshold:.2f} (best F1 on the training part)")
    say("test metrics:")
    for name, value in metrics.items():
        say(f"  {name:<9} {value:.4f}")
    say(f"  confusion {result['confusion']}")
    say(
        f"  for comparison, 'rain in 4 h if it precipitates now': F1 {persistence['f1']:.4f}, "
        f"accuracy {persistence['accuracy']:.4f}; 'never rain': accuracy {1 - sum(ys_test) / len(ys_test):.4f}"
    )
    log_metrics(metrics)

    names = [name for name, _, _ in NUMERIC_FEATURES]
    model = {
        "model": "rain-in-4h logistic regression",
        "format": 1,
        "label": LABEL,
        "numeric_features": [{"name": n, "source": s, "transform": k} for n, s, k in NUMERIC_FEATURES],
        "scaling": {"mean": dict(zip(names, means)), "std": dict(zip(names, stds))},
        "categorical_feature": CATEGORICAL,
        "categories": categories,
        "feature_order": names + [f"{CATEGORICAL}={c}" for c in categories],
        "weights": weights,
        "bias": bias,
        "threshold": threshold,
        "metrics": {**metrics, "confusion": result["confusion"], "persistence_f1": persistence["f1"]},
        "training": {
            "data": files,
            "train_rows": len(train),
            "test_rows": len(test),
            "positive_rate": sum(ys_train) / len(ys_train),
            "learning_rate": args.learning_rate,
            "epochs": args.epochs,
            "l2": args.l2,
            "batch_size": args.batch_size,
            "seed": args.seed,
        },
    }
    os.makedirs(args.model_dir, exist_ok=True)
    path = os.path.join(args.model_dir, "model.json")
    with open(path + ".tmp", "w", encoding="utf-8") as stream:
        json.dump(model, stream, indent=2)
        stream.write("\n")
    os.replace(path + ".tmp", path)
    say(f"wrote {path} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
