// The engine's outputs as typed classes: commands the host carries out and
// notices for the UI and logs. Each keeps the JSON exactly as the library
// wrote it, so a host can log the very trace line `continuity simulate`
// prints.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;

namespace Continuity
{
    /// <summary>Every type of output, for a <c>switch</c> on <see cref="Output.Kind"/>.</summary>
    public enum OutputKind
    {
        /// <summary>An output type this binding does not know (a newer library): <see cref="Output.Unknown"/>.</summary>
        Unknown,
        /// <summary><see cref="Output.ConnectConfigServer"/> (<c>connect_config_server</c>).</summary>
        ConnectConfigServer,
        /// <summary><see cref="Output.Connect"/> (<c>connect</c>).</summary>
        Connect,
        /// <summary><see cref="Output.Disconnect"/> (<c>disconnect</c>).</summary>
        Disconnect,
        /// <summary><see cref="Output.RegisterEndpoint"/> (<c>register_endpoint</c>).</summary>
        RegisterEndpoint,
        /// <summary><see cref="Output.UnregisterEndpoint"/> (<c>unregister_endpoint</c>).</summary>
        UnregisterEndpoint,
        /// <summary><see cref="Output.Probe"/> (<c>probe</c>).</summary>
        Probe,
        /// <summary><see cref="Output.Recheck"/> (<c>recheck</c>).</summary>
        Recheck,
        /// <summary><see cref="Output.PhaseChanged"/> (<c>phase_changed</c>).</summary>
        PhaseChanged,
        /// <summary><see cref="Output.SwitchoverPending"/> (<c>switchover_pending</c>).</summary>
        SwitchoverPending,
        /// <summary><see cref="Output.SwitchoverCancelled"/> (<c>switchover_cancelled</c>).</summary>
        SwitchoverCancelled,
        /// <summary><see cref="Output.Switched"/> (<c>switched</c>).</summary>
        Switched,
        /// <summary><see cref="Output.AllSitesDown"/> (<c>all_sites_down</c>).</summary>
        AllSitesDown,
        /// <summary><see cref="Output.ConfigError"/> (<c>config_error</c>).</summary>
        ConfigError,
    }

    /// <summary>
    /// One output of the engine: a <see cref="Command"/> the host must carry
    /// out, or a notice for the UI and logs. Test for a type with
    /// <c>as</c> (<c>var switched = output as Output.Switched</c>) or
    /// switch on <see cref="Kind"/>.
    /// </summary>
    /// <remarks>
    /// Outputs are immutable and compare by value. An output type this
    /// binding does not know, from a newer library, comes out as
    /// <see cref="Unknown"/> with its JSON: never an exception.
    /// </remarks>
    public abstract class Output : IEquatable<Output>
    {
        private readonly string json;

        private Output(string json)
        {
            this.json = json;
        }

        /// <summary>The output's type as the JSON names it, as in <c>switched</c>.</summary>
        public abstract string Type { get; }

        /// <summary>The output's type, for a <c>switch</c>.</summary>
        public abstract OutputKind Kind { get; }

        /// <summary>Whether the host must act on this output (a <see cref="Command"/>), as opposed to a notice.</summary>
        public bool IsCommand
        {
            get { return this is Command; }
        }

        /// <summary>
        /// The output's JSON exactly as the library wrote it (<c>", "</c> and
        /// <c>": "</c> separators): the <c>output</c> of a trace line.
        /// </summary>
        public string Json
        {
            get { return json; }
        }

        /// <summary>The output's JSON, as <see cref="Json"/>.</summary>
        public override string ToString()
        {
            return json;
        }

        /// <summary>Whether <paramref name="other"/> is the same output.</summary>
        public bool Equals(Output other)
        {
            return other != null && other.GetType() == GetType() && other.json == json;
        }

        /// <summary>Whether <paramref name="obj"/> is the same output.</summary>
        public override bool Equals(object obj)
        {
            return Equals(obj as Output);
        }

        /// <summary>A hash of the output's JSON.</summary>
        public override int GetHashCode()
        {
            return StringComparer.Ordinal.GetHashCode(json);
        }

        /// <summary>
        /// The output written again from its typed fields, as the library
        /// writes it: equal to <see cref="Json"/> when the binding read every
        /// field (the scenario replay checks this for the whole corpus).
        /// </summary>
        internal string Encode()
        {
            var writer = new JsonWriter(true).String("type", Type);
            if (!WriteFields(writer))
            {
                return json;
            }
            return writer.Finish();
        }

        /// <summary>Writes the fields after <c>type</c>; false when the output has no typed fields to write.</summary>
        internal abstract bool WriteFields(JsonWriter writer);

        /// <summary>
        /// Reads an output the library wrote; anything this binding cannot
        /// read fully becomes <see cref="Unknown"/>.
        /// </summary>
        internal static Output Parse(string json)
        {
            string type = null;
            try
            {
                var root = JsonReader.Parse(json);
                type = root.Required("type").AsString();
                switch (type)
                {
                    case "connect_config_server":
                        return new ConnectConfigServer(json, SiteOf(root), Wire.ParseMember(root.Required("member")));
                    case "connect":
                        return new Connect(json, SiteOf(root));
                    case "disconnect":
                        return new Disconnect(json, SiteOf(root));
                    case "register_endpoint":
                        return new RegisterEndpoint(json, SiteOf(root));
                    case "unregister_endpoint":
                        return new UnregisterEndpoint(json, SiteOf(root));
                    case "probe":
                        return new Probe(json, SiteOf(root));
                    case "recheck":
                        return new Recheck(json, SiteOf(root));
                    case "phase_changed":
                        return new PhaseChanged(json, Wire.ParsePhase(root.Required("phase")),
                            root.Required("site").AsStringOrNull(), Wire.ParseRoleOrNull(root.Required("role")));
                    case "switchover_pending":
                        return new SwitchoverPending(json, root.Required("from").AsString(), root.Required("to").AsString(),
                            Wire.ParseReason(root.Required("reason")), root.Required("at").AsNonNegativeInt64());
                    case "switchover_cancelled":
                        return new SwitchoverCancelled(json, root.Required("to").AsString(),
                            Wire.ParseReason(root.Required("reason")));
                    case "switched":
                        return new Switched(json, root.Required("from").AsString(), root.Required("to").AsString(),
                            Wire.ParseReason(root.Required("reason")));
                    case "all_sites_down":
                        return new AllSitesDown(json, root.Required("retry_at").AsNonNegativeInt64());
                    case "config_error":
                        return new ConfigError(json, Diagnostic.ParseList(root.Required("diagnostics")));
                    default:
                        return new Unknown(json, type);
                }
            }
            catch (JsonFormatException)
            {
                return new Unknown(json, type);
            }
        }

        private static string SiteOf(JsonValue root)
        {
            return root.Required("site").AsString();
        }

        /// <summary>A command: something the host must do at a site.</summary>
        public abstract class Command : Output
        {
            private readonly string site;

            internal Command(string json, string site) : base(json)
            {
                this.site = site;
            }

            /// <summary>The site the command is about.</summary>
            public string Site
            {
                get { return site; }
            }

            internal override bool WriteFields(JsonWriter writer)
            {
                writer.String("site", site);
                return true;
            }
        }

        /// <summary>
        /// Bootstrap: connect to one member of a site's Configuration Server
        /// Proxy pair, to load the configuration (<c>connect_config_server</c>).
        /// </summary>
        public sealed class ConnectConfigServer : Command
        {
            private readonly Member member;

            internal ConnectConfigServer(string json, string site, Member member) : base(json, site)
            {
                this.member = member;
            }

            /// <inheritdoc/>
            public override string Type { get { return "connect_config_server"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.ConnectConfigServer; } }

            /// <summary>Which member of the pair.</summary>
            public Member Member { get { return member; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                base.WriteFields(writer);
                writer.String("member", Wire.Name(member));
                return true;
            }
        }

        /// <summary>Connect the desktop to every service of a site (<c>connect</c>).</summary>
        public sealed class Connect : Command
        {
            internal Connect(string json, string site) : base(json, site)
            {
            }

            /// <inheritdoc/>
            public override string Type { get { return "connect"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.Connect; } }
        }

        /// <summary>Close every connection to a site (<c>disconnect</c>).</summary>
        public sealed class Disconnect : Command
        {
            internal Disconnect(string json, string site) : base(json, site)
            {
            }

            /// <inheritdoc/>
            public override string Type { get { return "disconnect"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.Disconnect; } }
        }

        /// <summary>Register the SIP endpoint at a site (<c>register_endpoint</c>).</summary>
        public sealed class RegisterEndpoint : Command
        {
            internal RegisterEndpoint(string json, string site) : base(json, site)
            {
            }

            /// <inheritdoc/>
            public override string Type { get { return "register_endpoint"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.RegisterEndpoint; } }
        }

        /// <summary>Unregister the SIP endpoint from a site (<c>unregister_endpoint</c>).</summary>
        public sealed class UnregisterEndpoint : Command
        {
            internal UnregisterEndpoint(string json, string site) : base(json, site)
            {
            }

            /// <inheritdoc/>
            public override string Type { get { return "unregister_endpoint"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.UnregisterEndpoint; } }
        }

        /// <summary>
        /// Check whether a site is healthy, and answer with a
        /// <c>probe_result</c> input (<c>probe</c>).
        /// </summary>
        public sealed class Probe : Command
        {
            internal Probe(string json, string site) : base(json, site)
            {
            }

            /// <inheritdoc/>
            public override string Type { get { return "probe"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.Probe; } }
        }

        /// <summary>
        /// The host was frozen: verify the connections to a site and report
        /// what changed (<c>recheck</c>).
        /// </summary>
        public sealed class Recheck : Command
        {
            internal Recheck(string json, string site) : base(json, site)
            {
            }

            /// <inheritdoc/>
            public override string Type { get { return "recheck"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.Recheck; } }
        }

        /// <summary>The phase changed (<c>phase_changed</c>).</summary>
        public sealed class PhaseChanged : Output
        {
            private readonly Phase phase;
            private readonly string site;
            private readonly Role? role;

            internal PhaseChanged(string json, Phase phase, string site, Role? role) : base(json)
            {
                this.phase = phase;
                this.site = site;
                this.role = role;
            }

            /// <inheritdoc/>
            public override string Type { get { return "phase_changed"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.PhaseChanged; } }

            /// <summary>The new phase.</summary>
            public Phase Phase { get { return phase; } }

            /// <summary>The site the desktop is on, or null when it is on none.</summary>
            public string Site { get { return site; } }

            /// <summary>That site's role, or null when the desktop is on no site.</summary>
            public Role? Role { get { return role; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                writer.String("phase", Wire.Name(phase)).String("site", site)
                    .String("role", role.HasValue ? Wire.Name(role.Value) : null);
                return true;
            }
        }

        /// <summary>
        /// A switch is scheduled: unless something changes, the desktop
        /// switches at <see cref="At"/> (<c>switchover_pending</c>).
        /// </summary>
        public sealed class SwitchoverPending : Output
        {
            private readonly string from;
            private readonly string to;
            private readonly Reason reason;
            private readonly long at;

            internal SwitchoverPending(string json, string from, string to, Reason reason, long at) : base(json)
            {
                this.from = from;
                this.to = to;
                this.reason = reason;
                this.at = at;
            }

            /// <inheritdoc/>
            public override string Type { get { return "switchover_pending"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.SwitchoverPending; } }

            /// <summary>The site the desktop is on.</summary>
            public string From { get { return from; } }

            /// <summary>The site it will switch to.</summary>
            public string To { get { return to; } }

            /// <summary>Why.</summary>
            public Reason Reason { get { return reason; } }

            /// <summary>When, in engine milliseconds, unless cancelled first.</summary>
            public long At { get { return at; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                writer.String("from", from).String("to", to).String("reason", Wire.Name(reason)).Number("at", at);
                return true;
            }
        }

        /// <summary>A scheduled switch will not happen (<c>switchover_cancelled</c>).</summary>
        public sealed class SwitchoverCancelled : Output
        {
            private readonly string to;
            private readonly Reason reason;

            internal SwitchoverCancelled(string json, string to, Reason reason) : base(json)
            {
                this.to = to;
                this.reason = reason;
            }

            /// <inheritdoc/>
            public override string Type { get { return "switchover_cancelled"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.SwitchoverCancelled; } }

            /// <summary>The site it would have switched to.</summary>
            public string To { get { return to; } }

            /// <summary>The reason it was scheduled for.</summary>
            public Reason Reason { get { return reason; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                writer.String("to", to).String("reason", Wire.Name(reason));
                return true;
            }
        }

        /// <summary>The desktop switched sites (<c>switched</c>).</summary>
        public sealed class Switched : Output
        {
            private readonly string from;
            private readonly string to;
            private readonly Reason reason;

            internal Switched(string json, string from, string to, Reason reason) : base(json)
            {
                this.from = from;
                this.to = to;
                this.reason = reason;
            }

            /// <inheritdoc/>
            public override string Type { get { return "switched"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.Switched; } }

            /// <summary>The site it left.</summary>
            public string From { get { return from; } }

            /// <summary>The site it is connecting to.</summary>
            public string To { get { return to; } }

            /// <summary>Why.</summary>
            public Reason Reason { get { return reason; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                writer.String("from", from).String("to", to).String("reason", Wire.Name(reason));
                return true;
            }
        }

        /// <summary>
        /// Neither site could be reached; the next attempt starts at
        /// <see cref="RetryAt"/> (<c>all_sites_down</c>).
        /// </summary>
        public sealed class AllSitesDown : Output
        {
            private readonly long retryAt;

            internal AllSitesDown(string json, long retryAt) : base(json)
            {
                this.retryAt = retryAt;
            }

            /// <inheritdoc/>
            public override string Type { get { return "all_sites_down"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.AllSitesDown; } }

            /// <summary>When the next connection attempt starts, in engine milliseconds.</summary>
            public long RetryAt { get { return retryAt; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                writer.Number("retry_at", retryAt);
                return true;
            }
        }

        /// <summary>
        /// A configuration did not validate (<c>config_error</c>): at
        /// bootstrap the engine stops; after a reconfiguration the last valid
        /// configuration stays in force.
        /// </summary>
        public sealed class ConfigError : Output
        {
            private readonly ReadOnlyCollection<Diagnostic> diagnostics;

            internal ConfigError(string json, IList<Diagnostic> diagnostics) : base(json)
            {
                this.diagnostics = new ReadOnlyCollection<Diagnostic>(diagnostics);
            }

            /// <inheritdoc/>
            public override string Type { get { return "config_error"; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.ConfigError; } }

            /// <summary>What is wrong, and how to fix it.</summary>
            public ReadOnlyCollection<Diagnostic> Diagnostics { get { return diagnostics; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                var items = new List<string>();
                foreach (var diagnostic in diagnostics)
                {
                    items.Add(diagnostic.Encode());
                }
                writer.Raw("diagnostics", "[" + string.Join(", ", items) + "]");
                return true;
            }
        }

        /// <summary>
        /// An output this binding does not know, from a newer library (or
        /// one it could not read): its <see cref="Output.Json"/> is all
        /// there is. Log it; a host that does not know it cannot act on it.
        /// </summary>
        public sealed class Unknown : Output
        {
            private readonly string type;

            internal Unknown(string json, string type) : base(json)
            {
                this.type = type ?? "";
            }

            /// <summary>The output's type as the JSON names it, or an empty string when it names none.</summary>
            public override string Type { get { return type; } }

            /// <inheritdoc/>
            public override OutputKind Kind { get { return OutputKind.Unknown; } }

            internal override bool WriteFields(JsonWriter writer)
            {
                return false;
            }
        }
    }

    /// <summary>An output with the engine time it was decided at: one line of a trace.</summary>
    public sealed class Emitted : IEquatable<Emitted>
    {
        private readonly long at;
        private readonly Output output;

        internal Emitted(long at, Output output)
        {
            this.at = at;
            this.output = output;
        }

        /// <summary>
        /// The engine time, in milliseconds, the output was decided at: the
        /// time of the call that caused it, or a late deadline's own time.
        /// </summary>
        public long At { get { return at; } }

        /// <summary>The output.</summary>
        public Output Output { get { return output; } }

        /// <summary>
        /// The trace line, without its newline:
        /// <c>{"at": 72000, "output": {"type": "switched", …}}</c>, the bytes
        /// <c>continuity simulate</c> prints.
        /// </summary>
        public override string ToString()
        {
            return "{\"at\": " + at.ToString(CultureInfo.InvariantCulture) + ", \"output\": " + output.Json + "}";
        }

        /// <summary>Whether <paramref name="other"/> is the same output at the same time.</summary>
        public bool Equals(Emitted other)
        {
            return other != null && other.at == at && other.output.Equals(output);
        }

        /// <summary>Whether <paramref name="obj"/> is the same output at the same time.</summary>
        public override bool Equals(object obj)
        {
            return Equals(obj as Emitted);
        }

        /// <summary>A hash of the time and the output.</summary>
        public override int GetHashCode()
        {
            return unchecked(at.GetHashCode() * 31 + output.GetHashCode());
        }
    }
}
