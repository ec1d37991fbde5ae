//! Per-desktop seeds and the simulated host's draws (SplitMix64).

/// SplitMix64's output function: a well-mixed 64-bit value from any input.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The engine seed of desktop `index` of a fleet seeded with `seed`.
pub(crate) fn desktop_seed(seed: u64, index: u32) -> u64 {
    mix(seed ^ mix(u64::from(index)))
}

/// A uniform draw from `[0, n]` (inclusive) from the 64 random bits `bits`.
pub(crate) fn up_to(bits: u64, n: u64) -> u64 {
    ((u128::from(bits) * (u128::from(n) + 1)) >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_per_desktop_and_per_fleet_and_draws_stay_in_range() {
        assert_ne!(desktop_seed(0, 0), desktop_seed(0, 1));
        assert_ne!(desktop_seed(0, 0), desktop_seed(1, 0));
        assert_eq!(desktop_seed(5, 9), desktop_seed(5, 9));
        for i in 0..1000 {
            assert!(up_to(mix(i), 20_000) <= 20_000);
        }
        assert_eq!(up_to(u64::MAX, 0), 0);
        assert_eq!(up_to(u64::MAX, 10), 10);
    }
}
