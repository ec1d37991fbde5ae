// A test runner in one page: no NUnit, so it builds with Mono's compiler
// alone. Each test prints its name and "ok" or what failed; the last line
// says "N passed, M failed", and the exit code is 1 when any failed.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Continuity.Tests
{
    internal sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message)
        {
        }
    }

    internal static class Assert
    {
        public static void True(bool condition, string what)
        {
            if (!condition)
            {
                throw new AssertionException(what);
            }
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                throw new AssertionException(what + ":\n    expected: " + Show(expected) + "\n    actual:   " + Show(actual));
            }
        }

        public static void Lines(IList<string> expected, IList<string> actual, string what)
        {
            for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
            {
                var e = i < expected.Count ? expected[i] : "<none>";
                var a = i < actual.Count ? actual[i] : "<none>";
                if (e != a)
                {
                    throw new AssertionException(what + ": first difference at line " + (i + 1) + " (expected " +
                        expected.Count + " lines, got " + actual.Count + "):\n    expected: " + e + "\n    actual:   " + a);
                }
            }
        }

        public static void Contains(string needle, string haystack, string what)
        {
            if (haystack == null || haystack.IndexOf(needle, StringComparison.Ordinal) < 0)
            {
                throw new AssertionException(what + ": expected the text to contain\n    " + needle + "\n  but it is\n    " + Show(haystack));
            }
        }

        public static void StartsWith(string prefix, string text, string what)
        {
            if (text == null || !text.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new AssertionException(what + ": expected the text to start with\n    " + prefix + "\n  but it is\n    " + Show(text));
            }
        }

        /// <summary>Runs <paramref name="action"/>, which must throw exactly a <typeparamref name="T"/>; returns it.</summary>
        public static T Throws<T>(Action action, string what) where T : Exception
        {
            try
            {
                action();
            }
            catch (Exception err)
            {
                if (err.GetType() == typeof(T))
                {
                    return (T)err;
                }
                throw new AssertionException(what + ": expected " + typeof(T).Name + ", got " + err.GetType().Name + ": " + err.Message);
            }
            throw new AssertionException(what + ": expected " + typeof(T).Name + ", but nothing was thrown");
        }

        /// <summary>A <see cref="ContinuityException"/> (or subclass) with <paramref name="code"/> and a message starting with <paramref name="prefix"/>.</summary>
        public static ContinuityException Refused(ContinuityCode code, string prefix, Action action, string what)
        {
            try
            {
                action();
            }
            catch (ContinuityException err)
            {
                Equal(code, err.Code, what + ": the code");
                StartsWith(prefix, err.Message, what + ": the message");
                return err;
            }
            throw new AssertionException(what + ": expected ContinuityException " + code + ", but nothing was thrown");
        }

        private static string Show<T>(T value)
        {
            return value == null ? "<null>" : value.ToString();
        }
    }

    internal sealed class Harness
    {
        private readonly List<string> failures = new List<string>();
        private readonly string filter;
        private int passed;

        public Harness(string filter)
        {
            this.filter = filter;
        }

        public void Run(string name, Action test)
        {
            if (filter != null && name.IndexOf(filter, StringComparison.Ordinal) < 0)
            {
                return;
            }
            var watch = Stopwatch.StartNew();
            try
            {
                test();
                passed++;
                Console.WriteLine("ok   " + name + " (" + watch.ElapsedMilliseconds + " ms)");
            }
            catch (Exception err)
            {
                failures.Add(name);
                var what = err is AssertionException ? err.Message : err.ToString();
                Console.WriteLine("FAIL " + name + "\n  " + what.Replace("\n", "\n  "));
            }
        }

        /// <summary>Prints the summary; returns the exit code.</summary>
        public int Finish()
        {
            Console.WriteLine();
            if (failures.Count > 0)
            {
                Console.WriteLine("failed: " + string.Join(", ", failures));
            }
            Console.WriteLine(passed + " passed, " + failures.Count + " failed");
            return failures.Count == 0 && passed > 0 ? 0 : 1;
        }
    }

    /// <summary>Files of the repository the tests read.</summary>
    internal static class Repo
    {
        public static string Root = ".";

        public static string Read(string relative)
        {
            return File.ReadAllText(Path.Combine(Root, relative));
        }

        public static string Workspace
        {
            get { return Read("examples/bundles/workspace.json"); }
        }
    }
}
