"""Builds the book of a run: the executed notebooks and the model cards as one static site.

usage: site.py EXECUTED_DIR MODELS_DIR SITE_DIR

The book is made by Sphinx with myst-nb and sphinx-book-theme (configuration in book/conf.py):
every NN_*.ipynb in EXECUTED_DIR becomes a chapter, rendered as it ran (never executed again),
every <model>.card.md in MODELS_DIR a page under cards/, and the landing page shows the
side-by-side comparison of all models (MODELS_DIR/vela/comparison_models.html, then
comparison_<accelerator>.html per NPU configuration) and links both. A
sidebar lists every page, each page has previous/next and a search box, and the page titles are
the notebooks' headings. Everything a page loads is in SITE_DIR, so the book opens from the file
system with no request to the internet. Cells tagged hide-input/hide-output in the notebooks
show collapsed. The book is rebuilt from scratch each time and replaces SITE_DIR when complete.

Numbers are never formatted here: the comparison tables are the HTML fragments the Java side
wrote with report.Tables.html (every figure through report.Format), embedded as they are (a
<wbr> after each underscore of a model name aside), so the landing page reads exactly as
notebook 06 does. The CSV files beside them hold the
unrounded data.
"""
import glob
import os
import re
import shutil
import sys
import tempfile

from sphinx.cmd.build import build_main

BOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "book")
# A Markdown link or image target in a model card: [text](target)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def add_card(path, models_dir, cards_dir):
    """Copies a model card and the files it links (models, golden vectors) into the book's source."""
    model = os.path.basename(path)[: -len(".card.md")]
    text = read(path)
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:|^#|^/", target):
            continue
        linked = os.path.normpath(os.path.join(models_dir, target))
        if os.path.isfile(linked):
            os.makedirs(os.path.dirname(os.path.join(cards_dir, target)), exist_ok=True)
            shutil.copyfile(linked, os.path.join(cards_dir, target))
    write(os.path.join(cards_dir, model + ".md"), text)
    return model


def breakable_names(table):
    """Lets a long model name in a cell (post_training_quant_model) break after an underscore,
    so that the comparison fits a desktop window beside the sidebar."""
    return re.sub(r"_(?=[^<>]*</td>)", "_<wbr>", table)


def landing_page(notebooks, cards, tables):
    # no "on this page" column on the landing page: its width goes to the comparison tables
    parts = ["---", "html_theme.sidebar_secondary.remove: true", "---", "",
             "# condition4j: the executed notebooks", "",
             "Each notebook as it ran, with its tables and charts, in order, and a card for every "
             "model it wrote. The sidebar lists them all; the search box finds any word in them.", ""]
    if tables:
        parts += ["## All models side by side", ""]
        for path in tables:
            name = os.path.basename(path)[len("comparison_"): -len(".html")]
            heading = "What each model is" if name == "models" else f"On the {name}"
            parts += [f"### {heading}", "", "```{raw} html", '<div class="table-scroll comparison">',
                      breakable_names(read(path).strip()), "</div>", "```", ""]
    parts += ["## Contents", "", "```{toctree}", ":caption: Notebooks", ":maxdepth: 1", ""]
    parts += notebooks
    parts += ["```", ""]
    if cards:
        parts += ["```{toctree}", ":caption: Model cards", ":maxdepth: 1", ""]
        parts += [f"cards/{m}" for m in cards]
        parts += ["```", ""]
    return "\n".join(parts)


def main(executed_dir, models_dir, site_dir):
    source = tempfile.mkdtemp(prefix="condition4j-book-")
    try:
        shutil.copytree(BOOK, source, dirs_exist_ok=True)
        notebooks = []
        for path in sorted(glob.glob(os.path.join(executed_dir, "[0-9]*.ipynb"))):
            shutil.copyfile(path, os.path.join(source, os.path.basename(path)))
            notebooks.append(os.path.splitext(os.path.basename(path))[0])
        if not notebooks:
            print(f"site.py: no executed notebook (NN_*.ipynb) in {executed_dir}; run ./run.sh first", file=sys.stderr)
            return 1
        cards = [add_card(path, models_dir, os.path.join(source, "cards"))
                 for path in sorted(glob.glob(os.path.join(models_dir, "*.card.md")))]
        # the models' own figures first, then what each NPU configuration makes of them
        tables = sorted(glob.glob(os.path.join(models_dir, "vela", "comparison_*.html")),
                        key=lambda p: (not p.endswith("comparison_models.html"), p))
        write(os.path.join(source, "index.md"), landing_page(notebooks, cards, tables))

        # the book is built beside SITE_DIR and renamed into place; myst-nb also writes a
        # jupyter_execute folder beside its output folder, so that goes into the scratch folder too
        scratch = site_dir.rstrip("/") + ".building"
        building = os.path.join(scratch, "html")
        shutil.rmtree(scratch, ignore_errors=True)
        status = build_main(["-q", "-b", "html", "-d", os.path.join(source, "_doctrees"), source, building])
        if status != 0:
            print(f"site.py: Sphinx failed (status {status}); its messages are above", file=sys.stderr)
            return 1
        shutil.rmtree(os.path.join(building, ".doctrees"), ignore_errors=True)
        shutil.rmtree(site_dir, ignore_errors=True)
        os.replace(building, site_dir)
    finally:
        shutil.rmtree(source, ignore_errors=True)
        shutil.rmtree(site_dir.rstrip("/") + ".building", ignore_errors=True)
    print(f"Book: {len(notebooks)} notebooks, {len(cards)} model cards in {os.path.abspath(site_dir)}/index.html")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
