// The C ABI (capi/include/continuity.h) as P/Invoke declarations, and the
// UTF-8 marshalling of its strings.
//
// Strings go in as NUL-terminated UTF-8 byte arrays made here (netstandard2.0
// has no UTF-8 string marshalling, and Mono's support for it varies); strings
// come out as LibraryString handles, read as UTF-8 and freed with
// continuity_string_free. continuity_last_error, continuity_version and
// continuity_code_name return the library's own strings: read, never freed.

using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Continuity
{
    internal static class NativeMethods
    {
        /// <summary>
        /// The library's name: continuity_capi.dll on Windows,
        /// libcontinuity_capi.so on Linux, libcontinuity_capi.dylib on macOS
        /// (the runtime adds the prefix and suffix).
        /// </summary>
        public const string Library = "continuity_capi";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_validate(byte[] bundleJson, out LibraryString report);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_resolve_option_files(byte[] bundleJson, IntPtr[] paths, IntPtr[] texts,
            UIntPtr count, out LibraryString json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_new(byte[] bundleJson, ulong seed, out EngineHandle engine);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void continuity_engine_free(IntPtr engine);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_handle(EngineHandle engine, byte[] inputJson, ulong nowMs, out int handled);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_handle_timeout(EngineHandle engine, ulong nowMs);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_poll_timeout(EngineHandle engine, out ulong deadlineMs);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_poll_output(EngineHandle engine, out LibraryString json, out ulong atMs);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_now(EngineHandle engine, out ulong nowMs);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int continuity_engine_status(EngineHandle engine, out LibraryString json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr continuity_code_name(int code);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr continuity_last_error();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void continuity_string_free(IntPtr text);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr continuity_version();
    }

    /// <summary>What to say when the native library cannot be loaded.</summary>
    internal static class Loading
    {
        /// <summary>
        /// <paramref name="err"/> again, saying which file was looked for and
        /// how to make it findable (the runtime's own message names neither).
        /// </summary>
        public static DllNotFoundException Explain(DllNotFoundException err)
        {
            return new DllNotFoundException(
                "the Continuity native library was not found: continuity_capi.dll (Windows), libcontinuity_capi.so " +
                "(Linux) or libcontinuity_capi.dylib (macOS). Build it with `cargo build --release -p continuity-capi` " +
                "and put it next to your executable (on Linux, or add its folder to LD_LIBRARY_PATH); see capi/dotnet/README.md. " +
                "The runtime said: " + err.Message, err);
        }
    }

    /// <summary>UTF-8 both ways across the boundary.</summary>
    internal static class Utf8
    {
        /// <summary>Strict: a lone surrogate in a .NET string throws rather than turning into U+FFFD.</summary>
        private static readonly Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>
        /// <paramref name="text"/> as NUL-terminated UTF-8, for a <c>const char *</c> argument.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="ArgumentException">
        /// It holds a NUL character (C would see only the text before it) or a lone surrogate (no UTF-8 for it).
        /// </exception>
        public static byte[] ToNative(string text, string parameter)
        {
            if (text == null)
            {
                throw new ArgumentNullException(parameter, "`" + parameter + "` is null: pass JSON text");
            }
            if (text.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("`" + parameter + "` holds a NUL character at index " + text.IndexOf('\0') +
                    ": the library reads text up to the first NUL, so pass text without one", parameter);
            }
            int length;
            try
            {
                length = Strict.GetByteCount(text);
            }
            catch (EncoderFallbackException err)
            {
                throw new ArgumentException("`" + parameter + "` is not valid Unicode (" + err.Message +
                    "): it holds a lone surrogate, which has no UTF-8 form", parameter, err);
            }
            var bytes = new byte[length + 1];
            Strict.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        /// <summary>A NUL-terminated UTF-8 string at <paramref name="pointer"/> (null for a NULL pointer).</summary>
        public static string FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return null;
            }
            var length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }
            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>The library's message for the last failure on this thread.</summary>
        public static string LastError()
        {
            return FromNative(NativeMethods.continuity_last_error()) ?? "";
        }
    }
}
