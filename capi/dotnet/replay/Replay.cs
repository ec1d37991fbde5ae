// ContinuityReplay: replays scenarios through the C# binding and writes their
// traces, which must equal the native ones byte for byte.
//
// Usage: mono ContinuityReplay.exe OUT_DIR SCENARIO.json...
//
// For each SCENARIO.json it writes OUT_DIR/SCENARIO.trace.jsonl. It reads a
// scenario as the `continuity` tool does (README, "Scenarios and traces"): a
// `bundle` inline or a `bundle_file` relative to the scenario, each
// `options_file` of the bundle relative to the bundle's file (or to the
// scenario, for an inline bundle), resolved with Engine.ResolveOptionFiles,
// since the library reads no file. It drives the engine exactly as
// capi/examples/run_scenario.c does: before each step every deadline due by
// the step's time fires at its exact time (or at the end of a freeze), and
// after the last step every deadline due by `until`; a stopped engine refuses
// later inputs, which changes nothing, so the run goes on.
//
// Each output is checked on the way: the binding must read it as a known,
// typed output whose fields write back to the library's very JSON.
//
// Exit status: 0 when every scenario ran, 1 otherwise (the reasons on stderr).

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Continuity.Replay
{
    internal static class Program
    {
        private static readonly string[] ScenarioFields = { "description", "bundle", "bundle_file", "seed", "steps", "until" };
        private static readonly string[] StepFields = { "at", "input", "freeze_until", "note" };

        private static int Main(string[] args)
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine("usage: ContinuityReplay.exe OUT_DIR SCENARIO.json...");
                return 2;
            }
            var outDir = args[0];
            Directory.CreateDirectory(outDir);
            var failed = 0;
            for (var i = 1; i < args.Length; i++)
            {
                var path = args[i];
                var name = Path.GetFileNameWithoutExtension(path);
                try
                {
                    var trace = Run(path);
                    File.WriteAllBytes(Path.Combine(outDir, name + ".trace.jsonl"), new UTF8Encoding(false).GetBytes(trace));
                }
                catch (Exception err)
                {
                    failed++;
                    var what = err is ReplayException ? err.Message : err.ToString();
                    Console.Error.WriteLine("ContinuityReplay: scenario `" + name + "`: " + what);
                }
            }
            return failed == 0 ? 0 : 1;
        }

        /// <summary>Runs one scenario file and returns its trace.</summary>
        private static string Run(string path)
        {
            var scenario = Parse(File.ReadAllText(path, Encoding.UTF8), path);
            CheckFields(scenario, ScenarioFields, "the scenario");
            var bundle = scenario.Get("bundle");
            var bundleFile = scenario.Get("bundle_file");
            if ((bundle == null) == (bundleFile == null))
            {
                throw new ReplayException("a scenario needs exactly one of `bundle` and `bundle_file`");
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            string bundleJson;
            JsonValue bundleTree;
            if (bundle != null)
            {
                bundleJson = bundle.Raw;
                bundleTree = bundle;
            }
            else
            {
                var file = Path.Combine(folder, bundleFile.AsString());
                if (file.EndsWith(".toml", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ReplayException(file + ": TOML bundles are not read by this runner (JSON only)");
                }
                bundleJson = File.ReadAllText(file, Encoding.UTF8);
                bundleTree = Parse(bundleJson, file);
                folder = Path.GetDirectoryName(file);
            }
            bundleJson = ResolveOptionFiles(bundleJson, bundleTree, folder);

            var seed = scenario.Get("seed") == null ? 0UL : scenario.Get("seed").AsUInt64();
            var steps = scenario.Required("steps");
            if (steps.Kind != JsonKind.Array)
            {
                throw new ReplayException("`steps` must be an array");
            }
            long last = 0;
            foreach (var step in steps.Items)
            {
                CheckFields(step, StepFields, "a step");
                last = Math.Max(last, step.Required("at").AsNonNegativeInt64());
            }
            var until = scenario.Get("until") == null ? last : scenario.Get("until").AsNonNegativeInt64();

            var trace = new StringBuilder();
            using (var engine = new Engine(bundleJson, seed))
            {
                long frozenUntil = 0;
                foreach (var step in steps.Items)
                {
                    var at = step.Required("at").AsNonNegativeInt64();
                    FireDeadlines(engine, at, frozenUntil, trace);
                    var input = step.Get("input");
                    var freeze = step.Get("freeze_until");
                    if ((input == null) == (freeze == null))
                    {
                        throw new ReplayException("step at " + at + ": a step needs exactly one of `input` or `freeze_until`");
                    }
                    if (freeze != null)
                    {
                        frozenUntil = Math.Max(frozenUntil, freeze.AsNonNegativeInt64());
                        continue;
                    }
                    try
                    {
                        engine.Handle(input.Raw, at);
                    }
                    catch (EngineStoppedException)
                    {
                        // Refused by a stopped engine: it changes nothing, as in the scenario runner.
                    }
                    Drain(engine, trace);
                }
                FireDeadlines(engine, until, frozenUntil, trace);
            }
            return trace.ToString();
        }

        /// <summary>Fires every deadline due by <paramref name="limit"/>, each at its exact time or at the end of a freeze.</summary>
        private static void FireDeadlines(Engine engine, long limit, long frozenUntil, StringBuilder trace)
        {
            for (var deadline = engine.PollTimeout(); deadline.HasValue; deadline = engine.PollTimeout())
            {
                var at = Math.Max(Math.Max(deadline.Value, frozenUntil), engine.Now);
                if (at > limit)
                {
                    return;
                }
                engine.HandleTimeout(at);
                Drain(engine, trace);
                var again = engine.PollTimeout();
                if (again == deadline && deadline.Value <= at)
                {
                    throw new ReplayException("the engine did not move its deadline past " + deadline.Value + " ms (a bug in the engine)");
                }
            }
        }

        /// <summary>Appends every output waiting as a trace line, checking that the binding read it whole.</summary>
        private static void Drain(Engine engine, StringBuilder trace)
        {
            foreach (var emitted in engine.Drain())
            {
                var output = emitted.Output;
                if (output.Kind == OutputKind.Unknown)
                {
                    throw new ReplayException("the binding did not read the output " + output.Json + " (Output.Unknown)");
                }
                var written = output.Encode();
                if (written != output.Json)
                {
                    throw new ReplayException("the binding read the output\n  " + output.Json +
                        "\nas " + output.GetType().Name + ", which writes back as\n  " + written);
                }
                trace.Append(emitted.ToString()).Append('\n');
            }
        }

        /// <summary>The bundle with its option exports inline, read relative to <paramref name="folder"/>.</summary>
        private static string ResolveOptionFiles(string bundleJson, JsonValue bundle, string folder)
        {
            var files = new List<string>();
            CollectOptionFiles(bundle, files);
            if (files.Count == 0)
            {
                return bundleJson;
            }
            var exports = new List<KeyValuePair<string, string>>();
            foreach (var file in files)
            {
                // Decoded as it is, BOM included: the library gets the file's own bytes.
                var text = new UTF8Encoding(false).GetString(File.ReadAllBytes(Path.Combine(folder, file)));
                exports.Add(new KeyValuePair<string, string>(file, text));
            }
            return Engine.ResolveOptionFiles(bundleJson, exports).BundleJson;
        }

        private static void CollectOptionFiles(JsonValue value, List<string> files)
        {
            foreach (var member in value.Members)
            {
                if (member.Key == "options_file" && member.Value.Kind == JsonKind.String)
                {
                    if (!files.Contains(member.Value.AsString()))
                    {
                        files.Add(member.Value.AsString());
                    }
                }
                else
                {
                    CollectOptionFiles(member.Value, files);
                }
            }
            foreach (var item in value.Items)
            {
                CollectOptionFiles(item, files);
            }
        }

        private static void CheckFields(JsonValue value, string[] known, string what)
        {
            if (value.Kind != JsonKind.Object)
            {
                throw new ReplayException(what + " must be an object");
            }
            foreach (var member in value.Members)
            {
                if (Array.IndexOf(known, member.Key) < 0)
                {
                    throw new ReplayException(what + " has an unknown field `" + member.Key + "`; the fields are " +
                        string.Join(", ", known));
                }
            }
        }

        private static JsonValue Parse(string text, string path)
        {
            try
            {
                return JsonReader.Parse(text);
            }
            catch (JsonFormatException err)
            {
                throw new ReplayException(path + ": " + err.Message);
            }
        }
    }

    /// <summary>A scenario this runner cannot run, with the reason.</summary>
    internal sealed class ReplayException : Exception
    {
        public ReplayException(string message) : base(message)
        {
        }
    }
}
