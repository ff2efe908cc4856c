//! The encoding of the server functions' responses: JSON, as server_fn's own `Json`, but
//! read as text. The browser reads JSON in two places: resources hydrate from the JSON text
//! the server wrote into the page (`serde_json::from_str`), and server functions read their
//! responses, which server_fn's `Json` does from bytes (`serde_json::from_slice`). serde
//! compiles the reading of every type once per kind of input, so each type crossing to the
//! browser was compiled twice: a sixth of the browser bundle's code, doubled. With responses
//! read as text too, it is compiled once.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{Serialize, de::DeserializeOwned};

/// JSON in the body, read from text (see the module).
pub struct JsonText;

/// The server functions' output: `#[server(output = JsonTextPost, ...)]`.
pub type JsonTextPost = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            <serde_json::Error as serde::de::Error>::custom("the response is not UTF-8")
        })?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encoded_decodes_to_the_same() {
        let value = (
            String::from("Bäume für den Südpark"),
            vec![1_i64, -2],
            Some(true),
        );
        let bytes = <JsonText as Encodes<_>>::encode(&value).unwrap();
        let back: (String, Vec<i64>, Option<bool>) = JsonText::decode(bytes).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn bytes_that_are_not_text_are_an_error_not_a_panic() {
        let decoded: Result<String, _> = JsonText::decode(Bytes::from_static(b"\"\xff\""));
        assert!(decoded.is_err());
    }
}
