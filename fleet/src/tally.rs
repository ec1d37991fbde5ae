//! What a range of desktops sent, ready to merge with the other ranges.

use continuity_core::Millis;

/// Counts per second and per site, and each desktop's switch times, for a
/// range of desktops. Site 0 is the lost site, 1 the other.
///
/// Tallies of disjoint ranges [`merge`](Tally::merge) in any order into the
/// tally of their union: the report does not depend on how the work was split.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// `connect`s received, per site, per second.
    pub(crate) connects: [Vec<u32>; 2],
    /// REGISTER requests received, per site, per second.
    pub(crate) registers: [Vec<u32>; 2],
    /// From the loss to each desktop's switch away from the lost site.
    pub(crate) switch_ms: Vec<Millis>,
    /// From the return to each desktop's switch back to it.
    pub(crate) back_ms: Vec<Millis>,
    /// Desktops simulated.
    pub(crate) desktops: u32,
    /// Desktops not active at the end.
    pub(crate) not_active: u32,
    /// Desktops active at the end, per site.
    pub(crate) active_on: [u32; 2],
}

impl Tally {
    pub(crate) fn new(seconds: usize) -> Tally {
        Tally {
            connects: [vec![0; seconds], vec![0; seconds]],
            registers: [vec![0; seconds], vec![0; seconds]],
            ..Tally::default()
        }
    }

    /// Adds `other`, a tally of other desktops of the same fleet.
    pub fn merge(&mut self, other: Tally) {
        for site in 0..2 {
            add(&mut self.connects[site], &other.connects[site]);
            add(&mut self.registers[site], &other.registers[site]);
            self.active_on[site] += other.active_on[site];
        }
        self.switch_ms.extend(other.switch_ms);
        self.back_ms.extend(other.back_ms);
        self.desktops += other.desktops;
        self.not_active += other.not_active;
    }

    /// How many desktops this tally counts.
    pub fn desktops(&self) -> u32 {
        self.desktops
    }

    pub(crate) fn connect(&mut self, site: usize, at: Millis) {
        bump(&mut self.connects[site], at);
    }

    pub(crate) fn register(&mut self, site: usize, at: Millis) {
        bump(&mut self.registers[site], at);
    }

    pub(crate) fn desktop_done(
        &mut self,
        switched: Option<(Millis, Millis)>,
        back: Option<(Millis, Millis)>,
        active: bool,
        on: Option<usize>,
    ) {
        self.desktops += 1;
        if let Some((at, since)) = switched {
            self.switch_ms.push(at - since);
        }
        if let Some((at, since)) = back {
            self.back_ms.push(at - since);
        }
        match on.filter(|_| active) {
            Some(site) => self.active_on[site] += 1,
            None => self.not_active += 1,
        }
    }
}

/// One more in the second of `at`; what desktops send at 0, starting up, is not counted.
fn bump(seconds: &mut [u32], at: Millis) {
    if at == 0 {
        return;
    }
    if let Some(count) = usize::try_from(at / 1000)
        .ok()
        .and_then(|s| seconds.get_mut(s))
    {
        *count += 1;
    }
}

fn add(into: &mut Vec<u32>, from: &[u32]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}
