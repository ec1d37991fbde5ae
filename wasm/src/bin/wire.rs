//! Writes the package's vocabulary tables, `wire.js` and `wire.d.ts`, from
//! the Rust declarations: core's `wire_enum!`s and `src/codes.rs`.
//!
//! ```text
//! cargo run -p continuity-wasm --bin wire -- DIR   writes DIR/wire.js and DIR/wire.d.ts
//! ```
//!
//! scripts/build-wasm.sh runs it for every package build, so the JavaScript
//! never types a wire name or a code number again.

#[path = "../../shared/src/codes.rs"]
mod codes;

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use continuity_core::wire::WireEnum;
use continuity_core::{
    FieldKind, Handled, InputType, LinkState, Member, OutputType, Phase, Reason, Role, Service,
    TimerKind,
};

use codes::{AS_JSON, BAD_NAME, BAD_TIME, ErrorCode, NO_SITE, NOT_A_SITE, STOPPED};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: wire DIR  (writes DIR/wire.js and DIR/wire.d.ts)");
        return ExitCode::from(2);
    };
    let dir = Path::new(&dir);
    for (name, text) in [("wire.js", js()), ("wire.d.ts", dts())] {
        let path = dir.join(name);
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("wire: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

const HEADER: &str = "// Generated from the Rust declarations by `cargo run -p continuity-wasm \
                      --bin wire` (scripts/build-wasm.sh); do not edit.\n";

/// One exported list of wire names.
struct List {
    /// The JavaScript export, as in `SERVICES`.
    export: &'static str,
    /// The TypeScript union of its names, as in `Service`.
    union: &'static str,
    /// What the union is.
    doc: &'static str,
    /// What the list's order means.
    order: &'static str,
    /// The names, in declaration order.
    names: &'static [&'static str],
}

fn list<T: WireEnum>(export: &'static str, doc: &'static str, order: &'static str) -> List {
    List {
        export,
        union: T::TYPE_NAME,
        doc,
        order,
        names: T::NAMES,
    }
}

/// Every list, with what its order means to the package.
fn lists() -> [List; 12] {
    [
        list::<InputType>(
            "INPUT_TYPES",
            "The `type` of an input.",
            "in declaration order",
        ),
        list::<OutputType>(
            "OUTPUT_TYPES",
            "The `type` of an output.",
            "a packed output's kind k is OUTPUT_TYPES[k - 1]",
        ),
        list::<Service>(
            "SERVICES",
            "A service that each site runs as a high-availability pair.",
            "the index is the fast path's service number",
        ),
        list::<Member>(
            "MEMBERS",
            "A member of a high-availability pair.",
            "the index is the fast path's and a packed output's member number",
        ),
        list::<Phase>(
            "PHASES",
            "What the engine is doing.",
            "the index is a packed output's phase number",
        ),
        list::<Role>(
            "ROLES",
            "A site's role for this agent.",
            "a packed output's role r is ROLES[r - 1] (0: null)",
        ),
        list::<Reason>(
            "REASONS",
            "Why a switch happens.",
            "a packed output's reason r is REASONS[r - 1] (0: null)",
        ),
        list::<TimerKind>(
            "TIMER_KINDS",
            "What a deadline is for (`Status.next_timer`).",
            "in the order deadlines at the same time fire",
        ),
        list::<LinkState>(
            "LINK_STATES",
            "The state of one link, as last reported (`Status.services`).",
            "in declaration order",
        ),
        list::<Handled>(
            "HANDLED",
            "What became of an input.",
            "the index is an input method's answer; refused comes as STOPPED",
        ),
        list::<ErrorCode>(
            "ERROR_CODES",
            "The `code` of every error the package throws.",
            "in declaration order",
        ),
        list::<FieldKind>(
            "FIELD_KINDS",
            "What an input field holds (`INPUT_FIELDS`).",
            "in declaration order",
        ),
    ]
}

/// The raw numbers the package's JavaScript compares with, and what they mean.
fn raw_codes() -> [(&'static str, String, &'static str); 6] {
    [
        (
            "STOPPED",
            STOPPED.to_string(),
            "An input method's answer when the engine is stopped and refused the input.",
        ),
        (
            "BAD_TIME",
            BAD_TIME.to_string(),
            "A method's answer for a time that is not a count of milliseconds.",
        ),
        (
            "BAD_NAME",
            BAD_NAME.to_string(),
            "A fast-path method's answer for a service, member or site index out of range.",
        ),
        (
            "NOT_A_SITE",
            format!("{NOT_A_SITE:#x}"),
            "`siteId` of a name that is no site of the engine.",
        ),
        (
            "NO_SITE",
            format!("{NO_SITE:#x}"),
            "A site field of a packed output that is null.",
        ),
        (
            "AS_JSON",
            format!("{AS_JSON:#x}"),
            "The kind of a packed output that must be read whole, with `output()`.",
        ),
    ]
}

/// The ES module.
fn js() -> String {
    let mut out = String::from(HEADER);
    for list in lists() {
        let _ = writeln!(
            out,
            "\n/** {} ({}). */\nexport const {} = Object.freeze([{}]);",
            list.doc.trim_end_matches('.'),
            list.order,
            list.export,
            quoted(list.names).join(", ")
        );
    }
    out.push_str("\n/** Each input type's fields besides `type`, and what each holds. */\n");
    out.push_str("export const INPUT_FIELDS = Object.freeze({\n");
    for kind in InputType::ALL {
        let fields: Vec<String> = kind
            .fields()
            .iter()
            .map(|(name, holds)| format!("{name}: {}", quote(holds.as_str())))
            .collect();
        let body = if fields.is_empty() {
            String::new()
        } else {
            format!(" {} ", fields.join(", "))
        };
        let _ = writeln!(out, "  {kind}: Object.freeze({{{body}}}),");
    }
    out.push_str("});\n");
    for (name, value, doc) in raw_codes() {
        let _ = writeln!(out, "\n/** {doc} */\nexport const {name} = {value};");
    }
    out
}

/// The TypeScript declarations of the ES module.
fn dts() -> String {
    let mut out = String::from(HEADER);
    for list in lists() {
        let _ = writeln!(
            out,
            "\n/** {} */\nexport type {} = {};",
            list.doc,
            list.union,
            quoted(list.names).join(" | ")
        );
    }
    for list in lists() {
        let _ = writeln!(
            out,
            "\n/** Every `{}` ({}). */\nexport declare const {}: readonly [{}];",
            list.union,
            list.order,
            list.export,
            quoted(list.names).join(", ")
        );
    }
    out.push_str("\n/** Each input type's fields besides `type`, and what each holds. */\n");
    out.push_str("export declare const INPUT_FIELDS: {\n");
    for kind in InputType::ALL {
        let fields: Vec<String> = kind
            .fields()
            .iter()
            .map(|(name, holds)| format!("readonly {name}: {}", quote(holds.as_str())))
            .collect();
        let body = if fields.is_empty() {
            "Record<never, never>".to_owned()
        } else {
            format!("{{ {} }}", fields.join("; "))
        };
        let _ = writeln!(out, "  readonly {kind}: {body};");
    }
    out.push_str("};\n");
    for (name, value, doc) in raw_codes() {
        let _ = writeln!(out, "\n/** {doc} */\nexport declare const {name}: {value};");
    }
    out
}

/// A name as a JavaScript string literal.
fn quote(name: &str) -> String {
    serde_json::to_string(name).expect("a string always serializes")
}

fn quoted(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| quote(name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_name_is_in_both_files() {
        let (js, dts) = (js(), dts());
        for list in lists() {
            let names = quoted(list.names);
            let array = format!(
                "export const {} = Object.freeze([{}]);",
                list.export,
                names.join(", ")
            );
            assert!(js.contains(&array), "{array}");
            let union = format!("export type {} = {};", list.union, names.join(" | "));
            assert!(dts.contains(&union), "{union}");
            let tuple = format!(": readonly [{}];", names.join(", "));
            assert!(dts.contains(&format!("{}{tuple}", list.export)), "{tuple}");
        }
        for kind in InputType::ALL {
            assert!(
                js.contains(&format!("\n  {kind}: Object.freeze({{")),
                "{kind}"
            );
            assert!(dts.contains(&format!("\n  readonly {kind}: ")), "{kind}");
        }
        for (name, value, _) in raw_codes() {
            assert!(
                js.contains(&format!("export const {name} = {value};")),
                "{name}"
            );
            assert!(
                dts.contains(&format!("export declare const {name}: {value};")),
                "{name}"
            );
        }
    }

    #[test]
    fn the_lists_are_the_declarations() {
        let lists = lists();
        let by_export = |export: &str| lists.iter().find(|l| l.export == export).unwrap().names;
        assert_eq!(
            by_export("SERVICES"),
            ["sip-server", "stat-server", "config-server"]
        );
        assert_eq!(by_export("OUTPUT_TYPES")[0], "connect_config_server");
        assert_eq!(by_export("OUTPUT_TYPES").len(), 13);
        assert_eq!(
            by_export("HANDLED"),
            ["applied", "duplicate", "unknown", "out-of-phase", "refused"]
        );
        assert!(by_export("ERROR_CODES").contains(&"not-initialized"));
    }

    #[test]
    fn every_code_the_javascript_throws_is_declared() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "js") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in text.split("continuityError(").skip(1) {
                let Some(rest) = call.trim_start().strip_prefix('"') else {
                    continue; // a code computed at run time
                };
                let code = &rest[..rest.find('"').unwrap()];
                assert!(
                    ErrorCode::from_name(code).is_some(),
                    "{} throws `{code}`, which src/codes.rs does not declare",
                    path.display()
                );
                seen += 1;
            }
        }
        assert!(
            seen > 0,
            "no continuityError(\"…\") found in {}",
            dir.display()
        );
    }

    #[test]
    fn input_fields_are_written_as_declared() {
        let js = js();
        assert!(js.contains(
            "  link_up: Object.freeze({ site: \"string\", service: \"service\", member: \"member\" }),"
        ));
        assert!(
            js.contains("  probe_result: Object.freeze({ site: \"string\", ok: \"boolean\" }),")
        );
        assert!(js.contains("  config_loaded: Object.freeze({ bundle: \"object\" }),"));
        assert!(js.contains("  start: Object.freeze({}),"));
        assert!(js.contains("export const NOT_A_SITE = 0xffffffff;"));
    }
}
