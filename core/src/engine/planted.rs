//! Known bugs the simulation harness must be able to find (feature
//! `planted-bugs`, for the harness's own test; never in a release build).
//!
//! A harness that never fails proves nothing: its test plants each of these
//! in turn and checks that some seed catches it within a bounded number of
//! seeds (tests/tests/sim.rs).

/// A bug to plant in an engine with [`Engine::plant`](crate::Engine::plant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlantedBug {
    /// A loss does not wait out its timeout: the switch is due 1 ms after it.
    NoDeadline,
    /// The all-sites-down backoff grows without its cap.
    NoBackoffCap,
    /// A switch connects to the new site before leaving the old one.
    DoubleConnect,
}
