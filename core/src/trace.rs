//! The trace format: JSON Lines, one [`Emitted`] output per line, with its time.

use crate::vocab::{Emitted, Output};

/// Appends one trace line to `out` in the canonical form, newline included.
///
/// The canonical form is one JSON object per line with `", "` between
/// members and `": "` after keys, keys in declaration order: for example
/// `{"at": 72000, "output": {"type": "switched", "from": "SiteA", "to": "SiteB", "reason": "site-timeout"}}`.
pub fn write_line(emitted: &Emitted, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"at\": ");
    out.extend_from_slice(emitted.at.to_string().as_bytes());
    out.extend_from_slice(b", \"output\": ");
    write_output(&emitted.output, out);
    out.extend_from_slice(b"}\n");
}

/// Appends `output` to `out` as a trace line writes it (no newline): for
/// hosts that hand outputs on one at a time, such as the C ABI.
pub fn write_output(output: &Output, out: &mut Vec<u8>) {
    // Compact JSON, then spaced: the same bytes as a spacing serializer,
    // without compiling every output's serializer a second time (it counts
    // in WebAssembly). Plain data always serializes.
    let compact = serde_json::to_vec(output).expect("outputs serialize");
    space_json(&compact, out);
}

/// Appends compact JSON `compact` to `out` with a space after each `,` and
/// `:` outside strings: the spacing of the canonical form, for hosts that
/// print other JSON lines beside a trace's.
pub fn space_json(compact: &[u8], out: &mut Vec<u8>) {
    let mut in_string = false;
    let mut escaped = false;
    for &byte in compact {
        out.push(byte);
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b',' | b':' => out.push(b' '),
                _ => {}
            }
        }
    }
}

/// Renders a whole trace in the canonical form.
pub fn render(lines: &[Emitted]) -> String {
    let mut out = Vec::with_capacity(lines.len() * 96);
    for line in lines {
        write_line(line, &mut out);
    }
    // serde_json writes valid UTF-8 only, and only ASCII spaces are added.
    String::from_utf8(out).expect("serde_json output is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Reason;

    #[test]
    fn lines_have_the_documented_shape() {
        let line = Emitted {
            at: 72000,
            output: Output::Switched {
                from: "SiteA".into(),
                to: "SiteB".into(),
                reason: Reason::SiteTimeout,
            },
        };
        assert_eq!(
            render(std::slice::from_ref(&line)),
            "{\"at\": 72000, \"output\": {\"type\": \"switched\", \"from\": \"SiteA\", \"to\": \"SiteB\", \"reason\": \"site-timeout\"}}\n"
        );
        let parsed: Emitted =
            serde_json::from_str(render(std::slice::from_ref(&line)).trim()).unwrap();
        assert_eq!(parsed, line);
    }

    #[test]
    fn separators_inside_names_are_left_alone() {
        let line = Emitted {
            at: 1,
            output: Output::Connect {
                site: "a, b: \\\"c\\\": d,".into(),
            },
        };
        assert_eq!(
            render(std::slice::from_ref(&line)),
            "{\"at\": 1, \"output\": {\"type\": \"connect\", \"site\": \"a, b: \\\\\\\"c\\\\\\\": d,\"}}\n"
        );
    }
}
