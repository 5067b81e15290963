//! What `jitlens check` learns about a project before it analyzes its modules one by one:
//!
//! - the project's own compilers (a class whose `wrap` builds a Numba gufunc, a function that
//!   returns `numba.njit(f)`), so that a function one of them decorates in another module is
//!   known to be compiled;
//! - its `nn.Module` classes ([`torch_models`]): what a project with models compiles is its
//!   models, and a function no model reaches gets no torch blockers;
//! - the functions that JAX-traced code of another module calls by name, which run traced in
//!   the module that defines them too.

mod torch_models;

pub use torch_models::ClassHeaders;
pub(crate) use torch_models::TorchModels;

use crate::model::{jax_traced_imports, numba_compilers, Imports, ModuleModel, ProjectFacts};
use crate::report::Report;
use crate::{analysis, parse, LineIndex};

/// The names one module's JAX-compiled or traced functions call that it imports from the
/// project's other modules: functions that run traced where they are defined too.
#[derive(Debug, Default)]
pub struct JaxCallees(Vec<String>);

impl JaxCallees {
    /// Reads one module. A module that does not parse, or imports no JAX, calls none.
    pub fn read(source: &str) -> Self {
        if !source.contains("jax") {
            return Self::default();
        }
        let Ok(suite) = parse(source, &LineIndex::new(source)) else {
            return Self::default();
        };
        let module = ModuleModel::build(&suite);
        if !module.imports.imports_module("jax") {
            return Self::default();
        }
        Self(jax_traced_imports(&module))
    }
}

/// Facts about the modules of one project.
#[derive(Debug, Default)]
pub struct Project {
    facts: ProjectFacts,
}

impl Project {
    /// Reads one module of the project for the compilers it defines. A module that does not
    /// parse teaches nothing.
    pub fn learn(&mut self, source: &str) {
        let Ok(suite) = parse(source, &LineIndex::new(source)) else {
            return;
        };
        let imports = Imports::collect(&suite);
        self.facts
            .numba_compilers
            .extend(numba_compilers(&suite, &imports));
    }

    /// Adds what one module's JAX-traced code calls of other modules ([`JaxCallees::read`]).
    pub fn learn_jax_callees(&mut self, callees: JaxCallees) {
        self.facts.jax_traced_imports.extend(callees.0);
    }

    /// Adds the class headers of one module of the project ([`ClassHeaders::read`]).
    pub fn learn_classes(&mut self, headers: ClassHeaders) {
        self.facts.torch_models.add(headers);
    }

    /// Names of the project's classes and functions that compile with Numba.
    pub fn numba_compilers(&self) -> impl Iterator<Item = &str> {
        self.facts.numba_compilers.iter().map(String::as_str)
    }

    /// Diagnostics and verdicts (no strategies) of one module of the project.
    pub fn analyze(&self, source: &str) -> Report {
        let index = LineIndex::new(source);
        match parse(source, &index) {
            Ok(suite) => analysis::run_in(&suite, source, &index, &self.facts),
            Err(report) => report,
        }
    }
}
