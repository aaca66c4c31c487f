"""Small text helpers with no knowledge of the pipeline: slugs, LaTeX made readable, which URLs may become links."""
