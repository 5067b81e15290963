//! The command after `jitlens trace --`: the interpreter, its own options, and the program (a
//! script or `-m module`) with its arguments.

use anyhow::bail;

/// A Python command split where the tracer goes: `INTERP [OPTIONS] jl_trace.py ... -- PROGRAM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PythonCommand {
    /// The interpreter as the user named it (`python`, `.venv/bin/python3.12`).
    pub(crate) interpreter: String,
    /// Options of the interpreter itself (`-u`, `-X dev`), kept before the tracer.
    pub(crate) options: Vec<String>,
    /// The script and its arguments, or `-m`, the module and its arguments.
    pub(crate) program: Vec<String>,
}

/// Interpreter options that take the next argument as their value.
const OPTIONS_WITH_VALUES: &[&str] = &["-X", "-W", "--check-hash-based-pycs"];

/// Splits `command`; refuses one that does not start with a Python interpreter and a program.
pub(crate) fn parse(command: &[String]) -> anyhow::Result<PythonCommand> {
    let Some((interpreter, rest)) = command.split_first() else {
        bail!("give the command to trace after `--`, e.g. `jitlens trace -- python script.py`")
    };
    let name = std::path::Path::new(interpreter)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    if !(name.starts_with("python") || name.starts_with("pypy")) {
        bail!(
            "the command must start with a Python interpreter, not `{interpreter}`: \
             run `jitlens trace -- python -m {interpreter} ...` (or `python script.py`)"
        )
    }
    let mut options = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-c" => bail!("`python -c` is not traced: put the code in a file and trace that"),
            "-m" => {
                let Some(module) = rest.next() else {
                    bail!("`-m` needs a module, e.g. `python -m pytest tests/`")
                };
                let mut program = vec!["-m".to_owned(), module.clone()];
                program.extend(rest.cloned());
                return Ok(PythonCommand {
                    interpreter: interpreter.clone(),
                    options,
                    program,
                });
            }
            option if option.starts_with('-') && option != "-" => {
                options.push(arg.clone());
                if OPTIONS_WITH_VALUES.contains(&option) {
                    options.extend(rest.next().cloned());
                }
            }
            _ => {
                let mut program = vec![arg.clone()];
                program.extend(rest.cloned());
                return Ok(PythonCommand {
                    interpreter: interpreter.clone(),
                    options,
                    program,
                });
            }
        }
    }
    bail!("give the program to trace: `python script.py ARGS` or `python -m module ARGS`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> anyhow::Result<PythonCommand> {
        let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&words)
    }

    #[test]
    fn scripts_modules_and_interpreter_options() {
        let script = split("python -u -X dev run.py --n 3").unwrap();
        assert_eq!(script.interpreter, "python");
        assert_eq!(script.options, ["-u", "-X", "dev"]);
        assert_eq!(script.program, ["run.py", "--n", "3"]);
        let module = split(".venv/bin/python3.12 -m pytest tests/ -k fast").unwrap();
        assert_eq!(module.program, ["-m", "pytest", "tests/", "-k", "fast"]);
        assert!(module.options.is_empty());
    }

    #[test]
    fn refuses_what_it_cannot_trace() {
        let not_python = split("pytest tests/").unwrap_err().to_string();
        assert!(not_python.contains("python -m pytest"), "{not_python}");
        assert!(split("python -c print(1)").is_err());
        assert!(split("python -u").is_err());
        assert!(split("python -m").is_err());
        assert!(parse(&[]).is_err());
    }
}
