//! The report: the checks counted, the failures kept, the result tables.

#[derive(Default)]
pub(super) struct Report {
    pub(super) checks: usize,
    pub(super) failures: Vec<String>,
    /// `(table, columns, rows)`.
    pub(super) tables: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
}

impl Report {
    pub(super) fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.failures.push(what());
        }
    }

    pub(super) fn table(&mut self, title: &str, columns: &[&str]) {
        self.tables.push((
            title.to_owned(),
            columns.iter().map(|c| (*c).to_owned()).collect(),
            Vec::new(),
        ));
    }

    pub(super) fn row(&mut self, cells: Vec<String>) {
        eprintln!("conformance: {}", cells.join(" | "));
        if let Some((_, _, rows)) = self.tables.last_mut() {
            rows.push(cells);
        }
    }

    pub(super) fn markdown(&self) -> String {
        let mut s = String::new();
        for (title, columns, rows) in &self.tables {
            s.push_str(&format!("### {title}\n\n| {} |\n", columns.join(" | ")));
            s.push_str(&format!("|{}\n", " --- |".repeat(columns.len())));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                s.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            s.push('\n');
        }
        s
    }
}

pub(super) fn yes(ok: bool) -> String {
    if ok { "yes" } else { "**no**" }.to_owned()
}

/// "1 attempt", "3 attempts".
pub(super) fn attempts_text(n: u64) -> String {
    if n == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{n} attempts")
    }
}
