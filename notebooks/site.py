"""Renders executed notebooks and the model cards into a static site that opens from the file system.

usage: site.py EXECUTED_DIR MODELS_DIR SITE_DIR

Every NN_*.ipynb in EXECUTED_DIR becomes SITE_DIR/NN_*.html through nbconvert's HTML exporter
(charts embedded as data URIs, so a page needs no other file); every <model>.card.md in
MODELS_DIR becomes SITE_DIR/cards/<model>.html; SITE_DIR/index.html lists the notebooks in
order, shows the side-by-side comparison tables (MODELS_DIR/vela/comparison_*.html) and links
every model card. All links are relative. The site is rebuilt from scratch each time.

Numbers are never formatted here: the comparison tables are the HTML fragments the Java side
wrote with report.Tables.html (every figure through report.Format), embedded as they are, so
the index reads exactly as notebook 06 does. The CSV files beside them hold the unrounded data.
"""
import glob
import html
import os
import shutil
import sys

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
code {{ background: #f4f4f4; padding: 0 0.2em; }}
</style></head><body>
{body}
</body></html>
"""


def title_of(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main(executed_dir, models_dir, site_dir):
    if os.path.isdir(site_dir):
        shutil.rmtree(site_dir)
    os.makedirs(os.path.join(site_dir, "cards"))
    exporter = HTMLExporter(template_name="lab")

    notebooks = []
    for path in sorted(glob.glob(os.path.join(executed_dir, "[0-9]*.ipynb"))):
        name = os.path.splitext(os.path.basename(path))[0]
        nb = nbformat.read(path, as_version=4)
        page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
        write(os.path.join(site_dir, name + ".html"), page)
        notebooks.append((name, title_of(nb, name)))

    cards = []
    for path in sorted(glob.glob(os.path.join(models_dir, "*.card.md"))):
        model = os.path.basename(path)[: -len(".card.md")]
        with open(path, encoding="utf-8") as f:
            body = markdown2html_mistune(f.read())
        body = '<p><a href="../index.html">← all notebooks and models</a></p>' + body
        write(os.path.join(site_dir, "cards", model + ".html"), PAGE.format(title=html.escape(model), body=body))
        cards.append(model)

    parts = ["<h1>condition4j: the executed notebooks</h1>",
             "<p>Each notebook as it ran, with its tables and charts, in order.</p><ol>"]
    parts += [f'<li><a href="{html.escape(n)}.html">{html.escape(t)}</a></li>' for n, t in notebooks]
    parts.append("</ol>")
    tables = sorted(glob.glob(os.path.join(models_dir, "vela", "comparison_*.html")))
    if tables:
        parts.append("<h2>All models side by side</h2>")
        for path in tables:
            accelerator = os.path.basename(path)[len("comparison_"): -len(".html")]
            parts.append(f"<h3>{html.escape(accelerator)}</h3>{read(path)}")
    if cards:
        parts.append("<h2>Model cards</h2><ul>")
        parts += [f'<li><a href="cards/{html.escape(m)}.html">{html.escape(m)}</a></li>' for m in cards]
        parts.append("</ul>")
    write(os.path.join(site_dir, "index.html"), PAGE.format(title="condition4j", body="\n".join(parts)))
    print(f"Site: {len(notebooks)} notebooks, {len(cards)} model cards in {os.path.abspath(site_dir)}/index.html")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
