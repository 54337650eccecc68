//! The BERT encoder as an ONNX Runtime graph, built in memory from the config and weights.
//!
//! ONNX Runtime's fused BERT operators (`com.microsoft` EmbedLayerNormalization, Attention,
//! SkipLayerNormalization, BiasGelu) compute the same functions as the layer-by-layer graph
//! in full precision; one kernel per block instead of a dozen small ones is where the speed
//! comes from. Inputs are `input_ids`, `token_type_ids` and `attention_mask` (int32,
//! `[batch, tokens]`, padding on the right); the output is `last_hidden_state` (float32,
//! `[batch, tokens, hidden]`). Pooling stays in Rust.
//!
//! In [`Precision::Int8`] the first feed-forward product of each layer (hidden → 1,536) takes
//! int8 weights quantised here from the float ones, and quantises its input at run time
//! with one scale per token ([`Builder::per_token_int8_matmul`]). Everything else stays
//! float32: the attention block and the second feed-forward product measurably cost
//! robustness when quantised (models/README.md has the table).

use ort::editor::{Graph, Model, Node, ONNX_DOMAIN, Opset};
use ort::memory::Allocator;
use ort::operator::Attribute;
use ort::value::{
    Outlet, PrimitiveTensorElementType, Shape, SymbolicDimensions, Tensor, TensorElementType,
    ValueType,
};
use serde::Deserialize;

use crate::error::Result;
use crate::precision::Precision;
use crate::quantise;
use crate::weights::{Weight, Weights};

const MS_DOMAIN: &str = "com.microsoft";

/// `Cast`'s `to` codes (ONNX `TensorProto.DataType`).
const ONNX_FLOAT: i64 = 1;
const ONNX_UINT8: i64 = 2;

/// The fields of a BERT `config.json` the graph is built from.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct BertConfig {
    pub(crate) vocab_size: usize,
    pub(crate) hidden_size: usize,
    pub(crate) num_hidden_layers: usize,
    pub(crate) num_attention_heads: usize,
    pub(crate) intermediate_size: usize,
    pub(crate) max_position_embeddings: usize,
    pub(crate) type_vocab_size: usize,
    pub(crate) layer_norm_eps: f64,
    #[serde(default = "gelu")]
    pub(crate) hidden_act: String,
    #[serde(default = "absolute")]
    pub(crate) position_embedding_type: String,
}

fn gelu() -> String {
    "gelu".into()
}

fn absolute() -> String {
    "absolute".into()
}

impl BertConfig {
    /// Why the graph cannot be built for this architecture, if it cannot.
    pub(crate) fn unsupported(&self) -> Option<String> {
        if self.hidden_act != "gelu" {
            return Some(format!(
                "hidden_act {:?}: only \"gelu\" (erf)",
                self.hidden_act
            ));
        }
        if self.position_embedding_type != "absolute" {
            return Some(format!(
                "position_embedding_type {:?}: only \"absolute\"",
                self.position_embedding_type
            ));
        }
        if self.num_attention_heads == 0
            || !self.hidden_size.is_multiple_of(self.num_attention_heads)
        {
            return Some("hidden_size must be a multiple of num_attention_heads".into());
        }
        None
    }
}

/// The encoder as a model ready to become a session.
pub(crate) fn encoder(
    config: &BertConfig,
    weights: &Weights,
    precision: Precision,
) -> Result<Model> {
    let mut b = Builder {
        graph: Graph::new()?,
        weights,
        eps: config.layer_norm_eps as f32,
        precision,
    };
    let int_input = |name: &str| {
        Outlet::new(
            name,
            ValueType::Tensor {
                ty: TensorElementType::Int32,
                shape: Shape::new([-1, -1]),
                dimension_symbols: SymbolicDimensions::new(["batch".into(), "tokens".into()]),
            },
        )
    };
    b.graph.set_inputs([
        int_input("input_ids"),
        int_input("token_type_ids"),
        int_input("attention_mask"),
    ])?;
    b.graph.set_outputs([Outlet::new(
        "last_hidden_state",
        ValueType::Tensor {
            ty: TensorElementType::Float32,
            shape: Shape::new([-1, -1, config.hidden_size as i64]),
            dimension_symbols: SymbolicDimensions::new([
                "batch".into(),
                "tokens".into(),
                String::new(),
            ]),
        },
    )])?;
    let mut x = b.embeddings(config)?;
    for layer in 0..config.num_hidden_layers {
        x = b.layer(config, layer, &x)?;
    }
    b.graph.add_node(Node::new(
        "Identity",
        ONNX_DOMAIN,
        "output",
        [x.as_str()],
        ["last_hidden_state"],
        [],
    )?)?;
    let mut model = Model::new([Opset::new(ONNX_DOMAIN, 17)?, Opset::new(MS_DOMAIN, 1)?])?;
    model.set_graph(b.graph)?;
    Ok(model)
}

struct Builder<'w> {
    graph: Graph,
    weights: &'w Weights,
    eps: f32,
    precision: Precision,
}

impl Builder<'_> {
    fn embeddings(&mut self, c: &BertConfig) -> Result<String> {
        let h = c.hidden_size;
        let word = self.param("embeddings.word_embeddings.weight", &[c.vocab_size, h])?;
        let position = self.param(
            "embeddings.position_embeddings.weight",
            &[c.max_position_embeddings, h],
        )?;
        let kind = self.param(
            "embeddings.token_type_embeddings.weight",
            &[c.type_vocab_size, h],
        )?;
        let gamma = self.param("embeddings.LayerNorm.weight", &[h])?;
        let beta = self.param("embeddings.LayerNorm.bias", &[h])?;
        self.node(
            "EmbedLayerNormalization",
            MS_DOMAIN,
            &[
                "input_ids",
                "token_type_ids",
                &word,
                &position,
                &kind,
                &gamma,
                &beta,
                "attention_mask",
            ],
            &["embedded", "mask_index"],
            vec![Attribute::new("epsilon", self.eps)?],
        )
    }

    fn layer(&mut self, c: &BertConfig, i: usize, x: &str) -> Result<String> {
        let (h, wide) = (c.hidden_size, c.intermediate_size);
        let p = format!("encoder.layer.{i}.");
        let att = format!("{p}attention.");
        let context = self.attention(c, &att, x)?;
        let projected = self.linear(
            &format!("l{i}.projected"),
            &context,
            &format!("{att}output.dense.weight"),
            h,
            h,
        )?;
        let attended = self.skip_norm(
            &format!("l{i}.attended"),
            &projected,
            x,
            &format!("{att}output.LayerNorm"),
            &format!("{att}output.dense.bias"),
            h,
        )?;
        let widened = self.widen(
            &format!("l{i}.widened"),
            &attended,
            &format!("{p}intermediate.dense.weight"),
            wide,
            h,
        )?;
        let widen_b = self.param(&format!("{p}intermediate.dense.bias"), &[wide])?;
        let activated = self.node(
            "BiasGelu",
            MS_DOMAIN,
            &[&widened, &widen_b],
            &[&format!("l{i}.activated")],
            vec![],
        )?;
        let narrowed = self.linear(
            &format!("l{i}.narrowed"),
            &activated,
            &format!("{p}output.dense.weight"),
            h,
            wide,
        )?;
        self.skip_norm(
            &format!("l{i}.out"),
            &narrowed,
            &attended,
            &format!("{p}output.LayerNorm"),
            &format!("{p}output.dense.bias"),
            h,
        )
    }

    /// Multi-head self-attention with Q, K and V side by side (`[hidden, 3 · hidden]`).
    fn attention(&mut self, c: &BertConfig, att: &str, x: &str) -> Result<String> {
        let h = c.hidden_size;
        let parts = ["query", "key", "value"];
        let mut qkv_w = vec![0.0f32; h * 3 * h];
        let mut qkv_b = Vec::with_capacity(3 * h);
        for (k, part) in parts.iter().enumerate() {
            let w = self
                .weights
                .get(&format!("{att}self.{part}.weight"), &[h, h])?
                .transposed();
            for row in 0..h {
                qkv_w[row * 3 * h + k * h..row * 3 * h + (k + 1) * h]
                    .copy_from_slice(&w.values[row * h..(row + 1) * h]);
            }
            let bias = self.weights.get(&format!("{att}self.{part}.bias"), &[h])?;
            qkv_b.extend(bias.values);
        }
        let qkv = Weight {
            shape: vec![h, 3 * h],
            values: qkv_w,
        };
        let b = self.initializer(
            &format!("{att}qkv.bias"),
            Weight {
                shape: vec![3 * h],
                values: qkv_b,
            },
        )?;
        let w = self.initializer(&format!("{att}qkv.weight"), qkv)?;
        let heads = vec![Attribute::new("num_heads", c.num_attention_heads as i64)?];
        self.node(
            "Attention",
            MS_DOMAIN,
            &[x, &w, &b, "mask_index"],
            &[&format!("{att}context")],
            heads,
        )
    }

    /// `x + residual + bias`, layer-normalised.
    fn skip_norm(
        &mut self,
        out: &str,
        x: &str,
        residual: &str,
        norm: &str,
        bias: &str,
        h: usize,
    ) -> Result<String> {
        let gamma = self.param(&format!("{norm}.weight"), &[h])?;
        let beta = self.param(&format!("{norm}.bias"), &[h])?;
        let bias = self.param(bias, &[h])?;
        self.node(
            "SkipLayerNormalization",
            MS_DOMAIN,
            &[x, residual, &gamma, &beta, &bias],
            &[out],
            vec![Attribute::new("epsilon", self.eps)?],
        )
    }

    /// `x · W` for the linear layer whose `[outputs, inputs]` weight is `name` (its bias is
    /// added by the fused node that follows), stored transposed as `[inputs, outputs]`.
    fn linear(
        &mut self,
        out: &str,
        x: &str,
        name: &str,
        outputs: usize,
        inputs: usize,
    ) -> Result<String> {
        let w = self.weights.get(name, &[outputs, inputs])?.transposed();
        let w = self.initializer(&format!("{name}.t"), w)?;
        self.node("MatMul", ONNX_DOMAIN, &[x, &w], &[out], vec![])
    }

    /// The first feed-forward product: [`Builder::linear`] in float32, or in int8 with
    /// activations scaled per token ([`Builder::per_token_int8_matmul`]).
    fn widen(
        &mut self,
        out: &str,
        x: &str,
        name: &str,
        outputs: usize,
        inputs: usize,
    ) -> Result<String> {
        match self.precision {
            Precision::Float32 => self.linear(out, x, name, outputs, inputs),
            Precision::Int8 => {
                let w = self.weights.get(name, &[outputs, inputs])?.transposed();
                self.per_token_int8_matmul(out, x, name, &w)
            }
        }
    }

    /// `x · W` in integers, each token's activations quantised on their own scale.
    ///
    /// ONNX Runtime's `DynamicQuantizeMatMul` gives a whole batch one activation scale, so a
    /// token with an outlier coarsens every other token and a text's vector depends on its
    /// batch-mates; informal rewordings of questions then lost their top five more often
    /// (models/README.md). Here each token gets `s = max|x| / 127` and is stored as
    /// `round(x / s) + 128` in uint8 with the fixed zero point 128 that `MatMulInteger`
    /// accepts (it takes one zero point for A, not one per row): symmetric int8 levels in
    /// the layout of the fast uint8 × int8 kernels. The int32 products are scaled back by
    /// the token's scale times the weight column's ([`quantise::per_column`]).
    fn per_token_int8_matmul(
        &mut self,
        out: &str,
        x: &str,
        name: &str,
        w: &Weight,
    ) -> Result<String> {
        let q = quantise::per_column(w);
        let columns = q.scales.len();
        let weight = self.typed_initializer(&format!("{name}.int8"), &q.shape, &q.values)?;
        let weight_scale =
            self.typed_initializer(&format!("{name}.scale"), &[columns], &q.scales)?;
        let zero = self.typed_initializer(&format!("{name}.zero"), &[], &[128u8])?;
        let levels = self.typed_initializer(&format!("{name}.levels"), &[], &[127.0f32])?;
        let offset = self.typed_initializer(&format!("{name}.offset"), &[], &[128.0f32])?;
        // An all-zero token would give scale 0 and 0/0; any positive scale represents it.
        let least = self.typed_initializer(&format!("{name}.least"), &[], &[f32::MIN_POSITIVE])?;
        let t = |step: &str| format!("{out}.{step}");
        let [
            abs,
            max,
            raw_scale,
            scale,
            scaled,
            rounded,
            shifted,
            q,
            int32,
            products,
            both,
        ] = [
            "abs",
            "max",
            "raw_scale",
            "scale",
            "scaled",
            "rounded",
            "shifted",
            "q",
            "int32",
            "products",
            "both_scales",
        ]
        .map(t);
        let per_token_max = vec![
            Attribute::new("axes", vec![-1i64])?,
            Attribute::new("keepdims", 1i64)?,
        ];
        let to_uint8 = vec![Attribute::new("to", ONNX_UINT8)?];
        let to_float = vec![Attribute::new("to", ONNX_FLOAT)?];
        // (operator, inputs, output, attributes), in order.
        let steps: [(&str, Vec<&str>, &str, Vec<Attribute>); 12] = [
            ("Abs", vec![x], &abs, vec![]),
            ("ReduceMax", vec![&abs], &max, per_token_max),
            ("Div", vec![&max, &levels], &raw_scale, vec![]),
            ("Max", vec![&raw_scale, &least], &scale, vec![]),
            ("Div", vec![x, &scale], &scaled, vec![]),
            ("Round", vec![&scaled], &rounded, vec![]),
            ("Add", vec![&rounded, &offset], &shifted, vec![]),
            ("Cast", vec![&shifted], &q, to_uint8),
            ("MatMulInteger", vec![&q, &weight, &zero], &int32, vec![]),
            ("Cast", vec![&int32], &products, to_float),
            ("Mul", vec![&scale, &weight_scale], &both, vec![]),
            ("Mul", vec![&products, &both], out, vec![]),
        ];
        for (op, inputs, output, attributes) in steps {
            self.node(op, ONNX_DOMAIN, &inputs, &[output], attributes)?;
        }
        Ok(out.to_string())
    }

    fn param(&mut self, name: &str, shape: &[usize]) -> Result<String> {
        let w = self.weights.get(name, shape)?;
        self.initializer(name, w)
    }

    fn initializer(&mut self, name: &str, w: Weight) -> Result<String> {
        self.typed_initializer(name, &w.shape, &w.values)
    }

    fn typed_initializer<T: PrimitiveTensorElementType + Copy + std::fmt::Debug>(
        &mut self,
        name: &str,
        shape: &[usize],
        values: &[T],
    ) -> Result<String> {
        let shape: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
        let mut tensor = Tensor::<T>::new(&Allocator::default(), shape)?;
        tensor.extract_tensor_mut().1.copy_from_slice(values);
        self.graph.add_initializer(name, tensor, false)?;
        Ok(name.to_string())
    }

    fn node(
        &mut self,
        op: &str,
        domain: &str,
        inputs: &[&str],
        outputs: &[&str],
        attributes: Vec<Attribute>,
    ) -> Result<String> {
        let node = Node::new(op, domain, outputs[0], inputs, outputs, attributes)?;
        self.graph.add_node(node)?;
        Ok(outputs[0].to_string())
    }
}
