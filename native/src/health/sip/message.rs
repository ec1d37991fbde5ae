//! The few SIP messages the health checks exchange: building an `OPTIONS` request,
//! and a small, strict parser for datagrams that come back.
//!
//! The parser reads the start line and the header fields of one UDP
//! datagram, up to the empty line; the body is ignored (OPTIONS answers we
//! care about carry none). It is strict where that is cheap: the version
//! must be `SIP/2.0`, a status code three digits from 100 to 699, every
//! header line `name: value` with a token for a name, the head valid UTF-8
//! and ended by an empty line. Header names are compared case-insensitively
//! and the compact forms of the headers used (`v`, `i`, `f`, `t`) are understood.
//! Line folding (obsolete since RFC 3261) is not: a folded message is
//! rejected, which for a check only means it is ignored. Lines may end in
//! CRLF or a bare LF.
//!
//! Anything the parser does not accept yields `None`; it never panics, on
//! any input (property-tested below with random and mutated datagrams).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::health::Target;

/// Product token sent in `User-Agent` and `Server`.
pub(crate) const PRODUCT: &str = concat!("continuity/", env!("CARGO_PKG_VERSION"));

/// The values that tie a response to our request: unique per request,
/// shared by its retransmissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ids {
    /// Via branch, with the RFC 3261 magic cookie `z9hG4bK`.
    pub branch: String,
    /// From tag.
    pub tag: String,
    /// Call-ID.
    pub call_id: String,
    /// CSeq number (1 to 2^31 − 1).
    pub cseq: u32,
}

impl Ids {
    /// Fresh values for a request sent from `local`.
    ///
    /// Unique by construction rather than by chance: a process-wide counter,
    /// the process id and the local port, plus a per-process value from the
    /// standard library's hash seed (which the OS seeds randomly) so that a
    /// restarted process with the same pid and port does not repeat itself.
    /// They are not secrets and need not be unpredictable.
    pub fn fresh(local: SocketAddr) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        static NONCE: OnceLock<u32> = OnceLock::new();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // Truncation is intended: 32 bits of the seed are plenty here.
        let nonce = *NONCE.get_or_init(|| RandomState::new().hash_one(std::process::id()) as u32);
        let unique = format!(
            "{:x}.{:x}.{:x}.{:x}",
            std::process::id(),
            local.port(),
            nonce,
            n
        );
        Self {
            branch: format!("z9hG4bK-ct.{unique}"),
            tag: format!("ct.{unique}"),
            call_id: format!("ct.{unique}@{}", uri_host(local)),
            // Truncation is intended: the CSeq number only has to differ
            // between requests of this process, and stay below 2^31.
            cseq: (n % 0x7fff_fffe) as u32 + 1,
        }
    }
}

/// An RFC 3261 `OPTIONS` request to `target`, sent from `local`.
pub(crate) fn options_request(target: &Target, local: SocketAddr, ids: &Ids) -> Vec<u8> {
    let local = format!("{}:{}", uri_host(local), local.port());
    let remote = format!("{}:{}", target.uri_host(), target.port());
    let Ids {
        branch,
        tag,
        call_id,
        cseq,
    } = ids;
    format!(
        "OPTIONS sip:{remote} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch={branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:continuity@{local}>;tag={tag}\r\n\
         To: <sip:{remote}>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} OPTIONS\r\n\
         Contact: <sip:continuity@{local}>\r\n\
         Accept: application/sdp\r\n\
         User-Agent: {PRODUCT}\r\n\
         Content-Length: 0\r\n\
         \r\n"
    )
    .into_bytes()
}

/// What a datagram received by the check means for its transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    /// A final response (200–699) to our request.
    Final {
        /// Status code.
        code: u16,
        /// Reason phrase.
        reason: String,
        /// The `Server` (or `User-Agent`) header, if any.
        server: Option<String>,
    },
    /// A provisional response (100–199) to our request.
    Provisional,
    /// Not a response to our request: garbage, a request, another
    /// transaction's response.
    Unrelated,
}

/// Classifies a datagram against the request identified by `ids`.
///
/// A response is ours when its top Via `branch`, its `Call-ID` and its
/// `CSeq` (number and method `OPTIONS`) equal the request's (RFC 3261
/// §17.1.3 asks for branch and CSeq method; the rest costs nothing).
pub(crate) fn classify(datagram: &[u8], ids: &Ids) -> Reply {
    let Some(msg) = Message::parse(datagram) else {
        return Reply::Unrelated;
    };
    let StartLine::Response { code, reason } = msg.start else {
        return Reply::Unrelated;
    };
    let ours = msg.top_via().and_then(via_branch) == Some(ids.branch.as_str())
        && msg.one(Name::CallId) == Some(ids.call_id.as_str())
        && msg.one(Name::CSeq).and_then(parse_cseq) == Some((ids.cseq, "OPTIONS"));
    if !ours {
        return Reply::Unrelated;
    }
    if code < 200 {
        return Reply::Provisional;
    }
    Reply::Final {
        code,
        reason: reason.to_owned(),
        server: msg
            .one(Name::Server)
            .or_else(|| msg.one(Name::UserAgent))
            .map(str::to_owned),
    }
}

/// The first line of a SIP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StartLine<'a> {
    /// `METHOD uri SIP/2.0`.
    Request {
        /// The method, e.g. `OPTIONS` (case-sensitive).
        method: &'a str,
    },
    /// `SIP/2.0 code reason`.
    Response {
        /// Status code, 100–699.
        code: u16,
        /// Reason phrase (may be empty).
        reason: &'a str,
    },
}

/// The header names the checks use; every other name is kept as `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    Via,
    CallId,
    CSeq,
    From,
    To,
    Server,
    UserAgent,
    Other,
}

impl Name {
    fn of(name: &str) -> Self {
        const NAMES: [(&str, Option<&str>, Name); 7] = [
            ("via", Some("v"), Name::Via),
            ("call-id", Some("i"), Name::CallId),
            ("cseq", None, Name::CSeq),
            ("from", Some("f"), Name::From),
            ("to", Some("t"), Name::To),
            ("server", None, Name::Server),
            ("user-agent", None, Name::UserAgent),
        ];
        NAMES
            .iter()
            .find(|(long, short, _)| {
                name.eq_ignore_ascii_case(long)
                    || short.is_some_and(|s| name.eq_ignore_ascii_case(s))
            })
            .map_or(Name::Other, |(_, _, known)| *known)
    }
}

/// The head of one SIP message (start line and header fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Message<'a> {
    /// The start line.
    pub start: StartLine<'a>,
    headers: Vec<(Name, &'a str)>,
}

impl<'a> Message<'a> {
    /// Parses the head of `datagram`; `None` unless it is a well-formed
    /// SIP/2.0 request or response head ended by an empty line.
    pub fn parse(datagram: &'a [u8]) -> Option<Self> {
        // Only lines ended by LF count: a head cut short has no empty line.
        let mut lines = datagram
            .split_inclusive(|&b| b == b'\n')
            .map_while(|line| line.strip_suffix(b"\n"))
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
        let start = parse_start_line(std::str::from_utf8(lines.next()?).ok()?)?;
        let mut headers = Vec::new();
        loop {
            // Running out of lines before the empty one: a truncated head.
            let line = lines.next()?;
            if line.is_empty() {
                break;
            }
            let line = std::str::from_utf8(line).ok()?;
            let (name, value) = line.split_once(':')?;
            let name = name.trim_end_matches([' ', '\t']);
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return None;
            }
            headers.push((Name::of(name), value.trim_matches([' ', '\t'])));
        }
        Some(Self { start, headers })
    }

    /// The value of a header that must occur exactly once.
    pub fn one(&self, name: Name) -> Option<&'a str> {
        let mut values = self.headers.iter().filter(|(n, _)| *n == name);
        let (_, value) = values.next()?;
        values.next().is_none().then_some(*value)
    }

    /// Every Via value, in order (comma-separated values split apart).
    pub fn vias(&self) -> Vec<&'a str> {
        self.headers
            .iter()
            .filter(|(n, _)| *n == Name::Via)
            .flat_map(|(_, value)| split_outside_quotes(value, ','))
            .map(str::trim)
            .filter(|via| !via.is_empty())
            .collect()
    }

    /// The top (first) Via value.
    pub fn top_via(&self) -> Option<&'a str> {
        self.vias().first().copied()
    }
}

fn parse_start_line(line: &str) -> Option<StartLine<'_>> {
    if let Some(rest) = strip_prefix_ignore_case(line, "SIP/2.0 ") {
        let (digits, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code: u16 = digits.parse().ok()?;
        if !(100..=699).contains(&code) || reason.contains(|c: char| c.is_control() && c != '\t') {
            return None;
        }
        return Some(StartLine::Response { code, reason });
    }
    let mut parts = line.split(' ');
    let (method, uri, version) = (parts.next()?, parts.next()?, parts.next()?);
    let well_formed = parts.next().is_none()
        && !method.is_empty()
        && method.bytes().all(is_token_byte)
        && !uri.is_empty()
        && !uri.contains(|c: char| c.is_control())
        && version.eq_ignore_ascii_case("SIP/2.0");
    well_formed.then_some(StartLine::Request { method })
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// RFC 3261 `token` characters.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// `CSeq: 1 OPTIONS` → `(1, "OPTIONS")`.
pub(super) fn parse_cseq(value: &str) -> Option<(u32, &str)> {
    let mut parts = value.split_ascii_whitespace();
    let (number, method) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((number.parse().ok()?, method))
}

/// The `branch` parameter of one Via value.
pub(super) fn via_branch(via: &str) -> Option<&str> {
    via_params(via)
        .find(|(name, _)| name.eq_ignore_ascii_case("branch"))
        .and_then(|(_, value)| value)
}

/// The parameters of one Via value: `(name, value)` after the sent-by.
fn via_params(via: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    split_outside_quotes(via, ';').skip(1).map(|param| {
        let param = param.trim();
        match param.split_once('=') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (param, None),
        }
    })
}

/// Splits `text` at `sep` where it is not inside a double-quoted string.
pub(super) fn split_outside_quotes(text: &str, sep: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    text.split(move |c: char| {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            return true;
        }
        false
    })
}

/// The host of `addr` as written in a URI (IPv6 in brackets).
fn uri_host(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn local() -> SocketAddr {
        "127.0.0.1:40000".parse().unwrap()
    }

    fn request() -> (Ids, Vec<u8>) {
        let ids = Ids::fresh(local());
        let target: Target = "127.0.0.1:5060".parse().unwrap();
        let bytes = options_request(&target, local(), &ids);
        (ids, bytes)
    }

    /// A server's answer to the request with `ids`, written out as the
    /// responder writes it (the responder's own tests check that it does).
    fn answer(ids: &Ids, code: u16, reason: &str) -> Vec<u8> {
        format!(
            "SIP/2.0 {code} {reason}\r\n\
             Via: SIP/2.0/UDP 127.0.0.1:40000;branch={};rport=40000;received=127.0.0.1\r\n\
             From: <sip:continuity@127.0.0.1:40000>;tag={}\r\n\
             To: <sip:127.0.0.1:5060>;tag=ct.0123456789abcdef\r\n\
             Call-ID: {}\r\nCSeq: {} OPTIONS\r\nServer: {PRODUCT}\r\nContent-Length: 0\r\n\r\n",
            ids.branch, ids.tag, ids.call_id, ids.cseq
        )
        .into_bytes()
    }

    #[test]
    fn the_request_is_well_formed_rfc_3261() {
        let (ids, bytes) = request();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"),
            "{text}"
        );
        assert!(text.ends_with("Content-Length: 0\r\n\r\n"), "{text}");
        for needle in [
            "\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK",
            ";rport\r\n",
            "\r\nMax-Forwards: 70\r\n",
            "\r\nFrom: <sip:continuity@127.0.0.1:40000>;tag=",
            "\r\nTo: <sip:127.0.0.1:5060>\r\n",
            "\r\nCall-ID: ",
            " OPTIONS\r\n",
            "\r\nContact: <sip:continuity@127.0.0.1:40000>\r\n",
            "\r\nAccept: application/sdp\r\n",
            &format!(
                "\r\nUser-Agent: continuity/{}\r\n",
                env!("CARGO_PKG_VERSION")
            ),
        ] {
            assert!(text.contains(needle), "missing {needle:?} in {text}");
        }
        let msg = Message::parse(&bytes).unwrap();
        assert_eq!(msg.start, StartLine::Request { method: "OPTIONS" });
        assert_eq!(
            msg.top_via().and_then(via_branch),
            Some(ids.branch.as_str())
        );
        assert_eq!(
            msg.one(Name::CSeq).and_then(parse_cseq),
            Some((ids.cseq, "OPTIONS"))
        );
    }

    #[test]
    fn ids_are_unique_per_request() {
        let a = Ids::fresh(local());
        let b = Ids::fresh(local());
        assert_ne!(a.branch, b.branch);
        assert_ne!(a.tag, b.tag);
        assert_ne!(a.call_id, b.call_id);
        assert_ne!(a.cseq, b.cseq);
        assert!(a.branch.starts_with("z9hG4bK"));
        assert!((1..0x8000_0000).contains(&a.cseq));
    }

    #[test]
    fn a_matching_final_response_is_an_answer_with_code_reason_and_server() {
        let (ids, _) = request();
        let resp = answer(&ids, 503, "Service Unavailable");
        assert_eq!(
            classify(&resp, &ids),
            Reply::Final {
                code: 503,
                reason: "Service Unavailable".into(),
                server: Some(PRODUCT.into())
            }
        );
        assert_eq!(
            classify(&answer(&ids, 180, "Ringing"), &ids),
            Reply::Provisional
        );
    }

    #[test]
    fn compact_forms_lowercase_names_and_bare_lf_are_understood() {
        let (ids, _) = request();
        let resp = format!(
            "sip/2.0 200 OK\nv: SIP/2.0/UDP 127.0.0.1:40000;BRANCH={};rport=1\ni: {}\ncseq:{} OPTIONS\nf: <sip:a@b>;tag=1\nt: <sip:c@d>;tag=2\n\n",
            ids.branch, ids.call_id, ids.cseq
        );
        assert!(matches!(
            classify(resp.as_bytes(), &ids),
            Reply::Final { code: 200, .. }
        ));
    }

    #[test]
    fn responses_to_other_transactions_are_unrelated() {
        let (ids, req) = request();
        let resp = String::from_utf8(answer(&ids, 200, "OK")).unwrap();
        let other = Ids::fresh(local());
        for changed in [
            resp.replace(&ids.branch, &other.branch),
            resp.replace(&ids.call_id, &other.call_id),
            resp.replace(
                &format!("CSeq: {} ", ids.cseq),
                &format!("CSeq: {} ", other.cseq),
            ),
            resp.replace(" OPTIONS\r\n", " INVITE\r\n"),
            resp.replace("Call-ID:", "Call-ID: x\r\nCall-ID:"),
            resp.replace("\r\n\r\n", "\r\n"),
            resp.replace("SIP/2.0 200", "SIP/2.1 200"),
            resp.replace("SIP/2.0 200", "SIP/2.0 2000"),
            resp.replace("SIP/2.0 200", "SIP/2.0 099"),
            resp.replace("\r\nFrom", "\r\n From"),
            String::from_utf8(req.clone()).unwrap(),
        ] {
            assert_eq!(
                classify(changed.as_bytes(), &ids),
                Reply::Unrelated,
                "{changed}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let (ids, _) = request();
            let _ = classify(&bytes, &ids);
            let _ = Message::parse(&bytes);
        }

        #[test]
        fn mutated_responses_never_panic_and_never_match_a_wrong_transaction(
            cut in 0usize..1000,
            flips in proptest::collection::vec((0usize..1000, any::<u8>()), 0..8),
        ) {
            let (ids, _) = request();
            let mut resp = answer(&ids, 200, "OK");
            for (at, byte) in flips {
                let len = resp.len();
                resp[at % len] = byte;
            }
            resp.truncate(cut.min(resp.len()));
            match classify(&resp, &ids) {
                Reply::Final { code, .. } => prop_assert!((200..=699).contains(&code)),
                Reply::Provisional | Reply::Unrelated => {}
            }
            prop_assert_eq!(classify(&resp, &Ids::fresh(local())), Reply::Unrelated);
        }
    }
}
