//! Every exit status runback uses, in one place.

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The report (or other output) was written.
    Success,
    /// Bad input: answers, a rule base, or a file that cannot be read or written.
    Failure,
    /// The command line was wrong (clap uses this status too).
    Usage,
    /// Interrupted by Ctrl-C.
    Interrupted,
    /// `runback check` found only warnings, and `--deny-warnings` was given.
    CheckWarnings,
    /// `runback check` found errors: the rule base does not load, or is unsafe.
    CheckErrors,
}

impl ExitCode {
    /// The numeric status.
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
            ExitCode::Interrupted => 130,
            ExitCode::CheckWarnings => 1,
            ExitCode::CheckErrors => 2,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}
