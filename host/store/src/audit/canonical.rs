//! Canonical JSON: object keys sorted, no whitespace. The detail of an audit entry is stored
//! in this form, so the same facts always hash the same, whatever order a caller built them in
//! and whichever serde_json features the rest of the build switched on.

use serde_json::Value;

/// `value` as canonical JSON text.
pub(crate) fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let value = json!({"b": 1, "a": {"z": [true, null, {"y": "x", "c": 2.5}], "m": "é\n"}});
        assert_eq!(
            super::to_string(&value),
            r#"{"a":{"m":"é\n","z":[true,null,{"c":2.5,"y":"x"}]},"b":1}"#
        );
    }
}
