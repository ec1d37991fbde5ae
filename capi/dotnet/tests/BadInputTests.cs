// Bad input through the binding: each refusal has the right exception, code
// and message, and leaves the engine exactly as it was.

using System;
using System.Collections.Generic;

namespace Continuity.Tests
{
    internal static class BadInputTests
    {
        public static void Register(Harness harness)
        {
            harness.Run("codes: ContinuityCode is the library's, number for number and name for name", () =>
            {
                // The header's names, as in CONTINUITY_CODE_NULL_ARGUMENT for NullArgument.
                var known = new HashSet<int>();
                foreach (ContinuityCode code in Enum.GetValues(typeof(ContinuityCode)))
                {
                    var name = code.ToString();
                    var expected = "CONTINUITY_CODE_";
                    for (var i = 0; i < name.Length; i++)
                    {
                        if (i > 0 && char.IsUpper(name[i])) expected += "_";
                        expected += char.ToUpperInvariant(name[i]);
                    }
                    Assert.Equal(expected, new ContinuityException(code, "").CodeName, "the library's name of " + name + " (" + (int)code + ")");
                    known.Add((int)code);
                }
                // And the library has no code the binding lacks.
                for (var number = -64; number <= 64; number++)
                {
                    if (known.Contains(number)) continue;
                    Assert.Equal("CONTINUITY_CODE_UNKNOWN", new ContinuityException((ContinuityCode)number, "").CodeName,
                        "code " + number + " is unknown to the library too");
                }
            });

            harness.Run("bad input: null, malformed or invalid bundles are refused", () =>
            {
                var nul = Assert.Throws<ArgumentNullException>(() => new Engine(null, 7), "a null bundle");
                Assert.Equal("bundleJson", nul.ParamName, "the parameter");
                Assert.Refused(ContinuityCode.InvalidJson, "continuity_engine_new: `bundle_json` is not well-formed JSON: line 1, column",
                    () => new Engine("{\"version\": 1,", 7), "malformed JSON");
                var invalid = Assert.Refused(ContinuityCode.InvalidBundle, "continuity_engine_new: the bundle does not validate",
                    () => new Engine(Repo.Read("examples/bundles/broken-workspace.json"), 7), "a bundle that does not validate");
                Assert.Contains("error[peer-site-missing]", invalid.Message, "the diagnostics are listed");
                Assert.Equal("CONTINUITY_CODE_INVALID_BUNDLE", invalid.CodeName, "the code's name");
                Assert.Refused(ContinuityCode.InvalidBundle, "continuity_engine_new: ", () => new Engine("[1, 2]", 7), "JSON that is no bundle");
                var withNul = Assert.Throws<ArgumentException>(() => new Engine(Repo.Workspace + "\0garbage", 7), "a NUL character");
                Assert.Contains("NUL character", withNul.Message, "the message");
                Assert.Throws<ArgumentNullException>(() => Engine.Validate(null), "validate null");
                Assert.Refused(ContinuityCode.InvalidJson, "continuity_validate: ", () => Engine.Validate("{"), "validate malformed JSON");
                Assert.Throws<ArgumentNullException>(() => Engine.ResolveOptionFiles("{}", null), "null exports");
                Assert.Throws<ArgumentNullException>(
                    () => Engine.ResolveOptionFiles("{}", new[] { new KeyValuePair<string, string>("a.cfg", null) }), "a null export text");
            });

            harness.Run("bad input: refused inputs leave the engine exactly as it was", () =>
            {
                using (var expected = new Engine(Repo.Workspace, 7))
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    Assert.Throws<ArgumentNullException>(() => engine.Handle((Input)null, 0), "a null Input");
                    Assert.Throws<ArgumentNullException>(() => engine.Handle((string)null, 0), "a null string");
                    Assert.Refused(ContinuityCode.InvalidJson, "continuity_engine_handle: `input_json` is not well-formed JSON: line 1, column",
                        () => engine.Handle("{\"type\":", 0), "malformed JSON");
                    var unknown = Assert.Refused(ContinuityCode.InvalidInput, "continuity_engine_handle: `input_json` is not an input: line 1, column 9",
                        () => engine.Handle("{\"type\":\"link_dwon\",\"site\":\"SiteA\",\"service\":\"sip-server\",\"member\":\"primary\"}", 0),
                        "an unknown input type");
                    Assert.Contains("unknown variant `link_dwon`", unknown.Message, "names the type");
                    Assert.Refused(ContinuityCode.InvalidInput, "continuity_engine_handle: `input_json` is not an input",
                        () => engine.Handle("{\"type\":\"probe_result\",\"site\":\"SiteA\",\"ok\":\"yes\"}", 0), "a mistyped field");
                    Assert.Refused(ContinuityCode.InvalidInput, "continuity_engine_handle: `input_json` is not an input",
                        () => engine.Handle("{\"type\":\"start\",\"when\":\"now\"}", 0), "an unknown field");
                    Assert.Refused(ContinuityCode.InvalidInput, "continuity_engine_handle: ", () => engine.Handle("[]", 0), "JSON that is no object");
                    Assert.Throws<ArgumentException>(() => engine.Handle("{\"type\":\"start\"}\0{", 0), "a NUL character");
                    Assert.Throws<ArgumentException>(() => engine.Handle(Input.SwitchRequested("Site\ud800"), 0), "a lone surrogate");
                    Assert.Refused(ContinuityCode.InvalidJson, "Input.ConfigLoaded: `bundleJson` is not well-formed JSON: line 1, column 2",
                        () => Input.ConfigLoaded("{"), "config_loaded with malformed JSON");
                    Assert.Refused(ContinuityCode.InvalidJson, "Input.ConfigLoaded: ", () => Input.ConfigLoaded("{}, \"x\": {}"),
                        "config_loaded that would close the input early");

                    var negative = Assert.Throws<ArgumentOutOfRangeException>(() => engine.Handle(Input.Start(), -1), "a negative time");
                    Assert.Equal("nowMs", negative.ParamName, "the parameter");
                    Assert.Contains("negative", negative.Message, "the message");
                    Assert.Throws<ArgumentOutOfRangeException>(() => engine.HandleTimeout(long.MinValue), "a negative timeout");
                    var huge = Assert.Refused(ContinuityCode.BadTime, "continuity_engine_handle: `now_ms` is 9007199254740992, past the largest time",
                        () => engine.Handle(Input.Start(), Engine.MaxTimeMs + 1), "2^53");
                    Assert.Contains("CONTINUITY_MAX_TIME_MS = 9007199254740991", huge.Message, "names the limit");
                    Assert.Refused(ContinuityCode.BadTime, "continuity_engine_handle_timeout: `now_ms` is 9223372036854775807",
                        () => engine.HandleTimeout(long.MaxValue), "long.MaxValue");

                    // Nothing changed: the same run gives the same trace as an engine that saw no bad input.
                    Assert.Equal(0L, engine.Now, "the time did not move");
                    Assert.Equal(Phase.Idle, engine.Status().Phase, "still idle");
                    Assert.Lines(Outage.Lines(Outage.Run(expected, Outage.Inputs(), 90000)),
                        Outage.Lines(Outage.Run(engine, Outage.Inputs(), 90000)), "the run after the refusals");
                }
            });

            harness.Run("bad input: the largest time is accepted", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    engine.Handle(Input.Start(), 0);
                    engine.Drain();
                    engine.HandleTimeout(Engine.MaxTimeMs);
                    Assert.Equal(Engine.MaxTimeMs, engine.Now, "Now");
                    Assert.True(engine.Drain().Count > 0, "the deadlines due fired");
                }
            });

            harness.Run("bad input: every call after Dispose throws ObjectDisposedException", () =>
            {
                var engine = new Engine(Repo.Workspace, 7);
                engine.Handle(Input.Start(), 0);
                engine.Dispose();
                Assert.True(engine.IsDisposed, "IsDisposed");
                var calls = new Dictionary<string, Action>
                {
                    { "Handle(Input)", () => engine.Handle(Input.Start(), 0) },
                    { "Handle(string)", () => engine.Handle("{\"type\":\"start\"}", 0) },
                    { "HandleTimeout", () => engine.HandleTimeout(0) },
                    { "PollTimeout", () => engine.PollTimeout() },
                    { "PollOutput", () => engine.PollOutput() },
                    { "Drain", () => engine.Drain() },
                    { "Status", () => engine.Status() },
                    { "StatusJson", () => engine.StatusJson() },
                    { "Now", () => Console.Write(engine.Now > 0 ? "" : "") },
                };
                foreach (var call in calls)
                {
                    var err = Assert.Throws<ObjectDisposedException>(call.Value, call.Key);
                    Assert.Equal("Engine", err.ObjectName, call.Key + ": the object name");
                }
                engine.Dispose();
                Assert.Throws<ArgumentOutOfRangeException>(() => engine.Handle(Input.Start(), -1), "argument checks still come first");
            });

            harness.Run("bad input: after stop, inputs are refused with EngineStoppedException and reading still works", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    var inputs = Outage.Inputs();
                    Outage.Run(engine, inputs.GetRange(0, 8), 800);
                    Assert.Equal(Handled.Applied, engine.Handle(Input.Stop(), 1000), "stop");
                    Assert.Lines(new[]
                    {
                        "{\"at\": 1000, \"output\": {\"type\": \"unregister_endpoint\", \"site\": \"SiteA\"}}",
                        "{\"at\": 1000, \"output\": {\"type\": \"disconnect\", \"site\": \"SiteA\"}}",
                        "{\"at\": 1000, \"output\": {\"type\": \"phase_changed\", \"phase\": \"stopped\", \"site\": null, \"role\": null}}",
                    }, Outage.Lines(engine.Drain()), "what stop does");
                    var stopped = Assert.Throws<EngineStoppedException>(
                        () => engine.Handle(Input.LinkUp("SiteA", Service.SipServer, Member.Primary), 2000), "an input after stop");
                    Assert.Equal(ContinuityCode.Stopped, stopped.Code, "the code");
                    Assert.StartsWith("continuity_engine_handle: the engine is stopped, so `link_up` was refused", stopped.Message, "the message");
                    Assert.Throws<EngineStoppedException>(() => engine.Handle(Input.Stop(), 2000), "a second stop");
                    Assert.Refused(ContinuityCode.InvalidJson, "continuity_engine_handle: ", () => engine.Handle("{", 2000),
                        "malformed JSON is still malformed JSON");
                    engine.HandleTimeout(100000);
                    Assert.Equal(0, engine.Drain().Count, "a stopped engine has no deadlines");
                    Assert.Equal((long?)null, engine.PollTimeout(), "and no next one");
                    Assert.Equal(Phase.Stopped, engine.Status().Phase, "the status still reads");
                    Assert.Equal(100000L, engine.Now, "time still moves");
                }
            });
        }
    }
}
