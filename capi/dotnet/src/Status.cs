// The engine's status() snapshot as typed classes.

using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Continuity
{
    /// <summary>
    /// A snapshot of the engine, for a status banner or a log line:
    /// <see cref="Engine.Status"/>. Immutable.
    /// </summary>
    public sealed class EngineStatus
    {
        private readonly ReadOnlyCollection<ServiceStatus> services;
        private readonly ReadOnlyCollection<string> interactions;

        internal EngineStatus(string json)
        {
            Json = json;
            var root = JsonReader.Parse(json);
            Phase = Wire.ParsePhase(root.Required("phase"));
            Site = root.Required("site").AsStringOrNull();
            Role = Wire.ParseRoleOrNull(root.Required("role"));
            ConnectedSince = root.Required("connected_since").AsNonNegativeInt64OrNull();
            var pending = root.Required("pending");
            if (pending.Kind != JsonKind.Null)
            {
                Pending = new PendingSwitch(pending.Required("to").AsString(), pending.Required("at").AsNonNegativeInt64(),
                    Wire.ParseReason(pending.Required("reason")));
            }
            var list = new List<ServiceStatus>();
            foreach (var item in Items(root.Required("services")))
            {
                list.Add(new ServiceStatus(Wire.ParseService(item.Required("service")),
                    Wire.ParseLinkState(item.Required("primary")), Wire.ParseLinkState(item.Required("backup")),
                    item.Required("up").AsBool(), item.Required("trigger").AsBool()));
            }
            services = new ReadOnlyCollection<ServiceStatus>(list);
            EndpointRegistered = root.Required("endpoint_registered").AsBool();
            var ids = new List<string>();
            foreach (var item in Items(root.Required("interactions")))
            {
                ids.Add(item.AsString());
            }
            interactions = new ReadOnlyCollection<string>(ids);
            Pinned = root.Required("pinned").AsBool();
            var next = root.Required("next_timer");
            if (next.Kind != JsonKind.Null)
            {
                NextTimer = new NextTimer(next.Required("at").AsNonNegativeInt64(), Wire.ParseTimerKind(next.Required("timer")));
            }
            var ignored = root.Required("ignored");
            Ignored = new IgnoredInputs(ignored.Required("duplicate").AsNonNegativeInt64(),
                ignored.Required("unknown").AsNonNegativeInt64(), ignored.Required("out_of_phase").AsNonNegativeInt64());
        }

        /// <summary>The current phase.</summary>
        public Phase Phase { get; private set; }

        /// <summary>The site the desktop is on or connecting to, or null.</summary>
        public string Site { get; private set; }

        /// <summary>That site's role, or null.</summary>
        public Role? Role { get; private set; }

        /// <summary>When the desktop started connecting to that site (engine ms), or null.</summary>
        public long? ConnectedSince { get; private set; }

        /// <summary>The switch that will happen unless something changes, or null.</summary>
        public PendingSwitch Pending { get; private set; }

        /// <summary>Each service's links at the current site (SIP Server, Stat Server, Configuration Server).</summary>
        public ReadOnlyCollection<ServiceStatus> Services { get { return services; } }

        /// <summary>Whether the SIP endpoint is registered at the current site.</summary>
        public bool EndpointRegistered { get; private set; }

        /// <summary>Active interactions, in the order they started.</summary>
        public ReadOnlyCollection<string> Interactions { get { return interactions; } }

        /// <summary>Whether a manual switch pinned the desktop (no auto-restore until the next failure).</summary>
        public bool Pinned { get; private set; }

        /// <summary>The next deadline and what it is for, or null.</summary>
        public NextTimer NextTimer { get; private set; }

        /// <summary>Counters of inputs that changed nothing.</summary>
        public IgnoredInputs Ignored { get; private set; }

        /// <summary>The status as the library wrote it (compact JSON, the bytes of the WebAssembly package's <c>statusJson()</c>).</summary>
        public string Json { get; private set; }

        /// <summary>The status as JSON, as <see cref="Json"/>.</summary>
        public override string ToString()
        {
            return Json;
        }

        private static IList<JsonValue> Items(JsonValue value)
        {
            if (value.Kind != JsonKind.Array)
            {
                throw new JsonFormatException("expected an array");
            }
            return value.Items;
        }
    }

    /// <summary>A scheduled switch.</summary>
    public sealed class PendingSwitch
    {
        internal PendingSwitch(string to, long at, Reason reason)
        {
            To = to;
            At = at;
            Reason = reason;
        }

        /// <summary>The site it switches to.</summary>
        public string To { get; private set; }

        /// <summary>When, in engine ms (for a switchback deferred by an active interaction: when it fell due).</summary>
        public long At { get; private set; }

        /// <summary>Why.</summary>
        public Reason Reason { get; private set; }
    }

    /// <summary>One service's links at the current site.</summary>
    public sealed class ServiceStatus
    {
        internal ServiceStatus(Service service, LinkState primary, LinkState backup, bool up, bool trigger)
        {
            Service = service;
            Primary = primary;
            Backup = backup;
            Up = up;
            Trigger = trigger;
        }

        /// <summary>The service.</summary>
        public Service Service { get; private set; }

        /// <summary>The primary member's link.</summary>
        public LinkState Primary { get; private set; }

        /// <summary>The backup member's link.</summary>
        public LinkState Backup { get; private set; }

        /// <summary>Whether at least one member is up.</summary>
        public bool Up { get; private set; }

        /// <summary>Whether losing this service starts the switchover timer.</summary>
        public bool Trigger { get; private set; }
    }

    /// <summary>The engine's next deadline.</summary>
    public sealed class NextTimer
    {
        internal NextTimer(long at, TimerKind timer)
        {
            At = at;
            Timer = timer;
        }

        /// <summary>When, in engine ms.</summary>
        public long At { get; private set; }

        /// <summary>What for.</summary>
        public TimerKind Timer { get; private set; }
    }

    /// <summary>Counters of inputs that changed nothing and emitted nothing.</summary>
    public sealed class IgnoredInputs
    {
        internal IgnoredInputs(long duplicate, long unknown, long outOfPhase)
        {
            Duplicate = duplicate;
            Unknown = unknown;
            OutOfPhase = outOfPhase;
        }

        /// <summary>Inputs that repeated what the engine already knew.</summary>
        public long Duplicate { get; private set; }

        /// <summary>Inputs naming a site or interaction the engine does not know.</summary>
        public long Unknown { get; private set; }

        /// <summary>Inputs that do not apply in the current phase or to the current site.</summary>
        public long OutOfPhase { get; private set; }
    }
}
