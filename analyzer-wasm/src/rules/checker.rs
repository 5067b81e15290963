//! The context a rule runs in: the module, the function, and where its findings go.

use rustpython_parser::text_size::{TextRange, TextSize};

use crate::line_index::LineIndex;
use crate::model::{FunctionModel, ModuleModel};
use crate::report::{Diagnostic, Range, Severity};
use crate::rules::{Family, Rule};

/// Collects the diagnostics of the rules run on one function.
pub(crate) struct Checker<'a, 'src> {
    /// The module.
    pub(crate) module: &'a ModuleModel<'a>,
    /// The source text.
    pub(crate) source: &'src str,
    index: &'a LineIndex<'src>,
    function: String,
    rule: Option<&'static Rule>,
    severity: Severity,
    /// Where the running rule says nothing: code that runs only eagerly (torch and general
    /// rules), Numba's object-mode blocks (Numba rules).
    silent_regions: Vec<TextRange>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a, 'src> Checker<'a, 'src> {
    /// A checker for the function called `function`.
    pub(crate) fn new(
        module: &'a ModuleModel<'a>,
        source: &'src str,
        index: &'a LineIndex<'src>,
        function: &str,
    ) -> Self {
        Self {
            module,
            source,
            index,
            function: function.to_owned(),
            rule: None,
            severity: Severity::Info,
            silent_regions: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Runs one rule on the function.
    pub(crate) fn run(&mut self, rule: &'static Rule, function: &FunctionModel<'_>) {
        self.rule = Some(rule);
        // An error of a framework the function is not compiled with does not fail today's code:
        // it would block compiling, so it is reported as a warning.
        let compiled = rule
            .family
            .framework()
            .is_none_or(|framework| function.is_compiled_with(framework));
        self.severity = match rule.severity {
            Severity::Error if !compiled => Severity::Warning,
            severity => severity,
        };
        // What runs only when not compiling breaks no graph and recompiles nothing; what runs
        // only on values that are not JAX tracers raises no tracer error; what runs in Numba's
        // object mode is Python by request.
        self.silent_regions = match rule.family {
            Family::Torch | Family::General => function.eager_only.clone(),
            Family::Jax => function.concrete_only.clone(),
            Family::Numba => function.object_mode.clone(),
            _ => Vec::new(),
        };
        (rule.check)(self, function);
        self.rule = None;
    }

    /// Reports a finding of the running rule.
    pub(crate) fn report(&mut self, range: TextRange, message: impl Into<String>) {
        let Some(rule) = self.rule else { return };
        if self
            .silent_regions
            .iter()
            .any(|region| region.contains_range(range))
        {
            return;
        }
        self.diagnostics.push(Diagnostic {
            code: rule.code.to_owned(),
            name: rule.name.to_owned(),
            severity: self.severity,
            message: message.into(),
            function: Some(self.function.clone()),
            range: Range {
                start: self.index.position(range.start().to_usize()),
                end: self.index.position(range.end().to_usize()),
            },
        });
    }

    /// The source text of a range.
    pub(crate) fn source_of(&self, range: TextRange) -> &'src str {
        self.source
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    /// The `def name` part of a function, where function-wide findings are reported.
    pub(crate) fn header(&self, function: &FunctionModel<'_>) -> TextRange {
        let start = function.syntax.range.start();
        let text = self
            .source
            .get(start.to_usize()..function.syntax.range.end().to_usize())
            .unwrap_or("");
        let name = function.syntax.name.rsplit('.').next().unwrap_or("");
        let end = text
            .find(&format!("def {name}"))
            .map_or(0, |at| at + 4 + name.len());
        TextRange::at(start, TextSize::try_from(end).unwrap_or_default())
    }

    /// The diagnostics found so far.
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
