#!/usr/bin/env python3
"""Gives N documents of a content folder one attachment each, for
bench/attachments.sh: alternately a .docx and an .xlsx made from the test
fixtures (tests/fixtures/attachments), each holding about 1,500 characters
of another document's text, so the attachments read like the corpus.

    python3 bench/make_attachments.py CONTENT_DIR N
"""
import html
import pathlib
import re
import sys
import zipfile

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/attachments"
DOCX_CELL = "在中心花园设立银杏议事角，配齐桌椅和公示栏"
XLSX_CELL = "楼栋微信群管理员"


def rewrite(template, out, member, old, new):
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                data = data.decode("utf-8").replace(old, html.escape(new)).encode("utf-8")
            dst.writestr(item, data)


def body_text(path):
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---", 2)[-1]
    return re.sub(r"\s+", "", re.sub(r"[#>*\[\]()`|-]", "", body))


def main():
    content, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    docs = sorted(p for p in content.rglob("*.md") if not p.name.startswith("_"))
    for i, doc in enumerate(docs[:n]):
        text = body_text(docs[(i + 7) % len(docs)])[:1500]
        if i % 2 == 0:
            name = f"{doc.stem}-fujian.docx"
            rewrite(FIXTURES / "renwu.docx", doc.parent / name, "word/document.xml", DOCX_CELL, text)
        else:
            name = f"{doc.stem}-fujian.xlsx"
            rewrite(FIXTURES / "mingdan.xlsx", doc.parent / name, "xl/sharedStrings.xml", XLSX_CELL, text)
        source = doc.read_text(encoding="utf-8")
        assert source.startswith("---\n"), doc
        doc.write_text(f"---\nattachments:\n  - {name}\n" + source[4:], encoding="utf-8")
    print(f"{min(n, len(docs))} attachments written")


if __name__ == "__main__":
    main()
