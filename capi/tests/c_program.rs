//! The C ABI from real C programs, built with the system's compiler (`$CC`,
//! else `cc`; `$CXX`, else `c++`) against the libraries cargo built for this
//! test and the committed header:
//!
//! - `examples/run_scenario.c` replays every scenario of `tests/scenarios/`
//!   and must print its expected trace byte for byte;
//! - `examples/minimal.c` runs against the static and the shared library and
//!   prints what the engine decides;
//! - every C block of the project README that includes `continuity.h` compiles
//!   and runs, every C block of `capi/README.md` compiles, and the header
//!   compiles as C++.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use continuity_core::{Bundle, BundleSource, Scenario, Step, trace};

/// Warnings are errors: the examples are what C developers copy.
const C_FLAGS: &[&str] = &["-Wall", "-Wextra", "-Werror", "-pedantic"];

/// What the static library needs besides it (capi/README.md, "Build and link").
const STATIC_LINK_FLAGS: &[&str] = &["-lpthread", "-ldl", "-lm"];

/// The suffix of an expected trace: `NAME.json` is checked against `NAME.trace.jsonl`.
const TRACE_SUFFIX: &str = ".trace.jsonl";

const WORKSPACE: &str = include_str!("../../examples/bundles/workspace.json");

#[test]
fn every_scenario_replays_through_the_c_program_byte_for_byte() {
    let program = run_scenario_program();
    let dir = work_dir("scenarios");
    let scenarios = scenario_files();
    assert!(
        !scenarios.is_empty(),
        "no scenario in {}",
        scenarios_dir().display()
    );
    let mut failures = Vec::new();
    for path in &scenarios {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let expected_path = path.with_file_name(format!("{name}{TRACE_SUFFIX}"));
        let result = fs::read_to_string(&expected_path)
            .map_err(|err| format!("cannot read {}: {err}", expected_path.display()))
            .and_then(|expected| {
                let actual = replay_in_c(program, path, &dir.join(&name))?;
                match first_difference(&expected, &actual) {
                    None => Ok(()),
                    Some(difference) => Err(format!(
                        "the C program's trace differs from {}:\n{difference}",
                        expected_path.display()
                    )),
                }
            });
        if let Err(err) = result {
            failures.push(format!("scenario `{name}`: {err}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed through examples/run_scenario.c (inputs in {}):\n\n{}",
        failures.len(),
        scenarios.len(),
        dir.display(),
        failures.join("\n\n")
    );
}

#[test]
fn the_c_program_reports_what_it_cannot_use() {
    let program = run_scenario_program();
    let dir = work_dir("bad-runs");
    let bundle = dir.join("bundle.json");
    fs::write(&bundle, WORKSPACE).unwrap();
    let broken = dir.join("broken.json");
    fs::write(
        &broken,
        include_str!("../../examples/bundles/broken-workspace.json"),
    )
    .unwrap();
    for (bundle, script, expected) in [
        (
            &bundle,
            "seed 1\nstart 0\n",
            "run_scenario: script line 2: unknown directive \"start 0\"",
        ),
        (
            &bundle,
            "input 0 {\"type\":\"strat\"}\n",
            "run_scenario: continuity_engine_handle failed with CONTINUITY_CODE_INVALID_INPUT: \
             continuity_engine_handle: `input_json` is not an input: line 1, column 9: unknown variant `strat`",
        ),
        (
            &broken,
            "input 0 {\"type\":\"start\"}\n",
            "run_scenario: continuity_engine_new failed with CONTINUITY_CODE_INVALID_BUNDLE: \
             continuity_engine_new: the bundle does not validate: the configuration has 2 error(s)",
        ),
    ] {
        let script_path = dir.join("script");
        fs::write(&script_path, script).unwrap();
        let output = run(Command::new(program).arg(bundle).arg(&script_path));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{script}: {stderr}");
        assert!(stderr.starts_with(expected), "{script}:\n{stderr}");
    }
}

#[test]
fn the_minimal_example_prints_what_the_engine_decides() {
    // The same inputs as examples/minimal.c, run by the core's scenario runner.
    let scenario = Scenario::from_json(&format!(
        r#"{{ "bundle": {WORKSPACE}, "seed": 7, "until": 90000, "steps": [
          {{"at": 0, "input": {{"type": "start"}}}},
          {{"at": 100, "input": {{"type": "link_up", "site": "SiteA", "service": "sip-server", "member": "primary"}}}},
          {{"at": 100, "input": {{"type": "link_up", "site": "SiteA", "service": "stat-server", "member": "primary"}}}},
          {{"at": 100, "input": {{"type": "link_up", "site": "SiteA", "service": "config-server", "member": "primary"}}}},
          {{"at": 200, "input": {{"type": "endpoint_registered", "site": "SiteA"}}}},
          {{"at": 12000, "input": {{"type": "link_down", "site": "SiteA", "service": "sip-server", "member": "primary"}}}}
        ] }}"#
    ))
    .unwrap();
    let bundle = scenario.inline_bundle().unwrap().clone();
    let expected = trace::render(&scenario.run(bundle).unwrap());
    assert!(
        expected.contains(r#"{"at": 72000, "output": {"type": "switched", "from": "SiteA""#),
        "{expected}"
    );
    let source = capi_dir().join("examples/minimal.c");
    for link in [Link::Static, Link::Shared] {
        let program = build("cc", "c11", &source, link, &format!("minimal-{link:?}"));
        // Run from the repository root: the example's default bundle path.
        let output = run(Command::new(&program).current_dir(repo_root()));
        assert!(output.status.success(), "{}", describe(&output));
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            expected,
            "{link:?}"
        );
    }
}

#[test]
fn the_readme_c_examples_compile_and_run() {
    // The project README's blocks are complete programs: they must run, from
    // the repository root, and exit with 0.
    let readme = repo_root().join("README.md");
    let blocks = c_blocks(&fs::read_to_string(&readme).unwrap());
    assert!(
        !blocks.is_empty(),
        "README.md shows the C ABI with a program that includes continuity.h"
    );
    for (index, block) in blocks.iter().enumerate() {
        let source = work_dir("readme").join(format!("readme-{index}.c"));
        fs::write(&source, block).unwrap();
        let program = build(
            "cc",
            "c11",
            &source,
            Link::Static,
            &format!("readme-{index}"),
        );
        let output = run(Command::new(&program).current_dir(repo_root()));
        assert!(
            output.status.success(),
            "README.md C block {} ({}) failed:\n{}",
            index + 1,
            source.display(),
            describe(&output)
        );
    }
    // capi/README.md's blocks are fragments: they must compile.
    let blocks = c_blocks(&fs::read_to_string(capi_dir().join("README.md")).unwrap());
    assert!(!blocks.is_empty(), "capi/README.md shows the run loop in C");
    for (index, block) in blocks.iter().enumerate() {
        let source = work_dir("readme").join(format!("capi-readme-{index}.c"));
        fs::write(&source, block).unwrap();
        let object = source.with_extension("o");
        let output = run(Command::new(compiler("cc"))
            .arg("-std=c11")
            .args(C_FLAGS)
            .arg("-I")
            .arg(capi_dir().join("include"))
            .arg("-c")
            .arg(&source)
            .arg("-o")
            .arg(&object));
        assert!(
            output.status.success(),
            "capi/README.md C block {} does not compile:\n{}",
            index + 1,
            describe(&output)
        );
    }
}

#[test]
fn the_header_compiles_as_cpp() {
    let source = work_dir("cpp").join("header.cpp");
    fs::write(
        &source,
        r#"#include "continuity.h"
#include <cstdio>

int main() {
    ContinuityEngine *engine = nullptr;
    ContinuityCode code = continuity_engine_new("{", 0, &engine);
    if (code != CONTINUITY_CODE_INVALID_JSON || engine != nullptr) return 1;
    std::printf("%s %s\n", continuity_version(), continuity_code_name(code));
    continuity_engine_free(engine);
    return 0;
}
"#,
    )
    .unwrap();
    let program = build("c++", "c++11", &source, Link::Static, "header-cpp");
    let output = run(&mut Command::new(&program));
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "{} CONTINUITY_CODE_INVALID_JSON\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

// ---- the scenario corpus, loaded as `continuity simulate` loads it ----

fn scenarios_dir() -> PathBuf {
    repo_root().join("tests/scenarios")
}

/// Every `*.json` directly in tests/scenarios (not in `bundles/`), sorted.
fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(scenarios_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Writes the scenario at `path` as the C program's bundle and script
/// (`stem.bundle.json`, `stem.script`), runs the program, and returns its trace.
fn replay_in_c(program: &Path, path: &Path, stem: &Path) -> Result<String, String> {
    let (scenario, bundle) = load_scenario(path)?;
    let bundle_json = serde_json::to_string(&bundle).unwrap();
    if Bundle::from_json(&bundle_json).as_ref() != Ok(&bundle) {
        return Err("its bundle does not read back from JSON (a bug in the test)".into());
    }
    let bundle_path = stem.with_extension("bundle.json");
    let script_path = stem.with_extension("script");
    fs::write(&bundle_path, bundle_json).unwrap();
    fs::write(&script_path, script(&scenario)?).unwrap();
    let output = run(Command::new(program).arg(&bundle_path).arg(&script_path));
    if !output.status.success() {
        return Err(format!("the C program failed:\n{}", describe(&output)));
    }
    String::from_utf8(output.stdout).map_err(|err| format!("the trace is not UTF-8: {err}"))
}

/// Reads a scenario and its bundle as the `continuity` tool does: a
/// `bundle_file` relative to the scenario, option exports relative to the
/// bundle file (or to the scenario, for an inline bundle).
fn load_scenario(path: &Path) -> Result<(Scenario, Bundle), String> {
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
    };
    let scenario = Scenario::from_json(&read(path)?).map_err(|err| err.to_string())?;
    let folder = path.parent().unwrap();
    let (mut bundle, base) = match &scenario.bundle {
        BundleSource::Inline(bundle) => ((**bundle).clone(), folder.to_owned()),
        BundleSource::File(file) => {
            let file = folder.join(file);
            if file.extension().is_some_and(|ext| ext == "toml") {
                return Err(
                    "TOML bundles are not read by this test: add the `toml` feature".into(),
                );
            }
            let bundle = Bundle::from_json(&read(&file)?)
                .map_err(|err| format!("{}: {err}", file.display()))?;
            (bundle, file.parent().unwrap().to_owned())
        }
    };
    bundle
        .resolve_option_files(|file| read(&base.join(file)))
        .map_err(|err| err.to_string())?;
    Ok((scenario, bundle))
}

/// The scenario in the line format of examples/run_scenario.c.
fn script(scenario: &Scenario) -> Result<String, String> {
    let mut out = format!("seed {}\nuntil {}\n", scenario.seed, scenario.until);
    for step in &scenario.steps {
        match step {
            Step::Input { at, input } => {
                let json = serde_json::to_string(input).unwrap();
                if continuity_core::Input::from_json(&json).as_ref() != Ok(input) {
                    return Err(format!(
                        "input {json} does not read back (a bug in the test)"
                    ));
                }
                writeln!(out, "input {at} {json}").unwrap();
            }
            Step::Freeze { at, until } => writeln!(out, "freeze {at} {until}").unwrap(),
        }
    }
    Ok(out)
}

/// The first line where two traces differ, for a person reading the failure.
fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let (expected_lines, actual_lines): (Vec<_>, Vec<_>) = (
        expected.split_inclusive('\n').collect(),
        actual.split_inclusive('\n').collect(),
    );
    let line = (0..)
        .find(|&i| expected_lines.get(i) != actual_lines.get(i))
        .unwrap();
    let show = |line: Option<&&str>| line.map_or("<end of trace>".to_owned(), |l| format!("{l:?}"));
    Some(format!(
        "first difference at line {} (expected {} lines, got {}):\n  expected: {}\n  actual:   {}",
        line + 1,
        expected_lines.len(),
        actual_lines.len(),
        show(expected_lines.get(line)),
        show(actual_lines.get(line))
    ))
}

// ---- building and running C ----

#[derive(Clone, Copy, Debug)]
enum Link {
    Static,
    Shared,
}

/// examples/run_scenario.c, built once (C99, static library).
fn run_scenario_program() -> &'static Path {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let source = capi_dir().join("examples/run_scenario.c");
        build("cc", "c99", &source, Link::Static, "run_scenario")
    })
}

/// Compiles and links `source` as `std` with the compiler named by `$CC`
/// (`kind` "cc") or `$CXX` (`kind` "c++"), against the committed header and
/// the library cargo built; returns the program.
fn build(kind: &str, std: &str, source: &Path, link: Link, name: &str) -> PathBuf {
    let program = work_dir("bin").join(name);
    let mut command = Command::new(compiler(kind));
    command
        .arg(format!("-std={std}"))
        .args(C_FLAGS)
        .arg("-I")
        .arg(capi_dir().join("include"))
        .arg(source)
        .arg("-o")
        .arg(&program);
    match link {
        Link::Static => command.arg(library("a")).args(STATIC_LINK_FLAGS),
        Link::Shared => command
            .arg(library(std::env::consts::DLL_EXTENSION))
            .arg(format!("-Wl,-rpath,{}", library_dir().display())),
    };
    let output = run(&mut command);
    assert!(
        output.status.success(),
        "cannot build {}:\n{}",
        source.display(),
        describe(&output)
    );
    program
}

/// The compiler for `kind`: `$CC` or `cc`, `$CXX` or `c++`.
fn compiler(kind: &str) -> String {
    let variable = if kind == "cc" { "CC" } else { "CXX" };
    std::env::var(variable).unwrap_or_else(|_| kind.to_owned())
}

/// The library cargo built for this test, with extension `extension`: it sits
/// beside the test binary (`<target>/<profile>/deps`), wherever
/// `CARGO_TARGET_DIR` puts that.
fn library(extension: &str) -> PathBuf {
    let path = library_dir().join(format!("libcontinuity_capi.{extension}"));
    assert!(
        path.is_file(),
        "{} is missing: run the tests with `cargo test -p continuity-capi`, which builds it",
        path.display()
    );
    path
}

fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().to_owned()
}

/// Runs `command`, panicking with a hint when the program cannot be started.
fn run(command: &mut Command) -> Output {
    command.output().unwrap_or_else(|err| {
        panic!(
            "cannot run {:?}: {err} (a C and a C++ compiler are needed: \
             `apt-get install gcc g++`, or run scripts/test-capi.sh, which installs them)",
            command.get_program()
        )
    })
}

fn describe(output: &Output) -> String {
    format!(
        "{}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The ```c blocks of a Markdown text that include continuity.h.
fn c_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        match &mut block {
            None if line.trim() == "```c" => block = Some(String::new()),
            None => {}
            Some(_) if line.trim() == "```" => blocks.extend(block.take()),
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    blocks.retain(|block| block.contains("continuity.h"));
    blocks
}

fn capi_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn repo_root() -> PathBuf {
    capi_dir().parent().unwrap().to_owned()
}

/// A folder of `CARGO_TARGET_TMPDIR` for this test's files.
fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("capi")
        .join(name);
    fs::create_dir_all(&dir).unwrap();
    dir
}
