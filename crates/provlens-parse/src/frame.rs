//! Splits a JSON byte stream into records as chunks arrive, without holding the whole file.
//!
//! The exports wrap their records in a few ways: a bare array (portal JSON, SDK output, an array
//! of Graph pages), one object with a `value` or `records` array (a Graph page, an Event Hub
//! message), or one object per line (diagnostic-settings JSON Lines). The framer tracks just
//! enough structure (depth, strings, the keys of a top-level object) to hand out each item as a
//! complete byte slice with its position, so that a malformed record costs one issue and never
//! the rest of the file.

/// Where an item or a problem starts in the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// Byte offset from the start of the (decompressed) input.
    pub byte: u64,
    /// 1-based line number.
    pub line: u64,
}

/// What the framer hands out.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// One complete JSON value: a record, or a page holding records.
    Item { bytes: &'a [u8], pos: Pos },
    /// Bytes that are not a record where one was expected; skipped.
    Garbage { pos: Pos, what: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// Outside any value.
    Top,
    /// Inside a top-level array: its elements are items.
    TopArray,
    /// Inside a top-level object, at its own depth (1), between keys and values.
    TopObject,
    /// Inside the `value`/`records` array of a top-level object: its elements are items.
    WrappedArray,
}

/// A top-level object being scanned: either a wrapper of records or a record itself.
#[derive(Clone, Copy, Debug)]
struct TopObject {
    start: usize,
    pos: Pos,
    /// True once a `value`/`records` array was found: the object is a wrapper, not a record.
    wrapper: bool,
    /// The last string seen at the object's own level (a key candidate).
    last_string: Option<(usize, usize)>,
    /// The key just read (between `:` and its value) names the record array.
    at_record_key: bool,
}

/// Incremental JSON framer. Feed bytes with [`Framer::push`], then call [`Framer::finish`].
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// Scan position within `buf`.
    at: usize,
    /// Line number at `at`.
    line: u64,
    ctx: Ctx,
    /// The item being scanned: start index within `buf`, its position, nesting depth.
    item: Option<(usize, Pos)>,
    depth: u32,
    in_string: bool,
    top: Option<TopObject>,
    items_seen: u64,
    /// The rest of the current line is garbage already reported.
    skipping_line: bool,
    /// Bytes of a UTF-8 byte-order mark matched at the start of the input.
    bom_bytes: usize,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

impl Default for Framer {
    fn default() -> Self {
        Framer {
            buf: Vec::new(),
            base: 0,
            at: 0,
            line: 1,
            ctx: Ctx::Top,
            item: None,
            depth: 0,
            in_string: false,
            top: None,
            items_seen: 0,
            skipping_line: false,
            bom_bytes: 0,
        }
    }
}

/// Keys whose array value holds the records of a wrapper object.
fn is_record_key(key: &[u8]) -> bool {
    key.eq_ignore_ascii_case(b"value") || key.eq_ignore_ascii_case(b"records")
}

impl Framer {
    /// Number of items handed out so far (records or pages, and skipped non-records).
    pub fn items_seen(&self) -> u64 {
        self.items_seen
    }

    /// Bytes still buffered (an item that has not closed yet).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn pos_here(&self) -> Pos {
        Pos {
            byte: self.base + self.at as u64,
            line: self.line,
        }
    }

    /// Appends a chunk and calls `emit` for each frame completed by it.
    pub fn push(&mut self, chunk: &[u8], emit: &mut dyn FnMut(Frame<'_>)) {
        self.buf.extend_from_slice(chunk);
        self.scan(emit);
        self.compact();
    }

    /// Ends the input. Returns where and why the input looks cut off, if it does.
    pub fn finish(&mut self, emit: &mut dyn FnMut(Frame<'_>)) -> Option<(Pos, String)> {
        self.scan(emit);
        let truncated = if let Some((_, pos)) = self.item {
            Some((
                pos,
                format!(
                    "the file ends inside record {}, which is incomplete (truncated download?)",
                    self.items_seen + 1
                ),
            ))
        } else if let (Ctx::TopObject, Some(top)) = (self.ctx, self.top) {
            if top.wrapper {
                Some((
                    self.pos_here(),
                    "the file ends before the closing `}` (truncated download?)".to_string(),
                ))
            } else {
                Some((
                    top.pos,
                    format!(
                        "the file ends inside record {}, which is incomplete (truncated download?)",
                        self.items_seen + 1
                    ),
                ))
            }
        } else if matches!(self.ctx, Ctx::TopArray | Ctx::WrappedArray) {
            Some((
                self.pos_here(),
                "the file ends before the closing `]` (truncated download?)".to_string(),
            ))
        } else {
            None
        };
        self.buf.clear();
        self.item = None;
        self.top = None;
        self.ctx = Ctx::Top;
        truncated
    }

    /// Drops the consumed prefix of the buffer, keeping whatever an open item still needs.
    fn compact(&mut self) {
        let mut keep_from = self.at;
        if let Some((s, _)) = self.item {
            keep_from = keep_from.min(s);
        }
        if let Some(top) = &self.top {
            if !top.wrapper {
                keep_from = keep_from.min(top.start);
            }
            if let Some((s, _)) = top.last_string {
                keep_from = keep_from.min(s);
            }
        }
        if keep_from == 0 {
            return;
        }
        self.buf.drain(..keep_from);
        self.base += keep_from as u64;
        self.at -= keep_from;
        if let Some((s, _)) = self.item.as_mut() {
            *s -= keep_from;
        }
        if let Some(top) = self.top.as_mut() {
            top.start = top.start.saturating_sub(keep_from);
            if let Some((s, e)) = top.last_string.as_mut() {
                *s -= keep_from;
                *e -= keep_from;
            }
        }
    }

    /// Scans as far as the buffer allows. Each step returns false when it needs more bytes.
    fn scan(&mut self, emit: &mut dyn FnMut(Frame<'_>)) {
        while self.at < self.buf.len() {
            let progressed = if self.item.is_some() {
                self.scan_item(emit)
            } else {
                match self.ctx {
                    Ctx::Top => {
                        self.scan_top(emit);
                        true
                    }
                    Ctx::TopArray | Ctx::WrappedArray => self.scan_array(emit),
                    Ctx::TopObject => self.scan_object(emit),
                }
            };
            if !progressed {
                return;
            }
        }
    }

    /// Skips a string body starting at `self.at` (just after the opening quote). Returns false
    /// when the buffer ends first (the string continues in the next chunk).
    fn skip_string(&mut self) -> bool {
        loop {
            match memchr::memchr2(b'"', b'\\', &self.buf[self.at..]) {
                Some(off) => {
                    let i = self.at + off;
                    if self.buf[i] == b'\\' {
                        if i + 1 >= self.buf.len() {
                            // The escaped byte is in the next chunk.
                            self.at = i;
                            return false;
                        }
                        self.at = i + 2;
                    } else {
                        self.at = i + 1;
                        self.in_string = false;
                        return true;
                    }
                }
                None => {
                    self.at = self.buf.len();
                    return false;
                }
            }
        }
    }

    fn scan_item(&mut self, emit: &mut dyn FnMut(Frame<'_>)) -> bool {
        while self.at < self.buf.len() {
            if self.in_string {
                if !self.skip_string() {
                    return false;
                }
                if self.depth == 0 {
                    // A bare string item closed.
                    self.close_item(emit);
                    return true;
                }
                continue;
            }
            let b = self.buf[self.at];
            self.at += 1;
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.close_item(emit);
                        return true;
                    }
                }
                b'\n' => self.line += 1,
                _ => {}
            }
        }
        false
    }

    fn close_item(&mut self, emit: &mut dyn FnMut(Frame<'_>)) {
        if let Some((start, pos)) = self.item.take() {
            self.items_seen += 1;
            let end = self.at.min(self.buf.len());
            emit(Frame::Item {
                bytes: &self.buf[start..end],
                pos,
            });
        }
    }

    fn start_item(&mut self) {
        self.item = Some((self.at, self.pos_here()));
        self.depth = 0;
        self.in_string = false;
    }

    /// Reports the rest of the line as garbage and skips it.
    fn garbage(&mut self, what: &str, emit: &mut dyn FnMut(Frame<'_>)) {
        let pos = self.pos_here();
        // Quote the first character only: the rest of the line may not have arrived yet.
        let rest = self.buf.get(self.at..).unwrap_or(&[]);
        let first = String::from_utf8_lossy(&rest[..rest.len().min(4)])
            .chars()
            .next()
            .unwrap_or(' ');
        self.skip_line();
        emit(Frame::Garbage {
            pos,
            what: format!("{what}, found `{first}`; the rest of the line was skipped"),
        });
    }

    /// Skips to the next newline; remembers to keep skipping if the chunk ends first.
    fn skip_line(&mut self) {
        match memchr::memchr(b'\n', &self.buf[self.at..]) {
            Some(off) => {
                self.at += off;
                self.skipping_line = false;
            }
            None => {
                self.at = self.buf.len();
                self.skipping_line = true;
            }
        }
    }

    fn scan_top(&mut self, emit: &mut dyn FnMut(Frame<'_>)) {
        if self.skipping_line {
            self.skip_line();
            return;
        }
        let b = self.buf[self.at];
        // A UTF-8 byte-order mark (Excel and PowerShell write one) is not garbage; it may
        // arrive split across chunks.
        if self.base + self.at as u64 == self.bom_bytes as u64
            && BOM.get(self.bom_bytes) == Some(&b)
        {
            self.bom_bytes += 1;
            self.at += 1;
            return;
        }
        match b {
            b'\n' => {
                self.line += 1;
                self.at += 1;
            }
            b' ' | b'\t' | b'\r' | b',' => self.at += 1,
            b'[' => {
                self.ctx = Ctx::TopArray;
                self.at += 1;
            }
            b'{' => {
                self.top = Some(TopObject {
                    start: self.at,
                    pos: self.pos_here(),
                    wrapper: false,
                    last_string: None,
                    at_record_key: false,
                });
                self.ctx = Ctx::TopObject;
                self.depth = 1;
                self.at += 1;
            }
            _ => self.garbage("expected the start of a JSON object or array", emit),
        }
    }

    fn scan_array(&mut self, emit: &mut dyn FnMut(Frame<'_>)) -> bool {
        let b = self.buf[self.at];
        match b {
            b'\n' => {
                self.line += 1;
                self.at += 1;
            }
            b' ' | b'\t' | b'\r' | b',' => self.at += 1,
            b']' => {
                self.at += 1;
                if self.ctx == Ctx::WrappedArray {
                    // Back inside the wrapping object, after its record array.
                    self.ctx = Ctx::TopObject;
                    self.depth = 1;
                } else {
                    self.ctx = Ctx::Top;
                }
            }
            b'{' | b'[' => self.start_item(),
            b'"' => {
                self.start_item();
                self.in_string = true;
                self.at += 1;
            }
            _ => {
                // A bare scalar where a record belongs (`null`, a number).
                let pos = self.pos_here();
                let start = self.at;
                while self.at < self.buf.len() && !matches!(self.buf[self.at], b',' | b']' | b'\n')
                {
                    self.at += 1;
                }
                if self.at == self.buf.len() {
                    // The scalar may continue in the next chunk: wait for it.
                    self.at = start;
                    return false;
                }
                let text = String::from_utf8_lossy(&self.buf[start..self.at]).into_owned();
                self.items_seen += 1;
                emit(Frame::Garbage {
                    pos,
                    what: format!(
                        "expected a record object, found `{}`",
                        clip(text.trim(), 40)
                    ),
                });
            }
        }
        true
    }

    fn scan_object(&mut self, emit: &mut dyn FnMut(Frame<'_>)) -> bool {
        let Some(mut top) = self.top else {
            self.ctx = Ctx::Top;
            return true;
        };
        while self.at < self.buf.len() {
            if self.in_string {
                let start = top.last_string.map_or(self.at, |(s, _)| s);
                if !self.skip_string() {
                    self.top = Some(top);
                    return false;
                }
                if self.depth == 1 {
                    top.last_string = Some((start, self.at - 1));
                }
                continue;
            }
            let b = self.buf[self.at];
            self.at += 1;
            match b {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 {
                        top.last_string = Some((self.at, self.at));
                    }
                }
                b':' if self.depth == 1 => {
                    top.at_record_key = top
                        .last_string
                        .and_then(|(s, e)| self.buf.get(s..e))
                        .is_some_and(is_record_key);
                    top.last_string = None;
                }
                b'[' if self.depth == 1 && top.at_record_key => {
                    top.wrapper = true;
                    top.at_record_key = false;
                    self.ctx = Ctx::WrappedArray;
                    self.top = Some(top);
                    return true;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    top.at_record_key = false;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.top = None;
                        self.ctx = Ctx::Top;
                        if !top.wrapper {
                            // The object was a record itself (a JSON Lines row).
                            self.items_seen += 1;
                            emit(Frame::Item {
                                bytes: &self.buf[top.start..self.at],
                                pos: top.pos,
                            });
                        }
                        return true;
                    }
                }
                b',' if self.depth == 1 => {
                    top.at_record_key = false;
                    top.last_string = None;
                }
                b'\n' => self.line += 1,
                _ => {}
            }
        }
        self.top = Some(top);
        false
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items as (text, byte, line), garbage notes, and the truncation note.
    type Framed = (Vec<(String, u64, u64)>, Vec<String>, Option<String>);

    /// Frames `input` fed in chunks of `chunk` bytes.
    fn frames(input: &str, chunk: usize) -> Framed {
        let mut framer = Framer::default();
        let mut items = Vec::new();
        let mut junk = Vec::new();
        let mut emit = |f: Frame<'_>| match f {
            Frame::Item { bytes, pos } => items.push((
                String::from_utf8_lossy(bytes).into_owned(),
                pos.byte,
                pos.line,
            )),
            Frame::Garbage { pos, what } => junk.push(format!("{}:{what}", pos.line)),
        };
        for piece in input.as_bytes().chunks(chunk.max(1)) {
            framer.push(piece, &mut emit);
        }
        let end = framer
            .finish(&mut emit)
            .map(|(p, m)| format!("{}:{m}", p.line));
        (items, junk, end)
    }

    fn texts(input: &str, chunk: usize) -> Vec<String> {
        frames(input, chunk)
            .0
            .into_iter()
            .map(|(t, _, _)| t)
            .collect()
    }

    #[test]
    fn every_wrapping_gives_the_same_items_at_any_chunk_size() {
        let cases = [
            r#"[{"a":1},{"a":"x]}"}]"#,
            r#"{"@odata.context":"c","value":[{"a":1},{"a":"x]}"}],"@odata.nextLink":"n"}"#,
            "{\"a\":1}\n{\"a\":\"x]}\"}\n",
            r#"{"records":[{"a":1},{"a":"x]}"}]}"#,
            "\u{feff}[ {\"a\":1} , {\"a\":\"x]}\"} ]",
        ];
        for case in cases {
            let case = case.trim_start_matches('\u{feff}');
            for chunk in [1, 2, 3, 7, 1000] {
                assert_eq!(
                    texts(case, chunk),
                    vec![r#"{"a":1}"#.to_string(), r#"{"a":"x]}"}"#.to_string()],
                    "{case} in chunks of {chunk}"
                );
            }
        }
    }

    #[test]
    fn escaped_quotes_and_braces_inside_strings_do_not_confuse_it() {
        let input = r#"[{"a":"say \"}\" \\"},{"b":"\\\"{"}]"#;
        for chunk in [1, 2, 5, 100] {
            assert_eq!(texts(input, chunk).len(), 2, "chunk {chunk}");
        }
    }

    #[test]
    fn an_array_of_pages_yields_the_pages() {
        let input = r#"[{"value":[{"a":1}]},{"value":[{"a":2}]}]"#;
        assert_eq!(
            texts(input, 4),
            vec![r#"{"value":[{"a":1}]}"#, r#"{"value":[{"a":2}]}"#]
        );
    }

    #[test]
    fn positions_are_absolute() {
        let input = "[\n{\"a\":1},\n  {\"a\":2}\n]";
        let (items, _, end) = frames(input, 3);
        assert_eq!(items[0].1, 2);
        assert_eq!(items[0].2, 2);
        assert_eq!(items[1].1, 13);
        assert_eq!(items[1].2, 3);
        assert_eq!(end, None);
    }

    #[test]
    fn truncation_is_reported_with_the_record_number() {
        let (items, _, end) = frames("[{\"a\":1},\n{\"a\":", 4);
        assert_eq!(items.len(), 1);
        assert_eq!(
            end.as_deref(),
            Some("2:the file ends inside record 2, which is incomplete (truncated download?)")
        );
        let (_, _, end) = frames("[{\"a\":1}", 4);
        assert!(end.unwrap_or_default().contains("closing `]`"));
        let (items, _, end) = frames("{\"value\":[{\"a\":1}", 4);
        assert_eq!(items.len(), 1);
        assert!(end.unwrap_or_default().contains("closing `]`"));
    }

    #[test]
    fn garbage_lines_are_skipped_and_reported() {
        let (items, junk, _) = frames("{\"a\":1}\nnot json\n{\"a\":2}\n", 5);
        assert_eq!(items.len(), 2);
        assert_eq!(junk.len(), 1);
        assert!(junk[0].starts_with("2:"), "{junk:?}");
        let (items, junk, _) = frames("[{\"a\":1}, null, 42, {\"a\":2}]", 3);
        assert_eq!(items.len(), 2);
        assert_eq!(junk.len(), 2, "{junk:?}");
    }

    #[test]
    fn memory_stays_bounded_by_the_open_item() {
        let mut framer = Framer::default();
        let mut n = 0;
        let mut emit = |_f: Frame<'_>| n += 1;
        framer.push(b"[", &mut emit);
        for _ in 0..10_000 {
            framer.push(br#"{"id":"0123456789","x":[1,2,3]},"#, &mut emit);
        }
        assert!(framer.buffered() < 100, "buffered {}", framer.buffered());
        framer.push(b"]", &mut emit);
        assert_eq!(framer.finish(&mut emit), None);
        assert_eq!(n, 10_000);
    }
}
