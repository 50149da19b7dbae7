"""Verbatim: who said what, from news text to a queryable JSON API."""
