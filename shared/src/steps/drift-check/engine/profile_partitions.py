"""Entry script of drift-check's parallel step (runOn: azureml): hands each mini-batch of partition files (listed
by the pipeline's first step: a data file, or a run of a big Parquet file's row groups) to the step's Node engine
(drift-engine.mjs, beside this file), which profiles each partition of its side."""
import argparse
import os
import subprocess

ENGINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift-engine.mjs")
ARGS = None


def init():
    global ARGS
    parser = argparse.ArgumentParser()
    for name in ("--side", "--root", "--settings", "--profiles"):
        parser.add_argument(name, required=True)
    ARGS, _ = parser.parse_known_args()


def run(mini_batch):
    partitions = [str(path) for path in mini_batch]
    print(subprocess.run(
        ["node", ENGINE, "profile-partition", "--root", ARGS.root, "--side", ARGS.side, "--settings", ARGS.settings,
         "--out", ARGS.profiles, *partitions],
        check=True, stdout=subprocess.PIPE, text=True,
    ).stdout, end="")
    return [os.path.basename(path) for path in partitions]
