// ContinuityTests: the C# binding's tests, a console program.
//
// Usage: mono ContinuityTests.exe [--root REPO] [NAME-FILTER]
//
// REPO (default: the current folder) is the repository root, where the
// example bundles are read from; NAME-FILTER runs only the tests whose name
// contains it. The native library must be loadable (LD_LIBRARY_PATH, or next
// to the binding's assembly).

using System;

namespace Continuity.Tests
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            string filter = null;
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] == "--root" && i + 1 < args.Length)
                {
                    Repo.Root = args[++i];
                }
                else if (filter == null && !args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    filter = args[i];
                }
                else
                {
                    Console.Error.WriteLine("usage: ContinuityTests.exe [--root REPO] [NAME-FILTER]");
                    return 2;
                }
            }
            Console.WriteLine("Continuity C# binding tests, native library " + Engine.LibraryVersion);
            var harness = new Harness(filter);
            JsonTests.Register(harness);
            EngineTests.Register(harness);
            BadInputTests.Register(harness);
            HandleTests.Register(harness);
            DriverTests.Register(harness);
            return harness.Finish();
        }
    }
}
