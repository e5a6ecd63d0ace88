"""The Discord front end: a gateway client that translates, acknowledges and renders; no roadmap logic."""
