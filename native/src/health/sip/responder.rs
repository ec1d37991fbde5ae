//! A tiny in-process SIP server that answers `OPTIONS`, for tests and for
//! `continuity demo`'s fake sites, and the builder of its responses.

use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::net::SocketAddr;

use tokio::net::UdpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::message::{
    Message, Name, PRODUCT, StartLine, parse_cseq, split_outside_quotes, via_branch,
};

/// Builds the response with status `code` and `reason` to the `OPTIONS`
/// request in `request`, received from `source`.
///
/// The response is RFC 3261 well-formed: every Via echoed in order, the top
/// one with `received` (and `rport` filled in when the request carried it),
/// From, To (with a tag added when it has none, the same for every
/// retransmission), Call-ID and CSeq echoed, `Server: continuity/<version>`
/// and `Content-Length: 0`; a 2xx also has `Allow: OPTIONS`.
///
/// Returns `None` for anything that is not a well-formed `OPTIONS` request
/// (including responses and garbage), and for a `code` outside 100–699 or a
/// `reason` with a line break. Never panics. Tests use it to build fake
/// servers that answer `503`, `100 Trying`, late, or twice.
pub fn options_response(
    request: &[u8],
    source: SocketAddr,
    code: u16,
    reason: &str,
) -> Option<Vec<u8>> {
    let msg = Message::parse(request)?;
    if msg.start != (StartLine::Request { method: "OPTIONS" }) {
        return None;
    }
    let extra: &[(&str, &str)] = if (200..300).contains(&code) {
        &[("Allow", "OPTIONS")]
    } else {
        &[]
    };
    response(&msg, source, code, reason, extra)
}

/// Serves SIP over `socket`: `200 OK` to every `OPTIONS`, `405 Method Not
/// Allowed` (with `Allow: OPTIONS`) to every other request but `ACK`, which
/// gets nothing, as RFC 3261 wants.
///
/// Stateless, like Kamailio's `sl`: each datagram is answered on its own,
/// retransmissions included. Responses go back to the address the request
/// came from (as if every request carried `rport`, which ours do).
/// Datagrams that are not SIP requests are dropped silently.
///
/// It runs until dropped: to stop it, drop the future or abort its task
/// (the socket closes with it), or use [`serve_options_until`] or
/// [`OptionsResponder`].
///
/// # Errors
///
/// A receive error other than the transient ones (an ICMP error reported on
/// the socket, an interrupted call) ends the service with that error. Send
/// errors are ignored: the asker may be gone.
pub async fn serve_options(socket: UdpSocket) -> io::Result<()> {
    serve_options_until(socket, std::future::pending()).await
}

/// [`serve_options`] until `shutdown` completes; then the socket is closed.
///
/// # Errors
///
/// As [`serve_options`].
pub async fn serve_options_until(
    socket: UdpSocket,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    tokio::pin!(shutdown);
    let mut buf = vec![0u8; 65_536];
    loop {
        let (len, source) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            received = socket.recv_from(&mut buf) => match received {
                Ok(received) => received,
                Err(err) if is_transient(&err) => continue,
                Err(err) => return Err(err),
            },
        };
        // `recv_from` never reports more bytes than the buffer holds.
        if let Some(reply) = answer(&buf[..len], source) {
            let _ = socket.send_to(&reply, source).await;
        }
    }
}

/// A running [`serve_options`] task; dropping it stops the service.
///
/// The `continuity demo` sites and the tests use it: [`stop`](Self::stop)
/// closes the socket, and a check then finds the port refusing.
#[derive(Debug)]
pub struct OptionsResponder {
    local: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl OptionsResponder {
    /// Binds a UDP socket to `addr` (port 0 for an ephemeral one) and serves
    /// `OPTIONS` on it in a new task.
    ///
    /// # Errors
    ///
    /// The socket cannot be bound.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub async fn bind(addr: SocketAddr) -> io::Result<Self> {
        Self::spawn(UdpSocket::bind(addr).await?)
    }

    /// Serves `OPTIONS` on `socket` in a new task.
    ///
    /// # Errors
    ///
    /// The socket's local address cannot be read.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn spawn(socket: UdpSocket) -> io::Result<Self> {
        let local = socket.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_options_until(socket, async move {
            // A dropped sender stops the service too.
            let _ = stopped.await;
        }));
        Ok(Self {
            local,
            stop: Some(stop),
            task,
        })
    }

    /// The address it answers on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Stops the service and waits until its socket is closed (so the port
    /// then refuses: a check sees the site go down at once).
    ///
    /// # Errors
    ///
    /// The error that had already ended the service, if any.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(result) => result,
            Err(join) => Err(io::Error::other(join)),
        }
    }
}

impl Drop for OptionsResponder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The response to one datagram, if it deserves one.
fn answer(datagram: &[u8], source: SocketAddr) -> Option<Vec<u8>> {
    let msg = Message::parse(datagram)?;
    match msg.start {
        StartLine::Request { method: "OPTIONS" } => {
            response(&msg, source, 200, "OK", &[("Allow", "OPTIONS")])
        }
        StartLine::Request { method: "ACK" } | StartLine::Response { .. } => None,
        StartLine::Request { .. } => response(
            &msg,
            source,
            405,
            "Method Not Allowed",
            &[("Allow", "OPTIONS")],
        ),
    }
}

/// Receive errors that say nothing about our own socket: an earlier reply's
/// ICMP error (reported on some systems even when unconnected), a signal.
fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// A response to the request `msg` received from `source`, or `None` when
/// the request lacks what a response must echo (Via, From, To, Call-ID, a
/// CSeq naming the request's method) or the status is not 100–699 with a
/// one-line reason.
///
/// The top Via gets `received` (the source address) and, when the request
/// asked for it, `rport` (the source port) — RFC 3261 §18.2.1, RFC 3581;
/// the To gets a tag when it has none, the same for every retransmission of
/// the request.
fn response(
    msg: &Message<'_>,
    source: SocketAddr,
    code: u16,
    reason: &str,
    extra: &[(&str, &str)],
) -> Option<Vec<u8>> {
    let StartLine::Request { method, .. } = msg.start else {
        return None;
    };
    if !(100..=699).contains(&code) || reason.contains(['\r', '\n']) {
        return None;
    }
    let vias = msg.vias();
    let (top, rest) = vias.split_first()?;
    let from = msg.one(Name::From)?;
    let to = msg.one(Name::To)?;
    let call_id = msg.one(Name::CallId)?;
    let cseq = msg.one(Name::CSeq)?;
    if parse_cseq(cseq)?.1 != method {
        return None;
    }
    let mut out = format!("SIP/2.0 {code} {reason}\r\n");
    out.push_str(&format!("Via: {}\r\n", stamp_via(top, source)));
    for via in rest {
        out.push_str(&format!("Via: {via}\r\n"));
    }
    out.push_str(&format!("From: {from}\r\n"));
    if has_tag(to) {
        out.push_str(&format!("To: {to}\r\n"));
    } else {
        let mut hasher = DefaultHasher::new();
        (call_id, from, via_branch(top)).hash(&mut hasher);
        out.push_str(&format!("To: {to};tag=ct.{:016x}\r\n", hasher.finish()));
    }
    out.push_str(&format!(
        "Call-ID: {call_id}\r\nCSeq: {cseq}\r\nServer: {PRODUCT}\r\n"
    ));
    for (name, value) in extra {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    Some(out.into_bytes())
}

/// The top Via as a server returns it: `received` set to the source
/// address, `rport` given the source port when the request carried it.
fn stamp_via(via: &str, source: SocketAddr) -> String {
    let mut parts = split_outside_quotes(via, ';');
    let mut out = parts.next().unwrap_or_default().trim_end().to_owned();
    for param in parts {
        let param = param.trim();
        let name = param.split_once('=').map_or(param, |(name, _)| name.trim());
        if name.eq_ignore_ascii_case("rport") {
            out.push_str(&format!(";rport={}", source.port()));
        } else if !name.eq_ignore_ascii_case("received") {
            out.push(';');
            out.push_str(param);
        }
    }
    out.push_str(&format!(";received={}", source.ip()));
    out
}

/// Whether a From/To value carries a `tag` parameter.
fn has_tag(value: &str) -> bool {
    // Parameters of the header follow the name-addr's `>`, or the URI of a
    // bare addr-spec (where they cannot be told apart from URI parameters;
    // RFC 3261 §20 makes them header parameters).
    let params = value.rsplit_once('>').map_or(value, |(_, params)| params);
    split_outside_quotes(params, ';').skip(1).any(|param| {
        param
            .split_once('=')
            .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("tag"))
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::health::Target;
    use crate::health::sip::message::{Ids, Reply, classify, options_request};

    fn local() -> SocketAddr {
        "127.0.0.1:40000".parse().unwrap()
    }

    #[test]
    fn our_own_request_gets_an_answer_our_client_takes() {
        let ids = Ids::fresh(local());
        let target: Target = "127.0.0.1:5060".parse().unwrap();
        let request = options_request(&target, local(), &ids);
        let reply = options_response(&request, local(), 503, "Service Unavailable").unwrap();
        assert_eq!(
            classify(&reply, &ids),
            Reply::Final {
                code: 503,
                reason: "Service Unavailable".into(),
                server: Some(PRODUCT.into())
            }
        );
    }

    #[test]
    fn the_response_echoes_the_request_and_stamps_the_top_via() {
        let req = "OPTIONS sip:x SIP/2.0\r\n\
                   Via: SIP/2.0/UDP 10.9.9.9:5070;branch=z9hG4bK1;rport;received=1.1.1.1, SIP/2.0/UDP p;branch=z9hG4bK0\r\n\
                   Via: SIP/2.0/UDP q;branch=z9hG4bKq\r\n\
                   From: \"A; b\" <sip:a@b>;tag=f\r\nTo: <sip:x>\r\nCall-ID: c@d\r\nCSeq: 7 OPTIONS\r\n\r\n";
        let msg = Message::parse(req.as_bytes()).unwrap();
        let source = "127.0.0.2:6000".parse().unwrap();
        let resp = response(&msg, source, 200, "OK", &[("Allow", "OPTIONS")]).unwrap();
        let resp = String::from_utf8(resp).unwrap();
        assert!(
            resp.starts_with(
                "SIP/2.0 200 OK\r\n\
            Via: SIP/2.0/UDP 10.9.9.9:5070;branch=z9hG4bK1;rport=6000;received=127.0.0.2\r\n\
            Via: SIP/2.0/UDP p;branch=z9hG4bK0\r\n\
            Via: SIP/2.0/UDP q;branch=z9hG4bKq\r\n\
            From: \"A; b\" <sip:a@b>;tag=f\r\n\
            To: <sip:x>;tag=ct."
            ),
            "{resp}"
        );
        let tail = format!(
            "\r\nCall-ID: c@d\r\nCSeq: 7 OPTIONS\r\nServer: {PRODUCT}\r\nAllow: OPTIONS\r\nContent-Length: 0\r\n\r\n"
        );
        assert!(resp.ends_with(&tail), "{resp}");
        // Retransmissions get the same To tag; a tagged To is kept as it is.
        assert_eq!(
            response(&msg, source, 200, "OK", &[("Allow", "OPTIONS")]).unwrap(),
            resp.as_bytes()
        );
        let tagged = req.replace("To: <sip:x>", "To: <sip:x>;tag=t1");
        let msg = Message::parse(tagged.as_bytes()).unwrap();
        let resp =
            String::from_utf8(response(&msg, source, 404, "Not Found", &[]).unwrap()).unwrap();
        assert!(resp.contains("\r\nTo: <sip:x>;tag=t1\r\n"), "{resp}");
    }

    #[test]
    fn no_response_without_what_must_be_echoed() {
        let req = "OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=f\r\nTo: <sip:x>\r\nCall-ID: c\r\nCSeq: 7 OPTIONS\r\n\r\n";
        let source = "127.0.0.1:1".parse().unwrap();
        let ok = Message::parse(req.as_bytes()).unwrap();
        assert!(response(&ok, source, 200, "OK", &[]).is_some());
        assert!(response(&ok, source, 700, "OK", &[]).is_none());
        assert!(response(&ok, source, 200, "O\r\nK", &[]).is_none());
        for missing in ["Via", "From", "To", "Call-ID", "CSeq"] {
            let cut: String = req
                .split_inclusive("\r\n")
                .filter(|line| !line.starts_with(&format!("{missing}:")))
                .collect();
            let msg = Message::parse(cut.as_bytes()).unwrap();
            assert!(
                response(&msg, source, 200, "OK", &[]).is_none(),
                "{missing}"
            );
        }
        let wrong_method = req.replace("CSeq: 7 OPTIONS", "CSeq: 7 INVITE");
        let msg = Message::parse(wrong_method.as_bytes()).unwrap();
        assert!(response(&msg, source, 200, "OK", &[]).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = answer(&bytes, local());
            if let Some(msg) = Message::parse(&bytes) {
                let _ = response(&msg, local(), 200, "OK", &[]);
            }
        }

        #[test]
        fn mutated_requests_never_panic(
            flips in proptest::collection::vec((0usize..1000, any::<u8>()), 0..8),
            cut in 0usize..1000,
        ) {
            let ids = Ids::fresh(local());
            let target: Target = "127.0.0.1:5060".parse().unwrap();
            let mut req = options_request(&target, local(), &ids);
            for (at, byte) in flips {
                let len = req.len();
                req[at % len] = byte;
            }
            req.truncate(cut.min(req.len()));
            if let Some(msg) = Message::parse(&req) {
                let _ = response(&msg, local(), 200, "OK", &[("Allow", "OPTIONS")]);
            }
        }
    }
}
