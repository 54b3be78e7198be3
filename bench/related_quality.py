#!/usr/bin/env python3
"""Compare the related-documents lists of two builds of the same site.

usage: bench/related_quality.py REFERENCE_PUBLIC CANDIDATE_PUBLIC

Reads the 相关文档 block of every page in both output folders and reports how
many pages have the same list (same links, same order), the same set, and
what share of the reference's links the candidate keeps. Used to measure the
capped related computation (search/related.rs) against exact lists.
"""
import os
import re
import sys

BLOCK = re.compile(r'<aside class="related".*?</aside>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


def related_lists(root):
    lists = {}
    for folder, _, files in os.walk(root):
        if "index.html" not in files or os.sep + "search" in folder:
            continue
        path = os.path.join(folder, "index.html")
        with open(path, encoding="utf-8") as f:
            block = BLOCK.search(f.read())
        if block:
            lists[os.path.relpath(path, root)] = HREF.findall(block.group(0))
    return lists


def main():
    reference, candidate = (related_lists(d) for d in sys.argv[1:3])
    pages = sorted(set(reference) | set(candidate))
    same_order = same_set = kept = total = 0
    for p in pages:
        a, b = reference.get(p, []), candidate.get(p, [])
        same_order += a == b
        same_set += set(a) == set(b)
        kept += len(set(a) & set(b))
        total += len(a)
    n = len(pages)
    print(f"pages with related lists: {n}")
    print(f"same list, same order:    {same_order} ({same_order / n:.1%})")
    print(f"same set of links:        {same_set} ({same_set / n:.1%})")
    print(f"reference links kept:     {kept} of {total} ({kept / max(total, 1):.1%})")


if __name__ == "__main__":
    main()
