//! `continuity fleet`'s runner: a fleet's desktops split across threads,
//! with a progress bar on standard error, and durations as people write them.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use continuity_core::Millis;
use continuity_fleet::{Fleet, Tally};

/// Desktops one thread takes at a time.
const CHUNK: u32 = 500;

/// Simulates every desktop of `fleet` on `threads` threads (at least one).
///
/// Threads take chunks of desktops in turn and each keeps its own
/// [`Tally`]; the tallies are merged as the threads finish (in any order:
/// the result is the same for any number of threads). `progress` is called
/// from the calling thread about ten times a second with the number of
/// desktops done, and once at the end.
pub fn run_parallel(fleet: &Fleet, threads: usize, progress: &mut dyn FnMut(u32)) -> Tally {
    let total = fleet.config().desktops;
    let next = AtomicU32::new(0);
    let done = AtomicU32::new(0);
    let threads = threads.clamp(1, 256);
    let (finished, tallies) = mpsc::channel();
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let finished = finished.clone();
            let (next, done) = (&next, &done);
            scope.spawn(move || {
                let mut mine = Tally::default();
                loop {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    if start >= total {
                        break;
                    }
                    let end = start.saturating_add(CHUNK).min(total);
                    mine.merge(fleet.run(start..end));
                    done.fetch_add(end - start, Ordering::Relaxed);
                }
                // The receiver waits for every worker: it cannot be gone.
                let _ = finished.send(mine);
            });
        }
        // Each worker's tally as it finishes; the progress in between.
        let mut waiting = threads;
        while waiting > 0 {
            match tallies.recv_timeout(Duration::from_millis(100)) {
                Ok(part) => {
                    tally.merge(part);
                    waiting -= 1;
                }
                Err(RecvTimeoutError::Timeout) => progress(done.load(Ordering::Relaxed)),
                // Every sender gone: a worker panicked; the scope reports it.
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    progress(total);
    tally
}

/// A progress bar on standard error, drawn only when it is a terminal.
pub struct ProgressBar {
    on: bool,
    started: Instant,
    drawn: bool,
}

impl ProgressBar {
    /// A bar, drawn if standard error is a terminal and `wanted`.
    pub fn new(wanted: bool) -> ProgressBar {
        ProgressBar {
            on: wanted && std::io::stderr().is_terminal(),
            started: Instant::now(),
            drawn: false,
        }
    }

    /// Starts a new run's bar.
    pub fn restart(&mut self) {
        self.started = Instant::now();
    }

    /// Draws `done` of `total` for `what`.
    pub fn draw(&mut self, what: &str, done: u32, total: u32) {
        if !self.on {
            return;
        }
        const WIDTH: usize = 30;
        let fraction = f64::from(done) / f64::from(total.max(1));
        let filled = (fraction * WIDTH as f64).round() as usize;
        let line = format!(
            "\r{what:<36} [{}{}] {:>3}%  {:.1} s ",
            "#".repeat(filled.min(WIDTH)),
            ".".repeat(WIDTH - filled.min(WIDTH)),
            (fraction * 100.0).round() as u32,
            self.started.elapsed().as_secs_f64()
        );
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(line.as_bytes());
        let _ = stderr.flush();
        self.drawn = true;
    }

    /// Clears the bar.
    pub fn clear(&mut self) {
        if self.drawn {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r{:80}\r", "");
            let _ = stderr.flush();
            self.drawn = false;
        }
    }
}

/// A duration as people write it: `90` (seconds), `1500ms`, `90s`, `20m`, `1h`.
///
/// # Errors
///
/// A message that says what was given and how to write it.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let factor = match unit {
        "" | "s" => 1000,
        "ms" => 1,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        _ => 0,
    };
    match digits.parse::<u64>() {
        Ok(n) if factor > 0 => n
            .checked_mul(factor)
            .ok_or_else(|| format!("`{text}` is too long a duration")),
        _ => Err(format!(
            "`{text}` is not a duration: write whole seconds (`90`) or a number with a unit: `1500ms`, `90s`, `20m`, `1h`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_written_and_refuse_the_rest() {
        assert_eq!(parse_duration("90"), Ok(90_000));
        assert_eq!(parse_duration("1500ms"), Ok(1500));
        assert_eq!(parse_duration("20m"), Ok(1_200_000));
        assert_eq!(parse_duration(" 1h "), Ok(3_600_000));
        for bad in ["", "h", "1.5s", "-3s", "10 minutes", "5d"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains("is not a duration"), "{bad}: {err}");
        }
        assert!(
            parse_duration("99999999999999999h")
                .unwrap_err()
                .contains("too long")
        );
    }
}
