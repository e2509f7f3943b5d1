"""Logs training metrics where whoever runs the script can read them. Standard library only.

    from metrics import log_metric, log_metrics

    log_metric("train_loss", 0.41, step=3)
    log_metrics({"accuracy": 0.88, "precision": 0.61, "recall": 0.55, "f1": 0.58})

The contract, in order of precedence:

1. The environment variable AZUREML_STEPS_METRICS_FILE is set (the local Azure emulator of the pipeline steps
   sets it for the command jobs it runs): each metric is appended to that file as one JSON line,

       {"name": "f1", "value": 0.58, "step": 0, "timestamp": 1718000000000}

   name: the metric name (a non-empty string); value: a finite number; step: an integer, 0 when not given (as
   MLflow does); timestamp: milliseconds since the Unix epoch (as MLflow does). The file and its folder are
   created when missing; lines are only ever appended, one write per line.
2. Otherwise, when mlflow can be imported (an Azure ML job: the curated images ship it and Azure ML points it at
   the workspace's tracking server, with the job as the run), `mlflow.log_metric(name, value, step=step)`. The
   metrics show on the job's page in the studio and are what the register-model step compares.
3. Otherwise the metric is printed to stdout as `metric <name>=<value> (step <step>)`.

The environment variable wins over mlflow on purpose: a machine that has mlflow installed but runs the job for
the emulator must still deliver the metrics to the emulator. Azure ML never sets the variable.

Every metric is also printed when it goes to the file, so that streamed logs show it.
"""

import json
import math
import os
import sys
import time

METRICS_FILE_VARIABLE = "AZUREML_STEPS_METRICS_FILE"

_mlflow = None
_mlflow_checked = False


def _load_mlflow():
    global _mlflow, _mlflow_checked
    if not _mlflow_checked:
        _mlflow_checked = True
        try:
            import mlflow  # noqa: PLC0415 - optional dependency

            _mlflow = mlflow
        except ImportError:
            _mlflow = None
    return _mlflow


def _checked(name, value, step):
    if not isinstance(name, str) or not name:
        raise ValueError(f"metric name must be a non-empty string, got {name!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"metric {name!r}: value must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"metric {name!r}: value must be finite, got {value!r}")
    if step is None:
        step = 0
    if isinstance(step, bool) or not isinstance(step, int):
        raise ValueError(f"metric {name!r}: step must be an integer, got {step!r}")
    return name, value, step


def destination():
    """Where metrics go: 'file', 'mlflow' or 'stdout'."""
    if os.environ.get(METRICS_FILE_VARIABLE):
        return "file"
    if _load_mlflow() is not None:
        return "mlflow"
    return "stdout"


def log_metric(name, value, step=None):
    """Logs one metric (see the module docstring for where it goes)."""
    name, value, step = _checked(name, value, step)
    path = os.environ.get(METRICS_FILE_VARIABLE)
    if path:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        line = json.dumps(
            {"name": name, "value": value, "step": step, "timestamp": int(time.time() * 1000)},
            allow_nan=False,
        )
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")
        print(f"metric {name}={value:g} (step {step})", flush=True)
        return
    mlflow = _load_mlflow()
    if mlflow is not None:
        mlflow.log_metric(name, value, step=step)
        return
    print(f"metric {name}={value:g} (step {step})", flush=True)


def log_metrics(metrics, step=None):
    """Logs each metric of a dict {name: value}."""
    for name, value in metrics.items():
        log_metric(name, value, step=step)


if __name__ == "__main__":
    # python metrics.py name value [step]: log one metric from the command line.
    if len(sys.argv) not in (3, 4):
        print("usage: python metrics.py NAME VALUE [STEP]", file=sys.stderr)
        sys.exit(2)
    log_metric(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else None)
