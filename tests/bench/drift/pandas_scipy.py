"""The drift benchmark's reference: the same comparison done the usual Python way.

    /usr/bin/python3 tests/bench/drift/pandas_scipy.py BASELINE.csv CURRENT.csv

pandas read_csv (default NA handling) loads both files; for every shared column, numeric ones get the
normalized Wasserstein distance and the two-sample KS test, others the Jensen-Shannon distance (base 2) of their
category shares. Prints one JSON line: seconds, peak RSS and the figures.
"""
import json
import resource
import sys
import time

started = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.spatial.distance import jensenshannon  # noqa: E402
from scipy.stats import ks_2samp, wasserstein_distance  # noqa: E402

baseline = pd.read_csv(sys.argv[1])
current = pd.read_csv(sys.argv[2])
loaded = time.perf_counter()
features = {}
for name in baseline.columns:
    if name not in current.columns:
        continue
    a, b = baseline[name], current[name]
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
        a = a.to_numpy(dtype=float)
        b = b.to_numpy(dtype=float)
        a = a[np.isfinite(a)]
        b = b[np.isfinite(b)]
        ks = ks_2samp(a, b)
        features[name] = {
            "wasserstein_normalized": wasserstein_distance(a, b) / max(np.std(a), 0.001),
            "ks_statistic": ks.statistic,
            "ks_pvalue": ks.pvalue,
        }
    else:
        counts = pd.concat([a.value_counts(), b.value_counts()], axis=1).fillna(0)
        p = counts.iloc[:, 0].to_numpy()
        q = counts.iloc[:, 1].to_numpy()
        features[name] = {"jensen_shannon": float(jensenshannon(p / p.sum(), q / q.sum(), base=2))}
finished = time.perf_counter()
print(
    json.dumps(
        {
            "seconds": finished - started,
            "readSeconds": loaded - started,
            "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "features": features,
        }
    )
)
