//! JSON-RPC over stdio, framed by `Content-Length` headers, that survives what a
//! client (or a broken pipe in between) may send: a frame without a length, a length
//! that is not a number or larger than any message, a body that is not JSON, JSON
//! that is not a message. Each is answered with a JSON-RPC error (`id: null` when the
//! message had none), and the server reads the next frame; only the end of the input
//! ends it. (`lsp-server`'s own reader ends the connection at the first bad frame.)

use std::io::{BufRead, Read, Write};
use std::sync::mpsc::{Receiver, Sender, channel};

use lsp_server::{ErrorCode, Message};
use serde_json::{Value, json};

/// The largest message body read (a 64 MiB document and then some); a longer frame is
/// skipped, unread, and answered with an error.
pub(crate) const MAX_BODY: usize = 80 * 1024 * 1024;

/// What the reader hands the main loop.
pub(crate) enum Incoming {
    Message(Message),
    /// A frame that is not a message: answered with `error` by the main loop.
    Malformed(Value),
    /// A lint finished on a worker thread.
    Linted(Box<crate::Linted>),
}

/// What is written to the client.
pub(crate) enum Outgoing {
    Message(Message),
    /// A response built by hand (a parse error's `id` is `null`, which
    /// `lsp_server::RequestId` cannot hold).
    Raw(Value),
    /// A message serialized already (diagnostics, on the lint's thread).
    Bytes(Vec<u8>),
}

/// A JSON-RPC error response.
pub(crate) fn error(id: Value, code: ErrorCode, message: String) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } })
}

/// Start the reader and writer threads on `input` and `output`.
pub(crate) fn start(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
) -> (
    Sender<Incoming>,
    Receiver<Incoming>,
    Sender<Outgoing>,
    std::thread::JoinHandle<()>,
) {
    let (in_tx, in_rx) = channel::<Incoming>();
    let (out_tx, out_rx) = channel::<Outgoing>();
    let reader_tx = in_tx.clone();
    std::thread::spawn(move || read_loop(input, reader_tx));
    let writer = std::thread::spawn(move || write_loop(output, out_rx));
    (in_tx, in_rx, out_tx, writer)
}

fn write_loop(mut w: impl Write, rx: Receiver<Outgoing>) {
    for m in rx {
        let body = match m {
            Outgoing::Message(m) => serde_json::to_vec(&m),
            Outgoing::Raw(v) => serde_json::to_vec(&v),
            Outgoing::Bytes(b) => Ok(b),
        };
        let Ok(body) = body else { continue };
        let ok = write!(w, "Content-Length: {}\r\n\r\n", body.len())
            .and_then(|()| w.write_all(&body))
            .and_then(|()| w.flush());
        if ok.is_err() {
            return;
        }
    }
}

fn read_loop(mut r: impl BufRead, tx: Sender<Incoming>) {
    let mut resync = false;
    loop {
        let frame = match read_frame(&mut r, &mut resync) {
            Frame::End => return,
            Frame::Bad(v) => Incoming::Malformed(v),
            Frame::Body(body) => parse(&body),
        };
        if tx.send(frame).is_err() {
            return;
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    Bad(Value),
    End,
}

/// One frame: its headers up to the blank line, then `Content-Length` bytes. After a
/// frame too large to read (`resync`), what follows its header is skipped up to the
/// next line that starts a frame, so that the server goes on with the next message.
fn read_frame(r: &mut impl BufRead, resync: &mut bool) -> Frame {
    let mut length: Option<Result<usize, String>> = None;
    let mut seen_any = false;
    loop {
        let mut line = Vec::new();
        match r.by_ref().take(64 * 1024).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if *resync {
            // the body that was never going to be read: skip to the next header
            let starts = text
                .split_once(':')
                .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"));
            if !starts {
                continue;
            }
            *resync = false;
        }
        if text.is_empty() {
            if !seen_any {
                continue; // blank lines between frames
            }
            break;
        }
        seen_any = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("`Content-Length: {}` is not a length", value.trim())),
            );
        }
    }
    let n = match length {
        None => {
            return Frame::Bad(error(
                Value::Null,
                ErrorCode::ParseError,
                "a message without a `Content-Length` header".into(),
            ));
        }
        Some(Err(e)) => return Frame::Bad(error(Value::Null, ErrorCode::ParseError, e)),
        Some(Ok(n)) => n,
    };
    if n > MAX_BODY {
        // never allocated nor awaited: answered now, and the input skipped up to the
        // next frame's header
        *resync = true;
        return Frame::Bad(error(
            Value::Null,
            ErrorCode::InvalidRequest,
            format!("a message of {n} bytes, more than the {MAX_BODY} byte limit; skipped"),
        ));
    }
    let mut body = vec![0; n];
    if r.read_exact(&mut body).is_err() {
        return Frame::End;
    }
    Frame::Body(body)
}

/// A body as a message, or the error that answers it.
fn parse(body: &[u8]) -> Incoming {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Malformed(error(
                Value::Null,
                ErrorCode::ParseError,
                format!("the message is not JSON: {e}"),
            ));
        }
    };
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    // what `Message` would also take (an array, an object with none of the parts)
    let shape = match &v {
        Value::Object(o) => {
            let method = o.get("method").map(Value::is_string);
            let answer = o.contains_key("result") || o.contains_key("error");
            match (method, answer) {
                (Some(true), false) => Ok(()),
                (None, true) if o.contains_key("id") => Ok(()),
                (Some(false), _) => Err("its `method` is not a string"),
                _ => Err("it has no `method`, and no `result` or `error`"),
            }
        }
        _ => Err("it is not a JSON object"),
    };
    if let Err(why) = shape {
        return Incoming::Malformed(error(
            id,
            ErrorCode::InvalidRequest,
            format!("not a JSON-RPC request, response or notification: {why}"),
        ));
    }
    match serde_json::from_value::<Message>(v) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Malformed(error(
            id,
            ErrorCode::InvalidRequest,
            format!("not a JSON-RPC request, response or notification: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut r = std::io::BufReader::new(input);
        let mut out = Vec::new();
        let mut resync = false;
        loop {
            match read_frame(&mut r, &mut resync) {
                Frame::End => return out,
                Frame::Bad(v) => out.push(format!("bad {}", v["error"]["code"])),
                Frame::Body(b) => out.push(match parse(&b) {
                    Incoming::Message(_) => "message".into(),
                    Incoming::Malformed(v) => format!("malformed {}", v["error"]["code"]),
                    Incoming::Linted(_) => unreachable!(),
                }),
            }
        }
    }

    #[test]
    fn every_bad_frame_is_answered_and_the_next_one_is_read() {
        let ok = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut input = Vec::new();
        let frame = |body: &[u8]| {
            let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            f.extend_from_slice(body);
            f
        };
        input.extend(b"X-Nothing: 1\r\n\r\n"); // no length
        input.extend(b"Content-Length: ten\r\n\r\n"); // not a number
        input.extend(frame(b"{not json")); // not JSON
        input.extend(frame(b"[1, 2]")); // JSON, not a message
        input.extend(frame(br#"{"jsonrpc":"2.0","id":4}"#)); // no method or result
        input.extend(frame(ok));
        // longer than any message (and 2^64 - 1): answered, then the next frame is read
        input.extend(b"Content-Length: 99999999999\r\n\r\n{\"a\": 1}\n");
        input.extend(frame(ok));
        input.extend(b"Content-Length: 18446744073709551615\r\n\r\n");
        input.extend(frame(ok));
        input.extend(b"Content-Length: 18446744073709551616\r\n\r\n"); // not a usize
        input.extend(frame(ok));
        assert_eq!(
            frames(&input),
            [
                "bad -32700",
                "bad -32700",
                "malformed -32700",
                "malformed -32600",
                "malformed -32600",
                "message",
                "bad -32600",
                "message",
                "bad -32600",
                "message",
                "bad -32700",
                "message",
            ]
        );
    }

    /// Random bytes and random damage to good frames: never a panic, never a frame
    /// read past the input, and every good frame after damage is still read.
    #[test]
    fn random_frames_never_stop_the_reader() {
        let ok = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut seed: u64 = 11;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for _ in 0..3_000 {
            let mut input: Vec<u8> = Vec::new();
            let good = format!("Content-Length: {}\r\n\r\n", ok.len()).into_bytes();
            for _ in 0..next(4) {
                let mut f = good.clone();
                f.extend_from_slice(ok);
                // damage a few bytes
                for _ in 0..next(4) {
                    let i = next(f.len() as u64) as usize;
                    f[i] = next(256) as u8;
                }
                input.extend(f);
            }
            for _ in 0..next(40) {
                input.push(next(256) as u8);
            }
            let _ = frames(&input); // must return
        }
    }
}
