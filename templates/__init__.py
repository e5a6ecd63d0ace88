"""Draft templates (jinja2), one file per draft kind; shipped as package data."""
