//! Every documented command, run as a user would: each case in `tests/cmd/` is a file
//! holding the command line and, beside it, the exact output and exit status expected.
//! Regenerate after a reviewed change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        // Reports carry their date; pin it so the expected output stays true.
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .case("tests/cmd/*.toml");
}
