//! Monitors: a check run every interval, its results turned into
//! up/down transitions on a channel.

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::{
    CheckError, Health, HealthSettings, Hysteresis, IntoTarget, SettingsError, SipAnswer, Target,
    sip_options, tcp_check,
};

/// One kind of check a monitor can run: anything that answers "alive?"
/// when asked, within the monitor's timeout.
///
/// Implemented by [`BuiltinCheck`] and by closures `FnMut() -> impl Future` whose
/// output is a [`CheckOutcome`] (`bool`, `Result<(), CheckError>`,
/// `Result<SipAnswer, CheckError>`), which is how tests script fake checks.
pub trait Check: Send + 'static {
    /// Runs one check, which should end within `timeout` (the monitor stops
    /// waiting for it then, and counts a failure).
    fn check(&mut self, timeout: Duration) -> impl Future<Output = Result<(), Failure>> + Send;

    /// What is checked, for the error of a check the monitor had to cut
    /// short at the timeout. Defaults to "the check".
    fn describe(&self) -> String {
        "the check".to_owned()
    }
}

/// Why a check failed: the check's error, or nothing more than "no" (a
/// check that answers `false`).
pub type Failure = Option<CheckError>;

/// What a check closure may return.
pub trait CheckOutcome {
    /// `Ok` when the endpoint is alive.
    ///
    /// # Errors
    ///
    /// The failure, with its reason where the outcome has one.
    fn into_result(self) -> Result<(), Failure>;
}

impl CheckOutcome for bool {
    fn into_result(self) -> Result<(), Failure> {
        if self { Ok(()) } else { Err(None) }
    }
}

impl CheckOutcome for Result<(), CheckError> {
    fn into_result(self) -> Result<(), Failure> {
        self.map_err(Some)
    }
}

impl CheckOutcome for Result<SipAnswer, CheckError> {
    fn into_result(self) -> Result<(), Failure> {
        self.map(drop).map_err(Some)
    }
}

impl<F, Fut> Check for F
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future + Send,
    Fut::Output: CheckOutcome,
{
    fn check(&mut self, _timeout: Duration) -> impl Future<Output = Result<(), Failure>> + Send {
        let outcome = self();
        async move { outcome.await.into_result() }
    }
}

/// The built-in checks, as a monitor runs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuiltinCheck {
    /// [`tcp_check`] of the target.
    Tcp(Target),
    /// [`sip_options`] to the target; any final response is alive.
    SipOptions(Target),
}

impl BuiltinCheck {
    /// Runs the check once.
    ///
    /// # Errors
    ///
    /// Why the target is dead (see [`tcp_check`] and [`sip_options`]).
    pub async fn run(&self, timeout: Duration) -> Result<(), CheckError> {
        match self {
            Self::Tcp(target) => tcp_check(target, timeout).await,
            Self::SipOptions(target) => sip_options(target, timeout).await.map(drop),
        }
    }

    /// The target checked.
    pub fn target(&self) -> &Target {
        match self {
            Self::Tcp(target) | Self::SipOptions(target) => target,
        }
    }
}

impl Check for BuiltinCheck {
    fn check(&mut self, timeout: Duration) -> impl Future<Output = Result<(), Failure>> + Send {
        let check = self.clone();
        async move { check.run(timeout).await.map_err(Some) }
    }

    fn describe(&self) -> String {
        self.target().to_string()
    }
}

/// A change of an endpoint's health, as a monitor reports it.
#[derive(Debug)]
pub struct Transition<K> {
    /// The caller's key for the endpoint (for example the engine input to
    /// send: a link's site, service and member).
    pub key: K,
    /// The new verdict.
    pub health: Health,
    /// When the deciding check ended.
    pub at: Instant,
    /// For [`Health::Down`], why the deciding check failed, when known.
    pub error: Option<CheckError>,
}

impl<K> Transition<K> {
    /// Whether the endpoint is now up.
    pub fn is_up(&self) -> bool {
        self.health == Health::Up
    }
}

/// A transition as `(key, alive)`, the shape engine inputs are made from.
impl<K> From<Transition<K>> for (K, bool) {
    fn from(transition: Transition<K>) -> Self {
        let alive = transition.is_up();
        (transition.key, alive)
    }
}

/// Runs `check` every `settings.interval` in a new task and sends each
/// change of verdict, under `key`, on `events`.
///
/// The first check runs at once. Each check gets `settings.timeout`; one
/// that takes longer counts as failed. The verdict follows
/// [`Hysteresis`]: unknown at first, then [`Health::Up`] after `rise`
/// successes in a row or [`Health::Down`] after `fall` failures in a row,
/// and after that only changes are sent. Checks are spaced by
/// [`tokio::time::interval`] with [`MissedTickBehavior::Delay`], so the task
/// sleeps between checks (paused-time tests see exactly one check per
/// interval) and a slow check delays the next rather than bunching them.
///
/// `events` carries [`Transition`]s, or anything made from one, such as
/// `(key, alive)` tuples.
///
/// The task ends when the returned handle is aborted or when `events` is
/// closed (checked while waiting as well as when sending). Dropping the
/// handle does *not* stop it; [`Monitor`] does that.
///
/// # Panics
///
/// When `settings` do not pass [`HealthSettings::validate`] (like
/// [`tokio::time::interval`] with a zero period; validate settings where
/// they are read, or use [`Monitor::spawn`], which returns the error), or
/// when called outside a tokio runtime.
pub fn spawn_monitor<K, R, C>(
    settings: HealthSettings,
    key: K,
    events: mpsc::Sender<R>,
    check: C,
) -> JoinHandle<()>
where
    K: Clone + Send + 'static,
    R: From<Transition<K>> + Send + 'static,
    C: Check,
{
    if let Err(err) = settings.validate() {
        panic!("spawn_monitor: {err}");
    }
    tokio::spawn(run(settings, key, events, check))
}

/// A monitor task that stops when this handle is dropped.
#[derive(Debug)]
pub struct Monitor {
    task: JoinHandle<()>,
}

impl Monitor {
    /// Starts a monitor as [`spawn_monitor`] does.
    ///
    /// # Errors
    ///
    /// The settings do not validate.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn spawn<K, R, C>(
        settings: HealthSettings,
        key: K,
        events: mpsc::Sender<R>,
        check: C,
    ) -> Result<Self, SettingsError>
    where
        K: Clone + Send + 'static,
        R: From<Transition<K>> + Send + 'static,
        C: Check,
    {
        settings.validate()?;
        Ok(Self {
            task: tokio::spawn(run(settings, key, events, check)),
        })
    }

    /// Starts a monitor of a target with a built-in check.
    ///
    /// # Errors
    ///
    /// The settings do not validate, or the target is not `host:port`.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn builtin<K, R>(
        settings: HealthSettings,
        key: K,
        events: mpsc::Sender<R>,
        kind: fn(Target) -> BuiltinCheck,
        target: impl IntoTarget,
    ) -> Result<Self, SettingsError>
    where
        K: Clone + Send + 'static,
        R: From<Transition<K>> + Send + 'static,
    {
        let check = kind(target.into_target()?);
        Self::spawn(settings, key, events, check)
    }

    /// Whether the task has ended (its events channel closed).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops the monitor and waits until its task (and its check) is gone.
    pub async fn stop(mut self) {
        self.task.abort();
        // Aborted or finished: either way the task is over (`Drop` aborts
        // again, which is harmless).
        let _ = (&mut self.task).await;
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The monitor's loop.
async fn run<K, R, C>(settings: HealthSettings, key: K, events: mpsc::Sender<R>, mut check: C)
where
    K: Clone + Send + 'static,
    R: From<Transition<K>> + Send + 'static,
    C: Check,
{
    let mut ticks = tokio::time::interval(settings.interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut verdicts = Hysteresis::new(settings.rise, settings.fall);
    loop {
        tokio::select! {
            biased;
            () = events.closed() => return,
            _ = ticks.tick() => {}
        }
        let one = tokio::time::timeout(settings.timeout, check.check(settings.timeout));
        let result = tokio::select! {
            biased;
            () = events.closed() => return,
            result = one => result.unwrap_or_else(|_elapsed| {
                Err(Some(CheckError::Timeout {
                    target: check.describe(),
                    after: settings.timeout,
                }))
            }),
        };
        let Some(health) = verdicts.record(result.is_ok()) else {
            continue;
        };
        let transition = Transition {
            key: key.clone(),
            health,
            at: Instant::now(),
            error: result.err().flatten(),
        };
        if events.send(transition.into()).await.is_err() {
            return;
        }
    }
}
