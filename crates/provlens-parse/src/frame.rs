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
    /// What the previous chunk left open (usually part of one record); empty between records.
    buf: Vec<u8>,
    /// Absolute offset of the first byte of what is being scanned: `buf` while it holds a
    /// carried record, else the chunk itself (see [`Framer::push`]).
    base: u64,
    /// Scan position within what is being scanned. The indices below are relative to it too.
    at: usize,
    /// Line number at `at`.
    line: u64,
    ctx: Ctx,
    /// The item being scanned: its start index and its position.
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

/// The first piece of a chunk added to a record the previous chunk left open; the pieces
/// double until the record closes. Most records are a few kilobytes.
const CARRY_PIECE: usize = 8 << 10;

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

    /// Scans a chunk and calls `emit` for each frame completed by it.
    ///
    /// Items are framed inside the chunk itself. Only what the previous chunk left open (usually
    /// one record cut in two) is copied: the chunk's bytes are added to it in growing pieces
    /// until that record closes, and the rest of the chunk is scanned in place. What this
    /// chunk leaves open is kept for the next one.
    pub fn push(&mut self, chunk: &[u8], emit: &mut dyn FnMut(Frame<'_>)) {
        let mut taken = 0;
        let mut piece = CARRY_PIECE;
        while !self.buf.is_empty() {
            if taken == chunk.len() {
                self.compact();
                return;
            }
            let carried = self.buf.len();
            let end = chunk.len().min(taken + piece);
            self.buf.extend_from_slice(&chunk[taken..end]);
            taken = end;
            piece = piece.saturating_mul(2);
            let buf = std::mem::take(&mut self.buf);
            let settled = self.scan(&buf, emit, Some(carried));
            self.buf = buf;
            if settled {
                // Nothing before `at` is needed any more; the bytes after it were not scanned
                // yet and are scanned in place below.
                taken -= self.buf.len() - self.at;
                self.base += self.at as u64;
                self.at = 0;
                self.buf.clear();
            }
        }
        let rest = &chunk[taken..];
        self.scan(rest, emit, None);
        let keep = self.keep_from();
        self.buf.extend_from_slice(&rest[keep..]);
        self.shift(keep);
    }

    /// Ends the input. Returns where and why the input looks cut off, if it does.
    pub fn finish(&mut self, emit: &mut dyn FnMut(Frame<'_>)) -> Option<(Pos, String)> {
        let buf = std::mem::take(&mut self.buf);
        self.scan(&buf, emit, None);
        self.buf = buf;
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

    /// The first byte an open item (or a key of a top-level object) still needs: everything
    /// before it can be dropped.
    fn keep_from(&self) -> usize {
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
        keep_from
    }

    /// True when nothing scanned so far is needed again: no item, record or key is open.
    fn settled(&self) -> bool {
        self.item.is_none()
            && self
                .top
                .is_none_or(|top| top.wrapper && top.last_string.is_none())
    }

    /// Moves the scan's indices back by `n` bytes dropped from the front of what it scans.
    fn shift(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.base += n as u64;
        self.at -= n;
        if let Some((s, _)) = self.item.as_mut() {
            *s -= n;
        }
        if let Some(top) = self.top.as_mut() {
            // A wrapper's start is not kept (only its records are), so it may already be
            // dropped: it is then stale but never read.
            top.start = top.start.saturating_sub(n);
            if let Some((s, e)) = top.last_string.as_mut() {
                *s -= n;
                *e -= n;
            }
        }
    }

    /// Drops the consumed prefix of the buffer, keeping whatever an open item still needs.
    fn compact(&mut self) {
        let keep_from = self.keep_from();
        self.buf.drain(..keep_from);
        self.shift(keep_from);
    }

    /// Scans `data` (the buffer, or a chunk in place) from `at` as far as it allows. Each step
    /// returns false when it needs more bytes.
    ///
    /// With `settle_after`, stops at the first settled point at or past that index and
    /// returns true.
    fn scan(
        &mut self,
        data: &[u8],
        emit: &mut dyn FnMut(Frame<'_>),
        settle_after: Option<usize>,
    ) -> bool {
        while self.at < data.len() {
            let progressed = if self.item.is_some() {
                self.scan_item(data, emit)
            } else {
                match self.ctx {
                    Ctx::Top => {
                        self.scan_top(data, emit);
                        true
                    }
                    Ctx::TopArray | Ctx::WrappedArray => self.scan_array(data, emit),
                    Ctx::TopObject => self.scan_object(data, emit),
                }
            };
            if !progressed {
                return false;
            }
            if settle_after.is_some_and(|i| self.at >= i) && self.settled() {
                return true;
            }
        }
        false
    }

    /// Skips a string body starting at `self.at` (just after the opening quote). Returns false
    /// when the buffer ends first (the string continues in the next chunk).
    fn skip_string(&mut self, data: &[u8]) -> bool {
        loop {
            match memchr::memchr2(b'"', b'\\', &data[self.at..]) {
                Some(off) => {
                    let i = self.at + off;
                    if data[i] == b'\\' {
                        if i + 1 >= data.len() {
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
                    self.at = data.len();
                    return false;
                }
            }
        }
    }

    fn scan_item(&mut self, data: &[u8], emit: &mut dyn FnMut(Frame<'_>)) -> bool {
        while self.at < data.len() {
            if self.in_string {
                if !self.skip_string(data) {
                    return false;
                }
                if self.depth == 0 {
                    // A bare string item closed.
                    self.close_item(data, emit);
                    return true;
                }
                continue;
            }
            let b = data[self.at];
            self.at += 1;
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.close_item(data, emit);
                        return true;
                    }
                }
                b'\n' => self.line += 1,
                _ => {}
            }
        }
        false
    }

    fn close_item(&mut self, data: &[u8], emit: &mut dyn FnMut(Frame<'_>)) {
        if let Some((start, pos)) = self.item.take() {
            self.items_seen += 1;
            let end = self.at.min(data.len());
            emit(Frame::Item {
                bytes: &data[start..end],
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
    fn garbage(&mut self, data: &[u8], what: &str, emit: &mut dyn FnMut(Frame<'_>)) {
        let pos = self.pos_here();
        // Quote the first character only: the rest of the line may not have arrived yet.
        let rest = data.get(self.at..).unwrap_or(&[]);
        let first = String::from_utf8_lossy(&rest[..rest.len().min(4)])
            .chars()
            .next()
            .unwrap_or(' ');
        self.skip_line(data);
        emit(Frame::Garbage {
            pos,
            what: format!("{what}, found `{first}`; the rest of the line was skipped"),
        });
    }

    /// Skips to the next newline; remembers to keep skipping if the chunk ends first.
    fn skip_line(&mut self, data: &[u8]) {
        match memchr::memchr(b'\n', &data[self.at..]) {
            Some(off) => {
                self.at += off;
                self.skipping_line = false;
            }
            None => {
                self.at = data.len();
                self.skipping_line = true;
            }
        }
    }

    fn scan_top(&mut self, data: &[u8], emit: &mut dyn FnMut(Frame<'_>)) {
        if self.skipping_line {
            self.skip_line(data);
            return;
        }
        let b = data[self.at];
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
            _ => self.garbage(data, "expected the start of a JSON object or array", emit),
        }
    }

    fn scan_array(&mut self, data: &[u8], emit: &mut dyn FnMut(Frame<'_>)) -> bool {
        let b = data[self.at];
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
                while self.at < data.len() && !matches!(data[self.at], b',' | b']' | b'\n') {
                    self.at += 1;
                }
                if self.at == data.len() {
                    // The scalar may continue in the next chunk: wait for it.
                    self.at = start;
                    return false;
                }
                let text = String::from_utf8_lossy(&data[start..self.at]).into_owned();
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

    fn scan_object(&mut self, data: &[u8], emit: &mut dyn FnMut(Frame<'_>)) -> bool {
        let Some(mut top) = self.top else {
            self.ctx = Ctx::Top;
            return true;
        };
        while self.at < data.len() {
            if self.in_string {
                let start = top.last_string.map_or(self.at, |(s, _)| s);
                if !self.skip_string(data) {
                    self.top = Some(top);
                    return false;
                }
                if self.depth == 1 {
                    top.last_string = Some((start, self.at - 1));
                }
                continue;
            }
            let b = data[self.at];
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
                        .and_then(|(s, e)| data.get(s..e))
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
                                bytes: &data[top.start..self.at],
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

/// `s` cut to its first `n` characters, with `…` when cut (for quoting input in messages).
pub fn clip(s: &str, n: usize) -> String {
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

    /// Records from a few bytes to several carry pieces long, with escapes, braces inside
    /// strings and line breaks, in each wrapping.
    fn long_inputs() -> Vec<String> {
        let mut records = Vec::new();
        for (i, len) in [3, 40, 900, 5_000, 9_000, 20_000, 70_000, 12, 8_190]
            .into_iter()
            .enumerate()
        {
            let filler: String = (0..len)
                .map(|k| match (k + i) % 97 {
                    0 => "\\\"",
                    1 => "}]",
                    2 => "{[",
                    _ => "x",
                })
                .collect();
            records.push(format!(
                "{{\"n\":{i},\n\"s\":\"{filler}\",\"a\":[{{}},[]]}}"
            ));
        }
        let array = format!("[{}]", records.join(",\n"));
        let page = format!(
            "{{\"@odata.context\":\"{}\",\"value\":{array},\"@odata.nextLink\":\"n\"}}",
            "c".repeat(10_000)
        );
        let lines: String = records
            .iter()
            .map(|r| r.replace('\n', " ") + "\n")
            .collect();
        vec![array, page, lines]
    }

    #[test]
    fn items_longer_than_a_chunk_frame_the_same_at_any_chunk_size() {
        for input in long_inputs() {
            let whole = frames(&input, input.len());
            assert_eq!(whole.0.len(), 9);
            assert!(whole.1.is_empty() && whole.2.is_none(), "{whole:?}");
            for chunk in [1, 999, 4_096, 8_191, 8_192, 8_193, 17_000, 65_536] {
                assert!(frames(&input, chunk) == whole, "chunks of {chunk}");
            }
        }
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
