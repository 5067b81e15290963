//! PT: rules for `torch.compile` (Dynamo graph breaks, recompilation).

pub(crate) mod autograd_grad_graph_break;
pub(crate) mod data_dependent_branch;
pub(crate) mod dynamic_output_shape;
pub(crate) mod item_graph_break;
pub(crate) mod logging_graph_break;
pub(crate) mod numpy_conversion;
pub(crate) mod print_graph_break;
pub(crate) mod python_scalar_argument;
pub(crate) mod shape_branch;
pub(crate) mod static_shapes_recompile;
pub(crate) mod tensor_scalar_branch_recompile;
pub(crate) mod time_call;
pub(crate) mod tolist_graph_break;
