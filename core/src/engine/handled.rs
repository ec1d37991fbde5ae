//! What became of an input: applied, ignored (and why), or refused.

use std::fmt;

use crate::wire::WireEnum;
use crate::wire_enum;

/// What became of an input, as every `handle_*` method answers it.
///
/// Deadlines that fell due before the input are handled first whatever the
/// answer: `Handled` speaks of the input itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handled {
    /// The input changed what the engine knows (it may or may not have emitted outputs).
    Applied,
    /// The input changed nothing and emitted nothing; it is counted in
    /// [`Status::ignored`](crate::Status::ignored) under the reason.
    Ignored(Ignore),
    /// The engine is stopped and takes no more inputs (rule 13); counted as
    /// out of phase. Create a new engine to start again.
    Refused,
}

wire_enum! {
    /// Why an input was ignored (rule 10).
    pub enum Ignore {
        /// It repeated what the engine already knew: `start` when started, a
        /// link reported in the state it has, a manual switch to the current site…
        Duplicate = "duplicate",
        /// It names a site or interaction the engine does not know.
        Unknown = "unknown",
        /// It does not apply in the current phase or to the current site.
        OutOfPhase = "out-of-phase",
    }
}

/// How many answers there are: applied, one per [`Ignore`], refused.
const COUNT: usize = Ignore::ALL.len() + 2;

impl Handled {
    /// Every answer, in code order: applied, each [`Ignore`] in its order, refused.
    pub const ALL: [Handled; COUNT] = {
        let mut all = [Handled::Applied; COUNT];
        let mut i = 0;
        while i < Ignore::ALL.len() {
            all[i + 1] = Handled::Ignored(Ignore::ALL[i]);
            i += 1;
        }
        all[COUNT - 1] = Handled::Refused;
        all
    };

    /// Every answer's wire name, in code order: `applied`, `duplicate`,
    /// `unknown`, `out-of-phase`, `refused`.
    pub const NAMES: &'static [&'static str] = &{
        let mut names = ["applied"; COUNT];
        let mut i = 0;
        while i < Ignore::NAMES.len() {
            names[i + 1] = Ignore::NAMES[i];
            i += 1;
        }
        names[COUNT - 1] = "refused";
        names
    };

    /// The answer's number, its index in [`Handled::ALL`] and [`Handled::NAMES`].
    pub const fn code(self) -> usize {
        match self {
            Handled::Applied => 0,
            Handled::Ignored(why) => 1 + why.index(),
            Handled::Refused => COUNT - 1,
        }
    }

    /// The answer with number `code`, if there is one.
    pub const fn from_code(code: usize) -> Option<Handled> {
        if code < COUNT {
            Some(Handled::ALL[code])
        } else {
            None
        }
    }

    /// The wire name: `applied`, `duplicate`, `unknown`, `out-of-phase` or `refused`.
    pub const fn as_str(self) -> &'static str {
        Handled::NAMES[self.code()]
    }

    /// Whether the input was applied.
    pub fn is_applied(self) -> bool {
        self == Handled::Applied
    }
}

impl WireEnum for Handled {
    const TYPE_NAME: &'static str = "Handled";
    const VARIANTS: &'static [Handled] = &Handled::ALL;
    const NAMES: &'static [&'static str] = Handled::NAMES;

    fn index(self) -> usize {
        self.code()
    }
}

impl fmt::Display for Handled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_names() {
        assert_eq!(
            Handled::NAMES,
            ["applied", "duplicate", "unknown", "out-of-phase", "refused"]
        );
        for (code, handled) in Handled::ALL.into_iter().enumerate() {
            assert_eq!(handled.code(), code);
            assert_eq!(Handled::from_code(code), Some(handled));
            assert_eq!(handled.to_string(), Handled::NAMES[code]);
        }
        assert_eq!(Handled::from_code(COUNT), None);
        assert_eq!(
            Handled::Ignored(Ignore::OutOfPhase).as_str(),
            Ignore::OutOfPhase.as_str()
        );
    }
}
