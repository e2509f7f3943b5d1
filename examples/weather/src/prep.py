"""Cleans the weather data and splits it by time, for train.py. Standard library only.

    python prep.py --data ../data --out ./prepared [--test-fraction 0.2]

Reads the labelled CSV files of --data (a file or a folder; files without the Rain_in_4h column, such as the
unlabelled recent.csv, are skipped), then:
- drops rows with a missing or non-numeric value, a label other than 0/1, or a value no weather station reports
  (humidity outside 0-100 %, pressure outside 900-1100 hPa, a negative wind speed or visibility, a bearing
  outside 0-360 degrees; 360 becomes 0);
- writes condition names one way (lower case, underscores: "Partly cloudy" -> partly_cloudy);
- drops repeated hours when the files have a Timestamp column (the first one is kept), and sorts by it;
- writes the first rows to <out>/train.csv and the last --test-fraction of them to <out>/test.csv, with the same
  columns (Timestamp first when there is one, the features, the label).
train.py, given the folder, uses that split as it is.
"""

import argparse
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import CATEGORICAL, LABEL, SOURCE_COLUMNS, TIMESTAMP, category_of, data_files, say  # noqa: E402

RANGES = {
    "Humidity": (0.0, 100.0),
    "Pressure_millibars": (900.0, 1100.0),
    "Wind_speed_kmph": (0.0, 500.0),
    "Visibility_km": (0.0, 1000.0),
    "Wind_bearing_degrees": (0.0, 360.0),
    "Temperature_C": (-90.0, 60.0),
}


def clean(row):
    """The cleaned row (a dict of strings), or the reason to drop it."""
    out = {}
    for column in SOURCE_COLUMNS:
        try:
            value = float(row[column])
        except (TypeError, ValueError):
            return f"{column} missing or not a number"
        if not math.isfinite(value):
            return f"{column} not finite"
        low, high = RANGES.get(column, (-math.inf, math.inf))
        if not low <= value <= high:
            return f"{column} out of range"
        if column == "Wind_bearing_degrees":
            value = value % 360.0
        out[column] = format(value, ".10g")
    condition = category_of(row.get(CATEGORICAL) or "")
    if not condition:
        return f"{CATEGORICAL} missing"
    out[CATEGORICAL] = condition
    try:
        label = int(float(row[LABEL]))
    except (TypeError, ValueError):
        return f"{LABEL} missing or not a number"
    if label not in (0, 1):
        return f"{LABEL} not 0 or 1"
    out[LABEL] = str(label)
    if row.get(TIMESTAMP):
        out[TIMESTAMP] = row[TIMESTAMP].strip()
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description="Cleans the weather data and splits it by time.")
    parser.add_argument("--data", required=True, help="CSV file, or folder of CSV files")
    parser.add_argument("--out", required=True, help="folder to write train.csv and test.csv to")
    parser.add_argument("--test-fraction", type=float, default=0.2, help="last share kept for testing (default 0.2)")
    args = parser.parse_args(argv)
    if not 0 < args.test_fraction < 1:
        parser.error("--test-fraction must be between 0 and 1")

    files, _ = data_files(args.data)
    rows, dropped = [], {}
    for file in files:
        with open(file, newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            if LABEL not in (reader.fieldnames or []):
                say(f"{file}: no {LABEL} column, skipped")
                continue
            count = 0
            for row in reader:
                result = clean(row)
                if isinstance(result, str):
                    dropped[result] = dropped.get(result, 0) + 1
                else:
                    rows.append(result)
                    count += 1
            say(f"{file}: {count} rows kept")
    if not rows:
        raise SystemExit(f"error: no labelled row in {args.data!r}")

    timed = all(TIMESTAMP in r for r in rows)
    if timed:
        seen, unique = set(), []
        for r in rows:
            if r[TIMESTAMP] in seen:
                dropped["repeated hour"] = dropped.get("repeated hour", 0) + 1
                continue
            seen.add(r[TIMESTAMP])
            unique.append(r)
        rows = sorted(unique, key=lambda r: r[TIMESTAMP])
    for reason, count in sorted(dropped.items()):
        say(f"dropped {count} row(s): {reason}")

    n_test = int(round(len(rows) * args.test_fraction))
    if n_test < 1 or n_test >= len(rows):
        raise SystemExit(f"error: {len(rows)} rows are too few to split")
    header = ([TIMESTAMP] if timed else []) + SOURCE_COLUMNS + [CATEGORICAL, LABEL]
    os.makedirs(args.out, exist_ok=True)
    for name, part in (("train.csv", rows[: len(rows) - n_test]), ("test.csv", rows[len(rows) - n_test :])):
        path = os.path.join(args.out, name)
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(part)
        say(f"wrote {len(part)} rows to {path}")


if __name__ == "__main__":
    main()
