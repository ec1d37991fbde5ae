// The test and replay programs read the binding's internals: its JSON reader
// (the replay reads scenarios with it) and its counters of freed handles.

using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ContinuityTests")]
[assembly: InternalsVisibleTo("ContinuityReplay")]
