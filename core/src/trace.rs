//! The trace format: JSON Lines, one output per line, with its time.

use std::io;

use serde::{Deserialize, Serialize};

use crate::types::Millis;
use crate::vocab::Output;

/// One line of a trace: an output and the engine time it was emitted at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceLine {
    /// Engine time (the latest `now` the engine had seen) when the output was emitted.
    pub at: Millis,
    /// The output.
    pub output: Output,
}

impl TraceLine {
    /// Appends this line to `out` in the canonical form, newline included.
    ///
    /// The canonical form is one JSON object per line with `", "` between
    /// members and `": "` after keys, keys in declaration order: for example
    /// `{"at": 72000, "output": {"type": "switched", "from": "SiteA", "to": "SiteB", "reason": "site-timeout"}}`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let mut serializer = serde_json::Serializer::with_formatter(&mut *out, Spaced);
        // Serializing plain data into a Vec cannot fail: no I/O error, no non-string map key.
        self.serialize(&mut serializer)
            .expect("trace lines serialize infallibly into memory");
        out.push(b'\n');
    }
}

/// Renders a whole trace in the canonical form.
pub fn render(lines: &[TraceLine]) -> String {
    let mut out = Vec::with_capacity(lines.len() * 96);
    for line in lines {
        line.write_to(&mut out);
    }
    // serde_json writes valid UTF-8 only.
    String::from_utf8(out).expect("serde_json output is UTF-8")
}

/// serde_json's compact output with a space after `,` and `:` (as Python's `json.dumps`).
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Reason;

    #[test]
    fn lines_have_the_documented_shape() {
        let line = TraceLine {
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
        let parsed: TraceLine =
            serde_json::from_str(render(std::slice::from_ref(&line)).trim()).unwrap();
        assert_eq!(parsed, line);
    }
}
