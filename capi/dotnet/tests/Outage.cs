// The reference outage the tests share: Site A comes up, its SIP Server pair
// is lost at 12 s, and the engine switches to Site B at 72 s (T = 60 s).

using System.Collections.Generic;

namespace Continuity.Tests
{
    internal static class Outage
    {
        /// <summary>What `continuity simulate` prints for these inputs with examples/bundles/workspace.json and seed 7.</summary>
        public static readonly string[] Trace =
        {
            "{\"at\": 0, \"output\": {\"type\": \"connect\", \"site\": \"SiteA\"}}",
            "{\"at\": 0, \"output\": {\"type\": \"register_endpoint\", \"site\": \"SiteA\"}}",
            "{\"at\": 0, \"output\": {\"type\": \"phase_changed\", \"phase\": \"connecting\", \"site\": \"SiteA\", \"role\": \"preferred\"}}",
            "{\"at\": 500, \"output\": {\"type\": \"switchover_pending\", \"from\": \"SiteA\", \"to\": \"SiteB\", \"reason\": \"endpoint-timeout\", \"at\": 30000}}",
            "{\"at\": 500, \"output\": {\"type\": \"phase_changed\", \"phase\": \"active\", \"site\": \"SiteA\", \"role\": \"preferred\"}}",
            "{\"at\": 800, \"output\": {\"type\": \"switchover_cancelled\", \"to\": \"SiteB\", \"reason\": \"endpoint-timeout\"}}",
            "{\"at\": 12000, \"output\": {\"type\": \"switchover_pending\", \"from\": \"SiteA\", \"to\": \"SiteB\", \"reason\": \"site-timeout\", \"at\": 72000}}",
            "{\"at\": 72000, \"output\": {\"type\": \"unregister_endpoint\", \"site\": \"SiteA\"}}",
            "{\"at\": 72000, \"output\": {\"type\": \"disconnect\", \"site\": \"SiteA\"}}",
            "{\"at\": 72000, \"output\": {\"type\": \"connect\", \"site\": \"SiteB\"}}",
            "{\"at\": 72000, \"output\": {\"type\": \"register_endpoint\", \"site\": \"SiteB\"}}",
            "{\"at\": 72000, \"output\": {\"type\": \"switched\", \"from\": \"SiteA\", \"to\": \"SiteB\", \"reason\": \"site-timeout\"}}",
            "{\"at\": 72000, \"output\": {\"type\": \"phase_changed\", \"phase\": \"connecting\", \"site\": \"SiteB\", \"role\": \"peer\"}}",
        };

        /// <summary>The timed inputs of the outage.</summary>
        public static List<KeyValuePair<long, Input>> Inputs()
        {
            var inputs = new List<KeyValuePair<long, Input>>();
            inputs.Add(new KeyValuePair<long, Input>(0, Input.Start()));
            long at = 100;
            foreach (var service in new[] { Service.SipServer, Service.StatServer, Service.ConfigServer })
            {
                foreach (var member in new[] { Member.Primary, Member.Backup })
                {
                    inputs.Add(new KeyValuePair<long, Input>(at, Input.LinkUp("SiteA", service, member)));
                    at += 100;
                }
            }
            inputs.Add(new KeyValuePair<long, Input>(800, Input.EndpointRegistered("SiteA")));
            inputs.Add(new KeyValuePair<long, Input>(12000, Input.LinkDown("SiteA", Service.SipServer, Member.Primary)));
            inputs.Add(new KeyValuePair<long, Input>(12000, Input.LinkDown("SiteA", Service.SipServer, Member.Backup)));
            return inputs;
        }

        /// <summary>
        /// Runs timed inputs through an engine in virtual time, as the scenario
        /// runner does (every deadline at its exact time before the next
        /// input, then up to <paramref name="until"/>); returns the outputs.
        /// </summary>
        public static List<Emitted> Run(Engine engine, IEnumerable<KeyValuePair<long, Input>> inputs, long until)
        {
            var emitted = new List<Emitted>();
            foreach (var input in inputs)
            {
                FireDeadlines(engine, input.Key, emitted);
                engine.Handle(input.Value, input.Key);
                emitted.AddRange(engine.Drain());
            }
            FireDeadlines(engine, until, emitted);
            return emitted;
        }

        public static List<string> Lines(IEnumerable<Emitted> emitted)
        {
            var lines = new List<string>();
            foreach (var line in emitted)
            {
                lines.Add(line.ToString());
            }
            return lines;
        }

        private static void FireDeadlines(Engine engine, long limit, List<Emitted> emitted)
        {
            for (var deadline = engine.PollTimeout(); deadline.HasValue && deadline.Value <= limit; deadline = engine.PollTimeout())
            {
                engine.HandleTimeout(deadline.Value);
                emitted.AddRange(engine.Drain());
            }
        }
    }
}
