//! Spreadsheets (.xlsx, .xls, .ods) through calamine: each sheet a heading
//! (its name) and a table of its cell text. Formulas give their cached
//! values; empty rows and columns are dropped.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::{Block, ExtractError, Extracted, Paragraph, Result};

pub fn read(bytes: &[u8]) -> Result<Extracted> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        let detail = e.to_string();
        if detail.to_ascii_lowercase().contains("password") || detail.contains("encrypt") {
            ExtractError::Encrypted
        } else {
            ExtractError::Corrupt {
                format: "spreadsheet",
                detail,
            }
        }
    })?;
    let mut out = Extracted::default();
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            out.warnings.push(format!("sheet {name} could not be read"));
            continue;
        };
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(cell_text).collect::<Vec<_>>())
            .filter(|row: &Vec<String>| row.iter().any(|c| !c.is_empty()))
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.blocks.push(Block::Paragraph(Paragraph::plain(name)));
        out.blocks.push(Block::Table(rows));
    }
    Ok(out)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Error(_) => String::new(),
        other => other.to_string(),
    }
}
