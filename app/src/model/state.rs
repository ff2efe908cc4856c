//! One way to declare a closed set of states that is stored, sent and linked as fixed words.
//!
//! `string_enum!` writes each word once: serde (API and server functions), schemars (the
//! OpenAPI description), sea-orm (the column, server build only), `as_str` (addresses and
//! labels) and `parse` (query strings) all take it from the same line. A stored word the enum
//! does not know makes the row fail to load: states never fall back to a default, so a
//! damaged `visibility` cannot turn a hidden item visible.

/// Declares a state enum: `Variant = "word"` per line. Adds `ALL` (in declaration order),
/// `as_str` and `parse`; derives serde, and in the server build schemars and sea-orm's
/// `DeriveActiveEnum` (stored as text).
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(
            feature = "ssr",
            derive(schemars::JsonSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
        )]
        #[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $value)]
                #[cfg_attr(feature = "ssr", sea_orm(string_value = $value))]
                $variant,
            )+
        }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: [Self; [$($value),+].len()] = [$(Self::$variant),+];

            /// The stored and linked word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }

            /// The state a word names; `None` for any other word.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    string_enum! {
        /// A test set.
        enum Light {
            Red = "red",
            /// With a doc comment.
            AmberBlink = "amber_blink",
        }
    }

    #[test]
    fn words_round_trip_and_unknown_words_are_refused() {
        for light in Light::ALL {
            assert_eq!(Light::parse(light.as_str()), Some(light));
        }
        assert_eq!(Light::AmberBlink.as_str(), "amber_blink");
        assert_eq!(Light::parse("green"), None);
        assert_eq!(Light::parse(""), None);
        assert_eq!(Light::parse("Red"), None);
    }

    #[test]
    fn serde_uses_the_same_words() {
        assert_eq!(
            serde_json::to_string(&Light::AmberBlink).ok().as_deref(),
            Some("\"amber_blink\"")
        );
        assert!(serde_json::from_str::<Light>("\"green\"").is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_unknown_stored_word_is_an_error_not_a_default() {
        use sea_orm::ActiveEnum;
        assert_eq!(
            Light::try_from_value(&"red".to_owned()).ok(),
            Some(Light::Red)
        );
        assert!(Light::try_from_value(&"visible".to_owned()).is_err());
        assert_eq!(Light::Red.to_value(), "red");
    }
}
