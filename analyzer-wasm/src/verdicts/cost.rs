//! The cost model: an estimated steady-state speedup range for compiling one function.
//!
//! Work is split into four parts, each with its own factor, measured on this project's 2-core
//! CPU machines (see the rule docs for the figures):
//!
//! - **Interpreted loop work.** Python loops that index arrays element by element run about
//!   20-100x faster as machine code (Numba: 0.6 s to 13 ms for 1e6 elements, 47x). One loop
//!   level gives [10x, 50x]; nested levels give [20x, 100x].
//! - **Eager elementwise chains.** Eagerly, each of `k` elementwise operations is one kernel and
//!   one pass over memory; fused it is one pass. The range is [1 + 0.15 k, 0.8 k] (torch 2.15 on
//!   CPU: 57 ms to 1.7 ms for a ~10-op chain; 2.8x on a GPU in the product brief). A chain of four
//!   or fewer pays only on large arrays: on small ones the compiled call costs what it saves,
//!   so its range starts at 0.5x and its level is "low".
//! - **Library kernels.** `matmul`, `einsum`, `linalg`, `fft`, `conv`, `sort` already run in
//!   BLAS/cuBLAS; compiling leaves them as they are. One kernel call is weighted as
//!   [`KERNEL_WEIGHT`] elementwise passes and the total follows Amdahl's law; a function that is
//!   only kernels gets [0.7x, 1.05x] (1024² matmul: 19.7 ms eager, 27.7 ms compiled).
//! - **Call overhead.** A function with one operation and no loop pays a guard or
//!   dispatch check that costs more than its work: [0.3x, 0.9x] (`@njit` `a + b`: 0.156 µs
//!   against 0.063 µs; `torch.compile` `x + 1`: 7.8 µs against 2.6 µs).
//!
//! An already-vectorized NumPy function under Numba only saves temporaries: [1.0x, 1.6x].

use crate::report::Estimate;

/// How many elementwise passes one library-kernel call weighs.
pub(crate) const KERNEL_WEIGHT: f64 = 8.0;

/// The work of a function as the cost model sees it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Work {
    /// The deepest nest of Python loops over array elements (0 for none).
    pub(crate) loop_nest: usize,
    /// Elementwise operations and reductions.
    pub(crate) chain: usize,
    /// The longest run of them with no library kernel between (what fuses into one kernel).
    pub(crate) longest_run: usize,
    /// Library-kernel calls.
    pub(crate) kernels: usize,
    /// Too little work to repay a call.
    pub(crate) too_small: bool,
}

/// The speedup of compiling interpreted element loops.
pub(crate) fn loops(nest: usize) -> Estimate {
    match nest {
        0 => Estimate {
            speedup_low: 1.0,
            speedup_high: 1.0,
        },
        1 => Estimate {
            speedup_low: 10.0,
            speedup_high: 50.0,
        },
        _ => Estimate {
            speedup_low: 20.0,
            speedup_high: 100.0,
        },
    }
}

/// The longest chain that pays only on large arrays.
const SHORT_CHAIN: usize = 4;

/// The low end for a short chain: on small arrays the compiled call's guards and launch cost
/// as much as the three or four eager launches it saves (`torch.compile` `x + 1`: 7.8 µs
/// against 2.6 µs eager), so it may run slower.
const SHORT_CHAIN_LOW: f64 = 0.5;

/// The speedup of fusing `chain` elementwise operations, with `kernels` library calls alongside.
pub(crate) fn fusion(chain: usize, kernels: usize) -> Estimate {
    let k = chain as f64;
    // On small arrays the compiled call's guards cost about what a short chain's launches save.
    let speedup_low = if chain <= SHORT_CHAIN {
        SHORT_CHAIN_LOW
    } else {
        1.0 + 0.15 * k
    };
    let fused = Estimate {
        speedup_low,
        speedup_high: (0.8 * k).max(1.0),
    };
    if kernels == 0 {
        return fused;
    }
    let kernel_work = kernels as f64 * KERNEL_WEIGHT;
    let share = kernel_work / (kernel_work + k);
    let amdahl = |s: f64| 1.0 / (share + (1.0 - share) / s);
    Estimate {
        speedup_low: amdahl(fused.speedup_low),
        speedup_high: amdahl(fused.speedup_high),
    }
}

/// A function that is only library kernels.
pub(crate) const KERNEL_BOUND: Estimate = Estimate {
    speedup_low: 0.7,
    speedup_high: 1.05,
};

/// A function too small to repay the call.
pub(crate) const TOO_SMALL: Estimate = Estimate {
    speedup_low: 0.3,
    speedup_high: 0.9,
};

/// Whole-array NumPy under Numba.
pub(crate) const VECTORIZED_NUMPY: Estimate = Estimate {
    speedup_low: 1.0,
    speedup_high: 1.6,
};

/// Graph breaks with recompiles (the product brief's `adaptive_processing`: 9.6x slower).
pub(crate) const BREAKS_AND_RECOMPILES: Estimate = Estimate {
    speedup_low: 0.1,
    speedup_high: 0.9,
};

/// Nothing to gain.
pub(crate) const NOTHING: Estimate = Estimate {
    speedup_low: 0.95,
    speedup_high: 1.05,
};

/// The benefit level of an estimate (DESIGN.md): harmful when even the optimistic end is a
/// slowdown; otherwise by the geometric mean: high >= 3x, medium >= 1.3x, low >= 1.05x, none.
pub(crate) fn level(estimate: Estimate) -> &'static str {
    if estimate.speedup_high < 1.0 {
        return "harmful";
    }
    let mean = (estimate.speedup_low * estimate.speedup_high).sqrt();
    if mean >= 3.0 {
        "high"
    } else if mean >= 1.3 {
        "medium"
    } else if mean >= 1.05 {
        "low"
    } else {
        "none"
    }
}

/// Rank of a benefit level, best first.
pub(crate) fn rank(level: &str) -> u8 {
    match level {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        "none" => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_design_thresholds() {
        assert_eq!(level(loops(3)), "high");
        assert_eq!(level(fusion(10, 0)), "high");
        assert_eq!(level(KERNEL_BOUND), "none");
        assert_eq!(level(TOO_SMALL), "harmful");
        assert_eq!(level(VECTORIZED_NUMPY), "low");
        assert_eq!(
            level(Estimate {
                speedup_low: 1.4,
                speedup_high: 2.0
            }),
            "medium"
        );
    }

    #[test]
    fn kernels_dilute_the_fusion_gain() {
        assert!(fusion(6, 2).speedup_high < fusion(6, 0).speedup_high);
        assert!(fusion(6, 2).speedup_low >= 1.0);
    }

    #[test]
    fn a_short_chain_pays_only_on_large_arrays() {
        assert_eq!(level(fusion(4, 0)), "low");
        assert!(fusion(4, 0).speedup_low < 1.0);
        assert_eq!(level(fusion(5, 0)), "medium");
    }
}
