//! The `llm` capability over any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM,
//! llama.cpp's server, Ollama, LiteLLM ...), configured by the operator's environment:
//!
//! | variable | meaning |
//! |---|---|
//! | `RHYME_LLM_URL` | the API base URL, e.g. `http://127.0.0.1:8000/v1` (`/chat/completions` is appended) |
//! | `RHYME_LLM_MODEL` | the model name sent with each request |
//! | `RHYME_LLM_API_KEY` | optional bearer token |
//! | `RHYME_LLM_TIMEOUT_S` | seconds one request may take, connect included (default 30, at most 300) |
//!
//! One attempt per call, never a retry: a plugin that gets an error falls back to its
//! deterministic path at once. After a failure the endpoint is left alone for a short
//! cool-down, so that a dead or hanging server costs each plugin call nothing instead of a
//! full timeout each (no pile-up of waiting calls, no retry storm against a struggling server).
//!
//! The request and response types are async-openai's; the HTTP client is the workspace's
//! reqwest 0.12. Requests run on a small runtime owned here, where the connection pool lives,
//! and the plugin call that asked awaits the answer, on whatever runtime it runs.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, CreateChatCompletionRequest,
    CreateChatCompletionResponse,
};

use rhyme_runtime::capability::backend::{BackendError, ChatMessage, ChatModel, async_trait};

/// Default seconds for one request.
pub const DEFAULT_TIMEOUT_S: u64 = 30;
/// The longest request timeout accepted: the sandbox forgives time waiting on the host only
/// up to a bound (see `rhyme_runtime::deadline`), and a draft nobody sees for minutes is no help.
pub const MAX_TIMEOUT_S: u64 = rhyme_runtime::capability::backend::MAX_CHAT_TIMEOUT_S;
/// How long the endpoint is left alone after a failure.
const COOL_DOWN: Duration = Duration::from_secs(30);
/// Largest `max-tokens` a plugin may ask for.
const MAX_TOKENS_CAP: u32 = 8192;

/// Where and how to reach the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// Base URL of the API, without `/chat/completions`.
    pub base_url: String,
    /// The model name sent with each request (`RHYME_LLM_MODEL`).
    pub model: String,
    /// Sent as a bearer token when set (`RHYME_LLM_API_KEY`).
    pub api_key: Option<String>,
    /// How long one request may take, 1 to [`MAX_TIMEOUT_S`] seconds.
    pub timeout: Duration,
}

/// A configuration that cannot work, naming the variable at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// One of the URL and the model is set without the other.
    #[error("{var} is set but {missing} is not: set both to use an LLM endpoint, or neither")]
    Incomplete {
        /// The variable that is set.
        var: &'static str,
        /// The variable that must be set with it.
        missing: &'static str,
    },
    /// A variable's value cannot be used.
    #[error("{var}=`{value}`: {reason}")]
    Invalid {
        /// The variable at fault.
        var: &'static str,
        /// Its value, as given.
        value: String,
        /// Why it is refused, or what to write instead.
        reason: String,
    },
}

impl LlmConfig {
    /// The settings `get` finds under the `RHYME_LLM_*` names (`URL`, `MODEL`, `API_KEY`,
    /// `TIMEOUT_S`), checked; `None` when no endpoint is configured. The binary looks the
    /// names up in the environment and in `rhyme.toml`'s `[llm]`.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<LlmConfig>, ConfigError> {
        let (url, model) = match (get("RHYME_LLM_URL"), get("RHYME_LLM_MODEL")) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(ConfigError::Incomplete {
                    var: "RHYME_LLM_URL",
                    missing: "RHYME_LLM_MODEL",
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::Incomplete {
                    var: "RHYME_LLM_MODEL",
                    missing: "RHYME_LLM_URL",
                });
            }
            (Some(url), Some(model)) => (url.trim().to_string(), model.trim().to_string()),
        };
        let parsed = reqwest::Url::parse(&url).map_err(|e| ConfigError::Invalid {
            var: "RHYME_LLM_URL",
            value: url.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            let reason =
                "write an http:// or https:// base URL, e.g. http://127.0.0.1:8000/v1".to_string();
            return Err(ConfigError::Invalid {
                var: "RHYME_LLM_URL",
                value: url,
                reason,
            });
        }
        let timeout = match get("RHYME_LLM_TIMEOUT_S") {
            None => DEFAULT_TIMEOUT_S,
            Some(text) => match text.trim().parse::<u64>() {
                Ok(s) if (1..=MAX_TIMEOUT_S).contains(&s) => s,
                _ => {
                    let reason = format!("write whole seconds from 1 to {MAX_TIMEOUT_S}");
                    return Err(ConfigError::Invalid {
                        var: "RHYME_LLM_TIMEOUT_S",
                        value: text,
                        reason,
                    });
                }
            },
        };
        Ok(Some(LlmConfig {
            base_url: url.trim_end_matches('/').to_string(),
            model,
            api_key: get("RHYME_LLM_API_KEY"),
            timeout: Duration::from_secs(timeout),
        }))
    }

    /// The full URL requests go to.
    pub fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    /// The endpoint as errors and logs show it: without a user, password or query string,
    /// since a plugin's rationale, readable by every role, may quote an error.
    pub fn shown_endpoint(&self) -> String {
        shown_url(&self.endpoint())
    }
}

/// The request body for `messages`: deterministic sampling, one choice, bounded length.
pub fn build_request(
    model: &str,
    messages: &[ChatMessage],
    max_tokens: u32,
) -> Result<CreateChatCompletionRequest, BackendError> {
    if messages.is_empty() {
        return Err(BackendError::Invalid(
            "a chat needs at least one message".into(),
        ));
    }
    let messages = messages
        .iter()
        .enumerate()
        .map(|(i, m)| message(i, m))
        .collect::<Result<Vec<_>, _>>()?;
    #[allow(deprecated)]
    // `max_tokens`: what OpenAI-compatible servers other than OpenAI's understand.
    let request = CreateChatCompletionRequest {
        model: model.to_string(),
        messages,
        max_tokens: Some(max_tokens.clamp(1, MAX_TOKENS_CAP)),
        temperature: Some(0.0),
        n: Some(1),
        ..Default::default()
    };
    Ok(request)
}

fn message(index: usize, m: &ChatMessage) -> Result<ChatCompletionRequestMessage, BackendError> {
    let content = m.content.clone();
    Ok(match m.role.as_str() {
        "system" => ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage {
            content: ChatCompletionRequestSystemMessageContent::Text(content),
            name: None,
        }),
        "user" => ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
            content: ChatCompletionRequestUserMessageContent::Text(content),
            name: None,
        }),
        "assistant" => {
            ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
                content: Some(ChatCompletionRequestAssistantMessageContent::Text(content)),
                ..Default::default()
            })
        }
        other => {
            return Err(BackendError::Invalid(format!(
                "messages[{index}].role is `{other}`: use system, user or assistant"
            )));
        }
    })
}

/// The text of the first choice, or why there is none.
pub fn reply_text(response: CreateChatCompletionResponse) -> Result<String, BackendError> {
    let choice = response
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| BackendError::Failed("the endpoint answered with no choices".into()))?;
    if let Some(refusal) = choice.message.refusal.filter(|r| !r.is_empty()) {
        return Err(BackendError::Failed(format!(
            "the model refused: {refusal}"
        )));
    }
    choice
        .message
        .content
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| BackendError::Failed("the model's answer was empty".into()))
}

/// Chat completions from one configured endpoint.
pub struct OpenAiChat {
    config: LlmConfig,
    client: reqwest::Client,
    /// Dropped with `shutdown_background` so that dropping the backend inside async code is safe.
    runtime: Option<tokio::runtime::Runtime>,
    failed_at: Mutex<Option<Instant>>,
}

impl OpenAiChat {
    /// A client for `config`; nothing is sent until the first call.
    pub fn new(config: LlmConfig) -> Result<OpenAiChat, BackendError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| BackendError::Failed(format!("building the HTTP client: {e}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rhyme-llm")
            .enable_all()
            .build()
            .map_err(|e| BackendError::Failed(format!("starting the LLM client's runtime: {e}")))?;
        Ok(OpenAiChat {
            config,
            client,
            runtime: Some(runtime),
            failed_at: Mutex::new(None),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    fn cooling_down(&self) -> Option<Duration> {
        let failed_at = (*self.failed_at.lock().expect("not poisoned"))?;
        COOL_DOWN.checked_sub(failed_at.elapsed())
    }

    /// Sends the request on the client's runtime and awaits the answer: the connection pool
    /// lives there, so the backend serves callers on any runtime, short-lived ones included.
    async fn send(&self, body: Vec<u8>) -> Result<String, BackendError> {
        let mut request = self
            .client
            .post(self.config.endpoint())
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key);
        }
        let (endpoint, timeout) = (self.config.shown_endpoint(), self.config.timeout);
        let runtime = self.runtime.as_ref().expect("present until drop");
        let task = runtime.spawn(async move { exchange(request, &endpoint, timeout).await });
        // reqwest's own timeout ends the exchange; the margin only guards against a stuck runtime.
        match tokio::time::timeout(timeout + Duration::from_secs(2), task).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) | Err(_) => Err(BackendError::Unavailable(format!(
                "no answer within {} s",
                timeout.as_secs()
            ))),
        }
    }
}

/// One request and its answer, with errors a tired operator can act on.
async fn exchange(
    request: reqwest::RequestBuilder,
    endpoint: &str,
    timeout: Duration,
) -> Result<String, BackendError> {
    let response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            BackendError::Unavailable(format!(
                "{endpoint} did not answer within {} s",
                timeout.as_secs()
            ))
        } else {
            // Without the URL: reqwest's message would repeat it, credentials included.
            let why = if e.is_connect() {
                "the connection was refused or failed".to_string()
            } else {
                e.without_url().to_string()
            };
            BackendError::Unavailable(format!("{endpoint} cannot be reached: {why}"))
        }
    })?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| {
        BackendError::Unavailable(format!(
            "reading the answer of {endpoint}: {}",
            e.without_url()
        ))
    })?;
    if !status.is_success() {
        // The status only: an error body is the server's to word, and some echo the request's
        // headers (the API key among them) back.
        return Err(BackendError::Unavailable(format!(
            "{endpoint} answered {status}"
        )));
    }
    let parsed: CreateChatCompletionResponse = serde_json::from_slice(&bytes).map_err(|e| {
        BackendError::Failed(format!(
            "{endpoint} answered something that is not a chat completion: {e}"
        ))
    })?;
    reply_text(parsed)
}

#[async_trait]
impl ChatModel for OpenAiChat {
    async fn chat(
        &self,
        messages: &[ChatMessage],
        max_tokens: u32,
    ) -> Result<String, BackendError> {
        if let Some(left) = self.cooling_down() {
            return Err(BackendError::Unavailable(format!(
                "the LLM endpoint failed moments ago; not asking it again for {} s",
                left.as_secs().max(1)
            )));
        }
        let request = build_request(&self.config.model, messages, max_tokens)?;
        let body = serde_json::to_vec(&request)
            .map_err(|e| BackendError::Failed(format!("encoding the request: {e}")))?;
        let result = self.send(body).await;
        if matches!(result, Err(BackendError::Unavailable(_))) {
            *self.failed_at.lock().expect("not poisoned") = Some(Instant::now());
        }
        result
    }
}

impl Drop for OpenAiChat {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The `llm` backend for `config`, if one is configured.
pub fn backend(config: Option<LlmConfig>) -> anyhow::Result<Option<std::sync::Arc<dyn ChatModel>>> {
    let Some(config) = config else {
        return Ok(None);
    };
    tracing::info!(endpoint = %config.shown_endpoint(), model = %config.model, "llm capability backed by an OpenAI-compatible endpoint");
    Ok(Some(std::sync::Arc::new(OpenAiChat::new(config)?)))
}

/// `url` without its user, password, query or fragment.
fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => "the LLM endpoint".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versioned::tests::wait;

    fn msg(role: &str, content: &str) -> ChatMessage {
        ChatMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    #[test]
    fn builds_the_request_openai_compatible_servers_expect() {
        let request = build_request(
            "qwen2.5-7b",
            &[msg("system", "be brief"), msg("user", "events: ...")],
            900,
        )
        .unwrap();
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["model"], "qwen2.5-7b");
        assert_eq!(json["max_tokens"], 900);
        assert_eq!(json["temperature"], 0.0);
        assert_eq!(
            json["messages"][0],
            serde_json::json!({"role": "system", "content": "be brief"})
        );
        assert_eq!(
            json["messages"][1],
            serde_json::json!({"role": "user", "content": "events: ..."})
        );
        assert!(json.get("stream").is_none_or(|s| s == false), "{json}");
    }

    #[test]
    fn refuses_unknown_roles_and_empty_chats() {
        let err = build_request("m", &[msg("user", "a"), msg("tool", "b")], 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("messages[1].role"), "{err}");
        assert!(build_request("m", &[], 10).is_err());
        let json =
            serde_json::to_value(build_request("m", &[msg("user", "a")], 1_000_000).unwrap())
                .unwrap();
        assert_eq!(json["max_tokens"], MAX_TOKENS_CAP);
    }

    #[test]
    fn reads_configuration_and_names_what_is_wrong() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(LlmConfig::from_lookup(env(&[])).unwrap(), None);
        let config = LlmConfig::from_lookup(env(&[
            ("RHYME_LLM_URL", "http://127.0.0.1:8000/v1/"),
            ("RHYME_LLM_MODEL", "m"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            config.endpoint(),
            "http://127.0.0.1:8000/v1/chat/completions"
        );
        assert_eq!(config.timeout, Duration::from_secs(DEFAULT_TIMEOUT_S));
        let err = LlmConfig::from_lookup(env(&[("RHYME_LLM_URL", "http://x/v1")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("RHYME_LLM_MODEL"), "{err}");
        let err =
            LlmConfig::from_lookup(env(&[("RHYME_LLM_URL", "x:/v1"), ("RHYME_LLM_MODEL", "m")]))
                .unwrap_err()
                .to_string();
        assert!(err.contains("RHYME_LLM_URL"), "{err}");
        const BAD_TIMEOUT: &[(&str, &str)] = &[
            ("RHYME_LLM_URL", "http://x/v1"),
            ("RHYME_LLM_MODEL", "m"),
            ("RHYME_LLM_TIMEOUT_S", "0"),
        ];
        let err = LlmConfig::from_lookup(env(BAD_TIMEOUT))
            .unwrap_err()
            .to_string();
        assert!(err.contains("RHYME_LLM_TIMEOUT_S"), "{err}");
    }

    #[test]
    fn reads_the_first_choice() {
        let body = r#"{"id":"c1","object":"chat.completion","created":1,"model":"m",
            "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hello"}}]}"#;
        let response: CreateChatCompletionResponse = serde_json::from_str(body).unwrap();
        assert_eq!(reply_text(response).unwrap(), "hello");
        let empty: CreateChatCompletionResponse = serde_json::from_str(
            r#"{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[]}"#,
        )
        .unwrap();
        assert!(reply_text(empty).is_err());
    }

    /// Issue 18, finding 3: a failed call put the endpoint's password and, from a server that
    /// echoes headers, the API key into the proposal's rationale, which every role can read.
    #[test]
    fn errors_carry_no_credentials_and_no_upstream_body() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut request = vec![0u8; 65536];
            let n = conn.read(&mut request).unwrap();
            let echoed = String::from_utf8_lossy(&request[..n]).to_string();
            let body = format!(
                "{{\"error\": \"you sent: {}\"}}",
                echoed.replace(['\r', '\n', '"'], " ")
            );
            let answer = format!(
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            conn.write_all(answer.as_bytes()).unwrap();
        });
        let config = LlmConfig {
            base_url: format!("http://llm-user:hunter2@127.0.0.1:{port}/v1?token=abc"),
            model: "m".into(),
            api_key: Some("sk-very-secret".into()),
            timeout: Duration::from_secs(5),
        };
        let chat = OpenAiChat::new(config).unwrap();
        let error = wait(chat.chat(&[msg("user", "hi")], 16))
            .unwrap_err()
            .to_string();
        server.join().unwrap();
        for secret in [
            "hunter2",
            "llm-user",
            "sk-very-secret",
            "token=abc",
            "you sent",
        ] {
            assert!(!error.contains(secret), "{secret} in: {error}");
        }
        assert!(error.contains("500"), "{error}");
        assert!(error.contains(&format!("127.0.0.1:{port}")), "{error}");

        // Nothing listens on the port any more: the refusal names the host, not the password.
        let chat = OpenAiChat::new(LlmConfig {
            base_url: format!("http://llm-user:hunter2@127.0.0.1:{port}/v1"),
            model: "m".into(),
            api_key: Some("sk-very-secret".into()),
            timeout: Duration::from_secs(5),
        })
        .unwrap();
        let error = wait(chat.chat(&[msg("user", "hi")], 16))
            .unwrap_err()
            .to_string();
        assert!(
            !error.contains("hunter2") && !error.contains("sk-very-secret"),
            "{error}"
        );
    }
}
