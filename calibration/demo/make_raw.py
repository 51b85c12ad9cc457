"""Writes the demo's raw data files (calibration/demo/raw/) from seattle-weather.csv.

The same windows as train_X.npy / test_X.npy (5 days in, the next day out, split by the target
date), but every value in the CSV's own units: precipitation in mm, temp_max and temp_min in deg C,
wind in m/s, and sin/cos of 2*pi*day_of_year/365.25 (day_of_year 1 on January 1) as they are.
Needs Python 3 and numpy. Run from the repository root: python3 calibration/demo/make_raw.py
"""
import csv
import datetime
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VARIABLES = ["precipitation", "temp_max", "temp_min", "wind"]
STEPS = 5


def main():
    with open(os.path.join(HERE, "seattle-weather.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    dates = [datetime.date.fromisoformat(r["date"]) for r in rows]
    days = []
    for d, r in zip(dates, rows):
        doy = d.timetuple().tm_yday
        angle = 2 * math.pi * doy / 365.25
        days.append([float(r[v]) for v in VARIABLES] + [math.sin(angle), math.cos(angle)])
    out = os.path.join(HERE, "raw")
    os.makedirs(out, exist_ok=True)
    for split, keep in (("train", lambda d: d.year < 2015), ("test", lambda d: d.year >= 2015)):
        xs, ys, targets = [], [], []
        for t in range(STEPS, len(days)):
            if keep(dates[t]):
                xs.append(days[t - STEPS:t])
                ys.append(days[t][:4])
                targets.append(dates[t].isoformat())
        np.save(os.path.join(out, split + "_X.npy"), np.asarray(xs, dtype=np.float32))
        np.save(os.path.join(out, split + "_Y.npy"), np.asarray(ys, dtype=np.float32))
        with open(os.path.join(HERE, split + "_X_dates.txt")) as f:
            assert f.read().split() == targets, split + ": windows differ from " + split + "_X_dates.txt"
        print(split, len(xs), "windows")


if __name__ == "__main__":
    main()
