//! Probabilistic programs: functions that run Pyro's primitives (`pyro.sample`, `pyro.param`,
//! `pyro.plate`, `poutine.scale`, ...), a model or a guide.
//!
//! Each primitive goes through Pyro's effect handlers, Python objects on a global stack that
//! record, replay and condition the sample sites; the tensor work between them is small next
//! to that machinery and to the inference that runs the program many times. Pyro speeds such
//! code up by compiling the whole inference step (`JitTrace_ELBO`, `jit_compile=True` for
//! HMC and NUTS), not one model function.

use crate::model::CallSite;

/// Pyro's primitives, by the last part of their name under `pyro.`.
const PRIMITIVES: &[&str] = &[
    "sample",
    "param",
    "plate",
    "factor",
    "module",
    "random_module",
    "deterministic",
    "markov",
    "subsample",
];

/// Whether one of `calls` is a Pyro primitive or an effect handler of `pyro.poutine`.
pub(crate) fn runs_pyro_primitives(calls: &[CallSite<'_>]) -> bool {
    calls.iter().any(|call| {
        call.qualified.as_deref().is_some_and(|q| {
            q.starts_with("pyro.poutine.")
                || q.strip_prefix("pyro.")
                    .is_some_and(|name| PRIMITIVES.contains(&name))
        })
    })
}
