#!/usr/bin/env python3
"""Prints JMH JSON results (-rf json -rff FILE) as Markdown table rows: benchmark, parameters, threads, mode,
score +- error (99.9% confidence interval, as JMH prints it), unit, and the gc.alloc.rate.norm secondary metric
when the run used -prof gc.

    signer/bench/jmh-table.py results.json [more.json ...]
"""
import json, sys

for path in sys.argv[1:]:
    for b in json.load(open(path)):
        name = b["benchmark"].rsplit(".", 2)
        params = ", ".join(f"{k}={v}" for k, v in (b.get("params") or {}).items())
        m = b["primaryMetric"]
        row = [f"{name[-2]}.{name[-1]}", params, str(b["threads"]), b["mode"],
               f"{m['score']:,.3f} ± {m['scoreError']:,.3f}", m["scoreUnit"]]
        alloc = (b.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        if alloc:
            row.append(f"{alloc['score']:,.0f} ± {alloc['scoreError']:,.0f} {alloc['scoreUnit']}")
        print("| " + " | ".join(row) + " |")
