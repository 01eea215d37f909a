"""Execute one chapter and print it as a reader sees it: prose with the glued numbers filled in, the
visible cells' printed output, and what the hidden cells raised. A quick way to read a chapter with the
numbers this machine computes (set OPENBLAS_CORETYPE in the shell to read another CPU's) without
building the whole book.

    python scripts/render_chapter.py book/part2/07-mlp-universal-approximation.md > /tmp/ch07.txt
    python scripts/render_chapter.py --glue-only book/part1/04-losses.md   # just the glued values

Exits 1 if a cell raises or a glue reference is undefined.
"""

import argparse
import pathlib
import re
import sys
import time

import jupytext
import nbclient
from myst_nb.core.variables import format_plain_text

GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")


def glued_values(nb):
    """{name: text/plain repr} for every value a cell glued."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook")
            if scrap:
                data = out.get("data", {})
                prefix = scrap.get("mime_prefix", "")
                values[scrap["name"]] = data.get(prefix + "text/plain", data.get("text/plain", "<figure>"))
    return values


def formatted(text_plain, spec):
    """Format a glued value exactly as myst-nb's {glue:text} role does."""
    return format_plain_text(text_plain, spec or "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", type=pathlib.Path)
    parser.add_argument("--glue-only", action="store_true", help="print only the glued values")
    args = parser.parse_args(argv)
    nb = jupytext.read(args.chapter)
    start = time.perf_counter()
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(args.chapter.parent)}})
    client.execute()
    seconds = time.perf_counter() - start
    values = glued_values(nb)
    problems = []
    if args.glue_only:
        for name, value in values.items():
            print(f"{name} = {value}")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            def fill(match):
                name, spec = match.group(1), match.group(2)
                if name not in values:
                    problems.append(f"undefined glue reference {name!r}")
                    return f"<<UNDEFINED {name}>>"
                try:
                    return f"[{formatted(values[name], spec)}]"
                except (ValueError, TypeError) as error:
                    problems.append(f"glue {name!r} = {values[name]!r} cannot take format {spec!r}: {error}")
                    return f"<<BAD FORMAT {name}>>"
            text = GLUE_ROLE.sub(fill, cell.source)
            if not args.glue_only:
                print(text, end="\n\n")
            continue
        tags = cell.metadata.get("tags", [])
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"a cell raised {out['ename']}: {out['evalue']}\n{cell.source[:400]}")
        if args.glue_only or "remove-cell" in tags:
            continue
        shown = "" if "hide-input" in tags or "remove-input" in tags else cell.source
        printed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        print("```python\n" + shown + "\n```" + (f"\n[output]\n{printed}" if printed else "") + "\n")
    print(f"[executed in {seconds:.1f} s]", file=sys.stderr)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
