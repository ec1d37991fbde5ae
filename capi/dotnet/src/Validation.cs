// Diagnostics, validation reports and resolved bundles: what the library
// says about a configuration.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Continuity
{
    /// <summary>One finding about a configuration: what is wrong, where, and how to fix it.</summary>
    public sealed class Diagnostic : IEquatable<Diagnostic>
    {
        private readonly Severity severity;
        private readonly string code;
        private readonly string obj;
        private readonly string section;
        private readonly string option;
        private readonly string message;

        internal Diagnostic(Severity severity, string code, string obj, string section, string option, string message)
        {
            this.severity = severity;
            this.code = code;
            this.obj = obj;
            this.section = section;
            this.option = option;
            this.message = message;
        }

        /// <summary>Error or warning.</summary>
        public Severity Severity { get { return severity; } }

        /// <summary>A stable code, as in <c>peer-site-missing</c>.</summary>
        public string Code { get { return code; } }

        /// <summary>The configuration object it is about, as in <c>person agent1</c>, or null.</summary>
        public string Object { get { return obj; } }

        /// <summary>The option section, as in <c>interaction-workspace</c>, or null.</summary>
        public string Section { get { return section; } }

        /// <summary>The option, as in <c>disaster-recovery.timeout</c>, or null.</summary>
        public string Option { get { return option; } }

        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get { return message; } }

        /// <summary>The diagnostic as <c>continuity validate</c> prints it: <c>error[code] object [section] option: message</c>.</summary>
        public override string ToString()
        {
            var where = "";
            if (obj != null)
            {
                where += " " + obj;
            }
            if (section != null)
            {
                where += " [" + section + "]";
            }
            if (option != null)
            {
                where += " " + option;
            }
            return Wire.Name(severity) + "[" + code + "]" + where + ": " + message;
        }

        /// <summary>Whether <paramref name="other"/> says the same thing about the same place.</summary>
        public bool Equals(Diagnostic other)
        {
            return other != null && other.severity == severity && other.code == code && other.obj == obj &&
                other.section == section && other.option == option && other.message == message;
        }

        /// <summary>Whether <paramref name="obj"/> says the same thing about the same place.</summary>
        public override bool Equals(object obj)
        {
            return Equals(obj as Diagnostic);
        }

        /// <summary>A hash of the code and the message.</summary>
        public override int GetHashCode()
        {
            return StringComparer.Ordinal.GetHashCode(code) ^ StringComparer.Ordinal.GetHashCode(message);
        }

        /// <summary>The diagnostic as a trace writes it (members in this order, spaced).</summary>
        internal string Encode()
        {
            return new JsonWriter(true).String("severity", Wire.Name(severity)).String("code", code)
                .String("object", obj).String("section", section).String("option", option)
                .String("message", message).Finish();
        }

        internal static Diagnostic Parse(JsonValue value)
        {
            return new Diagnostic(Wire.ParseSeverity(value.Required("severity")), value.Required("code").AsString(),
                OptionalString(value, "object"), OptionalString(value, "section"), OptionalString(value, "option"),
                value.Required("message").AsString());
        }

        internal static List<Diagnostic> ParseList(JsonValue array)
        {
            var list = new List<Diagnostic>();
            if (array.Kind != JsonKind.Array)
            {
                throw new JsonFormatException("expected an array of diagnostics");
            }
            foreach (var item in array.Items)
            {
                list.Add(Parse(item));
            }
            return list;
        }

        private static string OptionalString(JsonValue value, string key)
        {
            var member = value.Get(key);
            return member == null ? null : member.AsStringOrNull();
        }
    }

    /// <summary>
    /// What <see cref="Engine.Validate"/> found: the report
    /// <c>continuity validate --format json</c> prints, less its file name.
    /// </summary>
    public sealed class ValidationReport
    {
        private readonly ReadOnlyCollection<Diagnostic> diagnostics;

        internal ValidationReport(string json)
        {
            Json = json;
            var root = JsonReader.Parse(json);
            IsValid = root.Required("valid").AsBool();
            IsBootstrap = root.Required("bootstrap").AsBool();
            Errors = (int)Math.Min(int.MaxValue, root.Required("errors").AsNonNegativeInt64());
            Warnings = (int)Math.Min(int.MaxValue, root.Required("warnings").AsNonNegativeInt64());
            diagnostics = new ReadOnlyCollection<Diagnostic>(Diagnostic.ParseList(root.Required("diagnostics")));
            var policy = root.Required("policy");
            PolicyJson = policy.Kind == JsonKind.Null ? null : policy.Raw;
        }

        /// <summary>Whether the bundle can be used: no error (warnings allowed).</summary>
        public bool IsValid { get; private set; }

        /// <summary>Whether the bundle holds only its <c>local</c> section, so an engine made from it bootstraps.</summary>
        public bool IsBootstrap { get; private set; }

        /// <summary>How many diagnostics are errors.</summary>
        public int Errors { get; private set; }

        /// <summary>How many diagnostics are warnings.</summary>
        public int Warnings { get; private set; }

        /// <summary>Every finding, errors first.</summary>
        public ReadOnlyCollection<Diagnostic> Diagnostics { get { return diagnostics; } }

        /// <summary>The resolved policy (preferred and peer site, timings in ms, triggers) as JSON, or null when the bundle is not valid.</summary>
        public string PolicyJson { get; private set; }

        /// <summary>The whole report as the library wrote it (indented JSON).</summary>
        public string Json { get; private set; }
    }

    /// <summary>
    /// A bundle whose <c>options_file</c>s were replaced by the options of
    /// the exports they name (<see cref="Engine.ResolveOptionFiles"/>).
    /// </summary>
    public sealed class ResolvedBundle
    {
        private readonly ReadOnlyCollection<Diagnostic> warnings;

        internal ResolvedBundle(string json)
        {
            var root = JsonReader.Parse(json);
            BundleJson = root.Required("bundle").Raw;
            warnings = new ReadOnlyCollection<Diagnostic>(Diagnostic.ParseList(root.Required("warnings")));
        }

        /// <summary>The bundle, with every option inline: what <see cref="Engine"/>'s constructor takes.</summary>
        public string BundleJson { get; private set; }

        /// <summary>What the exports' parser warned about, each naming its object and file.</summary>
        public ReadOnlyCollection<Diagnostic> Warnings { get { return warnings; } }
    }
}
