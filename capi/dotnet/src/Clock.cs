// Time for the Driver: a monotonic clock and a one-shot timer, behind an
// interface so that tests run the driver in virtual time.

using System;
using System.Diagnostics;
using System.Threading;

namespace Continuity
{
    /// <summary>
    /// The clock and timer a <see cref="Driver"/> runs on: the real one is
    /// <see cref="SystemClock"/>; a test gives a fake one that it moves by
    /// hand, so that a whole outage runs without waiting.
    /// </summary>
    public interface IDriverClock
    {
        /// <summary>
        /// Milliseconds on a monotonic clock (never going back, not moved by
        /// changes of the wall clock): the engine's time.
        /// </summary>
        long NowMs { get; }

        /// <summary>
        /// A one-shot timer that calls <paramref name="callback"/> when it
        /// fires (on any thread); it is not armed yet.
        /// </summary>
        IDriverTimer CreateTimer(Action callback);
    }

    /// <summary>A one-shot timer, re-armed again and again (<see cref="IDriverClock.CreateTimer"/>).</summary>
    public interface IDriverTimer : IDisposable
    {
        /// <summary>
        /// Fires once, <paramref name="delayMs"/> milliseconds from now
        /// (0: as soon as possible), replacing any earlier arming. It never
        /// calls the callback itself: the callback runs later, on a timer's
        /// thread (or, in a test, when the test moves its clock).
        /// </summary>
        void Arm(long delayMs);

        /// <summary>Cancels the arming, if any: the timer does not fire until armed again.</summary>
        void Disarm();
    }

    /// <summary>
    /// The real clock: <see cref="Stopwatch"/> milliseconds since the clock
    /// was made, and <see cref="System.Threading.Timer"/>s (which fire on the
    /// thread pool).
    /// </summary>
    public sealed class SystemClock : IDriverClock
    {
        /// <summary>
        /// The longest delay one arming waits: about 24.8 days. A later
        /// deadline is reached by arming again when the timer fires early
        /// (the driver does that).
        /// </summary>
        public const long MaxDelayMs = int.MaxValue;

        private readonly Stopwatch stopwatch = Stopwatch.StartNew();

        /// <summary>Milliseconds since this clock was made.</summary>
        public long NowMs
        {
            get { return stopwatch.ElapsedMilliseconds; }
        }

        /// <summary>A <see cref="System.Threading.Timer"/>, not armed.</summary>
        public IDriverTimer CreateTimer(Action callback)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            return new ThreadingTimer(callback);
        }

        private sealed class ThreadingTimer : IDriverTimer
        {
            private readonly Timer timer;

            public ThreadingTimer(Action callback)
            {
                timer = new Timer(state => callback(), null, Timeout.Infinite, Timeout.Infinite);
            }

            public void Arm(long delayMs)
            {
                timer.Change(Math.Max(0, Math.Min(delayMs, MaxDelayMs)), Timeout.Infinite);
            }

            public void Disarm()
            {
                timer.Change(Timeout.Infinite, Timeout.Infinite);
            }

            public void Dispose()
            {
                timer.Dispose();
            }
        }
    }
}
