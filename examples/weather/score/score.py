"""Scoring script of the weather model, for the Azure ML inference server (managed online endpoints, Kubernetes
online endpoints, and the ACI target of the deploy step). Standard library only.

The inference server (azureml-inference-server-http) imports this file, calls init() once, then run(raw_data)
for each POST /score with the request body as a string (run() is not decorated).

init() loads model.json, written by src/train.py, from AZUREML_MODEL_DIR. Azure ML mounts a registered model as
<AZUREML_MODEL_DIR>/<model folder>/..., so model.json is looked for anywhere below that folder (the shallowest
one wins).

run(raw_data) takes one of
    {"input_data": {"columns": [...], "index": [...], "data": [[...], ...]}}   pandas "split" orient ("index"
                                                                                 optional), as Azure ML's
                                                                                 own test page sends
    {"input_data": [{"column": value, ...}, ...]}                               records
    {"data": [{"column": value, ...}, ...]}                                     records
    {"data": {"columns": [...], "data": [[...], ...]}}                          split orient under "data"
and returns one prediction per row, in order: 1 (rain in four hours) or 0, e.g. [0, 1].

The rows need the columns Temperature_C, Humidity, Wind_speed_kmph, Wind_bearing_degrees, Visibility_km,
Pressure_millibars (numbers, or text holding numbers) and Current_weather_condition (text; a condition the model
never saw scores as none of the known ones). Other columns (Timestamp, ...) are ignored.

Bad input: a body that is not JSON, has neither input_data nor data, misses a column or holds a value that is not
a number gives the message "bad request: ..." naming the problem. Under the inference server it is answered with
HTTP 400 and {"error": "bad request: ..."} (an AMLResponse). Without the server (tests, a local run) run()
raises BadRequest (a ValueError) with that message. An exception escaping run() would be answered 500 "An
unexpected error occurred in scoring script" by the server, with the message in the logs only: that is why bad
input is answered here.

Locally:
    python score.py --model-dir ../outputs/model ../requests/two-rows.json      prints [0, 1]
"""

import json
import math
import os

MODEL_FILE = "model.json"
BAD_REQUEST = "bad request"
EXPECTED = (
    "expected {'input_data': {'columns': [...], 'index': [...], 'data': [[...], ...]}} (pandas split orient) "
    "or {'data': [{'column': value, ...}, ...]} (records)"
)

model = None
MISSING = object()  # a column a record does not have


class BadRequest(ValueError):
    """The request cannot be scored; the message says why."""

    def __init__(self, message):
        super().__init__(f"{BAD_REQUEST}: {message}")


# ---------------------------------------------------------------------------------------------------- model


def find_model(root):
    """The shallowest model.json below root (root itself may be the file)."""
    if os.path.isfile(root):
        return root
    if not os.path.isdir(root):
        raise FileNotFoundError(f"AZUREML_MODEL_DIR {root!r} does not exist")
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        if MODEL_FILE in files:
            return os.path.join(folder, MODEL_FILE)
    raise FileNotFoundError(f"no {MODEL_FILE} under AZUREML_MODEL_DIR {root!r}")


class Model:
    def __init__(self, document, path):
        try:
            self.numeric = [(f["name"], f["source"], f["transform"]) for f in document["numeric_features"]]
            self.means = [float(document["scaling"]["mean"][name]) for name, _, _ in self.numeric]
            self.stds = [float(document["scaling"]["std"][name]) for name, _, _ in self.numeric]
            self.categorical = document["categorical_feature"]
            self.categories = {c: i for i, c in enumerate(document["categories"])}
            self.weights = [float(w) for w in document["weights"]]
            self.bias = float(document["bias"])
            self.threshold = float(document["threshold"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: not a model written by train.py ({error!r})") from None
        if len(self.weights) != len(self.numeric) + len(self.categories):
            raise ValueError(f"{path}: {len(self.weights)} weights for {len(self.numeric) + len(self.categories)} features")
        for _, _, kind in self.numeric:
            transform(kind, 1.0)  # fails on a transform this script does not know
        self.columns = list(dict.fromkeys([source for _, source, _ in self.numeric] + [self.categorical]))
        self.metrics = document.get("metrics", {})

    def predict(self, columns, rows):
        positions = {}
        for i, column in enumerate(columns):
            positions.setdefault(column, i)
        missing = [c for c in self.columns if c not in positions]
        if missing:
            raise BadRequest(f"missing column(s) {', '.join(missing)}; the model needs {', '.join(self.columns)}")
        predictions = []
        for r, row in enumerate(rows):
            if len(row) != len(columns):
                raise BadRequest(f"row {r} has {len(row)} values for {len(columns)} columns")
            values = {}
            for _, source, _ in self.numeric:
                if source not in values:
                    values[source] = number(row[positions[source]], source, r)
            x = [
                (transform(kind, values[source]) - self.means[j]) / self.stds[j]
                for j, (_, source, kind) in enumerate(self.numeric)
            ]
            condition = row[positions[self.categorical]]
            if condition is MISSING:
                raise BadRequest(f"row {r} has no {self.categorical}")
            if not isinstance(condition, str):
                raise BadRequest(f"row {r}: {self.categorical} must be text, got {json.dumps(condition)}")
            one_hot = [0.0] * len(self.categories)
            index = self.categories.get(category_of(condition))
            if index is not None:
                one_hot[index] = 1.0
            z = self.bias + sum(w * v for w, v in zip(self.weights, x + one_hot))
            predictions.append(1 if sigmoid(z) >= self.threshold else 0)
        return predictions


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
    """'Partly cloudy' and 'partly_cloudy' are the same condition (as in train.py)."""
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


def number(value, column, row):
    if value is MISSING:
        raise BadRequest(f"row {row} has no {column}")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadRequest(f"row {row}: {column} must be a number, got {json.dumps(value)}")
    try:
        result = float(value)
    except ValueError:
        raise BadRequest(f"row {row}: {column} must be a number, got {json.dumps(value)}") from None
    if not math.isfinite(result):
        raise BadRequest(f"row {row}: {column} must be a finite number, got {json.dumps(value)}")
    return result


# ---------------------------------------------------------------------------------------------------- requests


def rows_of(raw_data):
    """(columns, rows) of a request body (str, bytes, or already parsed)."""
    request = raw_data
    if isinstance(request, (bytes, bytearray)):
        try:
            request = request.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the body is not UTF-8 text") from None
    if isinstance(request, str):
        try:
            request = json.loads(request)
        except ValueError as error:
            raise BadRequest(f"the body is not valid JSON ({error})") from None
    if not isinstance(request, dict):
        raise BadRequest(EXPECTED)
    if "input_data" in request:
        payload, key = request["input_data"], "input_data"
    elif "data" in request:
        payload, key = request["data"], "data"
    else:
        raise BadRequest(EXPECTED)

    if isinstance(payload, dict):
        columns, data = payload.get("columns"), payload.get("data")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise BadRequest(f"{key}.columns must be a list of column names; {EXPECTED}")
        if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
            raise BadRequest(f"{key}.data must be a list of rows (lists of values); {EXPECTED}")
        return columns, data
    if isinstance(payload, list) and all(isinstance(r, dict) for r in payload):
        columns = []
        for record in payload:
            for column in record:
                if column not in columns:
                    columns.append(column)
        return columns, [[record.get(c, MISSING) for c in columns] for record in payload]
    if isinstance(payload, list):
        raise BadRequest(f"{key} holds rows without column names; {EXPECTED}")
    raise BadRequest(EXPECTED)


def bad_request_response(message):
    """An HTTP 400 answer when running under the inference server, else None."""
    try:
        from azureml_inference_server_http.api.aml_response import AMLResponse  # noqa: PLC0415
    except ImportError:
        try:
            from azureml.contrib.services.aml_response import AMLResponse  # noqa: PLC0415
        except ImportError:
            return None
    return AMLResponse({"error": message}, 400, json_str=True)


# ---------------------------------------------------------------------------------------------------- contract


def init():
    global model
    root = os.environ.get("AZUREML_MODEL_DIR")
    if not root:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: it must name the folder holding model.json")
    path = find_model(root)
    with open(path, encoding="utf-8") as stream:
        model = Model(json.load(stream), path)
    summary = ", ".join(f"{k} {v:.3f}" for k, v in model.metrics.items() if isinstance(v, (int, float)))
    print(f"loaded {path}: threshold {model.threshold:.2f}" + (f"; test {summary}" if summary else ""), flush=True)


def run(raw_data):
    if model is None:
        raise RuntimeError("init() has not loaded the model")
    try:
        columns, rows = rows_of(raw_data)
        return model.predict(columns, rows)
    except BadRequest as error:
        response = bad_request_response(str(error))
        if response is None:
            raise
        print(str(error), flush=True)
        return response


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Scores request files with model.json, as the endpoint would.")
    parser.add_argument("--model-dir", required=True, help="folder holding model.json (AZUREML_MODEL_DIR)")
    parser.add_argument("requests", nargs="+", help="request body files (JSON)")
    args = parser.parse_args()
    os.environ["AZUREML_MODEL_DIR"] = args.model_dir
    init()
    for file in args.requests:
        with open(file, encoding="utf-8") as stream:
            body = stream.read()
        try:
            print(f"{file}: {json.dumps(run(body))}")
        except BadRequest as error:
            print(f"{file}: {error}")
