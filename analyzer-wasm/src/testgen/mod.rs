//! Test generation: a pytest module that runs a function's original against its rewrite, on
//! generated inputs ([`generate`]) or on the argument sets a trace captured ([`replay_module`]).
//!
//! [`generate`] is a pure function from the two sources, the strategy and the input spec to the
//! module's text; [`module_for`] picks the strategy and infers the spec from a source. The
//! module embeds both sources as strings and loads each into its own module at test time, so it
//! runs with plain pytest wherever the user's frameworks are installed.

mod replay;
mod setup;
mod skeleton;
mod spec;

use crate::report::{InputSpec, Strategy};

pub use replay::{replay_module, ReplayCase, SAMPLES_MAGIC};
pub use setup::{array_framework, setup_example};
pub use spec::input_spec;

const TEMPLATE: &str = include_str!("template.py");
/// The comparison both kinds of module share, put in at `__COMPARE__`.
const COMPARE: &str = include_str!("compare.py");

/// What a generated test module checks.
#[derive(Debug, Clone, Copy)]
pub struct TestCase<'a> {
    /// The user's module.
    pub original: &'a str,
    /// The strategy whose rewritten module is checked against it.
    pub strategy: &'a Strategy,
    /// The function (a module-level name).
    pub function: &'a str,
    /// What to pass to it.
    pub inputs: &'a InputSpec,
}

/// Why no test module can be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestgenError {
    /// The source has no function of that name (or does not parse).
    NoFunction(String),
    /// Methods and nested functions cannot be called on their own.
    NotModuleLevel(String),
    /// No strategy is on offer (for that framework).
    NoStrategy(String),
}

impl std::fmt::Display for TestgenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoFunction(name) => write!(f, "no function `{name}` in the source"),
            Self::NotModuleLevel(name) => write!(
                f,
                "`{name}` is a method or nested function: testgen needs a module-level function"
            ),
            Self::NoStrategy(name) => write!(f, "no rewrite is on offer for `{name}`"),
        }
    }
}

impl std::error::Error for TestgenError {}

/// The pytest module for `case`.
pub fn generate(case: &TestCase<'_>) -> String {
    let original = skeleton::skeleton(case.original);
    let rewrite = skeleton::skeleton(&case.strategy.source);
    // The setup runs after the module's own imports, so `torch.randn(...)` works as written.
    let setup = case.inputs.setup.as_deref().map_or_else(
        || "None".to_owned(),
        |setup| python_string(&format!("{}{setup}\n", skeleton::imports(case.original))),
    );
    TEMPLATE
        .replace("__COMPARE__", COMPARE)
        .replace("__FUNCTION__", case.function)
        .replace(
            "__STRATEGY__",
            &format!(
                "{} ({}, {}: {})",
                case.strategy.id,
                case.strategy.framework,
                case.strategy.applicability,
                case.strategy.title
            ),
        )
        .replace(
            "__FILE_HINT__",
            &format!("test_{}_rewrite.py", case.function),
        )
        .replace("__FUNCTION_LITERAL__", &python_string(case.function))
        .replace(
            "__FRAMEWORK_LITERAL__",
            &python_string(&case.strategy.framework),
        )
        .replace("__SETUP__", &setup)
        .replace("__PARAMS__", &params_literal(case.inputs))
        .replace(
            "__READS_NAN__",
            if case.inputs.reads_nan {
                "True"
            } else {
                "False"
            },
        )
        // The sources last: they may contain the placeholders' text.
        .replace("__ORIGINAL__", &python_string(&original))
        .replace("__REWRITE__", &python_string(&rewrite))
}

/// Analyzes `source`, picks the strategy of `framework` (the best verdict's framework, or the
/// first strategy, when `None`), infers the inputs and generates the module.
pub fn module_for(
    source: &str,
    function: &str,
    framework: Option<&str>,
    setup: Option<&str>,
) -> Result<String, TestgenError> {
    let report = crate::analyze(source);
    let Some(report_function) = report.functions.iter().find(|f| f.name == function) else {
        return Err(TestgenError::NoFunction(function.to_owned()));
    };
    if function.contains('.') {
        return Err(TestgenError::NotModuleLevel(function.to_owned()));
    }
    let strategy = pick(report_function, framework)
        .ok_or_else(|| TestgenError::NoStrategy(function.to_owned()))?;
    let mut inputs = input_spec(source, function)
        .ok_or_else(|| TestgenError::NoFunction(function.to_owned()))?;
    inputs.setup = setup.map(str::to_owned);
    Ok(generate(&TestCase {
        original: source,
        strategy,
        function,
        inputs: &inputs,
    }))
}

/// The strategy for `framework`: the given one, or the best verdict's, or the first on offer.
pub fn pick<'r>(
    function: &'r crate::report::FunctionReport,
    framework: Option<&str>,
) -> Option<&'r Strategy> {
    let framework = framework.filter(|f| *f != "auto");
    match framework {
        Some(framework) => function
            .strategies
            .iter()
            .find(|s| s.framework == framework),
        None => function
            .verdicts
            .iter()
            .find_map(|v| v.strategy.as_ref())
            .and_then(|id| function.strategies.iter().find(|s| &s.id == id))
            .or_else(|| function.strategies.first()),
    }
}

/// A Python string literal for `text`: triple-quoted when that keeps it readable.
fn python_string(text: &str) -> String {
    let plain = text.contains('\n') && !text.contains('\\') && !text.contains('\r');
    if plain && !text.contains("\"\"\"") && !text.ends_with('"') {
        return format!("\"\"\"\\\n{text}\"\"\"");
    }
    if plain && !text.contains("\'\'\'") && !text.ends_with('\'') {
        return format!("\'\'\'\\\n{text}\'\'\'");
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn params_literal(inputs: &InputSpec) -> String {
    if inputs.params.is_empty() {
        return "[]".to_owned();
    }
    let mut out = String::from("[\n");
    for param in &inputs.params {
        let keys: Vec<String> = param.keys.iter().map(|k| python_string(k)).collect();
        out.push_str(&format!(
            "    {{\"name\": {}, \"kind\": {}, \"ndim\": {}, \"dtype\": {}, \"value\": {}, \"keys\": [{}]}},  # from {}\n",
            python_string(&param.name),
            python_string(&param.kind),
            param.ndim,
            python_string(&param.dtype),
            param.value.as_deref().filter(|v| !v.is_empty()).unwrap_or("None"),
            keys.join(", "),
            param.origin
        ));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_strings_round_trip_through_escapes() {
        assert_eq!(python_string("a\"b\\c\x01"), "\"a\\\"b\\\\c\\x01\"");
        assert_eq!(
            python_string("x = 1\ny = 2\n"),
            "\"\"\"\\\nx = 1\ny = 2\n\"\"\""
        );
        assert_eq!(
            python_string("s = \"\"\"doc\"\"\"\n"),
            "\'\'\'\\\ns = \"\"\"doc\"\"\"\n\'\'\'"
        );
        assert_eq!(
            python_string("a = \"\"\"x\"\"\"\nb = \'\'\'y\'\'\'\n")
                .lines()
                .count(),
            1
        );
    }
}
