//! The `runback` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    runback::app::main().into()
}
