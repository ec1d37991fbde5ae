// The engine through the binding: typed outputs, status, validation, option
// exports, inputs, UTF-8 both ways.

using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Continuity.Tests
{
    internal static class EngineTests
    {
        public static void Register(Harness harness)
        {
            harness.Run("engine: the library reports its version", () =>
            {
                Assert.True(Regex.IsMatch(Engine.LibraryVersion, @"^\d+\.\d+\.\d+"), "a semantic version: " + Engine.LibraryVersion);
            });

            harness.Run("engine: an outage gives the native trace, with typed outputs", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    var emitted = Outage.Run(engine, Outage.Inputs(), 90000);
                    Assert.Lines(Outage.Trace, Outage.Lines(emitted), "the trace");

                    var connect = emitted[0].Output as Output.Connect;
                    Assert.True(connect != null, "the first output is a Connect: " + emitted[0].Output.GetType());
                    Assert.Equal("SiteA", connect.Site, "connect.Site");
                    Assert.True(connect.IsCommand, "connect is a command");
                    Assert.Equal(OutputKind.Connect, connect.Kind, "connect.Kind");
                    Assert.Equal("connect", connect.Type, "connect.Type");

                    var phase = (Output.PhaseChanged)emitted[2].Output;
                    Assert.Equal(Phase.Connecting, phase.Phase, "phase");
                    Assert.Equal("SiteA", phase.Site, "phase.Site");
                    Assert.Equal((Role?)Role.Preferred, phase.Role, "phase.Role");
                    Assert.True(!phase.IsCommand, "phase_changed is a notice");

                    var pending = (Output.SwitchoverPending)emitted[6].Output;
                    Assert.Equal(12000L, emitted[6].At, "pending announced at");
                    Assert.Equal(72000L, pending.At, "pending.At");
                    Assert.Equal(Reason.SiteTimeout, pending.Reason, "pending.Reason");
                    Assert.Equal("SiteA", pending.From, "pending.From");
                    Assert.Equal("SiteB", pending.To, "pending.To");

                    var cancelled = (Output.SwitchoverCancelled)emitted[5].Output;
                    Assert.Equal(Reason.EndpointTimeout, cancelled.Reason, "cancelled.Reason");

                    var switched = (Output.Switched)emitted[11].Output;
                    Assert.Equal(72000L, emitted[11].At, "switched at");
                    Assert.Equal("SiteB", switched.To, "switched.To");
                    Assert.Equal(Reason.SiteTimeout, switched.Reason, "switched.Reason");
                    Assert.Equal(Outage.Trace[11], emitted[11].ToString(), "Emitted.ToString is the trace line");
                    Assert.Equal("{\"type\": \"switched\", \"from\": \"SiteA\", \"to\": \"SiteB\", \"reason\": \"site-timeout\"}",
                        switched.ToString(), "Output.ToString is the output's JSON");
                    foreach (var line in emitted)
                    {
                        Assert.Equal(line.Output.Json, line.Output.Encode(), "every output reads whole");
                    }
                }
            });

            harness.Run("engine: outputs and inputs compare by value", () =>
            {
                List<Emitted> first, second;
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    first = Outage.Run(engine, Outage.Inputs(), 90000);
                }
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    second = Outage.Run(engine, Outage.Inputs(), 90000);
                }
                Assert.Equal(first.Count, second.Count, "two runs, as many outputs");
                for (var i = 0; i < first.Count; i++)
                {
                    Assert.True(first[i].Equals(second[i]) && first[i].GetHashCode() == second[i].GetHashCode(), "line " + i + " equal");
                }
                Assert.True(!first[0].Output.Equals(first[9].Output), "connect SiteA is not connect SiteB");
                Assert.True(!first[0].Equals(first[1]), "connect is not register_endpoint");
                Assert.Equal(Input.LinkUp("SiteA", Service.SipServer, Member.Primary),
                    Input.FromJson("{\"type\":\"link_up\",\"site\":\"SiteA\",\"service\":\"sip-server\",\"member\":\"primary\"}"), "inputs");
            });

            harness.Run("engine: poll_timeout says now while outputs wait, then the next deadline, null when idle", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    Assert.Equal((long?)null, engine.PollTimeout(), "an idle engine has no deadline");
                    Assert.Equal(Handled.Applied, engine.Handle(Input.Start(), 1000), "start");
                    Assert.Equal((long?)1000, engine.PollTimeout(), "outputs waiting: now");
                    Assert.Equal(3, engine.Drain().Count, "connect, register_endpoint, phase_changed");
                    Assert.Equal((long?)31000, engine.PollTimeout(), "the endpoint deadline, W = 30 s after start");
                    Assert.True(engine.PollOutput() == null, "nothing more waiting");
                    Assert.Equal(1000L, engine.Now, "Now");
                }
            });

            harness.Run("engine: the status is typed", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    var idle = engine.Status();
                    Assert.Equal(Phase.Idle, idle.Phase, "idle");
                    Assert.True(idle.Site == null && idle.Role == null && idle.Pending == null && idle.NextTimer == null, "nothing yet");
                    var inputs = Outage.Inputs();
                    Outage.Run(engine, inputs.GetRange(0, 8), 800);
                    var active = engine.Status();
                    Assert.Equal(Phase.Active, active.Phase, "active");
                    Assert.Equal("SiteA", active.Site, "site");
                    Assert.Equal((Role?)Role.Preferred, active.Role, "role");
                    Assert.Equal((long?)0, active.ConnectedSince, "connected since");
                    Assert.True(active.EndpointRegistered, "registered");
                    Assert.Equal(3, active.Services.Count, "three services");
                    Assert.Equal(Service.SipServer, active.Services[0].Service, "SIP Server first");
                    Assert.Equal(LinkState.Up, active.Services[0].Backup, "backup up");
                    Assert.True(active.Services[2].Up && active.Services[2].Trigger, "config server up, a trigger");
                    Assert.Equal(active.Json, engine.StatusJson(), "Json is the library's");
                    Assert.Equal(active.Json, active.ToString(), "ToString is the JSON");

                    Assert.Equal(Handled.Duplicate, engine.Handle(Input.LinkUp("SiteA", Service.SipServer, Member.Primary), 900), "a duplicate");
                    Assert.Equal(Handled.Unknown, engine.Handle(Input.EndpointRegistered("SiteZ"), 900), "an unknown site");
                    Assert.Equal(Handled.OutOfPhase, engine.Handle(Input.ProbeResult("SiteB", true), 900), "a probe result nobody asked for");
                    Outage.Run(engine, inputs.GetRange(8, 2), 12000);
                    var losing = engine.Status();
                    Assert.Equal(1L, losing.Ignored.Duplicate, "ignored duplicates");
                    Assert.Equal(1L, losing.Ignored.Unknown, "ignored unknowns");
                    Assert.Equal(1L, losing.Ignored.OutOfPhase, "ignored out of phase");
                    Assert.Equal("SiteB", losing.Pending.To, "pending to");
                    Assert.Equal(72000L, losing.Pending.At, "pending at");
                    Assert.Equal(Reason.SiteTimeout, losing.Pending.Reason, "pending reason");
                    Assert.Equal(72000L, losing.NextTimer.At, "next timer at");
                    Assert.Equal(TimerKind.SiteTimeout, losing.NextTimer.Timer, "next timer");
                    Assert.Equal(LinkState.Down, losing.Services[0].Primary, "SIP Server primary down");
                    Assert.True(!losing.Services[0].Up, "SIP Server down");
                }
            });

            harness.Run("engine: text crosses the boundary as UTF-8 both ways", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    Outage.Run(engine, Outage.Inputs().GetRange(0, 8), 800);
                    var id = "appel-\u00e9\u00e8-\u6771\u4eac-\U0001F4DE-\"quoted\"-\\-\n-\u0001";
                    Assert.Equal(Handled.Applied, engine.Handle(Input.InteractionStarted(id), 900), "interaction started");
                    Assert.Equal(id, engine.Status().Interactions[0], "the id reads back exactly");
                    Assert.Equal(Handled.Applied, engine.Handle(Input.InteractionEnded(id), 950), "interaction ended");
                    Assert.Equal(0, engine.Status().Interactions.Count, "no interaction left");
                }
            });

            harness.Run("engine: validation reports typed diagnostics", () =>
            {
                var broken = Engine.Validate(Repo.Read("examples/bundles/broken-workspace.json"));
                Assert.True(!broken.IsValid, "the broken bundle is not valid");
                Assert.Equal(2, broken.Errors, "errors");
                Assert.Equal(2, broken.Warnings, "warnings");
                Assert.Equal(4, broken.Diagnostics.Count, "diagnostics");
                var first = broken.Diagnostics[0];
                Assert.Equal(Severity.Error, first.Severity, "severity");
                Assert.Equal("peer-site-missing", first.Code, "code");
                Assert.Equal("application WDE", first.Object, "object");
                Assert.Equal("interaction-workspace", first.Section, "section");
                Assert.Equal("disaster-recovery.peer-site", first.Option, "option");
                Assert.StartsWith("Business Continuity is enabled but no peer site is set", first.Message, "message");
                Assert.StartsWith("error[peer-site-missing] application WDE [interaction-workspace] disaster-recovery.peer-site: ",
                    first.ToString(), "ToString");
                Assert.True(broken.Diagnostics[1].Option == null, "places-differ names no option");
                Assert.Equal(Severity.Warning, broken.Diagnostics[3].Severity, "a warning");
                Assert.True(broken.PolicyJson == null, "no policy");

                var valid = Engine.Validate(Repo.Workspace);
                Assert.True(valid.IsValid && !valid.IsBootstrap, "the workspace bundle is valid");
                Assert.Contains("\"preferred\": \"SiteA\"", valid.PolicyJson, "the policy");
                Assert.StartsWith("{\n  \"bootstrap\": false,", valid.Json, "the report's JSON");
            });

            harness.Run("engine: option exports are resolved from text the host reads", () =>
            {
                var bundle = Repo.Read("tests/scenarios/bundles/two-site-cfg-export.json");
                var export = System.IO.File.ReadAllBytes(System.IO.Path.Combine(Repo.Root, "tests/scenarios/bundles/exports/agent1.cfg"));
                var text = new System.Text.UTF8Encoding(false).GetString(export);
                var refused = Assert.Refused(ContinuityCode.InvalidBundle, "continuity_engine_new: ", () => new Engine(bundle, 0).Dispose(),
                    "an engine from a bundle with an unresolved options_file");
                Assert.Contains("options_file", refused.Message, "the message names options_file");
                var missing = Assert.Refused(ContinuityCode.InvalidBundle, "continuity_resolve_option_files: ",
                    () => Engine.ResolveOptionFiles(bundle, new KeyValuePair<string, string>[0]), "a missing export");
                Assert.Contains("exports/agent1.cfg", missing.Message, "the message names the file");

                var resolved = Engine.ResolveOptionFiles(bundle, new[] { new KeyValuePair<string, string>("exports/agent1.cfg", text) });
                Assert.True(resolved.BundleJson.IndexOf("options_file", StringComparison.Ordinal) < 0, "no options_file left");
                Assert.Equal(0, resolved.Warnings.Count, "no warnings");
                var policy = Engine.Validate(resolved.BundleJson).PolicyJson;
                Assert.Contains("\"site_timeout\": 20000", policy, "the export's 20 s timeout is in force");
                using (var engine = new Engine(resolved.BundleJson, 0))
                {
                    Assert.Equal(Handled.Applied, engine.Handle(Input.Start(), 0), "the resolved bundle runs");
                }
            });

            harness.Run("engine: a configuration that does not validate comes out as a typed config_error", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    Outage.Run(engine, Outage.Inputs().GetRange(0, 8), 800);
                    engine.Handle(Input.ConfigLoaded(Repo.Read("examples/bundles/broken-workspace.json")), 1000);
                    var emitted = engine.Drain();
                    Assert.Equal(1, emitted.Count, "one output");
                    var error = emitted[0].Output as Output.ConfigError;
                    Assert.True(error != null, "a ConfigError: " + emitted[0].Output.Json);
                    Assert.Equal(4, error.Diagnostics.Count, "its errors and warnings");
                    Assert.Equal("peer-site-missing", error.Diagnostics[0].Code, "the first");
                    Assert.Equal(Severity.Warning, error.Diagnostics[3].Severity, "warnings last");
                    Assert.Equal(error.Json, error.Encode(), "read whole");
                    Assert.Equal(Phase.Active, engine.Status().Phase, "the last valid configuration stays in force");
                }
            });

            harness.Run("engine: an output type from a newer library comes out as Output.Unknown", () =>
            {
                var json = "{\"type\": \"teleported\", \"site\": \"SiteC\", \"how\": [1, 2]}";
                var unknown = Output.Parse(json) as Output.Unknown;
                Assert.True(unknown != null, "an Unknown");
                Assert.Equal("teleported", unknown.Type, "its type");
                Assert.Equal(OutputKind.Unknown, unknown.Kind, "its kind");
                Assert.Equal(json, unknown.Json, "its JSON, whole");
                Assert.True(!unknown.IsCommand, "not a command the host could carry out");
                var newReason = Output.Parse("{\"type\": \"switched\", \"from\": \"A\", \"to\": \"B\", \"reason\": \"solar-flare\"}");
                Assert.Equal(OutputKind.Unknown, newReason.Kind, "a known type with a value this binding does not know");
                Assert.Equal("switched", newReason.Type, "keeps its type");
                Assert.Equal("", Output.Parse("[]").Type, "JSON that is not an output");
                var extra = Output.Parse("{\"type\": \"connect\", \"site\": \"SiteA\", \"since\": 5}") as Output.Connect;
                Assert.True(extra != null && extra.Site == "SiteA", "a new field in a known type is ignored");
            });

            harness.Run("engine: inputs are written in the wire form", () =>
            {
                Assert.Equal("{\"type\":\"start\"}", Input.Start().Json, "start");
                Assert.Equal("{\"type\":\"link_down\",\"site\":\"SiteA\",\"service\":\"config-server\",\"member\":\"backup\"}",
                    Input.LinkDown("SiteA", Service.ConfigServer, Member.Backup).Json, "link_down");
                Assert.Equal("{\"type\":\"probe_result\",\"site\":\"S\\\"\",\"ok\":false}", Input.ProbeResult("S\"", false).Json, "probe_result");
                Assert.Equal("{\"type\":\"config_loaded\",\"bundle\":{\"version\": 1}}", Input.ConfigLoaded(" {\"version\": 1}\n").Json, "config_loaded");
                Assert.Equal("{\"type\":\"switch_requested\",\"site\":\"SiteB\"}", Input.SwitchRequested("SiteB").ToString(), "switch_requested");
                foreach (var input in new[]
                {
                    Input.Start(), Input.Resumed(), Input.Stop(), Input.LinkUp("SiteA", Service.StatServer, Member.Primary),
                    Input.EndpointUnregistered("SiteA"), Input.InteractionStarted("1"), Input.InteractionEnded("1"),
                })
                {
                    using (var engine = new Engine(Repo.Workspace, 1))
                    {
                        engine.Handle(input, 0);
                    }
                }
                Assert.Throws<ArgumentOutOfRangeException>(() => Input.LinkUp("SiteA", (Service)9, Member.Primary), "a service out of range");
            });
        }
    }
}
