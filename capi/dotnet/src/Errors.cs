// Result codes and the exceptions they become.

using System;

namespace Continuity
{
    /// <summary>
    /// What a call into the library did, as <c>ContinuityCode</c> in
    /// <c>continuity.h</c>: zero or positive is success, negative an error.
    /// The numbers are stable across versions.
    /// </summary>
    public enum ContinuityCode
    {
        /// <summary>The call succeeded (<c>CONTINUITY_CODE_OK</c>).</summary>
        Ok = 0,
        /// <summary>The call succeeded with nothing to return: no output waiting, no deadline (<c>CONTINUITY_CODE_NONE</c>).</summary>
        None = 1,
        /// <summary>A pointer argument was NULL (<c>CONTINUITY_CODE_NULL_ARGUMENT</c>); the binding checks for null first, so .NET callers see <see cref="ArgumentNullException"/> instead.</summary>
        NullArgument = -1,
        /// <summary>A string argument is not UTF-8 (<c>CONTINUITY_CODE_INVALID_UTF8</c>); the binding always passes UTF-8.</summary>
        InvalidUtf8 = -2,
        /// <summary>A string argument is not well-formed JSON; the message gives the line and column (<c>CONTINUITY_CODE_INVALID_JSON</c>).</summary>
        InvalidJson = -3,
        /// <summary>Well-formed JSON that is not an input: an unknown <c>type</c>, or a field missing, unknown or mistyped (<c>CONTINUITY_CODE_INVALID_INPUT</c>).</summary>
        InvalidInput = -4,
        /// <summary>A bundle of the wrong shape, an option export that cannot be read, or a configuration that does not validate (<c>CONTINUITY_CODE_INVALID_BUNDLE</c>).</summary>
        InvalidBundle = -5,
        /// <summary>A time past <see cref="Engine.MaxTimeMs"/> (<c>CONTINUITY_CODE_BAD_TIME</c>).</summary>
        BadTime = -6,
        /// <summary>The engine handled <c>stop</c> and refuses every further input (<c>CONTINUITY_CODE_STOPPED</c>).</summary>
        Stopped = -7,
        /// <summary>A bug in Continuity (a caught Rust panic): the engine is unusable, dispose it (<c>CONTINUITY_CODE_INTERNAL</c>).</summary>
        Internal = -8,
    }

    /// <summary>
    /// A call the library refused, with its <see cref="ContinuityCode"/> and
    /// the library's message (<c>continuity_last_error()</c>): what went
    /// wrong, in which function, and how to fix it.
    /// </summary>
    /// <remarks>
    /// A refused call changed nothing: the engine is as it was, and the same
    /// call with a corrected argument works. The exception is
    /// <see cref="ContinuityInternalException"/>, after which the engine is
    /// unusable.
    /// </remarks>
    public class ContinuityException : Exception
    {
        /// <summary>An exception for <paramref name="code"/> with the library's <paramref name="message"/>.</summary>
        public ContinuityException(ContinuityCode code, string message) : base(message)
        {
            Code = code;
        }

        /// <summary>Why the call failed.</summary>
        public ContinuityCode Code { get; private set; }

        /// <summary>The code's name as the header spells it, as in <c>CONTINUITY_CODE_INVALID_INPUT</c>.</summary>
        public string CodeName
        {
            get { return Utf8.FromNative(NativeMethods.continuity_code_name((int)Code)); }
        }

        /// <summary>
        /// The exception for a failed call: reads the thread's last error
        /// right away, before another call can replace it.
        /// </summary>
        internal static ContinuityException FromLastError(int code)
        {
            var message = Utf8.LastError();
            switch ((ContinuityCode)code)
            {
                case ContinuityCode.Stopped:
                    return new EngineStoppedException(message);
                case ContinuityCode.Internal:
                    return new ContinuityInternalException(message);
                default:
                    return new ContinuityException((ContinuityCode)code, message);
            }
        }

        /// <summary>Returns <paramref name="code"/> unless it is an error, which it throws.</summary>
        internal static int Check(int code)
        {
            if (code < 0)
            {
                throw FromLastError(code);
            }
            return code;
        }
    }

    /// <summary>
    /// The engine is stopped (it handled <c>stop</c>, or its configuration
    /// failed at bootstrap) and refuses every further input
    /// (<see cref="ContinuityCode.Stopped"/>). Stopping is final: create a
    /// new engine to start again. Reading it (status, time, outputs still
    /// waiting) keeps working.
    /// </summary>
    public sealed class EngineStoppedException : ContinuityException
    {
        /// <summary>An exception with the library's <paramref name="message"/>.</summary>
        public EngineStoppedException(string message) : base(ContinuityCode.Stopped, message)
        {
        }
    }

    /// <summary>
    /// A bug in Continuity (<see cref="ContinuityCode.Internal"/>): the engine
    /// may be half-changed, and every later call on it throws this again.
    /// Dispose it, create a new one, and please report the message.
    /// </summary>
    public sealed class ContinuityInternalException : ContinuityException
    {
        /// <summary>An exception with the library's <paramref name="message"/>.</summary>
        public ContinuityInternalException(string message) : base(ContinuityCode.Internal, message)
        {
        }
    }
}
