//! Kinds of values (scalar, str, ndarray, tensor, ...) and the JIT frameworks.

use crate::model::imports::Library;

/// What a Python value is, as far as the analyzer can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// Not known.
    Unknown,
    /// A Python number or bool.
    Scalar,
    /// A `str`.
    Str,
    /// A Python `list`.
    List,
    /// A Python `dict`.
    Dict,
    /// A Python `set`.
    Set,
    /// A Python `tuple` (shapes included).
    Tuple,
    /// A `numpy.ndarray`.
    NdArray,
    /// A `torch.Tensor`.
    Tensor,
    /// A `jax.Array`.
    JaxArray,
    /// A `tf.Tensor`.
    TfTensor,
}

impl Kind {
    /// Whether the value is an array of some library.
    pub(crate) fn is_array(self) -> bool {
        matches!(
            self,
            Self::NdArray | Self::Tensor | Self::JaxArray | Self::TfTensor
        )
    }

    /// The array kind of a library.
    pub(crate) fn array_of(library: Library) -> Self {
        match library {
            Library::Numpy => Self::NdArray,
            Library::Torch => Self::Tensor,
            Library::Jax => Self::JaxArray,
            Library::TensorFlow => Self::TfTensor,
        }
    }

    /// The kind named by a type annotation's qualified name.
    pub(crate) fn from_annotation(qualified: &str) -> Self {
        match qualified {
            "numpy.ndarray" | "numpy.typing.NDArray" | "numpy.typing.ArrayLike" => Self::NdArray,
            "torch.Tensor" => Self::Tensor,
            "jax.Array" | "jax.numpy.ndarray" | "jax.typing.ArrayLike" => Self::JaxArray,
            "tensorflow.Tensor" => Self::TfTensor,
            "builtins.float" | "builtins.int" | "builtins.bool" | "float" | "complex" => {
                Self::Scalar
            }
            "builtins.str" => Self::Str,
            "builtins.list" | "typing.List" => Self::List,
            "builtins.dict" | "typing.Dict" => Self::Dict,
            "builtins.tuple" | "typing.Tuple" => Self::Tuple,
            _ => Self::Unknown,
        }
    }
}

/// A JIT compiler that jitlens advises on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Framework {
    /// `numba.njit` / `numba.jit`.
    Numba,
    /// `torch.compile`.
    Torch,
    /// `jax.jit`.
    Jax,
    /// `tf.function(jit_compile=True)`.
    TensorFlow,
}

impl Framework {
    /// Every framework, in the report's order.
    pub(crate) const ALL: [Self; 4] = [Self::Numba, Self::Torch, Self::Jax, Self::TensorFlow];

    /// The name used in reports: `numba`, `torch`, `jax`, `tensorflow`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Numba => "numba",
            Self::Torch => "torch",
            Self::Jax => "jax",
            Self::TensorFlow => "tensorflow",
        }
    }

    /// The array library whose code this JIT compiles.
    pub(crate) fn library(self) -> Library {
        match self {
            Self::Numba => Library::Numpy,
            Self::Torch => Library::Torch,
            Self::Jax => Library::Jax,
            Self::TensorFlow => Library::TensorFlow,
        }
    }

    /// The framework a decorator's qualified name stands for.
    pub(crate) fn of_decorator(qualified: &str) -> Option<Self> {
        match qualified {
            "numba.njit"
            | "numba.jit"
            | "numba.core.decorators.njit"
            | "numba.cuda.jit"
            | "numba.vectorize"
            | "numba.guvectorize"
            | "numba.stencil"
            | "numba.extending.register_jitable"
            | "numba.core.extending.register_jitable" => Some(Self::Numba),
            "torch.compile" => Some(Self::Torch),
            "jax.jit" => Some(Self::Jax),
            "tensorflow.function" => Some(Self::TensorFlow),
            _ => None,
        }
    }

    /// The decorator jitlens suggests, as a qualified name.
    pub(crate) fn decorator(self) -> &'static str {
        match self {
            Self::Numba => "numba.njit",
            Self::Torch => "torch.compile",
            Self::Jax => "jax.jit",
            Self::TensorFlow => "tf.function",
        }
    }
}
