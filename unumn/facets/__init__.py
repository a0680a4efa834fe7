"""Facets of the catalogue, in one package with an explicit interface:

- ``definitions``: ``Dimension``, what a facet filter (``unumn/filters.py``) tells
  the index about itself;
- ``index``: ``FacetIndex``, every public entry's facet values in memory, per
  content version and process;
- ``counting``: ``count(index, filterset, base)``, a selection's exact,
  disjunctive counts and its mask;
- ``presentation``: ``facets()``, ``year_facet()``, ``chips()``: what a page shows.

``unumn/catalogue.py``'s ``Selection`` orchestrates them.
"""
