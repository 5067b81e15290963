//! Imports and aliases: which qualified name each local name of a module stands for.
//!
//! `import numpy as np` binds `np` to `numpy`; `from numba import njit as fast` binds `fast` to
//! `numba.njit`; `import torch.nn.functional as F` binds `F` to `torch.nn.functional`. Names are
//! then resolved through the map ([`Imports::qualified_name`]), never matched as text.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::model::walk;

/// Builtins that rules look at; a bare name resolves to `builtins.<name>` unless shadowed.
const BUILTINS: &[&str] = &[
    "print",
    "range",
    "len",
    "float",
    "int",
    "bool",
    "str",
    "list",
    "dict",
    "set",
    "tuple",
    "open",
    "sum",
    "min",
    "max",
    "abs",
    "complex",
    "pow",
    "divmod",
    "isinstance",
    "issubclass",
    "callable",
    "hasattr",
    "enumerate",
    "zip",
    "sorted",
    "round",
    "iter",
    "next",
    "repr",
    "format",
    "type",
    "getattr",
    "setattr",
    "super",
    "map",
    "filter",
];

/// The import map of one module.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    bindings: HashMap<String, String>,
}

impl Imports {
    /// Collects every import of the module, those inside functions included.
    pub(crate) fn collect(suite: &[ast::Stmt]) -> Self {
        let mut imports = Self::default();
        imports.collect_in(suite);
        imports
    }

    fn collect_in(&mut self, body: &[ast::Stmt]) {
        for stmt in body {
            match stmt {
                // Ex) `import numpy as np`, `import os.path`
                ast::Stmt::Import(import) => {
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        match &alias.asname {
                            Some(asname) => self.bind(asname.as_str(), name),
                            None => {
                                let first = name.split('.').next().unwrap_or(name);
                                self.bind(first, first);
                            }
                        }
                    }
                }
                // Ex) `from numba import njit as fast`
                ast::Stmt::ImportFrom(import) => {
                    let Some(module) = &import.module else {
                        continue;
                    };
                    if import.level.is_some_and(|level| level.to_u32() > 0) {
                        continue;
                    }
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        let local = alias.asname.as_ref().map_or(name, |asname| asname.as_str());
                        self.bind(local, &format!("{}.{name}", module.as_str()));
                    }
                }
                ast::Stmt::FunctionDef(def) => self.collect_in(&def.body),
                ast::Stmt::AsyncFunctionDef(def) => self.collect_in(&def.body),
                ast::Stmt::ClassDef(class) => self.collect_in(&class.body),
                _ => {
                    for block in walk::child_blocks(stmt) {
                        self.collect_in(block);
                    }
                }
            }
        }
    }

    fn bind(&mut self, local: &str, qualified: &str) {
        self.bindings.insert(local.to_owned(), qualified.to_owned());
    }

    /// Whether some import brings in `module` or one of its submodules.
    pub(crate) fn imports_module(&self, module: &str) -> bool {
        self.bindings.values().any(|qualified| {
            qualified == module
                || qualified
                    .strip_prefix(module)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// The qualified name `name` is bound to by an import.
    pub(crate) fn binding(&self, name: &str) -> Option<&str> {
        self.bindings.get(name).map(String::as_str)
    }

    /// The last segment of what `func` names: the qualified name's (`torch.compiler.is_compiling`
    /// -> `is_compiling`), else the name as written (a local `not_jax_tracer`, a relative import,
    /// `self.helper` -> `helper`).
    pub(crate) fn called_name(&self, func: &ast::Expr) -> Option<String> {
        match self.qualified_name(func) {
            Some(qualified) => Some(last_segment(&qualified).to_owned()),
            None => match func {
                ast::Expr::Name(name) => Some(name.id.to_string()),
                ast::Expr::Attribute(attribute) => Some(attribute.attr.to_string()),
                _ => None,
            },
        }
    }

    /// The qualified name of a dotted expression: `np.linalg.norm` -> `numpy.linalg.norm`,
    /// `print` -> `builtins.print`. `None` for anything else (locals, calls, subscripts).
    pub(crate) fn qualified_name(&self, expr: &ast::Expr) -> Option<String> {
        match expr {
            ast::Expr::Name(name) => {
                let id = name.id.as_str();
                match self.bindings.get(id) {
                    Some(qualified) => Some(qualified.clone()),
                    None if BUILTINS.contains(&id) => Some(format!("builtins.{id}")),
                    None => None,
                }
            }
            ast::Expr::Attribute(attribute) => {
                let base = self.qualified_name(&attribute.value)?;
                if base.starts_with("builtins.") {
                    return None;
                }
                Some(format!("{base}.{}", attribute.attr.as_str()))
            }
            _ => None,
        }
    }
}

/// The library a qualified name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Library {
    /// `numpy`.
    Numpy,
    /// `torch`.
    Torch,
    /// `jax` (and `jax.numpy`).
    Jax,
    /// `tensorflow`.
    TensorFlow,
}

impl Library {
    /// The library of a qualified name, by its first segment.
    pub(crate) fn of(qualified: &str) -> Option<Self> {
        let root = qualified.split('.').next().unwrap_or(qualified);
        match root {
            "numpy" => Some(Self::Numpy),
            "torch" => Some(Self::Torch),
            "jax" | "jaxlib" | "flax" => Some(Self::Jax),
            // Keras 3 (`keras.ops`) runs on any backend: not TensorFlow's arrays as such.
            "tensorflow" => Some(Self::TensorFlow),
            _ => None,
        }
    }
}

/// The last segment of a qualified name: `torch.nn.functional.relu` -> `relu`.
pub(crate) fn last_segment(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::*;

    fn resolve(source: &str, expr: &str) -> Option<String> {
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let imports = Imports::collect(&suite);
        let expr = ast::Expr::parse(expr, "<expr>").unwrap();
        imports.qualified_name(&expr)
    }

    #[test]
    fn resolves_aliases_and_from_imports() {
        let source = "import numpy as np\nfrom numba import njit as fast\nimport torch.nn.functional as F\nimport jax.numpy as jnp\nimport os.path\n";
        assert_eq!(
            resolve(source, "np.linalg.norm").as_deref(),
            Some("numpy.linalg.norm")
        );
        assert_eq!(resolve(source, "fast").as_deref(), Some("numba.njit"));
        assert_eq!(
            resolve(source, "F.relu").as_deref(),
            Some("torch.nn.functional.relu")
        );
        assert_eq!(
            resolve(source, "jnp.zeros").as_deref(),
            Some("jax.numpy.zeros")
        );
        assert_eq!(
            resolve(source, "os.path.join").as_deref(),
            Some("os.path.join")
        );
        assert_eq!(resolve(source, "print").as_deref(), Some("builtins.print"));
        assert_eq!(resolve(source, "x.sum").as_deref(), None);
    }

    #[test]
    fn imports_inside_functions_count() {
        let source = "def f(x):\n    import torch\n    return torch.sin(x)\n";
        assert_eq!(resolve(source, "torch.sin").as_deref(), Some("torch.sin"));
    }
}
