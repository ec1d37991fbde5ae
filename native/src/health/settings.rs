//! How often a monitor checks, how long a check may take, and how many
//! results in a row change its verdict.

use std::fmt;
use std::time::Duration;

/// How a monitor runs its checks.
///
/// The defaults (`interval` 2 s, `timeout` 1 s, `rise` 2, `fall` 3) report a
/// dead endpoint within about 4–7 s (three failed checks two seconds apart,
/// plus the timeout of the last one) and a recovered one within about 2–4 s,
/// while one lost packet never flaps a link.
///
/// A check that outlasts `interval` (possible only when `timeout` is longer)
/// delays the next one: checks never overlap and never queue up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthSettings {
    /// Time from the start of one check to the start of the next. Default 2 s.
    pub interval: Duration,
    /// Longest time one check may take before it counts as failed. Default 1 s.
    pub timeout: Duration,
    /// Consecutive successes that make an endpoint up. Default 2.
    pub rise: u32,
    /// Consecutive failures that make an endpoint down. Default 3.
    pub fall: u32,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(1),
            rise: 2,
            fall: 3,
        }
    }
}

impl HealthSettings {
    /// Checks that the settings can drive a monitor.
    ///
    /// # Errors
    ///
    /// A zero `interval` (a monitor would spin), a zero `timeout` (every
    /// check would fail), or a zero `rise` or `fall` (a verdict would need no
    /// evidence).
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.interval.is_zero() {
            return Err(SettingsError::ZeroInterval);
        }
        if self.timeout.is_zero() {
            return Err(SettingsError::ZeroTimeout);
        }
        if self.rise == 0 {
            return Err(SettingsError::ZeroRise);
        }
        if self.fall == 0 {
            return Err(SettingsError::ZeroFall);
        }
        Ok(())
    }
}

/// Health settings or a check target given by the caller cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// `interval` is zero.
    ZeroInterval,
    /// `timeout` is zero.
    ZeroTimeout,
    /// `rise` is zero.
    ZeroRise,
    /// `fall` is zero.
    ZeroFall,
    /// A target is not of the form `host:port`.
    Target {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroInterval => f.write_str("health-check interval must be greater than zero"),
            Self::ZeroTimeout => f.write_str("health-check timeout must be greater than zero"),
            Self::ZeroRise => f.write_str("health-check rise count must be at least 1"),
            Self::ZeroFall => f.write_str("health-check fall count must be at least 1"),
            Self::Target { input, reason } => {
                write!(f, "check target {input:?} is not host:port: {reason}")
            }
        }
    }
}

impl std::error::Error for SettingsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        assert_eq!(HealthSettings::default().validate(), Ok(()));
    }

    #[test]
    fn zero_values_are_rejected_with_a_message_naming_them() {
        let base = HealthSettings::default();
        let cases = [
            (
                HealthSettings {
                    interval: Duration::ZERO,
                    ..base
                },
                "interval",
            ),
            (
                HealthSettings {
                    timeout: Duration::ZERO,
                    ..base
                },
                "timeout",
            ),
            (HealthSettings { rise: 0, ..base }, "rise"),
            (HealthSettings { fall: 0, ..base }, "fall"),
        ];
        for (settings, word) in cases {
            let err = settings.validate().unwrap_err();
            assert!(err.to_string().contains(word), "{err}");
        }
    }
}
