//! What `jitlens check` learns about a project before it analyzes its modules one by one: the
//! project's own compilers (a class whose `wrap` builds a Numba gufunc, a function that returns
//! `numba.njit(f)`), so that a function one of them decorates in another module is known to be
//! compiled.

use std::collections::BTreeSet;

use crate::model::{numba_compilers, Imports};
use crate::report::Report;
use crate::{analysis, parse, LineIndex};

/// Facts about the modules of one project.
#[derive(Debug, Clone, Default)]
pub struct Project {
    numba_compilers: BTreeSet<String>,
}

impl Project {
    /// Reads one module of the project. A module that does not parse teaches nothing.
    pub fn learn(&mut self, source: &str) {
        let Ok(suite) = parse(source, &LineIndex::new(source)) else {
            return;
        };
        let imports = Imports::collect(&suite);
        self.numba_compilers
            .extend(numba_compilers(&suite, &imports));
    }

    /// Names of the project's classes and functions that compile with Numba.
    pub fn numba_compilers(&self) -> impl Iterator<Item = &str> {
        self.numba_compilers.iter().map(String::as_str)
    }

    /// Diagnostics and verdicts (no strategies) of one module of the project.
    pub fn analyze(&self, source: &str) -> Report {
        let index = LineIndex::new(source);
        match parse(source, &index) {
            Ok(suite) => analysis::run_in(&suite, source, &index, &self.numba_compilers),
            Err(report) => report,
        }
    }
}
