// The driver: runs an Engine in real time for a desktop. It owns the timer,
// reads the monotonic clock, and delivers outputs in order on one thread.

using System;
using System.Threading;

namespace Continuity
{
    /// <summary>How a <see cref="Driver"/> runs; every property has a default.</summary>
    public sealed class DriverOptions
    {
        /// <summary>Creates options with every default.</summary>
        public DriverOptions()
        {
            OwnsEngine = true;
        }

        /// <summary>The clock and timer; default a new <see cref="SystemClock"/> (engine time starts at 0 when the driver is made).</summary>
        public IDriverClock Clock { get; set; }

        /// <summary>
        /// Where outputs are delivered: a WPF or WinForms desktop passes its UI
        /// thread's context (<c>SynchronizationContext.Current</c> on the UI
        /// thread), so the output callback may touch the UI. Default: a
        /// dedicated background thread of the driver's.
        /// </summary>
        public SynchronizationContext Context { get; set; }

        /// <summary>
        /// Called, on the delivery thread, with an exception thrown by the
        /// output callback or by a timer turn; default
        /// <see cref="System.Diagnostics.Trace.TraceError(string)"/>. It must not throw.
        /// </summary>
        public Action<Exception> OnError { get; set; }

        /// <summary>Whether disposing the driver disposes the engine (default true).</summary>
        public bool OwnsEngine { get; set; }
    }

    /// <summary>
    /// Runs an <see cref="Engine"/> in real time, the way a thick client
    /// needs it: one <see cref="System.Threading.Timer"/> re-armed from
    /// <see cref="Engine.PollTimeout"/>, engine time read from a monotonic
    /// clock (<see cref="System.Diagnostics.Stopwatch"/>), and every output
    /// delivered with its time, in the engine's order, on one thread.
    /// </summary>
    /// <remarks>
    /// <para>Report what your stack observes with the input methods
    /// (<see cref="LinkDown"/>, <see cref="EndpointRegistered"/>, …) from any
    /// thread; carry out the commands the output callback receives
    /// (<see cref="Output.Connect"/>, <see cref="Output.RegisterEndpoint"/>,
    /// <see cref="Output.Probe"/>, …). The callback may call input methods
    /// itself: their outputs are delivered after the ones before them.</para>
    /// <para>Thread safety: every method may be called from any thread. The
    /// driver serializes its calls into the engine (which is not
    /// thread-safe), and delivers outputs one at a time on the
    /// <see cref="DriverOptions.Context"/> — or its own thread — never
    /// while it holds its lock.</para>
    /// <para>An input method throws on the calling thread what the engine
    /// refused (<see cref="ContinuityException"/>, <see cref="EngineStoppedException"/>
    /// after <see cref="Stop"/>) and changes nothing then; the driver stays
    /// usable. Every method but <see cref="Dispose"/> throws
    /// <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</para>
    /// </remarks>
    public sealed class Driver : IDisposable
    {
        private readonly object gate = new object();
        private readonly Engine engine;
        private readonly bool ownsEngine;
        private readonly IDriverClock clock;
        private readonly IDriverTimer timer;
        private readonly Delivery delivery;
        private long? armedFor;
        private bool disposed;

        /// <summary>Creates a driver for <paramref name="engine"/>; nothing happens until <see cref="Start"/>.</summary>
        /// <param name="engine">The engine, which the driver alone uses from now on.</param>
        /// <param name="onOutput">Called with every output and its engine time, in order, on one thread.</param>
        /// <param name="options">The clock, the delivery context, the error callback; null for the defaults.</param>
        /// <exception cref="ArgumentNullException"><paramref name="engine"/> or <paramref name="onOutput"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="engine"/> was disposed.</exception>
        public Driver(Engine engine, Action<Emitted> onOutput, DriverOptions options)
        {
            if (engine == null)
            {
                throw new ArgumentNullException("engine");
            }
            if (onOutput == null)
            {
                throw new ArgumentNullException("onOutput", "`onOutput` is null: pass the callback that carries out commands and shows notices");
            }
            if (engine.IsDisposed)
            {
                throw new ObjectDisposedException("Engine", "the engine was disposed: create a new one");
            }
            options = options ?? new DriverOptions();
            this.engine = engine;
            ownsEngine = options.OwnsEngine;
            clock = options.Clock ?? new SystemClock();
            delivery = new Delivery(onOutput, options.OnError, options.Context);
            timer = clock.CreateTimer(Fire);
        }

        /// <summary>Creates a driver with the default options (<see cref="DriverOptions"/>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="engine"/> or <paramref name="onOutput"/> is null.</exception>
        public Driver(Engine engine, Action<Emitted> onOutput) : this(engine, onOutput, null)
        {
        }

        /// <summary>The latest time the engine has seen, in engine milliseconds.</summary>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        public long Now
        {
            get
            {
                lock (gate)
                {
                    Live();
                    return engine.Now;
                }
            }
        }

        /// <summary>Whether the engine is stopped (by <see cref="Stop"/>, or by a configuration error at bootstrap).</summary>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        public bool IsStopped
        {
            get { return Status().Phase == Phase.Stopped; }
        }

        /// <summary>Starts the engine: connect to the preferred site, or bootstrap.</summary>
        /// <returns>What became of the input.</returns>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled Start()
        {
            return Handle(Input.Start());
        }

        /// <summary>
        /// Stops the engine for good: it unregisters the endpoint and
        /// disconnects (those outputs are still delivered) and the timer is
        /// disarmed. Every later input throws <see cref="EngineStoppedException"/>.
        /// </summary>
        /// <returns>True when this call stopped the engine; false when it was stopped already.</returns>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        public bool Stop()
        {
            try
            {
                Handle(Input.Stop());
                return true;
            }
            catch (EngineStoppedException)
            {
                return false;
            }
        }

        /// <summary>Hands the engine one input, at the clock's time.</summary>
        /// <returns>What became of the input.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        /// <exception cref="ContinuityException">The engine refused the input (it is left as it was).</exception>
        public Handled Handle(Input input)
        {
            if (input == null)
            {
                throw new ArgumentNullException("input", "`input` is null: pass an input such as Input.Start()");
            }
            Handled handled;
            lock (gate)
            {
                Live();
                handled = engine.Handle(input, clock.NowMs);
                Settle();
            }
            delivery.Schedule();
            return handled;
        }

        /// <summary>The connection to one member of a site's service is up.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled LinkUp(string site, Service service, Member member)
        {
            return Handle(Input.LinkUp(site, service, member));
        }

        /// <summary>The connection to one member of a site's service is down.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled LinkDown(string site, Service service, Member member)
        {
            return Handle(Input.LinkDown(site, service, member));
        }

        /// <summary>The SIP endpoint registered at a site.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled EndpointRegistered(string site)
        {
            return Handle(Input.EndpointRegistered(site));
        }

        /// <summary>The SIP endpoint lost its registration at a site.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled EndpointUnregistered(string site)
        {
            return Handle(Input.EndpointUnregistered(site));
        }

        /// <summary>The answer to a <see cref="Output.Probe"/> command.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled ProbeResult(string site, bool ok)
        {
            return Handle(Input.ProbeResult(site, ok));
        }

        /// <summary>An interaction started on the desktop.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled InteractionStarted(string id)
        {
            return Handle(Input.InteractionStarted(id));
        }

        /// <summary>An interaction ended.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled InteractionEnded(string id)
        {
            return Handle(Input.InteractionEnded(id));
        }

        /// <summary>The agent asked to switch to a site now.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="site"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled SwitchRequested(string site)
        {
            return Handle(Input.SwitchRequested(site));
        }

        /// <summary>
        /// The machine resumed from sleep (for example
        /// <c>SystemEvents.PowerModeChanged</c> with <c>PowerModes.Resume</c>):
        /// the engine rechecks before it acts on a deadline that passed while asleep.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine is stopped.</exception>
        public Handled Resumed()
        {
            return Handle(Input.Resumed());
        }

        /// <summary>A snapshot of the engine.</summary>
        /// <exception cref="ObjectDisposedException">The driver was disposed.</exception>
        public EngineStatus Status()
        {
            lock (gate)
            {
                Live();
                return engine.Status();
            }
        }

        /// <summary>
        /// Disarms and frees the timer, stops delivering (outputs not
        /// delivered yet are dropped; one being delivered on another thread
        /// finishes) and disposes the engine unless
        /// <see cref="DriverOptions.OwnsEngine"/> is false. It does not stop
        /// the engine: call <see cref="Stop"/> first to unregister and
        /// disconnect. Idempotent.
        /// </summary>
        public void Dispose()
        {
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }
                disposed = true;
                timer.Dispose();
                if (ownsEngine)
                {
                    engine.Dispose();
                }
            }
            delivery.Dispose();
        }

        private void Live()
        {
            if (disposed)
            {
                throw new ObjectDisposedException("Driver", "the driver was disposed: create a new one");
            }
        }

        /// <summary>The timer fired: handle what is due, at the clock's time.</summary>
        private void Fire()
        {
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }
                armedFor = null;
                try
                {
                    engine.HandleTimeout(clock.NowMs);
                    Settle();
                }
                catch (Exception err)
                {
                    delivery.EnqueueError(err);
                }
            }
            delivery.Schedule();
        }

        /// <summary>After a turn, under the gate: queue the outputs in order, then re-arm the timer.</summary>
        private void Settle()
        {
            foreach (var emitted in engine.Drain())
            {
                delivery.Enqueue(emitted);
            }
            var deadline = engine.PollTimeout();
            if (!deadline.HasValue)
            {
                armedFor = null;
                timer.Disarm();
                return;
            }
            if (armedFor == deadline)
            {
                return;
            }
            armedFor = deadline;
            // A timer that fires early (clock rounding, or a deadline past
            // the longest arming) only makes a turn that handles nothing and
            // arms again; the engine's deadline moves after every turn that
            // handles it, so this never spins.
            timer.Arm(Math.Max(0, deadline.Value - clock.NowMs));
        }
    }
}
