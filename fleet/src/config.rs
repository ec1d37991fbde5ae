//! What a fleet run simulates, and why a configuration cannot run.

use std::fmt;

use continuity_core::{Diagnostic, Millis};
use serde::{Deserialize, Serialize};

/// The most desktops one run simulates.
pub const MAX_DESKTOPS: u32 = 10_000_000;

/// The longest simulated time, in milliseconds (one week).
pub const MAX_UNTIL: Millis = 7 * 24 * 3600 * 1000;

/// The longest detection window, in milliseconds (one hour).
const MAX_DETECTION: Millis = 3600 * 1000;

/// A fleet run: how many desktops, which site is lost and when, and how
/// long to simulate. Times are milliseconds from the start, when every
/// desktop starts (in service: see [`Fleet`](crate::Fleet)).
///
/// As JSON (the WebAssembly tools module reads it), every field is
/// optional and unknown fields are refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FleetConfig {
    /// How many desktops (default 10,000).
    pub desktops: u32,
    /// The fleet's seed: each desktop's engine seed and detection delay are
    /// drawn from it and the desktop's index (default 0).
    pub seed: u64,
    /// The site that is lost (default: the preferred site, where the
    /// desktops start).
    pub lost_site: Option<String>,
    /// When the site is lost (default 60 s).
    pub loss_at_ms: Millis,
    /// When it comes back (default 20 min); `None`: it never does.
    pub return_at_ms: Option<Millis>,
    /// How long to simulate (default 1 h).
    pub until_ms: Millis,
    /// Each desktop notices the loss after its own delay, drawn uniformly up
    /// to this window (default: the ADDP timeout of the lost site's SIP
    /// Server connection, else 20 s).
    pub detection_ms: Option<Millis>,
    /// `continuity.failover-spread` for every desktop, instead of the bundle's.
    pub failover_spread_ms: Option<Millis>,
    /// `continuity.restore-spread` for every desktop, instead of the bundle's.
    pub restore_spread_ms: Option<Millis>,
}

impl Default for FleetConfig {
    fn default() -> Self {
        FleetConfig {
            desktops: 10_000,
            seed: 0,
            lost_site: None,
            loss_at_ms: 60_000,
            return_at_ms: Some(20 * 60_000),
            until_ms: 3600 * 1000,
            detection_ms: None,
            failover_spread_ms: None,
            restore_spread_ms: None,
        }
    }
}

impl FleetConfig {
    /// Checks the run's own numbers (the bundle is checked by [`Fleet::new`](crate::Fleet::new)).
    ///
    /// # Errors
    ///
    /// [`FleetError::Config`] naming the field and how to fix it.
    pub fn check(&self) -> Result<(), FleetError> {
        let problem = |field: &str, message: String| {
            Err(FleetError::Config {
                field: field.to_owned(),
                message,
            })
        };
        if self.desktops == 0 || self.desktops > MAX_DESKTOPS {
            return problem(
                "desktops",
                format!(
                    "{} desktops: simulate between 1 and {MAX_DESKTOPS}",
                    self.desktops
                ),
            );
        }
        if self.until_ms == 0 || self.until_ms > MAX_UNTIL {
            return problem(
                "until",
                format!(
                    "{} ms: simulate more than 0 and at most a week ({MAX_UNTIL} ms)",
                    self.until_ms
                ),
            );
        }
        if self.loss_at_ms == 0 || self.loss_at_ms >= self.until_ms {
            return problem(
                "loss_at",
                format!(
                    "the loss at {} ms is not inside the run (0, {}): desktops start in service at 0, so lose the site after that and before the end",
                    self.loss_at_ms, self.until_ms
                ),
            );
        }
        if let Some(back) = self.return_at_ms
            && back <= self.loss_at_ms
        {
            return problem(
                "return_at",
                format!(
                    "the site comes back at {back} ms, not after its loss at {} ms: return it later, or never",
                    self.loss_at_ms
                ),
            );
        }
        if let Some(window) = self.detection_ms
            && window > MAX_DETECTION
        {
            return problem(
                "detection",
                format!(
                    "a detection window of {window} ms is longer than an hour ({MAX_DETECTION} ms)"
                ),
            );
        }
        for (field, spread) in [
            ("failover_spread", self.failover_spread_ms),
            ("restore_spread", self.restore_spread_ms),
        ] {
            if let Some(spread) = spread
                && (spread % 1000 != 0
                    || spread > continuity_core::config::options::MAX_SECONDS * 1000)
            {
                return problem(
                    field,
                    format!("{spread} ms: a spread is a whole number of seconds, at most a week"),
                );
            }
        }
        Ok(())
    }
}

/// Where the detection window came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Detection {
    /// Given with the run ([`FleetConfig::detection_ms`]).
    Given,
    /// The ADDP timeout of the lost site's SIP Server connection.
    Addp,
    /// Neither: 20 s.
    Default,
}

/// Why a fleet cannot run.
#[derive(Clone, Debug, PartialEq)]
pub enum FleetError {
    /// A field of the [`FleetConfig`] is out of range.
    Config {
        /// The field (`desktops`, `loss_at`, …).
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The bundle does not validate.
    Invalid {
        /// Its errors (and warnings), as `continuity validate` reports them.
        diagnostics: Vec<Diagnostic>,
    },
    /// The bundle validates but cannot make a fleet.
    Bundle {
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl fmt::Display for FleetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FleetError::Config { field, message } => write!(f, "fleet `{field}`: {message}"),
            FleetError::Invalid { diagnostics } => {
                write!(f, "the bundle does not validate:")?;
                for d in diagnostics {
                    write!(f, "\n  {d}")?;
                }
                Ok(())
            }
            FleetError::Bundle { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for FleetError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(config: FleetConfig) -> String {
        match config.check() {
            Err(FleetError::Config { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_are_the_documented_ones_and_pass() {
        let c = FleetConfig::default();
        assert_eq!(
            (c.desktops, c.loss_at_ms, c.return_at_ms, c.until_ms),
            (10_000, 60_000, Some(1_200_000), 3_600_000)
        );
        c.check().unwrap();
    }

    #[test]
    fn out_of_range_fields_are_named() {
        let d = FleetConfig::default;
        assert_eq!(field(FleetConfig { desktops: 0, ..d() }), "desktops");
        assert_eq!(
            field(FleetConfig {
                desktops: MAX_DESKTOPS + 1,
                ..d()
            }),
            "desktops"
        );
        assert_eq!(
            field(FleetConfig {
                until_ms: MAX_UNTIL + 1,
                ..d()
            }),
            "until"
        );
        assert_eq!(
            field(FleetConfig {
                loss_at_ms: 0,
                ..d()
            }),
            "loss_at"
        );
        assert_eq!(
            field(FleetConfig {
                loss_at_ms: 3_600_000,
                ..d()
            }),
            "loss_at"
        );
        assert_eq!(
            field(FleetConfig {
                return_at_ms: Some(60_000),
                ..d()
            }),
            "return_at"
        );
        assert_eq!(
            field(FleetConfig {
                detection_ms: Some(MAX_DETECTION + 1),
                ..d()
            }),
            "detection"
        );
        assert_eq!(
            field(FleetConfig {
                failover_spread_ms: Some(1500),
                ..d()
            }),
            "failover_spread"
        );
        FleetConfig {
            return_at_ms: None,
            ..d()
        }
        .check()
        .unwrap();
    }

    #[test]
    fn json_fields_are_optional_and_unknown_ones_refused() {
        let c: FleetConfig = serde_json::from_str(r#"{"desktops": 5}"#).unwrap();
        assert_eq!(
            c,
            FleetConfig {
                desktops: 5,
                ..FleetConfig::default()
            }
        );
        let err = serde_json::from_str::<FleetConfig>(r#"{"desktop": 5}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `desktop`"), "{err}");
    }
}
