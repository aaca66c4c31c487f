"""Infrastructure every stage leans on, none of it about papers: reading the curator's files safely (source),
writing build/ through staging and one swap (write), one build at a time (lock), and the build cache (cache).
"""
