//! TF: rules for `tf.function` and `jit_compile=True` (graph tracing, XLA).

pub(crate) mod list_append_in_graph_loop;
pub(crate) mod numpy_call;
pub(crate) mod python_scalar_retrace;
pub(crate) mod python_side_effect;
pub(crate) mod variable_creation;
pub(crate) mod xla_unsupported_op;
