"""Timing: loops calibrated per side, interleaved rounds with the GC off, and the statistics.

Each sample is `loops` calls timed together with `time.perf_counter`, synchronised at both ends,
divided by `loops`. The rounds alternate the order (A B, B A, ...) so that drift in clock speed
or load lands on both sides. Statistics are pure Python so the harness needs nothing installed.
"""

import gc
import math
import random
import statistics
import time

MAX_LOOPS = 10**7


def one_sample(call, loops, sync):
    """Seconds per call over `loops` calls, with the GC off."""
    gc.collect()
    gc.disable()
    try:
        sync()
        start = time.perf_counter()
        result = None
        for _ in range(loops):
            result = call()
        sync(result)
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    return elapsed / loops, elapsed


def calibrate(call, sync, min_sample_s):
    """The smallest loop count whose sample lasts at least `min_sample_s` (pyperf's rule, with
    a jump straight to the estimate instead of doubling). The calibration samples also warm up."""
    loops = 1
    while True:
        _, elapsed = one_sample(call, loops, sync)
        if elapsed >= min_sample_s or loops >= MAX_LOOPS:
            return loops
        if elapsed <= 0:
            loops *= 10
            continue
        estimate = math.ceil(loops * min_sample_s * 1.2 / elapsed)
        loops = min(MAX_LOOPS, max(loops + 1, min(estimate, loops * 100)))


def quantile(values, q):
    """Linear-interpolated quantile (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples, loops):
    """The Timing object of one side."""
    return {
        "median_s": statistics.median(samples),
        "iqr_s": quantile(samples, 0.75) - quantile(samples, 0.25),
        "samples_s": samples,
        "loops": loops,
    }


def bootstrap_speedup(original, candidate, resamples=2000, seed=12345):
    """Ratio of medians (original / candidate) with a bootstrap 95% interval, resampling both
    sides independently."""
    rng = random.Random(seed)
    ratios = []
    n_original, n_candidate = len(original), len(candidate)
    for _ in range(resamples):
        a = statistics.median(rng.choices(original, k=n_original))
        b = statistics.median(rng.choices(candidate, k=n_candidate))
        ratios.append(a / b if b > 0 else float("inf"))
    median = statistics.median(original) / statistics.median(candidate)
    return {"median": median, "ci_low": quantile(ratios, 0.025), "ci_high": quantile(ratios, 0.975)}


# A change smaller than this is "same" even when the interval excludes 1.
MIN_CHANGE = 0.05


def verdict(speedup):
    """faster or slower only when the interval excludes 1 and the change is at least 5%."""
    if speedup["ci_low"] > 1.0 and speedup["median"] >= 1.0 + MIN_CHANGE:
        return "faster"
    if speedup["ci_high"] < 1.0 and speedup["median"] <= 1.0 / (1.0 + MIN_CHANGE):
        return "slower"
    return "same"


def break_even(first_call_s, candidate_s, original_s):
    """Calls after which the first (compiling) call has paid for itself; None when never."""
    if original_s <= candidate_s:
        return None
    return max(1, math.ceil((first_call_s - candidate_s) / (original_s - candidate_s)))


def noise_warnings(name, timing):
    """pyperf- and torch-style warnings about an unsteady side."""
    out = []
    median = timing["median_s"]
    if median > 0 and timing["iqr_s"] / median >= 0.25:
        out.append(f"{name}: the interquartile range is {100 * timing['iqr_s'] / median:.0f}% of "
                   f"the median; the machine was busy, so the interval is wide")
    samples = timing["samples_s"]
    if samples and min(samples) > 0 and max(samples) >= 4 * min(samples):
        out.append(f"{name}: the slowest sample took {max(samples) / min(samples):.1f}x the "
                   f"fastest")
    return out
