//! A module's aliases of library constants (`pi = np.pi`): names another module may import
//! whose value never changes.

use std::collections::BTreeSet;

use rustpython_parser::ast;

use crate::model::Imports;

/// The constants of NumPy and `math` that modules re-export under their own names.
const LIBRARY_CONSTANTS: &[&str] = &[
    "numpy.pi",
    "numpy.e",
    "numpy.inf",
    "numpy.nan",
    "numpy.euler_gamma",
    "numpy.newaxis",
    "math.pi",
    "math.e",
    "math.tau",
    "math.inf",
    "math.nan",
];

/// The names that the module's top-level assignments bind to a library constant.
pub(crate) fn library_constants(suite: &[ast::Stmt], imports: &Imports) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for stmt in suite {
        let ast::Stmt::Assign(assign) = stmt else {
            continue;
        };
        let constant = imports
            .qualified_name(&assign.value)
            .is_some_and(|qualified| LIBRARY_CONSTANTS.contains(&qualified.as_str()));
        if !constant {
            continue;
        }
        for target in &assign.targets {
            if let ast::Expr::Name(name) = target {
                found.insert(name.id.to_string());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::library_constants;
    use crate::model::Imports;

    #[test]
    fn aliases_of_numpy_and_math_constants_are_library_constants() {
        let source = "\
import math
import numpy as np

pi = np.pi
TAU = math.tau
EPS = 1e-12
scale = np.sqrt(2)
";
        let suite = ast::Suite::parse(source, "<test>").unwrap();
        let imports = Imports::collect(&suite);
        let found: Vec<String> = library_constants(&suite, &imports).into_iter().collect();
        assert_eq!(found, ["TAU", "pi"]);
    }
}
