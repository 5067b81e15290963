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

use crate::model::{numba_compilers, Imports, ProjectFacts};
use crate::report::Report;
use crate::{analysis, parse, LineIndex};

/// The names one module's JAX-compiled or traced functions call that it imports from the
/// project's other modules: functions that run traced where they are defined too. They come
/// with the module's analysis ([`Project::analyze_learning`]).
#[derive(Debug, Default)]
pub struct JaxCallees(Vec<String>);

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

    /// Adds what one module's JAX-traced code calls of other modules ([`JaxCallees`]).
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
        self.analyze_learning(source).0
    }

    /// [`Project::analyze`], and what the module's JAX-traced code calls of the project's other
    /// modules, for [`Project::learn_jax_callees`].
    pub fn analyze_learning(&self, source: &str) -> (Report, JaxCallees) {
        let index = LineIndex::new(source);
        match parse(source, &index) {
            Ok(suite) => {
                let (report, callees) = analysis::run_in(&suite, source, &index, &self.facts);
                (report, JaxCallees(callees))
            }
            Err(report) => (report, JaxCallees::default()),
        }
    }

    /// Whether `report` (of one module) defines a function that JAX-traced code of another
    /// module calls: its analysis before [`Project::learn_jax_callees`] missed that context.
    pub fn traces_functions_of(&self, report: &Report) -> bool {
        report
            .functions
            .iter()
            .any(|f| self.facts.jax_traced_imports.contains(f.name.as_str()))
    }
}
