//! C ABI for the Continuity failover engine.
