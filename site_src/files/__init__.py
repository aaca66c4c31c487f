"""Infrastructure every stage leans on, none of it about papers: reading the curator's files safely (source),
writing build/ through staging and one swap (write) and what it wrote (listing), one build at a time (lock), the build
cache (cache) and arrays kept in it (arrays).
"""
