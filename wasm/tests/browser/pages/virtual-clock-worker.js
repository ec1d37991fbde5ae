// The package's worker entry, unchanged, on a virtual clock: the clock module
// is evaluated first (static imports run in order), so the Driver inside the
// worker reads and arms the virtual clock.

import "./virtual-clock.js";
import "/pkg/web/worker.js";
