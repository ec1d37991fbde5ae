//! Helpers for the health-check tests: a real Kamailio started by the project's
//! script, and fake SIP peers on loopback that misbehave on purpose.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

/// The repository's root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A free UDP port on 127.0.0.1 (bound, then released).
pub fn free_udp_port() -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

/// A Kamailio started with `scripts/sip-server.sh start PORT` on a port of
/// its own, stopped with `stop PORT` when dropped (also when the test fails).
pub struct Kamailio {
    port: u16,
    stopped: bool,
}

impl Kamailio {
    /// Starts Kamailio and waits until it answers (the script waits).
    ///
    /// Fails the test, with what to do, when Kamailio is not installed.
    pub fn start() -> Kamailio {
        // Debian installs it in /usr/sbin, which a non-root PATH may lack.
        let installed = ["kamailio", "/usr/sbin/kamailio"].iter().any(|program| {
            Command::new(program)
                .arg("-v")
                .output()
                .is_ok_and(|out| out.status.success())
        });
        assert!(
            installed,
            "kamailio is not installed: these tests run the SIP OPTIONS check against a real SIP server; \
             run `bash scripts/sip-server.sh install` (Debian's kamailio package) and try again"
        );
        let port = free_udp_port();
        let out = script(&["start", &port.to_string()]);
        assert!(
            out.status.success(),
            "`scripts/sip-server.sh start {port}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Kamailio {
            port,
            stopped: false,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Stops it now (waits until the process is gone).
    pub fn stop(&mut self) {
        if !self.stopped {
            self.stopped = true;
            let out = script(&["stop", &self.port.to_string()]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        if !self.stopped {
            self.stopped = true;
            // No assertion here: a panic while unwinding would abort.
            let _ = script(&["stop", &self.port.to_string()]);
        }
        // Keep the log of a failed test only.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(state_dir().join(self.port.to_string()));
        }
    }
}

/// Where the script keeps the test instances' pid files and logs.
fn state_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kamailio")
}

fn script(args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(repo().join("scripts/sip-server.sh"))
        .args(args)
        // Logs and pid files of the test instances stay in the target dir.
        .env("CONTINUITY_SIP_DIR", state_dir())
        .output()
        .expect("bash runs")
}

/// What a fake peer sends back for one datagram: (delay, bytes) pairs,
/// each delay counted from the datagram's arrival.
pub type Replies = Vec<(Duration, Vec<u8>)>;

/// A fake SIP peer on 127.0.0.1 that answers each datagram as `behave`
/// says; stopped (socket closed) when dropped.
pub struct Peer {
    addr: SocketAddr,
    received: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Peer {
    /// Binds an ephemeral port and serves it in a task.
    pub async fn spawn(
        behave: impl Fn(&[u8], SocketAddr) -> Replies + Send + Sync + 'static,
    ) -> Peer {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = socket.local_addr().unwrap();
        let received = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&received);
        let task = tokio::spawn(async move {
            let mut buf = vec![0u8; 65_536];
            let mut senders = Vec::new();
            while let Ok((len, from)) = socket.recv_from(&mut buf).await {
                counter.fetch_add(1, Ordering::SeqCst);
                for (delay, bytes) in behave(&buf[..len], from) {
                    let socket = Arc::clone(&socket);
                    senders.push(AbortOnDrop(tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = socket.send_to(&bytes, from).await;
                    })));
                }
            }
        });
        Peer {
            addr,
            received,
            task,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many datagrams it has received.
    pub fn received(&self) -> usize {
        self.received.load(Ordering::SeqCst)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A small seeded generator (xorshift64*) for reproducible random bytes.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (print the seed in the test).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `len` random bytes, some of them biased towards SIP-looking text.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        const SIPPY: &[u8] =
            b"SIP/2.0 200 OK\r\nVia: ;branch=z9hG4bK\r\nCall-ID: CSeq: 1 OPTIONS\r\n\r\n";
        (0..len)
            .map(|_| {
                let n = self.next();
                if n % 3 == 0 {
                    SIPPY[(n >> 8) as usize % SIPPY.len()]
                } else {
                    (n >> 16) as u8
                }
            })
            .collect()
    }
}
