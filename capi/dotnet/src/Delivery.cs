// How a Driver hands outputs to the host: a queue filled in the engine's
// order under the driver's lock, emptied by one callback at a time on a
// SynchronizationContext (the UI thread's, or the driver's own thread).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Continuity
{
    internal sealed class Delivery : IDisposable
    {
        private readonly object sync = new object();
        private readonly Queue<object> queue = new Queue<object>();
        private readonly Action<Emitted> onOutput;
        private readonly Action<Exception> onError;
        private readonly SynchronizationContext context;
        private readonly DispatchThread ownThread;

        /// <summary>A delivery run is posted or running: at most one at a time, so outputs never overtake each other.</summary>
        private bool running;
        private bool disposed;

        public Delivery(Action<Emitted> onOutput, Action<Exception> onError, SynchronizationContext context)
        {
            this.onOutput = onOutput;
            this.onError = onError ?? DefaultOnError;
            if (context == null)
            {
                ownThread = new DispatchThread();
                context = ownThread;
            }
            this.context = context;
        }

        /// <summary>Queues an output (called under the driver's lock, so in the engine's order).</summary>
        public void Enqueue(Emitted emitted)
        {
            lock (sync)
            {
                if (!disposed)
                {
                    queue.Enqueue(emitted);
                }
            }
        }

        /// <summary>Queues an error from a timer turn, to report on the delivery thread.</summary>
        public void EnqueueError(Exception error)
        {
            lock (sync)
            {
                if (!disposed)
                {
                    queue.Enqueue(error);
                }
            }
        }

        /// <summary>Posts a delivery run unless one is posted or running already (it will take what was queued).</summary>
        public void Schedule()
        {
            lock (sync)
            {
                if (disposed || running || queue.Count == 0)
                {
                    return;
                }
                running = true;
            }
            context.Post(Run, null);
        }

        /// <summary>Stops delivering: what is queued is dropped, the driver's own thread ends.</summary>
        public void Dispose()
        {
            lock (sync)
            {
                disposed = true;
                queue.Clear();
            }
            if (ownThread != null)
            {
                ownThread.Dispose();
            }
        }

        private void Run(object state)
        {
            while (true)
            {
                object item;
                lock (sync)
                {
                    // Checked and cleared under the same lock Enqueue and
                    // Schedule take: an output queued after this check
                    // finds `running` false and posts a run of its own.
                    if (disposed || queue.Count == 0)
                    {
                        running = false;
                        return;
                    }
                    item = queue.Dequeue();
                }
                var error = item as Exception;
                if (error != null)
                {
                    Report(error);
                    continue;
                }
                try
                {
                    onOutput((Emitted)item);
                }
                catch (Exception thrown)
                {
                    Report(thrown);
                }
            }
        }

        /// <summary>Hands an error to the host's callback; one that throws itself goes to the trace.</summary>
        private void Report(Exception error)
        {
            try
            {
                onError(error);
            }
            catch (Exception thrown)
            {
                DefaultOnError(new AggregateException(error, thrown));
            }
        }

        private static void DefaultOnError(Exception error)
        {
            Trace.TraceError("continuity driver: " + error);
        }

        /// <summary>The driver's own delivery thread, when the host gives no context.</summary>
        private sealed class DispatchThread : SynchronizationContext, IDisposable
        {
            private readonly object sync = new object();
            private readonly Queue<KeyValuePair<SendOrPostCallback, object>> work =
                new Queue<KeyValuePair<SendOrPostCallback, object>>();
            private bool stopping;

            public DispatchThread()
            {
                var thread = new Thread(Loop);
                thread.IsBackground = true;
                thread.Name = "Continuity driver delivery";
                thread.Start();
            }

            public override void Post(SendOrPostCallback d, object state)
            {
                lock (sync)
                {
                    if (stopping)
                    {
                        return;
                    }
                    work.Enqueue(new KeyValuePair<SendOrPostCallback, object>(d, state));
                    Monitor.Pulse(sync);
                }
            }

            public override void Send(SendOrPostCallback d, object state)
            {
                throw new NotSupportedException("the driver's delivery thread takes posts only");
            }

            public void Dispose()
            {
                lock (sync)
                {
                    stopping = true;
                    work.Clear();
                    Monitor.Pulse(sync);
                }
            }

            private void Loop()
            {
                SetSynchronizationContext(this);
                while (true)
                {
                    KeyValuePair<SendOrPostCallback, object> next;
                    lock (sync)
                    {
                        while (work.Count == 0 && !stopping)
                        {
                            Monitor.Wait(sync);
                        }
                        if (stopping)
                        {
                            return;
                        }
                        next = work.Dequeue();
                    }
                    next.Key(next.Value);
                }
            }
        }
    }
}
