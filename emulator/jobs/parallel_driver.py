#!/usr/bin/env python3
"""Runs a parallel step's entry script as Azure ML's parallel job does, on one node and one process:
init() once, run(mini_batch) for each mini-batch of the input's files (a list of file paths), shutdown()
if the script has one. Each element run() returns counts as one item that succeeded; an exception fails the
whole mini-batch (after retry_settings.max_retries further tries). append_row writes every returned element
as a line of the output file. The step fails when more items fail than error_threshold, or more mini-batches
than mini_batch_error_threshold (-1: no limit). Written by the emulator (emulator/jobs/parallel-step.ts)."""
import argparse
import importlib.util
import os
import re
import sys
import traceback

SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?b)?\s*$", re.IGNORECASE)
UNITS = {None: 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


def files_of(path):
    if os.path.isfile(path):
        return [path]
    found = []
    for root, _dirs, names in os.walk(path):
        found.extend(os.path.join(root, name) for name in names)
    return sorted(found)


def mini_batches(files, size):
    match = SIZE.match(str(size))
    if not match:
        raise SystemExit(f"mini_batch_size '{size}' is neither a number of files nor a size such as 10kb.")
    count, unit = int(match.group(1)), match.group(2)
    if unit is None:
        step = max(count, 1)
        return [files[i : i + step] for i in range(0, len(files), step)]
    limit, batches, current, total = count * UNITS[unit.lower()], [], [], 0
    for name in files:
        length = os.path.getsize(name)
        if current and total + length > limit:
            batches.append(current)
            current, total = [], 0
        current.append(name)
        total += length
    return batches + ([current] if current else [])


def load(entry):
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(entry))[0], entry)
    if spec is None or not os.path.isfile(entry):
        raise SystemExit(f"The entry script '{entry}' was not found in the code of the step.")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(entry)))
    spec.loader.exec_module(module)
    for name in ("init", "run"):
        if not callable(getattr(module, name, None)):
            raise SystemExit(f"The entry script '{entry}' has no {name}() function.")
    return module


def rows(result):
    if hasattr(result, "to_dict") and hasattr(result, "itertuples"):
        return [" ".join(str(v) for v in row) for row in result.itertuples(index=False)]
    return [str(item) for item in (result or [])]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entry", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--mini-batch-size", default="1")
    parser.add_argument("--error-threshold", type=int, default=-1)
    parser.add_argument("--mini-batch-error-threshold", type=int, default=-1)
    parser.add_argument("--max-retries", type=int, default=3)
    parser.add_argument("--append-row-to")
    parser.add_argument("--append-row-file-name", default="parallel_run_step.txt")
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    program = args.arguments[1:] if args.arguments[:1] == ["--"] else args.arguments
    sys.argv = [args.entry] + program
    module = load(args.entry)
    module.init()
    batches = mini_batches(files_of(args.input), args.mini_batch_size)
    failed_items = failed_batches = 0
    output = None
    if args.append_row_to:
        os.makedirs(args.append_row_to, exist_ok=True)
        output = open(os.path.join(args.append_row_to, args.append_row_file_name), "w", encoding="utf-8")
    for index, batch in enumerate(batches):
        for attempt in range(args.max_retries + 1):
            try:
                result = rows(module.run(batch))
                break
            except Exception:  # the mini-batch fails; retried up to max_retries times
                print(f"Mini-batch {index} (attempt {attempt + 1}) failed:", file=sys.stderr)
                traceback.print_exc()
                result = None
        if result is None:
            failed_batches += 1
            failed_items += len(batch)
        else:
            failed_items += max(len(batch) - len(result), 0)
            if output:
                output.writelines(line + "\n" for line in result)
        print(f"Mini-batch {index}: {len(batch)} item(s), {0 if result is None else len(result)} succeeded.")
        if 0 <= args.mini_batch_error_threshold < failed_batches:
            raise SystemExit(
                f"{failed_batches} mini-batch(es) failed, more than mini_batch_error_threshold "
                f"({args.mini_batch_error_threshold}): the parallel step stops."
            )
        if 0 <= args.error_threshold < failed_items:
            raise SystemExit(
                f"{failed_items} item(s) failed, more than error_threshold ({args.error_threshold}): "
                "the parallel step stops."
            )
    if output:
        output.close()
    if callable(getattr(module, "shutdown", None)):
        module.shutdown()
    print(f"{len(batches)} mini-batch(es), {failed_items} failed item(s).")


if __name__ == "__main__":
    main()
