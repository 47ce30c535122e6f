//! `compress=1`: one raw deflate stream for the whole connection (a
//! browser reads it with `DecompressionStream("deflate-raw")`). Each frame
//! ends in a sync flush, so every frame's bytes decompress to complete
//! envelopes without waiting for the next one.

use flate2::{Compress, Compression, FlushCompress, Status};

pub struct Deflater {
    stream: Compress,
}

impl Deflater {
    pub fn new() -> Self {
        // Raw deflate (no zlib header): what "deflate-raw" expects.
        Self {
            stream: Compress::new(Compression::default(), false),
        }
    }

    /// Compresses one frame's text and flushes it out.
    pub fn frame(&mut self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() / 3 + 64);
        let mut input = text;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(256));
            }
            let before_in = self.stream.total_in();
            let status = self
                .stream
                .compress_vec(input, &mut out, FlushCompress::Sync);
            let consumed = (self.stream.total_in() - before_in) as usize;
            input = &input[consumed..];
            // Done when all input is in and the flush left spare room: a
            // full buffer may mean more flushed bytes are still waiting.
            match status {
                Ok(Status::Ok | Status::BufError)
                    if input.is_empty() && out.len() < out.capacity() =>
                {
                    return out;
                }
                Ok(_) => {}
                // Compressing bytes from memory does not fail; if it ever
                // did, an empty frame is better than a panic.
                Err(e) => {
                    tracing::error!("deflate failed: {e}");
                    return Vec::new();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_form_one_stream() {
        let mut deflater = Deflater::new();
        let big = "x".repeat(300_000) + "abc".repeat(10_000).as_str();
        let frames = [
            deflater.frame(b"{\"a\":1}"),
            deflater.frame(big.as_bytes()),
            deflater.frame(b"{\"b\":2}\n{\"c\":3}"),
        ];
        let mut inflater = flate2::Decompress::new(false);
        let mut out = Vec::with_capacity(1 << 20);
        for frame in &frames {
            inflater
                .decompress_vec(frame, &mut out, flate2::FlushDecompress::Sync)
                .unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, format!("{{\"a\":1}}{big}{{\"b\":2}}\n{{\"c\":3}}"));
        // A sync flush ends each frame with an empty stored block.
        for frame in &frames {
            assert!(frame.ends_with(&[0, 0, 0xff, 0xff]));
        }
    }
}
