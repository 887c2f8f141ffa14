//! Byte offsets in a page body turned into the 1-based line and character
//! column of the real source file, for error messages.
//!
//! It must stay cheap when nothing is asked (most pages have no errors and
//! no links) and never panic on an offset past the end or inside a
//! character.

/// Turns byte offsets into 1-based line and character column in the source
/// file. The line table is built on first use, since many pages need none.
pub(super) struct Locator<'a> {
    text: &'a str,
    first_line: usize,
    line_starts: Vec<usize>,
    /// The last answer (line index, offset, column), so that many positions
    /// on one long line are counted incrementally rather than from its start.
    last: Option<(usize, usize, usize)>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(text: &'a str, first_line: usize) -> Self {
        Self {
            text,
            first_line,
            line_starts: Vec::new(),
            last: None,
        }
    }

    pub(super) fn position(&mut self, offset: usize) -> (usize, usize) {
        if self.line_starts.is_empty() {
            self.line_starts.push(0);
            // `match_indices` with a char searches with memchr.
            self.line_starts
                .extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
        }
        let offset = offset.min(self.text.len());
        let index = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(index).copied().unwrap_or(0);
        let (from, base) = match self.last {
            Some((last_index, last_offset, last_column))
                if last_index == index && last_offset <= offset =>
            {
                (last_offset, last_column)
            }
            _ => (line_start, 1),
        };
        let column = base
            + self
                .text
                .get(from..offset)
                .map_or(offset - from, |s| s.chars().count());
        self.last = Some((index, offset, column));
        let line = self
            .first_line
            .saturating_sub(1)
            .saturating_add(index)
            .saturating_add(1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{md, render_with};

    #[test]
    fn first_line_zero_does_not_underflow() {
        let r = render_with("[x](@/nope.md)", 0);
        assert_eq!((r.errors[0].line, r.errors[0].column), (1, 1));
    }

    #[test]
    fn columns_count_characters_on_long_lines() {
        let line = "é".repeat(50);
        let body = format!("{line} [a](@/x.md) {line} [b](@/y.md) [c](@/z.md)\n");
        let r = md(&body);
        let columns: Vec<usize> = r.errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, [52, 115, 127]);
    }
}
