//! A tiny in-process SIP server that answers `OPTIONS`, for tests and for
//! `continuity demo`'s fake sites.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use tokio::net::UdpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::message::{Message, StartLine, response};

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
/// closes the socket, and a probe then finds the port refusing.
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
    /// then refuses: a probe sees the site go down at once).
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
