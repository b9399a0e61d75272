"""Sphinx configuration of the book of executed notebooks; site.py copies it into the book's source folder.

The notebooks are rendered as they ran (myst-nb, never re-executed) with sphinx-book-theme;
everything a page needs is in the built folder, so the book reads the same offline and from the
file system.
"""
project = "condition4j"
html_title = "condition4j"
extensions = ["myst_nb"]
exclude_patterns = ["_build"]

# The executed notebooks are the record of a run: render them, never run them again.
nb_execution_mode = "off"
nb_merge_streams = True
# Widgets would pull require.js from the internet; the notebooks have none.
nb_ipywidgets_js = {}
# Sphinx links MathJax (from the internet) only into pages with TeX; the notebooks write none,
# and the site check fails on any page that would load a script from outside the book.

html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "launch_buttons": {},
    "search_bar_text": "Search the notebooks and cards",
    "navbar_persistent": [],  # one search box, in the sidebar (the header would repeat it)
}
html_static_path = ["_static"]
html_css_files = ["condition4j.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
