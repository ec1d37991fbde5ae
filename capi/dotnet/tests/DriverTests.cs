// The driver: an outage in virtual time on a fake clock and a fake UI thread,
// the driver's own delivery thread, one real timer, stop and dispose.

using System;
using System.Collections.Generic;
using System.Threading;

namespace Continuity.Tests
{
    /// <summary>A clock the test moves by hand; its timers fire, in order, when it passes their time.</summary>
    internal sealed class FakeClock : IDriverClock
    {
        private readonly List<FakeTimer> timers = new List<FakeTimer>();

        public long NowMs { get; set; }

        /// <summary>The timers the driver made.</summary>
        public IList<FakeTimer> Timers
        {
            get { return timers; }
        }

        /// <summary>Every arming, as (when armed, delay).</summary>
        public readonly List<KeyValuePair<long, long>> Armings = new List<KeyValuePair<long, long>>();

        public IDriverTimer CreateTimer(Action callback)
        {
            var timer = new FakeTimer(this, callback);
            timers.Add(timer);
            return timer;
        }

        /// <summary>When the earliest armed timer fires, or null.</summary>
        public long? NextDue
        {
            get
            {
                long? next = null;
                foreach (var timer in timers)
                {
                    if (timer.Due.HasValue && (!next.HasValue || timer.Due.Value < next.Value))
                    {
                        next = timer.Due;
                    }
                }
                return next;
            }
        }

        /// <summary>Moves to <paramref name="time"/>, firing every timer due on the way at its own time.</summary>
        public void AdvanceTo(long time)
        {
            while (true)
            {
                FakeTimer due = null;
                foreach (var timer in timers)
                {
                    if (timer.Due.HasValue && timer.Due.Value <= time && (due == null || timer.Due.Value < due.Due.Value))
                    {
                        due = timer;
                    }
                }
                if (due == null)
                {
                    break;
                }
                NowMs = Math.Max(NowMs, due.Due.Value);
                due.Due = null;
                due.Callback();
            }
            NowMs = Math.Max(NowMs, time);
        }

        internal sealed class FakeTimer : IDriverTimer
        {
            private readonly FakeClock clock;

            public FakeTimer(FakeClock clock, Action callback)
            {
                this.clock = clock;
                Callback = callback;
            }

            public Action Callback { get; private set; }

            public long? Due { get; set; }

            public bool Disposed { get; private set; }

            public void Arm(long delayMs)
            {
                Assert.True(!Disposed, "a disposed timer is not armed");
                Assert.True(delayMs >= 0, "a delay is not negative: " + delayMs);
                clock.Armings.Add(new KeyValuePair<long, long>(clock.NowMs, delayMs));
                Due = clock.NowMs + delayMs;
            }

            public void Disarm()
            {
                Due = null;
            }

            public void Dispose()
            {
                Disposed = true;
                Due = null;
            }
        }
    }

    /// <summary>A UI thread in a test: posts queue up and run, in order, when the test pumps them.</summary>
    internal sealed class ManualContext : SynchronizationContext
    {
        private readonly Queue<KeyValuePair<SendOrPostCallback, object>> posts = new Queue<KeyValuePair<SendOrPostCallback, object>>();

        public int Pending
        {
            get
            {
                lock (posts)
                {
                    return posts.Count;
                }
            }
        }

        public override void Post(SendOrPostCallback d, object state)
        {
            lock (posts)
            {
                posts.Enqueue(new KeyValuePair<SendOrPostCallback, object>(d, state));
            }
        }

        public override void Send(SendOrPostCallback d, object state)
        {
            throw new NotSupportedException();
        }

        /// <summary>Runs every post, including those made while running.</summary>
        public void Pump()
        {
            while (true)
            {
                KeyValuePair<SendOrPostCallback, object> next;
                lock (posts)
                {
                    if (posts.Count == 0)
                    {
                        return;
                    }
                    next = posts.Dequeue();
                }
                next.Key(next.Value);
            }
        }
    }

    /// <summary>
    /// A desktop's host in a test: it carries out the engine's commands the
    /// way live servers answer (a connect to a live site brings every link
    /// up, a registration at a live site succeeds, a probe tells the truth),
    /// recording every input it reports with the clock's time.
    /// </summary>
    internal sealed class FakeHost
    {
        private readonly FakeClock clock;
        private readonly HashSet<string> down = new HashSet<string>();

        public FakeHost(FakeClock clock)
        {
            this.clock = clock;
            Outputs = new List<Emitted>();
            Inputs = new List<KeyValuePair<long, Input>>();
            Threads = new HashSet<int>();
        }

        public Driver Driver { get; set; }

        public List<Emitted> Outputs { get; private set; }

        public List<KeyValuePair<long, Input>> Inputs { get; private set; }

        public HashSet<int> Threads { get; private set; }

        public void Report(Input input)
        {
            Inputs.Add(new KeyValuePair<long, Input>(clock.NowMs, input));
            Driver.Handle(input);
        }

        /// <summary>A whole site fails: every link the desktop has there goes down.</summary>
        public void Kill(string site)
        {
            down.Add(site);
            foreach (var service in new[] { Service.SipServer, Service.StatServer, Service.ConfigServer })
            {
                foreach (var member in new[] { Member.Primary, Member.Backup })
                {
                    Report(Input.LinkDown(site, service, member));
                }
            }
        }

        public void OnOutput(Emitted emitted)
        {
            Threads.Add(Thread.CurrentThread.ManagedThreadId);
            Outputs.Add(emitted);
            var output = emitted.Output;
            var connect = output as Output.Connect;
            if (connect != null && !down.Contains(connect.Site))
            {
                foreach (var service in new[] { Service.SipServer, Service.StatServer, Service.ConfigServer })
                {
                    foreach (var member in new[] { Member.Primary, Member.Backup })
                    {
                        Report(Input.LinkUp(connect.Site, service, member));
                    }
                }
            }
            var register = output as Output.RegisterEndpoint;
            if (register != null && !down.Contains(register.Site))
            {
                Report(Input.EndpointRegistered(register.Site));
            }
            var probe = output as Output.Probe;
            if (probe != null)
            {
                Report(Input.ProbeResult(probe.Site, !down.Contains(probe.Site)));
            }
        }
    }

    internal static class DriverTests
    {
        public static void Register(Harness harness)
        {
            harness.Run("driver: an outage on a fake clock switches at the deadline the engine announced", () =>
            {
                var clock = new FakeClock { NowMs = 1000 };
                var ui = new ManualContext();
                var host = new FakeHost(clock);
                var errors = new List<Exception>();
                using (var driver = new Driver(new Engine(Repo.Workspace, 7), host.OnOutput,
                    new DriverOptions { Clock = clock, Context = ui, OnError = errors.Add }))
                {
                    host.Driver = driver;
                    host.Report(Input.Start());
                    Assert.Equal(0, host.Outputs.Count, "nothing is delivered until the UI thread runs");
                    ui.Pump();
                    var status = driver.Status();
                    Assert.Equal(Phase.Active, status.Phase, "active once the host answered the commands");
                    Assert.Equal("SiteA", status.Site, "on Site A");
                    Assert.Equal((long?)null, clock.NextDue, "no deadline while all is well");

                    clock.AdvanceTo(12000);
                    host.Kill("SiteA");
                    ui.Pump();
                    Output.SwitchoverPending pending = null;
                    foreach (var emitted in host.Outputs)
                    {
                        pending = emitted.Output as Output.SwitchoverPending ?? pending;
                    }
                    Assert.True(pending != null, "the loss is announced");
                    Assert.Equal(72000L, pending.At, "T = 60 s after the loss");
                    Assert.Equal((long?)pending.At, clock.NextDue, "the timer is armed for the announced deadline");

                    var before = host.Outputs.Count;
                    clock.AdvanceTo(pending.At - 1);
                    ui.Pump();
                    Assert.Equal(before, host.Outputs.Count, "nothing happens a millisecond before");
                    clock.AdvanceTo(pending.At);
                    ui.Pump();
                    var switched = host.Outputs.Find(e => e.Output is Output.Switched);
                    Assert.True(switched != null, "switched");
                    Assert.Equal(pending.At, switched.At, "at the announced deadline exactly");
                    Assert.Equal("SiteB", ((Output.Switched)switched.Output).To, "to Site B");
                    Assert.Equal(Phase.Active, driver.Status().Phase, "active again");
                    Assert.Equal("SiteB", driver.Status().Site, "on Site B");

                    // Site B answers the restore probes while Site A stays down: no switchback.
                    clock.AdvanceTo(200000);
                    ui.Pump();
                    Assert.True(host.Outputs.Exists(e => e.Output is Output.Probe), "Site A is probed");
                    Assert.Equal("SiteB", driver.Status().Site, "still on Site B");
                    Assert.Equal(0, errors.Count, "no error");
                    Assert.Equal(1, host.Threads.Count, "every output on one thread");
                    Assert.True(host.Threads.Contains(Thread.CurrentThread.ManagedThreadId), "the UI thread");

                    // The same timed inputs, straight into an engine, give the same trace.
                    using (var engine = new Engine(Repo.Workspace, 7))
                    {
                        Assert.Lines(Outage.Lines(Outage.Run(engine, host.Inputs, 200000)), Outage.Lines(host.Outputs),
                            "the driver's outputs against the engine's");
                    }
                }
            });

            harness.Run("driver: without a context, outputs arrive in order on the driver's own thread", () =>
            {
                var clock = new FakeClock();
                var received = new List<Emitted>();
                var threads = new HashSet<int>();
                var done = new ManualResetEvent(false);
                Driver driver = null;
                driver = new Driver(new Engine(Repo.Workspace, 7), emitted =>
                {
                    lock (received)
                    {
                        threads.Add(Thread.CurrentThread.ManagedThreadId);
                        received.Add(emitted);
                        // Inputs from the callback: their outputs queue behind the ones being delivered.
                        var connect = emitted.Output as Output.Connect;
                        if (connect != null)
                        {
                            driver.LinkUp(connect.Site, Service.SipServer, Member.Primary);
                        }
                        if (received.Count == Outage.Trace.Length)
                        {
                            done.Set();
                        }
                    }
                }, new DriverOptions { Clock = clock });
                using (driver)
                {
                    foreach (var input in Outage.Inputs())
                    {
                        clock.AdvanceTo(input.Key);
                        driver.Handle(input.Value);
                    }
                    clock.AdvanceTo(90000);
                    Assert.True(done.WaitOne(5000), "every output arrived: " + received.Count);
                    lock (received)
                    {
                        Assert.Lines(Outage.Trace, Outage.Lines(received), "in the engine's order");
                        Assert.Equal(1, threads.Count, "on one thread");
                        Assert.True(!threads.Contains(Thread.CurrentThread.ManagedThreadId), "not the caller's");
                    }
                }
            });

            harness.Run("driver: the system clock's timer fires once, not before its delay, and re-arms", () =>
            {
                // The real clock and timer the driver uses by default; the
                // driver's own logic is tested on the fake clock above. A
                // 20 ms delay: the test waits for the timer's callback, it
                // does not sleep.
                var clock = new SystemClock();
                var fired = new AutoResetEvent(false);
                long firedAt = -1;
                using (var timer = clock.CreateTimer(() =>
                {
                    Interlocked.Exchange(ref firedAt, clock.NowMs);
                    fired.Set();
                }))
                {
                    for (var round = 0; round < 2; round++)
                    {
                        var armedAt = clock.NowMs;
                        timer.Arm(20);
                        Assert.True(fired.WaitOne(10000), "round " + round + ": the timer fired");
                        var at = Interlocked.Read(ref firedAt);
                        // A millisecond's leeway: the timer and the stopwatch round apart.
                        Assert.True(at >= armedAt + 19, "round " + round + ": not before its delay (armed at " + armedAt + " ms, fired at " + at + " ms)");
                    }
                    timer.Arm(-5);
                    Assert.True(fired.WaitOne(10000), "a delay already past fires at once");
                }
                Assert.Throws<ArgumentNullException>(() => clock.CreateTimer(null), "a null callback");
            });

            harness.Run("driver: after Stop inputs are refused; after Dispose every call throws", () =>
            {
                var clock = new FakeClock();
                var ui = new ManualContext();
                var host = new FakeHost(clock);
                var engine = new Engine(Repo.Workspace, 7);
                var driver = new Driver(engine, host.OnOutput, new DriverOptions { Clock = clock, Context = ui });
                host.Driver = driver;
                Assert.Refused(ContinuityCode.InvalidInput, "continuity_engine_handle: `input_json` is not an input",
                    () => driver.Handle(Input.FromJson("{\"type\":\"strat\"}")), "a bad input");
                Assert.Equal(Handled.Applied, driver.Start(), "the driver is still usable");
                ui.Pump();
                Assert.Equal(Phase.Active, driver.Status().Phase, "active");
                clock.AdvanceTo(5000);
                Assert.True(driver.Stop(), "Stop stops");
                Assert.True(!driver.Stop(), "a second Stop does nothing");
                ui.Pump();
                var last = host.Outputs[host.Outputs.Count - 1].Output as Output.PhaseChanged;
                Assert.True(last != null && last.Phase == Phase.Stopped, "the stop's outputs are delivered");
                Assert.True(driver.IsStopped, "IsStopped");
                Assert.Equal((long?)null, clock.NextDue, "the timer is disarmed");
                var refused = Assert.Throws<EngineStoppedException>(() => driver.LinkUp("SiteA", Service.SipServer, Member.Primary), "an input after Stop");
                Assert.StartsWith("continuity_engine_handle: the engine is stopped, so `link_up` was refused", refused.Message, "the message");
                Assert.Throws<EngineStoppedException>(() => driver.Resumed(), "resumed after Stop");
                Assert.Equal(5000L, driver.Now, "reading still works");

                // Outputs queued but not delivered when the driver is disposed are dropped.
                var count = host.Outputs.Count;
                var fresh = new Driver(new Engine(Repo.Workspace, 7), host.OnOutput, new DriverOptions { Clock = clock, Context = ui });
                host.Driver = fresh;
                fresh.Start();
                fresh.Dispose();
                ui.Pump();
                Assert.Equal(count, host.Outputs.Count, "nothing delivered after Dispose");

                driver.Dispose();
                driver.Dispose();
                Assert.True(engine.IsDisposed, "the driver disposed the engine it owns");
                var calls = new Dictionary<string, Action>
                {
                    { "Start", () => driver.Start() },
                    { "Stop", () => driver.Stop() },
                    { "LinkDown", () => driver.LinkDown("SiteA", Service.SipServer, Member.Primary) },
                    { "Handle", () => driver.Handle(Input.Resumed()) },
                    { "Status", () => driver.Status() },
                    { "IsStopped", () => Console.Write(driver.IsStopped ? "" : "") },
                    { "Now", () => Console.Write(driver.Now > 0 ? "" : "") },
                };
                foreach (var call in calls)
                {
                    var err = Assert.Throws<ObjectDisposedException>(call.Value, call.Key + " after Dispose");
                    Assert.Equal("Driver", err.ObjectName, call.Key + ": the object name");
                }
            });

            harness.Run("driver: a timer that fires after Dispose, or early, does nothing", () =>
            {
                var clock = new FakeClock();
                var ui = new ManualContext();
                var outputs = new List<Emitted>();
                var driver = new Driver(new Engine(Repo.Workspace, 7), outputs.Add, new DriverOptions { Clock = clock, Context = ui });
                driver.Start();
                ui.Pump();
                Assert.Equal((long?)30000, clock.NextDue, "armed for the endpoint deadline");
                var armings = clock.Armings.Count;
                Assert.Equal(1, clock.Timers.Count, "one timer");
                var timer = clock.Timers[0];
                clock.NowMs = 20000;
                timer.Callback(); // early: the engine has nothing due
                ui.Pump();
                Assert.Equal(3, outputs.Count, "nothing new");
                Assert.Equal(armings + 1, clock.Armings.Count, "re-armed");
                Assert.Equal((long?)30000, clock.NextDue, "for the same deadline");
                driver.Dispose();
                Assert.True(timer.Disposed, "Dispose frees the timer");
                clock.NowMs = 40000;
                timer.Callback();
                ui.Pump();
                Assert.Equal(3, outputs.Count, "nothing after Dispose");
            });

            harness.Run("driver: an exception in the output callback goes to OnError, and delivery goes on", () =>
            {
                var clock = new FakeClock();
                var ui = new ManualContext();
                var errors = new List<Exception>();
                var outputs = new List<Emitted>();
                using (var driver = new Driver(new Engine(Repo.Workspace, 7), emitted =>
                {
                    outputs.Add(emitted);
                    if (emitted.Output is Output.Connect)
                    {
                        throw new InvalidOperationException("the host failed to connect");
                    }
                }, new DriverOptions { Clock = clock, Context = ui, OnError = errors.Add }))
                {
                    driver.Start();
                    ui.Pump();
                    Assert.Equal(3, outputs.Count, "every output was delivered");
                    Assert.Equal(1, errors.Count, "one error");
                    Assert.Equal("the host failed to connect", errors[0].Message, "the callback's exception");
                }
                Assert.Throws<ArgumentNullException>(() => new Driver(null, e => { }), "a null engine");
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    Assert.Throws<ArgumentNullException>(() => new Driver(engine, null), "a null callback");
                }
            });
        }
    }
}
