//! Wire names: each fieldless enum of the vocabulary is declared once, with
//! the name it has in JSON, and everything that turns it into text or back
//! is derived from that declaration by [`wire_enum!`](crate::wire_enum).
//!
//! The bindings derive their tables from the same declarations: the
//! WebAssembly package's packed outputs and `wire.js`, the C ABI's codes.

#[doc(hidden)]
pub use serde;

/// A fieldless enum whose variants have wire names, as [`wire_enum!`](crate::wire_enum) declares it.
///
/// The generic face of the inherent `ALL`, `NAMES`, `index` and `as_str`,
/// for code that handles every such enum alike (readers, generators).
pub trait WireEnum: Copy + Eq + 'static {
    /// The Rust name of the type, as in `"Service"`.
    const TYPE_NAME: &'static str;
    /// Every variant, in declaration order.
    const VARIANTS: &'static [Self];
    /// Every variant's wire name, in declaration order.
    const NAMES: &'static [&'static str];

    /// The position of this variant in declaration order.
    fn index(self) -> usize;

    /// The wire name of this variant.
    fn wire_name(self) -> &'static str {
        Self::NAMES[self.index()]
    }

    /// The variant with wire name `name`, if there is one.
    fn from_wire_name(name: &str) -> Option<Self> {
        let index = Self::NAMES.iter().position(|n| *n == name)?;
        Self::VARIANTS.get(index).copied()
    }
}

/// Declares a fieldless enum whose variants have wire names, and derives
/// from that one declaration everything that names them.
///
/// Each variant is written `Variant = "wire-name"` under its doc comment;
/// other attributes on the enum and its variants are kept (`#[derive(Ord)]`,
/// `#[default]`). The enum gets `Clone, Copy, Debug, PartialEq, Eq, Hash`,
/// and:
///
/// - `ALL` (every variant) and `NAMES` (every wire name), in declaration order;
/// - `as_str`, `index` (the position in `ALL`), `from_name` and `from_index`;
/// - [`WireEnum`], `Display` (the wire name), and serde `Serialize` /
///   `Deserialize` by wire name, as `#[derive]` would with `#[serde(rename)]`.
///
/// ```
/// continuity_core::wire_enum! {
///     /// A colour.
///     pub enum Colour {
///         /// Like blood.
///         DeepRed = "deep-red",
///         /// Like the sky.
///         Blue = "blue",
///     }
/// }
///
/// assert_eq!(Colour::DeepRed.as_str(), "deep-red");
/// assert_eq!(Colour::from_name("blue"), Some(Colour::Blue));
/// assert_eq!(Colour::NAMES, ["deep-red", "blue"]);
/// assert_eq!(Colour::Blue.index(), 1);
/// ```
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Name:ident {
            $(
                $(#[$variant_meta:meta])*
                $Variant:ident = $wire:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $Name {
            $(
                $(#[$variant_meta])*
                $Variant,
            )+
        }

        impl $Name {
            /// Every variant, in declaration order.
            pub const ALL: [$Name; [$($wire),+].len()] = [$($Name::$Variant),+];

            /// Every variant's wire name, in declaration order (as [`Self::ALL`]).
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

            /// The wire name of this variant.
            pub const fn as_str(self) -> &'static str {
                // The variants carry no explicit discriminant, so they
                // count from 0 in declaration order, as `NAMES` does.
                Self::NAMES[self as usize]
            }

            /// The position of this variant in declaration order (its index in [`Self::ALL`]).
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The variant with wire name `name`, if there is one.
            pub fn from_name(name: &str) -> ::core::option::Option<$Name> {
                $crate::wire::WireEnum::from_wire_name(name)
            }

            /// The variant at position `index` in declaration order, if there is one.
            pub const fn from_index(index: usize) -> ::core::option::Option<$Name> {
                if index < Self::ALL.len() {
                    ::core::option::Option::Some(Self::ALL[index])
                } else {
                    ::core::option::Option::None
                }
            }
        }

        impl $crate::wire::WireEnum for $Name {
            const TYPE_NAME: &'static str = stringify!($Name);
            const VARIANTS: &'static [$Name] = &$Name::ALL;
            const NAMES: &'static [&'static str] = $Name::NAMES;

            fn index(self) -> usize {
                self as usize
            }
        }

        impl ::core::fmt::Display for $Name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::wire::serde::Serialize for $Name {
            fn serialize<S: $crate::wire::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                // What `#[derive(Serialize)]` does for a unit variant.
                serializer.serialize_unit_variant(stringify!($Name), *self as u32, self.as_str())
            }
        }

        impl<'de> $crate::wire::serde::Deserialize<'de> for $Name {
            fn deserialize<D: $crate::wire::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<$Name, D::Error> {
                deserializer.deserialize_str($crate::wire::NameVisitor::<$Name>::new())
            }
        }
    };
}

/// Declares a data-carrying enum tagged by `"type"` (serde's internal
/// tagging) and, by [`wire_enum!`](crate::wire_enum), the fieldless enum of
/// its type names, from one list of `Variant = "wire_name" { fields }`.
///
/// The variant docs serve both enums; the data enum's own attributes
/// (derives, `#[serde(tag = "type")]`) are written at the call. It gets
/// `kind()` (its type) and `type_name()` (that type's wire name), and each
/// variant is renamed to its wire name for serde.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $Name:ident: $Type:ident {
            $(
                $(#[$variant_meta:meta])*
                $Variant:ident = $wire:literal $({
                    $(
                        $(#[$field_meta:meta])*
                        $field:ident: $field_type:ty
                    ),* $(,)?
                })?
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum $Name {
            $(
                $(#[$variant_meta])*
                #[serde(rename = $wire)]
                $Variant $({
                    $(
                        $(#[$field_meta])*
                        $field: $field_type,
                    )*
                })?,
            )+
        }

        $crate::wire_enum! {
            #[doc = concat!("The type of an [`", stringify!($Name), "`], as its `\"type\"` tag names it.")]
            pub enum $Type {
                $(
                    $(#[$variant_meta])*
                    $Variant = $wire,
                )+
            }
        }

        impl $Name {
            /// This value's type.
            pub fn kind(&self) -> $Type {
                match self {
                    $($Name::$Variant { .. } => $Type::$Variant,)+
                }
            }

            /// The wire name of this value's type, as in its `"type"` tag.
            pub fn type_name(&self) -> &'static str {
                self.kind().as_str()
            }
        }
    };
}

/// [`tagged_enum!`] for the engine's input, plus its JSON reader: each
/// type's fields with what they hold ([`FieldKind`](crate::FieldKind)), and
/// `read_fields`, which reads a variant's fields by their names and types.
macro_rules! input_enum {
    (
        @read
        $(#[$meta:meta])*
        pub enum $Name:ident: $Type:ident {
            $(
                $(#[$variant_meta:meta])*
                $Variant:ident = $wire:literal $({
                    $(
                        $(#[$field_meta:meta])*
                        $field:ident: $field_type:ty
                    ),* $(,)?
                })?
            ),+ $(,)?
        }
    ) => {
        impl $Type {
            /// This type's fields besides `type`, in declaration order, with what each holds.
            pub fn fields(self) -> &'static [(&'static str, $crate::vocab::FieldKind)] {
                match self {
                    $($Type::$Variant => {
                        const FIELDS: &[(&str, $crate::vocab::FieldKind)] = &[$($(
                            (stringify!($field), <$field_type as $crate::vocab::InputField>::KIND),
                        )*)?];
                        FIELDS
                    })+
                }
            }

            /// The names of this type's fields besides `type`, in declaration order.
            pub(crate) fn field_names(self) -> &'static [&'static str] {
                match self {
                    $($Type::$Variant => &[$($(stringify!($field)),*)?],)+
                }
            }
        }

        impl $Name {
            /// Reads the fields of an input of type `kind` from its object
            /// `value`; the fields it does not have were refused already.
            fn read_fields(
                kind: $Type,
                doc: &$crate::json::Doc<'_>,
                obj: &$crate::json::Obj<'_, '_, '_>,
                value: &$crate::json::Value<'_>,
            ) -> Result<$Name, $crate::error::Error> {
                // Every field present is read (a wrong type is named first),
                // then the first one missing, in declaration order, is named.
                let missing = |field: &str| doc.error(value, format!("missing field `{field}`"));
                Ok(match kind {
                    $($Type::$Variant => {
                        $($(
                            let $field = obj.opt(
                                stringify!($field),
                                <$field_type as $crate::vocab::InputField>::read,
                            )?;
                        )*)?
                        $Name::$Variant $({$(
                            $field: $field.ok_or_else(|| missing(stringify!($field)))?,
                        )*})?
                    })+
                })
            }
        }
    };
    ($($body:tt)*) => {
        $crate::wire::tagged_enum! { $($body)* }
        $crate::wire::input_enum! { @read $($body)* }
    };
}

pub(crate) use {input_enum, tagged_enum};

/// Reads a wire name for a [`WireEnum`]'s `Deserialize`.
#[doc(hidden)]
pub struct NameVisitor<T>(std::marker::PhantomData<T>);

impl<T> NameVisitor<T> {
    /// The visitor.
    pub const fn new() -> NameVisitor<T> {
        NameVisitor(std::marker::PhantomData)
    }
}

impl<T> Default for NameVisitor<T> {
    fn default() -> NameVisitor<T> {
        NameVisitor::new()
    }
}

impl<T: WireEnum> serde::de::Visitor<'_> for NameVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a {} name", T::TYPE_NAME)
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<T, E> {
        T::from_wire_name(name).ok_or_else(|| E::unknown_variant(name, T::NAMES))
    }
}

#[cfg(test)]
mod tests {
    use crate::{
        FieldKind, Ignore, InputType, LinkState, Member, OutputType, Phase, Reason, Role, Service,
        TimerKind,
    };

    wire_enum! {
        /// A test enum.
        #[derive(PartialOrd, Ord, Default)]
        enum Shape {
            /// The first.
            #[default]
            RoundThing = "round-thing",
            /// The second.
            Square = "square",
        }
    }

    #[test]
    fn names_follow_declaration_order() {
        assert_eq!(Shape::ALL, [Shape::RoundThing, Shape::Square]);
        assert_eq!(Shape::NAMES, ["round-thing", "square"]);
        assert_eq!(Shape::Square.index(), 1);
        assert_eq!(Shape::from_index(1), Some(Shape::Square));
        assert_eq!(Shape::from_index(2), None);
        assert_eq!(Shape::default(), Shape::RoundThing);
        assert!(Shape::RoundThing < Shape::Square);
        assert_eq!(Shape::RoundThing.to_string(), "round-thing");
        assert_eq!(Shape::from_name("square"), Some(Shape::Square));
        assert_eq!(Shape::from_name("Square"), None);
    }

    #[test]
    fn serde_reads_and_writes_the_wire_name() {
        assert_eq!(
            serde_json::to_string(&Shape::RoundThing).unwrap(),
            r#""round-thing""#
        );
        assert_eq!(
            serde_json::from_str::<Shape>(r#""square""#).unwrap(),
            Shape::Square
        );
        let err = serde_json::from_str::<Shape>(r#""circle""#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown variant `circle`, expected `round-thing` or `square` at line 1 column 8"
        );
        assert!(serde_json::from_str::<Shape>("1").is_err());
    }

    #[test]
    fn every_vocabulary_enum_round_trips_through_serde() {
        fn check<T>()
        where
            T: super::WireEnum + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
        {
            for (value, name) in T::VARIANTS.iter().zip(T::NAMES) {
                let json = serde_json::to_string(value).unwrap();
                assert_eq!(json, format!("\"{name}\""));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *value);
                assert_eq!(T::from_wire_name(name), Some(*value));
            }
        }
        check::<Service>();
        check::<Member>();
        check::<Phase>();
        check::<Role>();
        check::<Reason>();
        check::<TimerKind>();
        check::<LinkState>();
        check::<Ignore>();
        check::<InputType>();
        check::<OutputType>();
        check::<FieldKind>();
    }
}
