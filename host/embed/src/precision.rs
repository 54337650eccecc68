//! Which arithmetic the encoder's matrix products use.

use std::fmt;
use std::str::FromStr;

/// The precision of the encoder's weights and matrix products.
///
/// Vectors from the two precisions are close but not equal, so an index must be built and
/// queried with the same one ([`crate::Embedder::model_id`] names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// float32 throughout: the same vectors as sentence-transformers (cosine ≥ 0.9999).
    Float32,
    /// The default. The first feed-forward product of each layer in integers: int8
    /// weights (one scale per output column) and activations quantised at run time with
    /// one scale per token, so a text's vector does not depend on its batch. Attention,
    /// the second feed-forward product, normalisation and pooling stay float32: quantising
    /// them cost robustness to reworded questions (models/README.md).
    #[default]
    Int8,
}

impl Precision {
    /// The name used in configuration (`[model] precision`).
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Float32 => "float32",
            Precision::Int8 => "int8",
        }
    }

    /// The name of the graph this precision builds, for [`crate::Embedder::model_id`]. The
    /// int8 graph changed (one activation scale per batch on all four products before,
    /// per token on the first feed-forward product now): vectors of the two differ (cosine
    /// about 0.98), so an index or cached vectors from the old one must not pass as current.
    pub fn graph_id(self) -> &'static str {
        match self {
            Precision::Float32 => "float32",
            Precision::Int8 => "int8-ffn1-token",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A precision name that is neither `float32` nor `int8`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown embedding precision {0:?}: expected \"float32\" or \"int8\"")]
pub struct UnknownPrecision(pub String);

impl FromStr for Precision {
    type Err = UnknownPrecision;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "float32" | "f32" | "full" => Ok(Precision::Float32),
            "int8" | "i8" => Ok(Precision::Int8),
            _ => Err(UnknownPrecision(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_ids_differ_and_float32_keeps_its_name() {
        // Indexes that record no model are float32 ones, recognised by this name.
        assert_eq!(Precision::Float32.graph_id(), "float32");
        assert_ne!(Precision::Int8.graph_id(), "int8");
        assert_ne!(Precision::Int8.graph_id(), Precision::Float32.graph_id());
    }

    #[test]
    fn names_parse_back_to_the_same_precision() {
        for p in [Precision::Float32, Precision::Int8] {
            assert_eq!(p.as_str().parse::<Precision>(), Ok(p));
        }
        assert_eq!(" Full ".parse::<Precision>(), Ok(Precision::Float32));
        assert!(
            "int4"
                .parse::<Precision>()
                .unwrap_err()
                .to_string()
                .contains("int4")
        );
    }
}
