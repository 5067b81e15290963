//! The `jitlens` command: `check`, `serve` and the rest. See `jitlens --help`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jitlens::cli::main()
}
