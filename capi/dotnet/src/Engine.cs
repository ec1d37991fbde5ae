// The engine: one desktop's failover state machine, over the C ABI.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Continuity
{
    /// <summary>
    /// One desktop's failover engine: a deterministic state machine with no
    /// clock, no thread and no I/O of its own. Hand it inputs with the time
    /// they happened, carry out the commands it returns, and call
    /// <see cref="HandleTimeout"/> when <see cref="PollTimeout"/> says —
    /// or let a <see cref="Driver"/> do all of that in real time.
    /// </summary>
    /// <remarks>
    /// <para>The run loop: (1) <see cref="Handle(Input, long)"/> an input at
    /// its time; (2) <see cref="Drain"/> the outputs and act on each;
    /// (3) ask <see cref="PollTimeout"/> for the next deadline and call
    /// <see cref="HandleTimeout"/> at or after it; go to 2. Deadlines already
    /// due when an input arrives are handled first, each at its own time.</para>
    /// <para>Times are milliseconds on the host's monotonic clock
    /// (<see cref="System.Diagnostics.Stopwatch"/>), from 0 to
    /// <see cref="MaxTimeMs"/>: a negative time throws
    /// <see cref="ArgumentOutOfRangeException"/> before the engine sees it,
    /// a larger one <see cref="ContinuityException"/> with
    /// <see cref="ContinuityCode.BadTime"/>. A time earlier than one the engine
    /// has seen counts as that time.</para>
    /// <para>Not thread-safe: call an engine from one thread at a time (any
    /// thread; the <see cref="Driver"/> serializes its calls). Dispose it when
    /// done; an engine never disposed is freed by the finalizer.</para>
    /// <para>Every refused call throws and changes nothing: the engine stays
    /// usable, except after <see cref="ContinuityInternalException"/>.</para>
    /// </remarks>
    public sealed class Engine : IDisposable
    {
        /// <summary>The largest time, in milliseconds, the engine accepts: 2^53 - 1 (<c>CONTINUITY_MAX_TIME_MS</c>).</summary>
        public const long MaxTimeMs = 9007199254740991;

        private readonly EngineHandle handle;

        /// <summary>Creates an engine for one desktop from a bundle (JSON) and a seed; it is idle until it handles <see cref="Input.Start"/>.</summary>
        /// <param name="bundleJson">
        /// The bundle as JSON, options inline (<see cref="ResolveOptionFiles"/> resolves
        /// <c>options_file</c>s). A bundle with only its <c>local</c> section makes the
        /// engine bootstrap; a full bundle is validated now.
        /// </param>
        /// <param name="seed">The seed of the engine's randomness: give every desktop its own.</param>
        /// <exception cref="ArgumentNullException"><paramref name="bundleJson"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="bundleJson"/> holds a NUL character or a lone surrogate.</exception>
        /// <exception cref="ContinuityException">
        /// <see cref="ContinuityCode.InvalidJson"/> for malformed JSON, <see cref="ContinuityCode.InvalidBundle"/>
        /// for a bundle of the wrong shape or one that does not validate (the message lists every diagnostic;
        /// <see cref="Validate"/> gives them typed).
        /// </exception>
        public Engine(string bundleJson, ulong seed)
        {
            var bundle = Utf8.ToNative(bundleJson, "bundleJson");
            EngineHandle made;
            int code;
            try
            {
                code = NativeMethods.continuity_engine_new(bundle, seed, out made);
            }
            catch (DllNotFoundException err)
            {
                throw Loading.Explain(err);
            }
            if (code < 0)
            {
                made.Dispose();
                throw ContinuityException.FromLastError(code);
            }
            handle = made;
        }

        /// <summary>The version of the native library, as in <c>0.1.0</c>.</summary>
        public static string LibraryVersion
        {
            get
            {
                try
                {
                    return Utf8.FromNative(NativeMethods.continuity_version());
                }
                catch (DllNotFoundException err)
                {
                    throw Loading.Explain(err);
                }
            }
        }

        /// <summary>The latest time the engine has seen, in milliseconds.</summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        public long Now
        {
            get
            {
                ulong now;
                ContinuityException.Check(NativeMethods.continuity_engine_now(Live(), out now));
                return (long)now;
            }
        }

        /// <summary>Whether the engine was disposed.</summary>
        public bool IsDisposed
        {
            get { return handle.IsClosed; }
        }

        /// <summary>Hands the engine one input at <paramref name="nowMs"/>.</summary>
        /// <returns>Whether the input was applied or ignored (and why): ignored inputs are not errors.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="nowMs"/> is negative.</exception>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine handled <c>stop</c> and refuses every input.</exception>
        /// <exception cref="ContinuityException">
        /// <see cref="ContinuityCode.InvalidJson"/> or <see cref="ContinuityCode.InvalidInput"/> (with line and column)
        /// for an input made with <see cref="Input.FromJson"/>; <see cref="ContinuityCode.BadTime"/> past <see cref="MaxTimeMs"/>.
        /// </exception>
        public Handled Handle(Input input, long nowMs)
        {
            if (input == null)
            {
                throw new ArgumentNullException("input", "`input` is null: pass an input such as Input.Start()");
            }
            return Handle(input.Json, nowMs);
        }

        /// <summary>Hands the engine one input, as JSON text, at <paramref name="nowMs"/>.</summary>
        /// <param name="inputJson">One input object, as in <c>{"type":"link_down","site":"SiteA","service":"sip-server","member":"primary"}</c>.</param>
        /// <param name="nowMs">The time, in milliseconds on the host's monotonic clock.</param>
        /// <returns>Whether the input was applied or ignored (and why).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="inputJson"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="inputJson"/> holds a NUL character or a lone surrogate.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="nowMs"/> is negative.</exception>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        /// <exception cref="EngineStoppedException">The engine handled <c>stop</c> and refuses every input.</exception>
        /// <exception cref="ContinuityException">
        /// <see cref="ContinuityCode.InvalidJson"/>, <see cref="ContinuityCode.InvalidInput"/> (with line and column)
        /// or <see cref="ContinuityCode.BadTime"/>; the engine is left exactly as it was.
        /// </exception>
        public Handled Handle(string inputJson, long nowMs)
        {
            var text = Utf8.ToNative(inputJson, "inputJson");
            var now = Time(nowMs, "nowMs");
            int handled;
            ContinuityException.Check(NativeMethods.continuity_engine_handle(Live(), text, now, out handled));
            return (Handled)handled;
        }

        /// <summary>
        /// Tells the engine that <paramref name="nowMs"/> has come: it handles
        /// every deadline due by then (a call with nothing due changes nothing).
        /// Then <see cref="Drain"/> the outputs.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="nowMs"/> is negative.</exception>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        /// <exception cref="ContinuityException"><see cref="ContinuityCode.BadTime"/> past <see cref="MaxTimeMs"/>.</exception>
        public void HandleTimeout(long nowMs)
        {
            var now = Time(nowMs, "nowMs");
            ContinuityException.Check(NativeMethods.continuity_engine_handle_timeout(Live(), now));
        }

        /// <summary>
        /// When <see cref="HandleTimeout"/> must next be called, in engine
        /// milliseconds, or null when there is no deadline. While outputs
        /// wait to be taken it is the engine's current time.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        public long? PollTimeout()
        {
            ulong deadline;
            var code = ContinuityException.Check(NativeMethods.continuity_engine_poll_timeout(Live(), out deadline));
            return code == (int)ContinuityCode.None ? (long?)null : (long)deadline;
        }

        /// <summary>Takes the next output with its time, or null when none is waiting.</summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        public Emitted PollOutput()
        {
            LibraryString json;
            ulong at;
            var code = NativeMethods.continuity_engine_poll_output(Live(), out json, out at);
            var text = json.TakeText();
            ContinuityException.Check(code);
            if (code == (int)ContinuityCode.None)
            {
                return null;
            }
            return new Emitted((long)at, Output.Parse(text));
        }

        /// <summary>Takes every output waiting, in order (call it after every input and timeout).</summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        public IList<Emitted> Drain()
        {
            var outputs = new List<Emitted>();
            for (var emitted = PollOutput(); emitted != null; emitted = PollOutput())
            {
                outputs.Add(emitted);
            }
            return outputs;
        }

        /// <summary>A snapshot of the engine: phase, site, role, pending switch, services, counters.</summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        /// <exception cref="FormatException">
        /// The library reported a value this binding does not know (a newer library than the binding);
        /// <see cref="StatusJson"/> still works.
        /// </exception>
        public EngineStatus Status()
        {
            var json = StatusJson();
            try
            {
                return new EngineStatus(json);
            }
            catch (JsonFormatException err)
            {
                throw new FormatException("the engine's status is not what this binding reads (is the library newer than the binding?): " +
                    err.Message + "; read Engine.StatusJson() instead", err);
            }
        }

        /// <summary>The status as the library writes it: compact JSON, the bytes of the WebAssembly package's <c>statusJson()</c>.</summary>
        /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
        public string StatusJson()
        {
            LibraryString json;
            var code = NativeMethods.continuity_engine_status(Live(), out json);
            var text = json.TakeText();
            ContinuityException.Check(code);
            return text;
        }

        /// <summary>
        /// Validates a bundle (JSON) as <c>continuity validate</c> does, with
        /// every diagnostic typed. A bundle that does not validate is a
        /// report with <see cref="ValidationReport.IsValid"/> false, not an exception.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="bundleJson"/> is null.</exception>
        /// <exception cref="ContinuityException">
        /// <see cref="ContinuityCode.InvalidJson"/>, or <see cref="ContinuityCode.InvalidBundle"/> for a field of the wrong shape.
        /// </exception>
        public static ValidationReport Validate(string bundleJson)
        {
            var bundle = Utf8.ToNative(bundleJson, "bundleJson");
            LibraryString report;
            int code;
            try
            {
                code = NativeMethods.continuity_validate(bundle, out report);
            }
            catch (DllNotFoundException err)
            {
                throw Loading.Explain(err);
            }
            var text = report.TakeText();
            ContinuityException.Check(code);
            return new ValidationReport(text);
        }

        /// <summary>
        /// Replaces every <c>options_file</c> of a bundle with the options of
        /// the Genesys Administrator export it names. The library reads no
        /// file: pass each export's path (exactly as the bundle writes it)
        /// and its text.
        /// </summary>
        /// <param name="bundleJson">The bundle, as JSON.</param>
        /// <param name="exports">Each export: the path as written in the bundle, and the file's text (read it as UTF-8). Exports the bundle does not name are ignored.</param>
        /// <exception cref="ArgumentNullException">An argument, a path or a text is null.</exception>
        /// <exception cref="ContinuityException">
        /// <see cref="ContinuityCode.InvalidBundle"/> when an export the bundle names is missing or does not parse
        /// (the message names the object, the file and the line); <see cref="ContinuityCode.InvalidJson"/>.
        /// </exception>
        public static ResolvedBundle ResolveOptionFiles(string bundleJson, IEnumerable<KeyValuePair<string, string>> exports)
        {
            var bundle = Utf8.ToNative(bundleJson, "bundleJson");
            if (exports == null)
            {
                throw new ArgumentNullException("exports", "`exports` is null: pass the exports (path and text), or none");
            }
            var encoded = new List<KeyValuePair<byte[], byte[]>>();
            foreach (var export in exports)
            {
                encoded.Add(new KeyValuePair<byte[], byte[]>(Utf8.ToNative(export.Key, "exports (a path)"),
                    Utf8.ToNative(export.Value, "exports (a text)")));
            }
            var paths = new IntPtr[encoded.Count];
            var texts = new IntPtr[encoded.Count];
            try
            {
                for (var i = 0; i < encoded.Count; i++)
                {
                    paths[i] = Copy(encoded[i].Key);
                    texts[i] = Copy(encoded[i].Value);
                }
                LibraryString json;
                int code;
                try
                {
                    code = NativeMethods.continuity_resolve_option_files(bundle, paths, texts,
                        new UIntPtr((uint)encoded.Count), out json);
                }
                catch (DllNotFoundException err)
                {
                    throw Loading.Explain(err);
                }
                var text = json.TakeText();
                ContinuityException.Check(code);
                return new ResolvedBundle(text);
            }
            finally
            {
                foreach (var pointer in paths)
                {
                    Marshal.FreeHGlobal(pointer);
                }
                foreach (var pointer in texts)
                {
                    Marshal.FreeHGlobal(pointer);
                }
            }
        }

        /// <summary>Frees the engine. Idempotent; every later call but this one throws <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        private EngineHandle Live()
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException("Engine", "the engine was disposed: create a new one");
            }
            return handle;
        }

        private static ulong Time(long ms, string parameter)
        {
            if (ms < 0)
            {
                throw new ArgumentOutOfRangeException(parameter, ms,
                    "`" + parameter + "` is negative: pass milliseconds on a monotonic clock, from 0 to Engine.MaxTimeMs (" +
                    MaxTimeMs + "), such as Stopwatch.ElapsedMilliseconds");
            }
            return (ulong)ms;
        }

        /// <summary>A copy of NUL-terminated bytes in unmanaged memory, freed with <see cref="Marshal.FreeHGlobal"/>.</summary>
        private static IntPtr Copy(byte[] bytes)
        {
            var pointer = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, pointer, bytes.Length);
            return pointer;
        }
    }
}
