//! GEN: cross-framework profitability rules (is compiling worth it at all?).

pub(crate) mod fusible_elementwise_chain;
pub(crate) mod library_kernel_bound;
pub(crate) mod too_small_function;
