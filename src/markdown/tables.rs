//! Tables, written here rather than by pulldown-cmark: wrapped in a
//! focusable `<div class="table-wrap">` so they scroll sideways on narrow
//! screens (and keyboard users can scroll them too, WCAG 2.1.1), with each
//! cell's column alignment as a class (`al-left`, `al-center`, `al-right`).
//!
//! It must never write an inline `style`: pulldown-cmark's own alignment is
//! `style="text-align: …"`, which a strict Content-Security-Policy blocks.

use pulldown_cmark::{Alignment, Event};

use super::renderer::Renderer;

/// The table being written.
pub(super) struct OpenTable {
    /// Column alignments, from the delimiter row.
    alignments: Vec<Alignment>,
    /// Index of the cell being written in its row.
    cell: usize,
    /// Whether the row being written is the header row.
    head: bool,
}

impl Renderer<'_, '_> {
    pub(super) fn start_table(&mut self, alignments: Vec<Alignment>) {
        self.emit(Event::Html(
            "<div class=\"table-wrap\" tabindex=\"0\"><table>".into(),
        ));
        self.table = Some(OpenTable {
            alignments,
            cell: 0,
            head: false,
        });
    }

    pub(super) fn start_table_head(&mut self) {
        if let Some(table) = &mut self.table {
            table.cell = 0;
            table.head = true;
        }
        self.emit(Event::Html("<thead><tr>".into()));
    }

    pub(super) fn start_table_row(&mut self) {
        if let Some(table) = &mut self.table {
            table.cell = 0;
            table.head = false;
        }
        self.emit(Event::Html("<tr>".into()));
    }

    pub(super) fn start_table_cell(&mut self) {
        let (cell, head) = match &self.table {
            Some(table) => (table.alignments.get(table.cell).copied(), table.head),
            None => (None, false),
        };
        self.emit(Event::Html(cell_tag(head, cell).into()));
    }

    pub(super) fn end_table(&mut self) {
        self.table = None;
        self.emit(Event::Html("</tbody></table>\n</div>\n".into()));
    }

    pub(super) fn end_table_head(&mut self) {
        self.emit(Event::Html("</tr></thead><tbody>\n".into()));
    }

    pub(super) fn end_table_row(&mut self) {
        self.emit(Event::Html("</tr>\n".into()));
    }

    pub(super) fn end_table_cell(&mut self) {
        let head = self.table.as_ref().is_some_and(|table| table.head);
        if let Some(table) = &mut self.table {
            table.cell += 1;
        }
        self.emit(Event::Html(if head { "</th>" } else { "</td>" }.into()));
    }
}

/// The opening tag of a cell. A table can have millions of cells, so this
/// is a constant, not a string made per cell.
fn cell_tag(head: bool, alignment: Option<Alignment>) -> &'static str {
    match (head, alignment) {
        (true, Some(Alignment::Left)) => "<th class=\"al-left\">",
        (true, Some(Alignment::Center)) => "<th class=\"al-center\">",
        (true, Some(Alignment::Right)) => "<th class=\"al-right\">",
        (true, _) => "<th>",
        (false, Some(Alignment::Left)) => "<td class=\"al-left\">",
        (false, Some(Alignment::Center)) => "<td class=\"al-center\">",
        (false, Some(Alignment::Right)) => "<td class=\"al-right\">",
        (false, _) => "<td>",
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;

    #[test]
    fn table_alignment_is_a_class_not_an_inline_style() {
        let r = md("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n");
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(r.html.contains("<th class=\"al-left\">a</th><th class=\"al-center\">b</th><th class=\"al-right\">c</th><th>d</th>"), "{}", r.html);
        assert!(
            r.html
                .contains("<td class=\"al-right\">3</td><td>4</td></tr>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn tables_are_wrapped() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            r.html
                .starts_with("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
            "{}",
            r.html
        );
        assert!(
            r.html.trim_end().ends_with("</table>\n</div>"),
            "{}",
            r.html
        );
    }
}
