//! The SIP OPTIONS check: one non-INVITE client transaction over UDP.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::{Instant, sleep_until};

use super::message::{Ids, Reply, classify, options_request};
use crate::health::{CheckError, IntoTarget, Target};

/// RFC 3261 T1, the round-trip estimate: the first retransmission of an
/// unanswered request comes this long after it was sent.
pub const T1: Duration = Duration::from_millis(500);

/// RFC 3261 T2, the cap of the doubling retransmission interval (and the
/// interval once a provisional response has arrived).
pub const T2: Duration = Duration::from_secs(4);

/// A SIP server's final answer to a check's `OPTIONS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SipAnswer {
    /// The status code, 200–699. Any of them means a live SIP server.
    pub code: u16,
    /// The reason phrase, as sent (may be empty).
    pub reason: String,
    /// The server's `Server` header (or `User-Agent` if it sent no
    /// `Server`), e.g. `kamailio (5.6.3 (x86_64/linux))`.
    pub server: Option<String>,
    /// The address that answered.
    pub remote: SocketAddr,
    /// Time from the start of the check to the answer.
    pub elapsed: Duration,
}

impl SipAnswer {
    /// Whether the code is 2xx (the server accepts OPTIONS), as opposed to
    /// a live server that declines (4xx–6xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

/// Checks once that a SIP server at `target` (a [`Target`], a socket
/// address or `host:port` text) answers an `OPTIONS` request
/// over UDP within `timeout`.
///
/// The request is RFC 3261 well-formed (Request-URI `sip:host:port`, Via
/// `SIP/2.0/UDP` with our address, a fresh `z9hG4bK` branch and `rport`,
/// Max-Forwards 70, From with a tag, To, Call-ID, CSeq, Contact, Accept,
/// `User-Agent: continuity/<version>`, Content-Length 0), sent from a UDP
/// socket bound to an ephemeral port of the target's address family and
/// connected to the target, so the kernel delivers only the target's
/// datagrams and reports an ICMP port-unreachable as "connection refused".
///
/// Then, until `timeout` (which also covers name resolution):
///
/// - a **final response (200–699) to this transaction** (same top Via
///   branch, Call-ID and CSeq number and method) ends the check alive, *
///   whatever the code*: `404` or `503` come from a live SIP server, which
///   is what a link input asserts; [`SipAnswer::code`] lets the caller be
///   stricter;
/// - a **provisional response (1xx)** keeps the check waiting for the final one;
/// - **anything else** — garbage, requests, responses to other
///   transactions — is ignored, silently, and the check keeps waiting;
/// - **"connection refused"** (ICMP port-unreachable: nothing listens on the
///   port) ends the check dead at once, and so do other ICMP errors such as
///   host unreachable;
/// - the request is **retransmitted** as RFC 3261 Timer E does for a
///   non-INVITE transaction over UDP: T1 = 500 ms after the first send, then
///   after doubling intervals capped at T2 = 4 s (sends at 0, 0.5, 1.5, 3.5,
///   7.5 s, …), and every T2 once a provisional response has arrived — as far
///   as the timeout allows (with the default 1 s timeout: one
///   retransmission).
///
/// A name that resolves to several addresses is tried address by address
/// while the previous one refuses; a silent address uses up the timeout.
///
/// # Errors
///
/// The reason the target is dead: [`CheckError::Refused`] (at once),
/// [`CheckError::Timeout`] (exactly at `timeout`), [`CheckError::Resolve`]
/// or [`CheckError::Io`]; [`CheckError::InvalidTarget`] for text that is
/// not `host:port`.
pub async fn sip_options(
    target: impl IntoTarget,
    timeout: Duration,
) -> Result<SipAnswer, CheckError> {
    let target = target.into_target().map_err(CheckError::InvalidTarget)?;
    options_transaction(&target, timeout, T1, T2).await
}

/// [`sip_options`] with the retransmission timers as parameters (tests use
/// short ones).
pub(crate) async fn options_transaction(
    target: &Target,
    timeout: Duration,
    t1: Duration,
    t2: Duration,
) -> Result<SipAnswer, CheckError> {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut last_error = None;
    for addr in target.resolve(deadline, timeout).await? {
        match transaction(target, addr, deadline, t1, t2).await {
            Ok(Some((code, reason, server))) => {
                return Ok(SipAnswer {
                    code,
                    reason,
                    server,
                    remote: addr,
                    elapsed: started.elapsed(),
                });
            }
            Ok(None) => break,
            Err(err) => last_error = Some(err),
        }
    }
    Err(last_error.unwrap_or_else(|| CheckError::Timeout {
        target: target.to_string(),
        after: timeout,
    }))
}

/// One transaction with one address: the final response, `None` at the
/// deadline, or the socket error that ended it.
async fn transaction(
    target: &Target,
    addr: SocketAddr,
    deadline: Instant,
    t1: Duration,
    t2: Duration,
) -> Result<Option<(u16, String, Option<String>)>, CheckError> {
    let io_error = |err| CheckError::from_io(addr, err);
    let any: SocketAddr = match addr {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any).await.map_err(io_error)?;
    socket.connect(addr).await.map_err(io_error)?;
    // Connected, the socket has the source address the kernel chose for
    // this destination: the one the Via and Contact must name.
    let local = socket.local_addr().map_err(io_error)?;
    let ids = Ids::fresh(local);
    let request = options_request(target, local, &ids);
    socket.send(&request).await.map_err(io_error)?;

    let mut interval = t1;
    let mut next_send = Instant::now() + interval;
    let mut buf = vec![0u8; 65_536];
    loop {
        tokio::select! {
            biased;
            received = socket.recv(&mut buf) => {
                let len = received.map_err(io_error)?;
                // `recv` never reports more bytes than the buffer holds.
                match classify(&buf[..len], &ids) {
                    Reply::Final { code, reason, server } => {
                        return Ok(Some((code, reason, server)));
                    }
                    Reply::Provisional => {
                        // RFC 3261 §17.1.2.2: in Proceeding, retransmit every T2.
                        interval = t2;
                        next_send = Instant::now() + t2;
                    }
                    Reply::Unrelated => {}
                }
            }
            () = sleep_until(next_send.min(deadline)) => {
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                socket.send(&request).await.map_err(io_error)?;
                interval = (interval * 2).min(t2);
                next_send += interval;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::super::responder::options_response;
    use super::*;

    /// A server that ignores the first `ignore` requests, answers the next
    /// one with 200, and counts what it received.
    async fn server(ignore: usize) -> (SocketAddr, Arc<AtomicUsize>) {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        tokio::spawn(async move {
            let mut buf = vec![0; 65_536];
            loop {
                let (len, from) = socket.recv_from(&mut buf).await.unwrap();
                let n = counter.fetch_add(1, Ordering::SeqCst);
                if n >= ignore {
                    let reply = options_response(&buf[..len], from, 200, "OK").unwrap();
                    socket.send_to(&reply, from).await.unwrap();
                }
            }
        });
        (addr, seen)
    }

    #[tokio::test]
    async fn an_unanswered_request_is_retransmitted_with_the_same_transaction() {
        let (addr, seen) = server(2).await;
        let t1 = Duration::from_millis(30);
        let answer = options_transaction(&addr.into(), Duration::from_millis(300), t1, t1 * 8)
            .await
            .unwrap();
        // Sends at 0, 30, 90 ms: the third (second retransmission) is answered,
        // and the answer matches the first request's transaction.
        assert_eq!(answer.code, 200);
        assert_eq!(seen.load(Ordering::SeqCst), 3);
        assert!(answer.elapsed >= Duration::from_millis(90), "{answer:?}");
    }

    #[tokio::test]
    async fn retransmissions_double_up_to_t2_and_stop_at_the_timeout() {
        let (addr, seen) = server(usize::MAX).await;
        let t1 = Duration::from_millis(30);
        let err = options_transaction(&addr.into(), Duration::from_millis(300), t1, t1 * 4)
            .await
            .unwrap_err();
        assert!(matches!(err, CheckError::Timeout { .. }), "{err}");
        // Sends at 0, 30, 90, 210 ms (intervals 30, 60, 120 = T2); the next
        // would be at 330, after the timeout.
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(seen.load(Ordering::SeqCst), 4);
    }
}
