//! The keys a closed schema accepts, read from its serde derive, so that
//! docs can be checked against the code (tests/integration/docs.rs) and
//! nothing keeps a second, hand-written list. Never used for parsing.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The field names of the struct `T` deserialises as.
pub fn of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

/// A deserializer that only records the fields a struct asks for.
struct Probe(Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for &mut Probe {
    type Error = de::value::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = Some(fields);
        Err(de::Error::custom("fields recorded"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Example {
        title: String,
        #[serde(default)]
        weight: i64,
    }

    #[test]
    fn reads_the_fields_of_a_derive() {
        assert_eq!(super::of::<Example>(), ["title", "weight"]);
        assert!(super::of::<String>().is_empty());
    }
}
