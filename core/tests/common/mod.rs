//! What the property-test files share.

use proptest::test_runner::Config;

/// A proptest configuration running `default_cases` cases per property,
/// unless the `PROPTEST_CASES` environment variable says otherwise.
pub fn cases(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        ..Config::default()
    }
}
