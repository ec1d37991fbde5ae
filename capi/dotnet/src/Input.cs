// The engine's inputs, built as JSON from typed arguments.

using System;

namespace Continuity
{
    /// <summary>
    /// One input for the engine, as its JSON: made by the factory methods
    /// (<c>Input.LinkDown("SiteA", Service.SipServer, Member.Primary)</c>) or
    /// from JSON text with <see cref="FromJson"/>. Immutable; compares by JSON.
    /// </summary>
    public sealed class Input : IEquatable<Input>
    {
        private static readonly Input StartInput = Simple("start");
        private static readonly Input ResumedInput = Simple("resumed");
        private static readonly Input StopInput = Simple("stop");

        private readonly string json;

        private Input(string json)
        {
            this.json = json;
        }

        /// <summary>The input's JSON, as the engine receives it.</summary>
        public string Json
        {
            get { return json; }
        }

        /// <summary>Start: connect to the preferred site, or bootstrap (<c>start</c>).</summary>
        public static Input Start()
        {
            return StartInput;
        }

        /// <summary>The host was frozen (sleep, suspended process) and runs again: recheck before switching (<c>resumed</c>).</summary>
        public static Input Resumed()
        {
            return ResumedInput;
        }

        /// <summary>Stop for good: unregister the endpoint and disconnect (<c>stop</c>).</summary>
        public static Input Stop()
        {
            return StopInput;
        }

        /// <summary>
        /// The configuration read from a Configuration Server, merged over the
        /// local one (<c>config_loaded {bundle}</c>): ends bootstrap, or
        /// replaces the policy.
        /// </summary>
        /// <param name="bundleJson">The bundle, as JSON text (options inline).</param>
        /// <exception cref="ArgumentNullException"><paramref name="bundleJson"/> is null.</exception>
        /// <exception cref="ContinuityException">
        /// <see cref="ContinuityCode.InvalidJson"/>: <paramref name="bundleJson"/> is not one well-formed JSON value.
        /// </exception>
        public static Input ConfigLoaded(string bundleJson)
        {
            if (bundleJson == null)
            {
                throw new ArgumentNullException("bundleJson", "`bundleJson` is null: pass the bundle as JSON text");
            }
            try
            {
                // Checked here so that the bundle cannot close the input's
                // object early, and so that errors point into the bundle.
                JsonReader.Parse(bundleJson);
            }
            catch (JsonFormatException err)
            {
                throw new ContinuityException(ContinuityCode.InvalidJson,
                    "Input.ConfigLoaded: `bundleJson` is not well-formed JSON: " + err.Message);
            }
            return new Input(new JsonWriter(false).String("type", "config_loaded").Raw("bundle", bundleJson.Trim()).Finish());
        }

        /// <summary>The connection to one member of a site's service is up (<c>link_up</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        public static Input LinkUp(string site, Service service, Member member)
        {
            return Link("link_up", site, service, member);
        }

        /// <summary>The connection to one member of a site's service is down (<c>link_down</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        public static Input LinkDown(string site, Service service, Member member)
        {
            return Link("link_down", site, service, member);
        }

        /// <summary>The SIP endpoint registered at a site (<c>endpoint_registered</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        public static Input EndpointRegistered(string site)
        {
            return Named("endpoint_registered", "site", site);
        }

        /// <summary>The SIP endpoint lost its registration at a site (<c>endpoint_unregistered</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        public static Input EndpointUnregistered(string site)
        {
            return Named("endpoint_unregistered", "site", site);
        }

        /// <summary>The answer to a <see cref="Output.Probe"/> command (<c>probe_result</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        public static Input ProbeResult(string site, bool ok)
        {
            NotNull(site, "site");
            return new Input(new JsonWriter(false).String("type", "probe_result").String("site", site).Bool("ok", ok).Finish());
        }

        /// <summary>An interaction (a call, a chat) started on the desktop (<c>interaction_started</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
        public static Input InteractionStarted(string id)
        {
            return Named("interaction_started", "id", id);
        }

        /// <summary>An interaction ended (<c>interaction_ended</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
        public static Input InteractionEnded(string id)
        {
            return Named("interaction_ended", "id", id);
        }

        /// <summary>The agent asked to switch to a site now; it pins the desktop there (<c>switch_requested</c>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        public static Input SwitchRequested(string site)
        {
            return Named("switch_requested", "site", site);
        }

        /// <summary>
        /// An input as JSON text, as in
        /// <c>{"type":"link_down","site":"SiteA","service":"sip-server","member":"primary"}</c>.
        /// The engine reads it when it is handed over: malformed JSON or an
        /// unknown type throws then.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
        public static Input FromJson(string json)
        {
            NotNull(json, "json");
            return new Input(json);
        }

        /// <summary>The input's JSON, as <see cref="Json"/>.</summary>
        public override string ToString()
        {
            return json;
        }

        /// <summary>Whether <paramref name="other"/> has the same JSON.</summary>
        public bool Equals(Input other)
        {
            return other != null && other.json == json;
        }

        /// <summary>Whether <paramref name="obj"/> is an input with the same JSON.</summary>
        public override bool Equals(object obj)
        {
            return Equals(obj as Input);
        }

        /// <summary>A hash of the JSON.</summary>
        public override int GetHashCode()
        {
            return StringComparer.Ordinal.GetHashCode(json);
        }

        private static Input Simple(string type)
        {
            return new Input(new JsonWriter(false).String("type", type).Finish());
        }

        private static Input Named(string type, string key, string value)
        {
            NotNull(value, key);
            return new Input(new JsonWriter(false).String("type", type).String(key, value).Finish());
        }

        private static Input Link(string type, string site, Service service, Member member)
        {
            NotNull(site, "site");
            return new Input(new JsonWriter(false).String("type", type).String("site", site)
                .String("service", Wire.Name(service)).String("member", Wire.Name(member)).Finish());
        }

        private static void NotNull(string value, string parameter)
        {
            if (value == null)
            {
                throw new ArgumentNullException(parameter, "`" + parameter + "` is null");
            }
        }
    }
}
