"""The `digest` commands, one module each (build, serve, check, fetch, new); cli.py only wires them to click.

They parse nothing themselves and hold no pipeline logic: each calls the build (site_src.build) or a file
helper and tells the curator what happened.
"""
