"""Entry script of drift-check's parallel step (runOn: azureml): hands each mini-batch's files to the step's
Node engine (drift-engine.mjs, beside this file), which profiles each file as one partition of its side.
init() counts the side's rows once (they set the sample cutoff every partition shares)."""
import argparse
import os
import subprocess

ENGINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift-engine.mjs")
ARGS = None
TOTAL_ROWS = None


def engine(*words):
    return subprocess.run(["node", ENGINE, *words], check=True, stdout=subprocess.PIPE, text=True).stdout


def init():
    global ARGS, TOTAL_ROWS
    parser = argparse.ArgumentParser()
    for name in ("--side", "--root", "--settings", "--profiles"):
        parser.add_argument(name, required=True)
    ARGS, _ = parser.parse_known_args()
    TOTAL_ROWS = engine("count-rows", "--root", ARGS.root, "--side", ARGS.side, "--settings", ARGS.settings).strip()
    print(f"{ARGS.side}: {TOTAL_ROWS} rows")


def run(mini_batch):
    files = [str(path) for path in mini_batch]
    print(engine(
        "profile-partition", "--root", ARGS.root, "--side", ARGS.side, "--settings", ARGS.settings,
        "--total-rows", TOTAL_ROWS, "--out", ARGS.profiles, *files,
    ), end="")
    return [os.path.basename(path) for path in files]
