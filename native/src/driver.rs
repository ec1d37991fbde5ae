//! The tokio driver: one task owns an [`Engine`] and runs it in real time.
//!
//! [`Driver::spawn`] moves the engine into a task that waits, with one
//! `select!`, on three things: the input channel (inputs from the
//! application: `start`, interactions, manual switches, new configuration…),
//! the health channel (reports from [`health`](crate::health) monitors or
//! from your own SIP stack, turned into `link_*`, `endpoint_*` and
//! `probe_result` inputs), and one pinned [`sleep_until`] re-armed from
//! [`Engine::poll_timeout`]. Every output goes, in order and with the engine
//! time it was emitted at, to the [`Outputs`] stream; the current
//! [`Status`] is kept on a [`watch`] channel.
//!
//! # Time
//!
//! Engine time is milliseconds since the driver was spawned, read from
//! [`tokio::time::Instant`], so tests under `tokio::time::pause()` run in
//! virtual time: a deadline at 30 000 ms fires when virtual time reaches
//! exactly 30 s. The engine itself handles every deadline already due
//! before it takes an input, each at its own time, so an input that beats
//! the timer by a moment gets the order any other host gets. The task
//! sleeps whenever the engine has nothing due: it wakes once per deadline
//! and once per input, never in a loop ([`DriverStats`] counts the
//! wake-ups).
//!
//! A machine that sleeps (laptop lid closed) stops the monotonic clock on
//! some platforms; when your application learns that the machine resumed,
//! send [`Input::Resumed`] so the engine rechecks before it switches.
//!
//! # Shutdown
//!
//! [`Driver::shutdown`] handles every input and health report accepted so far,
//! then `stop` (the engine unregisters the endpoint and disconnects), sends
//! the resulting outputs, ends the [`Outputs`] stream and gives the engine
//! back. Dropping every [`Driver`] and [`InputSender`] does the same without
//! waiting.
//!
//! ```
//! use continuity_core::{Bundle, Engine, Input, Output};
//! use continuity_native::driver::Driver;
//! use futures_core::Stream;
//! use std::pin::Pin;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::time::pause();
//! let bundle = Bundle::from_json(include_str!("../../examples/bundles/workspace.json"))?;
//! let (driver, mut outputs) = Driver::spawn(Engine::new(bundle, 7)?);
//! driver.send(Input::Start)?;
//! // The first command: connect to the preferred site.
//! let first = std::future::poll_fn(|cx| Pin::new(&mut outputs).poll_next(cx)).await;
//! assert!(matches!(first.map(|line| line.output), Some(Output::Connect { .. })));
//! let engine = driver.shutdown().await?;
//! assert_eq!(engine.phase(), continuity_core::Phase::Stopped);
//! # Ok(())
//! # }
//! ```
//!
//! [`sleep_until`]: tokio::time::sleep_until

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use continuity_core::{Emitted, Engine, Input, Member, Millis, Name, Service, Status};
use futures_core::Stream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

/// What a health report is about; the driver turns a report into the
/// matching engine input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HealthKey {
    /// The connection to one member of a site's service:
    /// alive → `link_up`, dead → `link_down`.
    Link {
        /// The site.
        site: Name,
        /// The service.
        service: Service,
        /// Which member of the HA pair.
        member: Member,
    },
    /// The SIP endpoint's registration at a site:
    /// alive → `endpoint_registered`, dead → `endpoint_unregistered`.
    Endpoint {
        /// The site.
        site: Name,
    },
    /// The answer to the engine's `probe {site}` command: `probe_result`.
    Probe {
        /// The probed site.
        site: Name,
    },
}

impl HealthKey {
    /// The engine input that reports this key as `alive` or not.
    pub fn input(&self, alive: bool) -> Input {
        match self.clone() {
            HealthKey::Link {
                site,
                service,
                member,
            } => Input::link(alive, site, service, member),
            HealthKey::Endpoint { site } if alive => Input::EndpointRegistered { site },
            HealthKey::Endpoint { site } => Input::EndpointUnregistered { site },
            HealthKey::Probe { site } => Input::ProbeResult { site, ok: alive },
        }
    }
}

impl fmt::Display for HealthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HealthKey::Link {
                site,
                service,
                member,
            } => write!(f, "{site} {service} {member}"),
            HealthKey::Endpoint { site } => write!(f, "{site} SIP endpoint"),
            HealthKey::Probe { site } => write!(f, "probe of {site}"),
        }
    }
}

/// One health report: `key` was found alive or dead.
pub type HealthReport = (HealthKey, bool);

/// How many health reports may wait for the driver before a sender's
/// `send` waits in turn.
pub const HEALTH_QUEUE: usize = 256;

/// The driver is gone: it was shut down, or its task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the Continuity driver has shut down; the input was not accepted")
    }
}

impl std::error::Error for Closed {}

/// Shutting down failed: the driver's task did not give the engine back.
#[derive(Debug)]
pub enum ShutdownError {
    /// The task panicked (a bug) or was cancelled with its runtime.
    Task(tokio::task::JoinError),
}

impl fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShutdownError::Task(err) => write!(f, "the Continuity driver task failed: {err}"),
        }
    }
}

impl std::error::Error for ShutdownError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ShutdownError::Task(err) => Some(err),
        }
    }
}

/// Counters of what the driver's task did, for logs and for tests that
/// check it sleeps between events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DriverStats {
    /// Inputs handled from the input channel.
    pub inputs: u64,
    /// Reports handled from the health channel.
    pub health_reports: u64,
    /// Times the timer woke the task to handle a deadline.
    pub timer_wakeups: u64,
}

#[derive(Default)]
struct Counters {
    inputs: AtomicU64,
    health_reports: AtomicU64,
    timer_wakeups: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> DriverStats {
        DriverStats {
            inputs: self.inputs.load(Ordering::Relaxed),
            health_reports: self.health_reports.load(Ordering::Relaxed),
            timer_wakeups: self.timer_wakeups.load(Ordering::Relaxed),
        }
    }
}

enum Message {
    Input(Input),
    Shutdown,
}

/// A cloneable sender of inputs to a running [`Driver`].
#[derive(Clone)]
pub struct InputSender {
    messages: mpsc::UnboundedSender<Message>,
}

impl InputSender {
    /// Hands `input` to the engine; it is handled at the time the driver's
    /// task takes it. Inputs are handled in the order they were sent.
    ///
    /// # Errors
    ///
    /// [`Closed`] after shutdown; the input was not accepted.
    pub fn send(&self, input: Input) -> Result<(), Closed> {
        self.messages
            .send(Message::Input(input))
            .map_err(|_| Closed)
    }
}

/// A running engine: the handle of the task that owns it.
pub struct Driver {
    origin: Instant,
    inputs: InputSender,
    health: mpsc::Sender<HealthReport>,
    status: watch::Receiver<Status>,
    counters: Arc<Counters>,
    task: JoinHandle<Engine>,
}

impl Driver {
    /// Moves `engine` into a new task on the current tokio runtime and
    /// returns its handle and the stream of its outputs.
    ///
    /// Engine time 0 is now. The engine is not started: send
    /// [`Input::Start`].
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (as [`tokio::spawn`] does).
    pub fn spawn(engine: Engine) -> (Driver, Outputs) {
        let (messages, message_rx) = mpsc::unbounded_channel();
        let (health, health_rx) = mpsc::channel(HEALTH_QUEUE);
        let (output_tx, output_rx) = mpsc::unbounded_channel();
        let (status_tx, status) = watch::channel(engine.status());
        let counters = Arc::new(Counters::default());
        let origin = Instant::now();
        let task = Task {
            engine,
            origin,
            messages: message_rx,
            health: health_rx,
            // The task keeps one sender so the health channel never closes
            // under it while the driver lives.
            _health_sender: health.clone(),
            outputs: output_tx,
            status: status_tx,
            counters: Arc::clone(&counters),
        };
        let task = tokio::spawn(task.run());
        let driver = Driver {
            origin,
            inputs: InputSender { messages },
            health,
            status,
            counters,
            task,
        };
        (
            driver,
            Outputs {
                receiver: output_rx,
            },
        )
    }

    /// Hands `input` to the engine (see [`InputSender::send`]).
    ///
    /// # Errors
    ///
    /// [`Closed`] when the driver's task has ended.
    pub fn send(&self, input: Input) -> Result<(), Closed> {
        self.inputs.send(input)
    }

    /// A sender of inputs that can be cloned and moved to other tasks.
    pub fn input_sender(&self) -> InputSender {
        self.inputs.clone()
    }

    /// A sender for health reports: give it to health monitors (or a
    /// [`CommandHost`](crate::host::CommandHost)). Reports are
    /// handled in the order they arrive, interleaved with inputs.
    pub fn health_sender(&self) -> mpsc::Sender<HealthReport> {
        self.health.clone()
    }

    /// The engine's status, updated after every event that changes it.
    pub fn status(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// Engine time now: milliseconds since the driver was spawned (the
    /// time the next input will be handled at).
    pub fn now(&self) -> Millis {
        millis_since(self.origin)
    }

    /// The instant engine time `at` stands for: to show an output's time
    /// ([`Emitted::at`]), or a time inside one such as
    /// `switchover_pending.at`, on the application's clock. `None` when it
    /// cannot be represented.
    pub fn instant(&self, at: Millis) -> Option<Instant> {
        self.origin.checked_add(Duration::from_millis(at))
    }

    /// What the task has done so far.
    pub fn stats(&self) -> DriverStats {
        self.counters.snapshot()
    }

    /// Stops the engine cleanly and gives it back.
    ///
    /// Every input and health report accepted before this call is handled
    /// first, then `stop`; all outputs reach the [`Outputs`] stream, which
    /// then ends.
    ///
    /// # Errors
    ///
    /// [`ShutdownError::Task`] if the task panicked or its runtime is gone.
    pub async fn shutdown(self) -> Result<Engine, ShutdownError> {
        // A closed channel means the task is already finishing on its own.
        let _ = self.inputs.messages.send(Message::Shutdown);
        drop(self.inputs);
        self.task.await.map_err(ShutdownError::Task)
    }
}

/// The driver's outputs, each with the engine time it was decided at
/// ([`Emitted::at`]; [`Driver::instant`] turns it into an [`Instant`]), in
/// the order the engine emitted them. Ends after shutdown.
///
/// If the stream is dropped, outputs are discarded and the driver goes on.
pub struct Outputs {
    receiver: mpsc::UnboundedReceiver<Emitted>,
}

impl Outputs {
    /// The next output, or `None` once the driver has shut down and every
    /// output has been taken.
    pub async fn next(&mut self) -> Option<Emitted> {
        self.receiver.recv().await
    }

    /// The next output if one is waiting, without waiting for one.
    pub fn try_next(&mut self) -> Option<Emitted> {
        self.receiver.try_recv().ok()
    }
}

impl Stream for Outputs {
    type Item = Emitted;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Emitted>> {
        self.receiver.poll_recv(cx)
    }
}

/// Whole milliseconds from `origin` to now.
fn millis_since(origin: Instant) -> Millis {
    let elapsed = Instant::now().saturating_duration_since(origin);
    Millis::try_from(elapsed.as_millis()).unwrap_or(Millis::MAX)
}

struct Task {
    engine: Engine,
    origin: Instant,
    messages: mpsc::UnboundedReceiver<Message>,
    health: mpsc::Receiver<HealthReport>,
    _health_sender: mpsc::Sender<HealthReport>,
    outputs: mpsc::UnboundedSender<Emitted>,
    status: watch::Sender<Status>,
    counters: Arc<Counters>,
}

/// How an event woke the task.
enum Event {
    Message(Option<Message>),
    Health(HealthReport),
    /// The deadline at this engine time came.
    Deadline(Millis),
}

impl Task {
    async fn run(mut self) -> Engine {
        let sleep = sleep_until(self.origin);
        tokio::pin!(sleep);
        loop {
            self.publish();
            let deadline = self.engine.poll_timeout();
            if let Some(at) = deadline {
                sleep.as_mut().reset(self.instant(at));
            }
            let event = tokio::select! {
                biased;
                message = self.messages.recv() => Event::Message(message),
                Some(report) = self.health.recv() => Event::Health(report),
                () = &mut sleep, if deadline.is_some() => Event::Deadline(deadline.unwrap_or_default()),
            };
            match event {
                Event::Message(Some(Message::Input(input))) => self.input(input),
                Event::Health(report) => self.health_report(report),
                Event::Deadline(at) => {
                    Counters::bump(&self.counters.timer_wakeups);
                    // The timer never fires early, but the clock is read in
                    // whole milliseconds: never hand the engine a time before
                    // the deadline that woke the task, or it would wake again.
                    let now = self.now().max(at);
                    self.engine.handle_timeout(now);
                }
                Event::Message(Some(Message::Shutdown) | None) => {
                    self.finish();
                    return self.engine;
                }
            }
        }
    }

    /// Engine time now: whole milliseconds since the driver started.
    fn now(&self) -> Millis {
        millis_since(self.origin)
    }

    /// The instant engine time `at` is reached (far in the future when it
    /// cannot be represented).
    fn instant(&self, at: Millis) -> Instant {
        self.origin
            .checked_add(Duration::from_millis(at))
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365))
    }

    fn input(&mut self, input: Input) {
        Counters::bump(&self.counters.inputs);
        self.engine.handle_input(input, self.now());
    }

    fn health_report(&mut self, (key, alive): HealthReport) {
        Counters::bump(&self.counters.health_reports);
        self.engine.handle_input(key.input(alive), self.now());
    }

    /// Sends waiting outputs and the status if it changed.
    fn publish(&mut self) {
        while let Some(emitted) = self.engine.poll_output() {
            // Nobody listening: the outputs are dropped, the engine goes on.
            let _ = self.outputs.send(emitted);
        }
        let status = self.engine.status();
        self.status.send_if_modified(|current| {
            let changed = *current != status;
            if changed {
                *current = status;
            }
            changed
        });
    }

    /// Shutdown: everything already accepted, then `stop`.
    fn finish(&mut self) {
        self.messages.close();
        self.health.close();
        while let Ok(message) = self.messages.try_recv() {
            if let Message::Input(input) = message {
                self.input(input);
                self.publish();
            }
        }
        while let Ok(report) = self.health.try_recv() {
            self.health_report(report);
            self.publish();
        }
        self.engine.handle_stop(self.now());
        self.publish();
    }
}
