"""Outputs: every file of build/ other than the HTML pages, each made from the assembled site."""
