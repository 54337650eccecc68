//! The model's tensors, read from `model.safetensors` through a read-only memory map.

use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors};

use crate::error::{Error, Result};

/// An open weights file; tensors are looked up by their names in the checkpoint.
pub(crate) struct Weights {
    path: PathBuf,
    map: memmap2::Mmap,
}

/// One tensor, copied out as `f32` values in row-major order.
pub(crate) struct Weight {
    pub(crate) shape: Vec<usize>,
    pub(crate) values: Vec<f32>,
}

impl Weights {
    pub(crate) fn open(path: &Path) -> Result<Weights> {
        let file = std::fs::File::open(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        // SAFETY: the file is mapped read-only and only read while this struct lives; Rhyme
        // never writes model files while running, and fetch.sh replaces them by rename, which
        // leaves an existing map intact.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let weights = Weights {
            path: path.to_path_buf(),
            map,
        };
        weights.tensors()?;
        Ok(weights)
    }

    fn tensors(&self) -> Result<SafeTensors<'_>> {
        SafeTensors::deserialize(&self.map).map_err(|e| self.error(e.to_string()))
    }

    /// The tensor `name` (also found under the `bert.` prefix some checkpoints carry),
    /// checked to have `shape`.
    pub(crate) fn get(&self, name: &str, shape: &[usize]) -> Result<Weight> {
        let tensors = self.tensors()?;
        let view = tensors
            .tensor(name)
            .or_else(|_| tensors.tensor(&format!("bert.{name}")))
            .map_err(|_| self.error(format!("no tensor named {name}")))?;
        if view.shape() != shape {
            return Err(self.error(format!(
                "{name} has shape {:?}, the config implies {shape:?}",
                view.shape()
            )));
        }
        let values = match view.dtype() {
            Dtype::F32 => view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            other => return Err(self.error(format!("{name} is {other:?}, expected F32"))),
        };
        Ok(Weight {
            shape: shape.to_vec(),
            values,
        })
    }

    pub(crate) fn error(&self, reason: String) -> Error {
        Error::Weights {
            path: self.path.clone(),
            reason,
        }
    }
}

impl Weight {
    /// The transpose of a `[rows, cols]` matrix: PyTorch's linear layers keep `[out, in]`,
    /// and the graph multiplies `x · W`, which wants `[in, out]`.
    pub(crate) fn transposed(&self) -> Weight {
        let (rows, cols) = (self.shape[0], self.shape[1]);
        let mut values = vec![0.0; self.values.len()];
        for r in 0..rows {
            for c in 0..cols {
                values[c * rows + r] = self.values[r * cols + c];
            }
        }
        Weight {
            shape: vec![cols, rows],
            values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transpose_swaps_rows_and_columns() {
        let w = Weight {
            shape: vec![2, 3],
            values: vec![1., 2., 3., 4., 5., 6.],
        };
        let t = w.transposed();
        assert_eq!(t.shape, vec![3, 2]);
        assert_eq!(t.values, vec![1., 4., 2., 5., 3., 6.]);
    }
}
