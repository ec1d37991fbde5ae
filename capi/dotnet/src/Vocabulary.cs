// The engine's vocabulary as .NET enums, and their wire names (the snake_case
// or kebab-case strings of the JSON, the same in Rust, JavaScript and C).

using System;

namespace Continuity
{
    /// <summary>What the engine is doing, as shown to the user.</summary>
    public enum Phase
    {
        /// <summary>Constructed, not started (<c>idle</c>).</summary>
        Idle,
        /// <summary>Looking for a Configuration Server Proxy with only the local configuration (<c>bootstrapping</c>).</summary>
        Bootstrapping,
        /// <summary>Connecting to a site; not all of its trigger services are up yet (<c>connecting</c>).</summary>
        Connecting,
        /// <summary>Connected to a site whose trigger services have all been up (<c>active</c>).</summary>
        Active,
        /// <summary>Both sites failed in a row; retrying with backoff and probing (<c>all_sites_down</c>).</summary>
        AllSitesDown,
        /// <summary>Stopped for good, by <c>stop</c> or by a configuration error at bootstrap (<c>stopped</c>).</summary>
        Stopped,
    }

    /// <summary>The role a site plays for this agent.</summary>
    public enum Role
    {
        /// <summary>The agent's preferred site (<c>preferred</c>).</summary>
        Preferred,
        /// <summary>The Business Continuity peer site (<c>peer</c>).</summary>
        Peer,
    }

    /// <summary>Why a switch happens (or was scheduled, or was cancelled).</summary>
    public enum Reason
    {
        /// <summary>The site's trigger services were not all up within the site timeout (<c>site-timeout</c>).</summary>
        SiteTimeout,
        /// <summary>The SIP endpoint was not registered within the wait-for-sipphone timeout (<c>endpoint-timeout</c>).</summary>
        EndpointTimeout,
        /// <summary>The preferred site has been healthy long enough to switch back to it (<c>auto-restore</c>).</summary>
        AutoRestore,
        /// <summary>The host asked for the switch with <c>switch_requested</c> (<c>manual</c>).</summary>
        Manual,
    }

    /// <summary>A service that a site runs as a high-availability pair.</summary>
    public enum Service
    {
        /// <summary>The SIP Server HA pair (<c>sip-server</c>).</summary>
        SipServer,
        /// <summary>The Stat Server HA pair (<c>stat-server</c>).</summary>
        StatServer,
        /// <summary>The Configuration Server (Proxy) HA pair (<c>config-server</c>).</summary>
        ConfigServer,
    }

    /// <summary>A member of a high-availability pair.</summary>
    public enum Member
    {
        /// <summary>The primary server of the pair (<c>primary</c>).</summary>
        Primary,
        /// <summary>The backup server of the pair (<c>backup</c>).</summary>
        Backup,
    }

    /// <summary>The state of one link, as last reported by the host.</summary>
    public enum LinkState
    {
        /// <summary>Nothing reported since the desktop connected to this site (<c>unknown</c>).</summary>
        Unknown,
        /// <summary>Up (<c>up</c>).</summary>
        Up,
        /// <summary>Down (<c>down</c>).</summary>
        Down,
    }

    /// <summary>What the engine's next deadline is for.</summary>
    public enum TimerKind
    {
        /// <summary>Switch away: trigger services not all up within the site timeout (<c>site-timeout</c>).</summary>
        SiteTimeout,
        /// <summary>Switch away: endpoint not registered within the wait-for-sipphone timeout (<c>endpoint-timeout</c>).</summary>
        EndpointTimeout,
        /// <summary>Switch back to the preferred site (<c>restore</c>).</summary>
        Restore,
        /// <summary>The preferred site has answered probes for the whole hold-down (<c>hold-down</c>).</summary>
        HoldDown,
        /// <summary>Probe the preferred site while on the peer (<c>restore-probe</c>).</summary>
        RestoreProbe,
        /// <summary>Next connection attempt while all sites are down (<c>retry</c>).</summary>
        Retry,
        /// <summary>Probe the site(s) not being tried while all sites are down (<c>down-probe</c>).</summary>
        DownProbe,
        /// <summary>Give up on one Configuration Server Proxy at bootstrap, or end a backoff round (<c>bootstrap</c>).</summary>
        Bootstrap,
    }

    /// <summary>How serious a diagnostic is.</summary>
    public enum Severity
    {
        /// <summary>The configuration cannot be used (<c>error</c>).</summary>
        Error,
        /// <summary>The configuration works, but probably not as meant (<c>warning</c>).</summary>
        Warning,
    }

    /// <summary>
    /// What became of an input the engine took: applied, or ignored (it
    /// changed nothing and emitted nothing, and the engine counts it in
    /// <see cref="EngineStatus.Ignored"/>). An input the engine refuses
    /// throws instead.
    /// </summary>
    public enum Handled
    {
        /// <summary>The input changed what the engine knows.</summary>
        Applied = 0,
        /// <summary>Ignored: it repeated what the engine already knew.</summary>
        Duplicate = 1,
        /// <summary>Ignored: it names a site or interaction the engine does not know.</summary>
        Unknown = 2,
        /// <summary>Ignored: it does not apply in the current phase or to the current site.</summary>
        OutOfPhase = 3,
        /// <summary>Refused: the engine is stopped (the call throws <see cref="EngineStoppedException"/>).</summary>
        Refused = 4,
    }

    /// <summary>The wire names of the vocabulary's enums, in declaration order.</summary>
    internal static class Wire
    {
        private static readonly string[] Phases = { "idle", "bootstrapping", "connecting", "active", "all_sites_down", "stopped" };
        private static readonly string[] Roles = { "preferred", "peer" };
        private static readonly string[] Reasons = { "site-timeout", "endpoint-timeout", "auto-restore", "manual" };
        private static readonly string[] Services = { "sip-server", "stat-server", "config-server" };
        private static readonly string[] Members = { "primary", "backup" };
        private static readonly string[] LinkStates = { "unknown", "up", "down" };
        private static readonly string[] TimerKinds =
        {
            "site-timeout", "endpoint-timeout", "restore", "hold-down", "restore-probe", "retry", "down-probe", "bootstrap",
        };
        private static readonly string[] Severities = { "error", "warning" };

        public static string Name(Phase value) { return Names(Phases, (int)value, "phase"); }
        public static string Name(Role value) { return Names(Roles, (int)value, "role"); }
        public static string Name(Reason value) { return Names(Reasons, (int)value, "reason"); }
        public static string Name(Service value) { return Names(Services, (int)value, "service"); }
        public static string Name(Member value) { return Names(Members, (int)value, "member"); }
        public static string Name(Severity value) { return Names(Severities, (int)value, "severity"); }

        public static Phase ParsePhase(JsonValue value) { return (Phase)Index(Phases, value, "phase"); }
        public static Role ParseRole(JsonValue value) { return (Role)Index(Roles, value, "role"); }
        public static Reason ParseReason(JsonValue value) { return (Reason)Index(Reasons, value, "reason"); }
        public static Service ParseService(JsonValue value) { return (Service)Index(Services, value, "service"); }
        public static Member ParseMember(JsonValue value) { return (Member)Index(Members, value, "member"); }
        public static LinkState ParseLinkState(JsonValue value) { return (LinkState)Index(LinkStates, value, "link state"); }
        public static TimerKind ParseTimerKind(JsonValue value) { return (TimerKind)Index(TimerKinds, value, "timer"); }
        public static Severity ParseSeverity(JsonValue value) { return (Severity)Index(Severities, value, "severity"); }

        /// <summary>A role, or null for JSON null.</summary>
        public static Role? ParseRoleOrNull(JsonValue value)
        {
            return value.Kind == JsonKind.Null ? (Role?)null : ParseRole(value);
        }

        private static string Names(string[] names, int index, string what)
        {
            if (index < 0 || index >= names.Length)
            {
                throw new ArgumentOutOfRangeException(what, index, "not a " + what + " of the vocabulary");
            }
            return names[index];
        }

        private static int Index(string[] names, JsonValue value, string what)
        {
            var name = value.AsString();
            var index = Array.IndexOf(names, name);
            if (index < 0)
            {
                throw new JsonFormatException("`" + name + "` is not a " + what + " this binding knows");
            }
            return index;
        }
    }
}
