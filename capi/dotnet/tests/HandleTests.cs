// Lifetimes: every engine and every string the library returns is freed
// exactly once, by Dispose or by the finalizer, on any thread.

using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Continuity.Tests
{
    internal static class HandleTests
    {
        public static void Register(Harness harness)
        {
            harness.Run("handles: Dispose frees the engine once, however often it is called", () =>
            {
                var engine = new Engine(Repo.Workspace, 7);
                var before = EngineHandle.Released;
                engine.Dispose();
                engine.Dispose();
                engine.Dispose();
                Assert.Equal(before + 1, EngineHandle.Released, "one free");
            });

            harness.Run("handles: an engine never disposed is freed by the finalizer", () =>
            {
                const int count = 200;
                var before = EngineHandle.Released;
                Forget(count);
                for (var i = 0; i < 5 && EngineHandle.Released - before < count; i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
                // The runtime may keep a few alive through stale stack slots
                // (Mono scans the stack conservatively): most must be gone.
                Assert.True(EngineHandle.Released - before >= count - 10,
                    "freed by finalizers: " + (EngineHandle.Released - before) + " of " + count);
            });

            harness.Run("handles: every string the library returns is freed", () =>
            {
                using (var engine = new Engine(Repo.Workspace, 7))
                {
                    Outage.Run(engine, Outage.Inputs(), 90000);
                    engine.Status();
                    Engine.Validate(Repo.Workspace);
                    Assert.Refused(ContinuityCode.InvalidJson, "continuity_validate: ", () => Engine.Validate("{"), "a failed call");
                }
                Assert.Equal(0L, LibraryString.Outstanding, "strings not freed");
            });

            harness.Run("handles: an engine made on one thread is used and freed on others", () =>
            {
                var engine = new Engine(Repo.Workspace, 7);
                Exception failure = null;
                string message = null;
                var user = new Thread(() =>
                {
                    try
                    {
                        Outage.Run(engine, Outage.Inputs(), 90000);
                        // The last error is per thread: read on the thread whose call failed.
                        message = Assert.Refused(ContinuityCode.InvalidJson, "continuity_engine_handle: ", () => engine.Handle("{", 0),
                            "a failure on the other thread").Message;
                    }
                    catch (Exception err)
                    {
                        failure = err;
                    }
                });
                user.Start();
                user.Join();
                if (failure != null)
                {
                    throw failure;
                }
                Assert.Equal(72000L, engine.Now, "the run happened (the switch at 72 s was its last deadline)");
                var freer = new Thread(engine.Dispose);
                freer.Start();
                freer.Join();
                Assert.True(engine.IsDisposed, "freed on a third thread");
                Assert.Contains("not well-formed JSON", message, "the message was read");
            });
        }

        /// <summary>Makes engines and drops them without Dispose.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Forget(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var engine = new Engine(Repo.Workspace, (ulong)i);
                engine.Handle(Input.Start(), 0);
            }
        }
    }
}
