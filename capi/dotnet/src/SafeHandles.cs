// The two things the library hands over for the caller to free, as SafeHandles:
// the runtime frees each exactly once (Dispose, or the finalizer when the
// owner forgot), never while a P/Invoke call is using it, and never twice.

using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Continuity
{
    /// <summary>A pointer the library handed over, NULL being none.</summary>
    internal abstract class LibraryHandle : SafeHandle
    {
        /// <summary>Made by the P/Invoke marshaller for <c>out</c> arguments.</summary>
        protected LibraryHandle() : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }
    }

    /// <summary>
    /// A <c>ContinuityEngine *</c> from <c>continuity_engine_new</c>; its
    /// release calls <c>continuity_engine_free</c>.
    /// </summary>
    /// <remarks>
    /// Releasing from the finalizer thread is safe: the library allows an
    /// engine to be freed on any thread once nothing else uses it, and a
    /// SafeHandle is released only when no call holds it.
    /// </remarks>
    internal sealed class EngineHandle : LibraryHandle
    {
        private static long released;

        /// <summary>Made by the P/Invoke marshaller for <c>out</c> arguments.</summary>
        public EngineHandle()
        {
        }

        /// <summary>How many engines this process has freed (for the tests: no leak, no double free).</summary>
        public static long Released
        {
            get { return Interlocked.Read(ref released); }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.continuity_engine_free(handle);
            Interlocked.Increment(ref released);
            return true;
        }
    }

    /// <summary>
    /// A <c>char *</c> the library returned (an output, a status, a report);
    /// its release calls <c>continuity_string_free</c>.
    /// </summary>
    internal sealed class LibraryString : LibraryHandle
    {
        private static long outstanding;

        /// <summary>Made by the P/Invoke marshaller for <c>out</c> arguments.</summary>
        public LibraryString()
        {
        }

        /// <summary>Strings read but not freed yet (for the tests: zero once every call has returned).</summary>
        public static long Outstanding
        {
            get { return Interlocked.Read(ref outstanding); }
        }

        /// <summary>Reads the string as UTF-8 and frees it; null for a NULL string.</summary>
        public string TakeText()
        {
            if (IsInvalid)
            {
                Dispose();
                return null;
            }
            Interlocked.Increment(ref outstanding);
            try
            {
                return Utf8.FromNative(handle);
            }
            finally
            {
                Dispose();
            }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.continuity_string_free(handle);
            Interlocked.Decrement(ref outstanding);
            return true;
        }
    }
}
